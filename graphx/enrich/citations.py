"""Citation edges from the Semantic Scholar Graph API: which papers of the corpus cite each other.

Papers with an arXiv id (or DOI) are looked up in batches (POST /graph/v1/paper/batch); title-only
papers are first resolved by title match (GET /graph/v1/paper/search/match), accepted only when
the normalised titles agree. Every answer goes through the cached session (graphx.http), not-found
answers included, so a second run sends nothing for fresh entries. S2_API_KEY, when set, is sent
as `x-api-key` and never stored.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphx import http
from graphx.model import Edge, Graph
from graphx.papers import Paper, normalize_title
from graphx.text import scrub

DEFAULT_API = "https://api.semanticscholar.org"
BATCH_SIZE = 500
FIELDS = "externalIds,citationCount,references.externalIds"
MAX_429_RETRIES = 4


@dataclass
class CitationReport:
    looked_up: int = 0
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)  # paper ids S2 does not know
    rejected: list[str] = field(default_factory=list)  # title matches whose titles disagree
    cites: int = 0
    undone: int = 0  # papers left because of rate limits or failures
    problems: list[str] = field(default_factory=list)
    not_cached: int = 0

    def warnings(self) -> list[str]:
        lines = list(self.problems)
        if self.not_cached:
            lines.append(f"offline: {self.not_cached} citation lookup(s) had no cached answer")
        if self.undone:
            lines.append(f"Semantic Scholar: {self.undone} paper(s) left without citation data; "
                         "run again later (an S2_API_KEY raises the rate limit)")
        return lines


def api_url() -> str:
    return os.environ.get("S2_API_URL", DEFAULT_API).rstrip("/")


def _headers() -> dict[str, str]:
    key = os.environ.get("S2_API_KEY")
    return {"x-api-key": key} if key else {}


class _Client:
    """Sends requests no faster than `rate` per second (cache hits are free) and backs off on 429."""

    def __init__(self, config: http.HttpConfig, rate: float) -> None:
        self.config = config
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.last_network = 0.0

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The decoded JSON answer, None for a 404; raises http.NetworkError otherwise."""
        delay = max(self.config.backoff, 0.05)
        for attempt in range(MAX_429_RETRIES + 1):
            wait = self.last_network + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            response = http.request(self.config, method, f"{api_url()}{path}", headers=_headers(),
                                    **kwargs)
            if not getattr(response, "from_cache", False):
                self.last_network = time.monotonic()
            if response.status_code == 429 and attempt < MAX_429_RETRIES:
                retry_after = response.headers.get("Retry-After", "")
                time.sleep(float(retry_after) if retry_after.isdigit() else delay)
                delay *= 2
                continue
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                raise http.NetworkError(f"{path.split('?')[0]}: HTTP {response.status_code}")
            try:
                return scrub(response.json())
            except ValueError:
                raise http.NetworkError(f"{path.split('?')[0]}: the answer was not JSON") from None
        raise http.NetworkError(f"{path.split('?')[0]}: still rate limited (HTTP 429)")


def _external_key(paper: Paper) -> str | None:
    if paper.arxiv_id:
        return f"ARXIV:{paper.arxiv_id}"
    if paper.doi:
        return f"DOI:{paper.doi}"
    return None


def _match_title(client: _Client, paper: Paper, report: CitationReport) -> str | None:
    from urllib.parse import quote

    answer = client.call("GET", f"/graph/v1/paper/search/match?query={quote(paper.title)}"
                                f"&fields=title,externalIds")
    data = answer.get("data") if isinstance(answer, dict) else None
    if not data or not isinstance(data, list) or not isinstance(data[0], dict):
        report.unmatched.append(paper.id)
        return None
    best = data[0]
    if normalize_title(str(best.get("title") or "")) != paper.title_key:
        report.rejected.append(paper.id)
        return None
    return best.get("paperId") if isinstance(best.get("paperId"), str) else None


