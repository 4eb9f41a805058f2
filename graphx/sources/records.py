"""Map loosely-shaped JSON records (our JSONL, HF API items, other tools' exports) to Paper."""

from __future__ import annotations

from typing import Any

from graphx.papers import Paper, parse_arxiv_id
from graphx.repos import find_repos, parse_repo_url

# the names each field goes by in the records graphx reads, the first one present wins
_TITLE = ("title", "name")
_ABSTRACT = ("abstract", "summary", "description")
_ID = ("arxiv_id", "arxivId", "eprint", "id", "paper_id")
_URL = ("url", "link", "abs_url")
_DATE = ("published", "publishedAt", "date", "published_at", "submittedOnDailyAt")
_AUTHORS = ("authors", "author")
_REPOS = ("repos", "repo", "githubRepo", "github", "code", "repository")
_EXTRA = ("ai_keywords", "categories", "githubStars", "projectPage", "venue")


def _first(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value is not None and value != "" and value != []:
            return value
    return None


def _authors(value: Any) -> list[str]:
    if isinstance(value, str):
        return [a.strip() for a in value.replace(" and ", ",").split(",") if a.strip()]
    if isinstance(value, list):
        names = []
        for item in value:
            if isinstance(item, str):
                names.append(item.strip())
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                names.append(item["name"].strip())
        return [n for n in names if n]
    return []


def _iso_date(value: Any) -> str | None:
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        return value[:10]
    if isinstance(value, str) and len(value) == 4 and value.isdigit():
        return None
    return None


def _int(value: Any) -> int | None:
    try:
        number = int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity
        return None
    # the store keeps 64-bit integers: a larger count (9.2e18 upvotes) is not a real one
    return number if number is None or abs(number) < 2**63 else None


def paper_from_record(record: dict[str, Any]) -> Paper | None:
    """A Paper from a JSON object, or None when it has no usable title.

    Accepts `{"id"?, "title", "abstract"|"summary", "published"?, "authors"?, ...}` and HF-style
    items that nest the paper under "paper".
    """
    if isinstance(record.get("paper"), dict):
        outer = record
        record = {**record["paper"], **{k: v for k, v in outer.items() if k != "paper"
                                          and k not in record["paper"]}}
    title = _first(record, _TITLE)
    if not isinstance(title, str) or not title.strip():
        return None
    abstract = _first(record, _ABSTRACT)
    raw_id = _first(record, _ID)
    arxiv_id = parse_arxiv_id(str(raw_id)) if raw_id is not None else None
    url = _first(record, _URL)
    if not arxiv_id and isinstance(url, str) and "arxiv.org" in url:
        arxiv_id = parse_arxiv_id(url)
    published = _first(record, _DATE)
    repos: list[str] = []
    for key in _REPOS:
        value = record.get(key)
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                repo = parse_repo_url(item) if "github.com" in item.lower() else (
                    item if item.count("/") == 1 else None)
                if repo and repo not in repos:
                    repos.append(repo)
    abstract_text = abstract if isinstance(abstract, str) else ""
    for repo in find_repos(abstract_text):
        if repo not in repos:
            repos.append(repo)
    extra: dict[str, Any] = {}
    for key in _EXTRA:
        value = record.get(key)
        if value is not None and value != "" and value != []:
            extra[key] = value
    doi = record.get("doi")
    return Paper(
        title=title,
        abstract=abstract_text,
        arxiv_id=arxiv_id,
        doi=doi if isinstance(doi, str) and doi else None,
        published=_iso_date(published),
        date_text=published if isinstance(published, str) else None,
        authors=_authors(_first(record, _AUTHORS)),
        upvotes=_int(record.get("upvotes")),
        url=url if isinstance(url, str) else None,
        repos=repos,
        extra=extra,
    )
