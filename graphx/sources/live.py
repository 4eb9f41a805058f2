"""Live sources fetched through the cached HTTP session (graphx.http): Hugging Face and arXiv.

    hf:2025-10-14   hf:2025-W42   hf:2025-10      a day, ISO week or month of HF daily papers
    hf:2510.11696                                  one paper
    https://huggingface.co/papers/date/2025-10-14 (also /week/, /month/, ?date=, /papers/ID)
    arxiv:2510.11696,2401.12345                    papers from the arXiv export API
    https://arxiv.org/abs/2510.11696

Base URLs come from HF_ENDPOINT and ARXIV_API_URL, so tests point them at local servers.
"""

from __future__ import annotations

import os
import re
import time
from urllib.parse import parse_qs, urlparse

from graphx import http
from graphx.errors import InputError
from graphx.papers import Paper, parse_arxiv_id

HF_DEFAULT = "https://huggingface.co"
ARXIV_DEFAULT = "https://export.arxiv.org/api/query"
HF_PAGE_SIZE = 100
HF_MAX_PAGES = 50
ARXIV_BATCH = 100
ARXIV_DELAY = 3.0  # seconds between requests, as arXiv asks

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^\d{4}-W\d{1,2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def hf_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", HF_DEFAULT).rstrip("/")


def arxiv_endpoint() -> str:
    return os.environ.get("ARXIV_API_URL", ARXIV_DEFAULT)


def _hf_target(source: str) -> tuple[str, str]:
    """('date'|'week'|'month'|'paper', value) for an hf: source or a huggingface.co/papers URL."""
    if source.startswith("hf:"):
        value = source[3:].strip()
    else:
        url = urlparse(source)
        query = parse_qs(url.query)
        for key in ("date", "week", "month"):
            if key in query:
                return key, query[key][0]
        parts = [p for p in url.path.split("/") if p]
        if len(parts) >= 3 and parts[0] == "papers" and parts[1] in ("date", "week", "month"):
            return parts[1], parts[2]
        value = parts[1] if len(parts) >= 2 and parts[0] == "papers" else ""
    if _DAY.match(value):
        return "date", value
    if _WEEK.match(value):
        return "week", value
    if _MONTH.match(value):
        return "month", value
    paper_id = parse_arxiv_id(value)
    if paper_id:
        return "paper", paper_id
    raise InputError(source, "not a day (2025-10-14), week (2025-W42), month (2025-10) or paper id")


def _json(config: http.HttpConfig, url: str, source: str, **kwargs: object) -> object:
    try:
        response = http.request(config, "GET", url, **kwargs)
    except http.OfflineMiss:
        raise InputError(source, "not in the cache (offline)") from None
    except http.NetworkError as exc:
        raise InputError(source, str(exc).split(": ", 1)[-1]) from None
    if response.status_code == 404:
        raise InputError(source, "not found (HTTP 404)")
    if response.status_code == 429:
        raise InputError(source, "rate limited (HTTP 429); try again later")
    if response.status_code != 200:
        raise InputError(source, f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise InputError(source, "the answer was not JSON") from None


def read_hf(source: str, config: http.HttpConfig) -> list[Paper]:
    from graphx.sources.records import paper_from_record

    kind, value = _hf_target(source)
    base = hf_endpoint()
    if kind == "paper":
        record = _json(config, f"{base}/api/papers/{value}", source)
        items = [record] if isinstance(record, dict) else []
    else:
        items = []
        for page in range(HF_MAX_PAGES):
            answer = _json(config, f"{base}/api/daily_papers", source,
                           params={kind: value, "limit": HF_PAGE_SIZE, "p": page})
            if not isinstance(answer, list):
                raise InputError(source, "unexpected answer (not a list of papers)")
            items.extend(answer)
            if len(answer) < HF_PAGE_SIZE:
                break
    papers = []
    for item in items:
        paper = paper_from_record(item) if isinstance(item, dict) else None
        if paper is not None:
            if paper.arxiv_id and not paper.url:
                paper.url = f"https://huggingface.co/papers/{paper.arxiv_id}"
            papers.append(paper)
    if items and not papers:
        raise InputError(source, "unexpected answer (no paper records)")
    return papers


def _arxiv_ids(source: str) -> list[str]:
    raw = source[len("arxiv:"):] if source.startswith("arxiv:") else source
    parts = [raw] if not source.startswith("arxiv:") else [p for p in re.split(r"[,\s]+", raw) if p]
    ids = []
    for part in parts:
        paper_id = parse_arxiv_id(part)
        if paper_id is None:
            raise InputError(source, f"{part!r} is not an arXiv id")
        ids.append(paper_id)
    return ids


def read_arxiv(source: str, config: http.HttpConfig) -> list[Paper]:
    from graphx.sources import arxiv_xml

    ids = _arxiv_ids(source)
    delay = float(os.environ.get("GRAPHX_ARXIV_DELAY", ARXIV_DELAY))
    papers: list[Paper] = []
    last_network = 0.0
    for start in range(0, len(ids), ARXIV_BATCH):
        batch = ids[start : start + ARXIV_BATCH]
        wait = last_network + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            response = http.request(config, "GET", arxiv_endpoint(),
                                    params={"id_list": ",".join(batch), "max_results": len(batch)})
        except http.OfflineMiss:
            raise InputError(source, "not in the cache (offline)") from None
        except http.NetworkError as exc:
            raise InputError(source, str(exc).split(": ", 1)[-1]) from None
        if not getattr(response, "from_cache", False):
            last_network = time.monotonic()
        if response.status_code != 200:
            raise InputError(source, f"arXiv answered HTTP {response.status_code}")
        papers.extend(arxiv_xml.read(response.text, source))
    return papers


def read(source: str, config: http.HttpConfig | None = None) -> list[Paper]:
    """Papers from one live source; InputError (naming the source) when it cannot be read."""
    config = config or http.HttpConfig.from_env()
    host = urlparse(source).netloc.lower()
    if source.startswith("hf:") or host.endswith("huggingface.co"):
        papers = read_hf(source, config)
    elif source.startswith("arxiv:") or host.endswith("arxiv.org"):
        papers = read_arxiv(source, config)
    else:
        raise InputError(source, "unsupported URL (use hf:..., arxiv:..., or a huggingface.co / "
                                 "arxiv.org link)")
    if not papers:
        raise InputError(source, "no papers found")
    for paper in papers:
        paper.sources.append(source)
    return papers
