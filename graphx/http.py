"""The one cached HTTP session every network client goes through (GitHub, Semantic Scholar, HF, arXiv).

- Responses are cached in cache/http_cache.sqlite (requests-cache, SQLite backend); fresh entries
  are answered without a request, stale ones are revalidated with ETag / Last-Modified.
- `offline` answers from the cache only; `refresh` revalidates every cached entry.
- Secrets (Authorization, x-api-key) are left out of cache keys and redacted from what is stored.
  GitHub answers `Vary: Authorization`; requests-cache will not reuse such a response for a request
  whose Authorization it ignores, so a response hook drops that name from Vary before caching
  (the token is the same for every request of a run, so the answer does not vary with it).
- Redirects are followed here, one cached request per hop: requests' own redirect history keeps
  the original request headers (the token) in what the cache stores. A redirect to another
  origin (scheme, host, port) is followed without the secret headers.
- 5xx answers, timeouts and resets are retried a bounded number of times with backoff.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphx.errors import GraphxError

if TYPE_CHECKING:  # pragma: no cover
    import requests

SECRET_HEADERS = ("Authorization", "x-api-key")
USER_AGENT = "graphx/0.1 (+https://github.com/graphx; research paper graph builder)"
DEFAULT_EXPIRE_SECONDS = 7 * 24 * 3600


class OfflineMiss(GraphxError):
    """--offline and the cache has no answer for this request."""


class NetworkError(GraphxError):
    """The request failed after its retries (timeouts, resets, 5xx)."""


@dataclass
class HttpConfig:
    """How the cached session behaves. Every field can come from the environment (see from_env)."""

    cache_dir: Path = Path("cache")
    expire_after: int = DEFAULT_EXPIRE_SECONDS  # seconds; -1 never expires
    offline: bool = False
    refresh: bool = False
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubles each time

    @classmethod
    def from_env(cls, **overrides: Any) -> HttpConfig:
        config = cls(
            cache_dir=Path(os.environ.get("GRAPHX_CACHE_DIR", "cache")),
            expire_after=int(os.environ.get("GRAPHX_CACHE_EXPIRE", DEFAULT_EXPIRE_SECONDS)),
            timeout=float(os.environ.get("GRAPHX_HTTP_TIMEOUT", 20.0)),
            backoff=float(os.environ.get("GRAPHX_HTTP_BACKOFF", 1.0)),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(config, key, value)
        return config


def _strip_secret_vary(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    vary = response.headers.get("Vary")
    if vary:
        kept = [v.strip() for v in vary.split(",")
                if v.strip() and v.strip().lower() not in {h.lower() for h in SECRET_HEADERS}]
        if kept:
            response.headers["Vary"] = ", ".join(kept)
        else:
            del response.headers["Vary"]
    return response


def _redacting_cache(path: Path):  # -> requests_cache.SQLiteCache
    """The SQLite cache, made to drop the one place requests-cache leaves request headers unredacted:
    a redirect's prepared next request (`_next`), which we never use since we follow redirects."""
    from requests_cache import SQLiteCache

    class RedactingSQLiteCache(SQLiteCache):
        def save_response(self, response: Any, cache_key: Any = None, expires: Any = None) -> None:
            response._next = None
            super().save_response(response, cache_key, expires)

    return RedactingSQLiteCache(str(path))


_sessions: dict[tuple[str, int], Any] = {}


def session(config: HttpConfig):  # -> requests_cache.CachedSession
    """The cached session for `config.cache_dir` (one per process and cache folder)."""
    import requests_cache

    key = (str(config.cache_dir.resolve()), config.expire_after)
    if key not in _sessions:
        try:
            config.cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GraphxError(f"{config.cache_dir}: cannot create the HTTP cache ({exc.strerror})") from None
        cached = requests_cache.CachedSession(
            backend=_redacting_cache(config.cache_dir / "http_cache.sqlite"),
            expire_after=config.expire_after,
            allowable_codes=(200, 301, 308, 404),
            allowable_methods=("GET", "HEAD", "POST"),
            ignored_parameters=list(SECRET_HEADERS),
            stale_if_error=False,
        )
        cached.headers["User-Agent"] = USER_AGENT
        cached.hooks["response"].append(_strip_secret_vary)
        _sessions[key] = cached
    return _sessions[key]


def close_all() -> None:
    for cached in _sessions.values():
        cached.close()
    _sessions.clear()


MAX_REDIRECTS = 5


def request(config: HttpConfig, method: str, url: str, **kwargs: Any) -> requests.Response:
    """One request through the cache, following redirects, with bounded retries.

    Returns the final response (any status below 500, or the last 5xx). Raises OfflineMiss when
    offline and not cached, NetworkError when every attempt failed at the network level.
    """
    from urllib.parse import urljoin

    for _ in range(MAX_REDIRECTS + 1):
        response = _request_once(config, method, url, **kwargs)
        location = response.headers.get("Location")
        if response.status_code not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(url, location)
        if _origin(target) != _origin(url) and kwargs.get("headers"):
            # a token is for the host it was issued for, not for wherever a redirect points
            kwargs["headers"] = {k: v for k, v in kwargs["headers"].items()
                                 if k.lower() not in {h.lower() for h in SECRET_HEADERS}}
        url = target
        if response.status_code == 303:
            method, kwargs = "GET", {k: v for k, v in kwargs.items() if k not in ("data", "json")}
    raise NetworkError(f"{_public(url)}: too many redirects")


def _request_once(config: HttpConfig, method: str, url: str, **kwargs: Any) -> requests.Response:
    import requests

    cached = session(config)
    kwargs.setdefault("timeout", config.timeout)
    kwargs["allow_redirects"] = False
    if config.offline:
        response = cached.request(method, url, only_if_cached=True, **kwargs)
        if response.status_code == 504:  # requests-cache's answer for "not cached"
            raise OfflineMiss(f"{_public(url)}: not in the cache (offline)")
        return response
    if config.refresh:
        kwargs["refresh"] = True
    delay = config.backoff
    last_error = ""
    for attempt in range(config.retries + 1):
        try:
            response = cached.request(method, url, **kwargs)
        except (requests.Timeout, requests.ConnectionError) as exc:
            last_error = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
        else:
            if response.status_code < 500:
                return response
            last_error = f"HTTP {response.status_code}"
            if attempt == config.retries:
                return response
        if attempt < config.retries:
            time.sleep(delay)
            delay *= 2
    raise NetworkError(f"{_public(url)}: {last_error} after {config.retries + 1} attempts")


def _origin(url: str) -> tuple[str, str, int | None]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _public(url: str) -> str:
    """A URL safe to print: no query string (which could carry a key)."""
    return url.split("?", 1)[0]
