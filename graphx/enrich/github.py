"""GitHub enrichment: stars, language, licence, activity for every repository papers point at.

GET {GITHUB_API_URL}/repos/{owner}/{name} through the cached session (graphx.http). A token in
GITHUB_TOKEN is sent as a Bearer header and never printed or stored. Faults never lose what was
fetched: 404 marks the repo missing, a redirect records the renamed repo, a long rate limit stops
fetching and says how many repos were left.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from graphx import http
from graphx.errors import GraphxError
from graphx.model import Graph, Repo
from graphx.papers import clean_text
from graphx.repos import parse_repo_url
from graphx.text import scrub

DEFAULT_API = "https://api.github.com"
MAX_WORKERS = 4  # GitHub asks for few concurrent requests
MAX_RATE_LIMIT_WAIT = 60.0  # seconds worth waiting for a rate limit to reset


class RateLimited(GraphxError):
    def __init__(self, wait: float, reset_at: str) -> None:
        self.wait = wait
        self.reset_at = reset_at
        super().__init__(f"GitHub rate limit reached (resets {reset_at})")


@dataclass
class GithubReport:
    fetched: int = 0
    from_cache: int = 0
    missing: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    not_cached: int = 0  # offline and no cached answer
    left: int = 0  # not attempted because of a rate limit
    retry_at: str | None = None

    def warnings(self) -> list[str]:
        lines = []
        if self.not_cached:
            lines.append(f"offline: {self.not_cached} repo(s) had no cached GitHub data")
        if self.left:
            lines.append(f"GitHub rate limit: {self.left} repo(s) left unfetched; retry after "
                         f"{self.retry_at} (a GITHUB_TOKEN raises the limit)")
        for name, problem in sorted(self.failed.items()):
            lines.append(f"GitHub: skipped {name}: {problem}")
        return lines


def api_url() -> str:
    return os.environ.get("GITHUB_API_URL", DEFAULT_API).rstrip("/")


def _headers() -> dict[str, str]:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    token = os.environ.get("GITHUB_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _rate_limit_wait(response: Any) -> float | None:
    """Seconds to wait when `response` is a rate limit answer, else None."""
    if response.status_code not in (403, 429):
        return None
    headers = response.headers
    if "Retry-After" in headers:
        try:
            return max(0.0, float(headers["Retry-After"]))
        except ValueError:
            return MAX_RATE_LIMIT_WAIT + 1
    if headers.get("X-RateLimit-Remaining") == "0" and "X-RateLimit-Reset" in headers:
        try:
            return max(0.0, float(headers["X-RateLimit-Reset"]) - time.time())
        except ValueError:
            return MAX_RATE_LIMIT_WAIT + 1
    if response.status_code == 429:
        return MAX_RATE_LIMIT_WAIT + 1
    return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _text(value: Any, limit: int = 1000) -> str | None:
    return clean_text(value, limit) or None if isinstance(value, str) else None


def _fill(repo: Repo, data: dict[str, Any]) -> None:
    """Copy the answer's fields, each only when it has the type GitHub documents: the answer is
    untrusted (a proxy's error page, a changed API) and ends up in the store and the page."""
    data = scrub(data)
    license_info = data.get("license")
    topics = data.get("topics")
    repo.status = "ok"
    repo.stars = _count(data.get("stargazers_count"))
    repo.forks = _count(data.get("forks_count"))
    repo.language = _text(data.get("language"), 100)
    repo.topics = [t for t in topics if isinstance(t, str)][:50] if isinstance(topics, list) else []
    repo.license = _text(license_info.get("spdx_id"), 100) if isinstance(license_info, dict) else None
    repo.description = _text(data.get("description"))
    repo.created_at = _text(data.get("created_at"), 40)
    repo.pushed_at = _text(data.get("pushed_at"), 40)
    archived = data.get("archived")
    repo.archived = archived if isinstance(archived, bool) else None
    repo.default_branch = _text(data.get("default_branch"), 200)
    html_url = data.get("html_url")
    repo.html_url = html_url if isinstance(html_url, str) and html_url.startswith("https://") else None
    full_name = data.get("full_name")
    if isinstance(full_name, str) and parse_repo_url(f"https://github.com/{full_name}") == full_name \
            and full_name.lower() != repo.name.lower():
        repo.canonical = full_name
    repo.fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")


def fetch_repo(repo: Repo, config: http.HttpConfig, max_wait: float = MAX_RATE_LIMIT_WAIT) -> bool:
    """Fill `repo` from the API. Returns True when the answer came from the cache.

    Raises RateLimited for a limit that resets later than `max_wait`, OfflineMiss, NetworkError.
    """
    url = f"{api_url()}/repos/{repo.name}"
    while True:
        response = http.request(config, "GET", url, headers=_headers())
        wait = _rate_limit_wait(response)
        if wait is None:
            break
        if wait > max_wait:
            reset = datetime.fromtimestamp(time.time() + wait, timezone.utc)
            raise RateLimited(wait, reset.strftime("%Y-%m-%d %H:%M UTC"))
        time.sleep(wait)
    from_cache = bool(getattr(response, "from_cache", False))
    if response.status_code == 404:
        repo.status = "missing"
        repo.fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return from_cache
    if response.status_code != 200:
        raise http.NetworkError(f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise http.NetworkError("the answer was not JSON") from None
    if not isinstance(data, dict):
        raise http.NetworkError("unexpected answer")
    _fill(repo, data)
    return from_cache


def enrich(graph: Graph, config: http.HttpConfig | None = None, workers: int | None = None,
           max_wait: float = MAX_RATE_LIMIT_WAIT,
           on_progress: Callable[[str], None] | None = None) -> GithubReport:
    """Fetch metadata for every repo in `graph` (in place). Never raises for a single repo."""
    config = config or http.HttpConfig.from_env()
    report = GithubReport()
    repos = sorted(graph.repos.values(), key=lambda r: r.name.lower())
    stop = False

    def one(repo: Repo) -> None:
        nonlocal stop
        if stop:
            report.left += 1
            return
        try:
            if fetch_repo(repo, config, max_wait):
                report.from_cache += 1
            else:
                report.fetched += 1
            if repo.status == "missing":
                report.missing.append(repo.name)
            if repo.canonical:
                report.renamed[repo.name] = repo.canonical
        except RateLimited as exc:
            stop = True
            report.left += 1
            report.retry_at = exc.reset_at
        except http.OfflineMiss:
            report.not_cached += 1
        except http.NetworkError as exc:
            report.failed[repo.name] = str(exc).split(": ", 1)[-1]
        finally:
            if on_progress:
                on_progress(repo.name)

    with ThreadPoolExecutor(max_workers=max(1, workers or MAX_WORKERS)) as pool:
        list(pool.map(one, repos))
    return report