def enrich(graph: Graph, config: http.HttpConfig | None = None, rate: float = 1.0,
           on_progress: Callable[[str], None] | None = None) -> CitationReport:
    """Add `cites` edges between papers of `graph` (in place) and each paper's citation count."""
    config = config or http.HttpConfig.from_env()
    client = _Client(config, rate)
    report = CitationReport()
    keys: dict[str, str] = {}  # paper id -> S2 lookup key
    failed = False
    for paper in graph.papers:
        key = _external_key(paper)
        if key is None and not failed:
            try:
                s2_id = _match_title(client, paper, report)
                key = s2_id
            except http.OfflineMiss:
                report.not_cached += 1
            except http.NetworkError as exc:
                report.problems.append(f"Semantic Scholar: {exc}")
                failed = True
            if on_progress:
                on_progress(paper.title)
        if key:
            keys[paper.id] = key
        elif failed:
            report.undone += 1

    records: dict[str, dict[str, Any]] = {}
    items = list(keys.items())
    for start in range(0, len(items), BATCH_SIZE):
        chunk = items[start : start + BATCH_SIZE]
        if failed:
            report.undone += len(chunk)
            continue
        try:
            answer = client.call("POST", f"/graph/v1/paper/batch?fields={FIELDS}",
                                 json={"ids": [key for _, key in chunk]})
        except http.OfflineMiss:
            report.not_cached += len(chunk)
            continue
        except http.NetworkError as exc:
            report.problems.append(f"Semantic Scholar: {exc}")
            report.undone += len(chunk)
            failed = True
            continue
        if not isinstance(answer, list) or len(answer) != len(chunk):
            report.problems.append("Semantic Scholar: malformed batch answer (skipped)")
            report.undone += len(chunk)
            continue
        for (paper_id, _), record in zip(chunk, answer, strict=True):
            report.looked_up += 1
            if isinstance(record, dict):
                records[paper_id] = record
            else:
                report.unmatched.append(paper_id)

    # index the corpus by every id Semantic Scholar may use for it
    by_external: dict[str, str] = {}
    for paper in graph.papers:
        if paper.arxiv_id:
            by_external[f"arxiv:{paper.arxiv_id.lower()}"] = paper.id
        if paper.doi:
            by_external[f"doi:{paper.doi.lower()}"] = paper.id
    for paper_id, record in records.items():
        if isinstance(record.get("paperId"), str):
            by_external[f"s2:{record['paperId']}"] = paper_id

    papers = {p.id: p for p in graph.papers}
    cites: set[tuple[str, str]] = {(e.source, e.target) for e in graph.edges if e.kind == "cites"}
    for paper_id, record in records.items():
        report.matched += 1
        paper = papers[paper_id]
        if isinstance(record.get("paperId"), str):
            paper.extra["s2_id"] = record["paperId"]
        if isinstance(record.get("citationCount"), int):
            paper.extra["citation_count"] = record["citationCount"]
        references = record.get("references")
        for reference in references if isinstance(references, list) else []:
            target = _corpus_id(reference, by_external)
            if target and target != paper_id:
                cites.add((paper_id, target))
    graph.edges = [e for e in graph.edges if e.kind != "cites"] + [
        Edge(a, b, "cites", 1.0, []) for a, b in sorted(cites)
    ]
    report.cites = len(cites)
    return report


def _corpus_id(reference: Any, by_external: dict[str, str]) -> str | None:
    if not isinstance(reference, dict):
        return None
    if isinstance(reference.get("paperId"), str) and f"s2:{reference['paperId']}" in by_external:
        return by_external[f"s2:{reference['paperId']}"]
    external = reference.get("externalIds") or {}
    if not isinstance(external, dict):
        return None
    for name, prefix in (("ArXiv", "arxiv"), ("DOI", "doi")):
        value = external.get(name)
        if isinstance(value, str) and f"{prefix}:{value.lower()}" in by_external:
            return by_external[f"{prefix}:{value.lower()}"]
    return None
