"""Saved huggingface.co/papers HTML pages (a daily/weekly/monthly listing or one paper's page).

The page embeds its data as HTML-escaped JSON in `data-props` attributes; that is read first.
Without it, the visible paper cards (title links to /papers/ID) give title-only papers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graphx.errors import InputError
from graphx.papers import Paper
from graphx.sources.records import paper_from_record

NAME = "hf-html"


def sniff(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<head" in head and "<body" in text[:20000].lower())


def _paper_like(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("title"), str)
            and ("summary" in value or "abstract" in value or isinstance(value.get("paper"), dict)))


def _records(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every paper-shaped object in the embedded data, outermost first."""
    if depth > 12:
        return
    if isinstance(value, dict):
        if _paper_like(value):
            yield value
            return
        if isinstance(value.get("paper"), dict) and _paper_like(value["paper"]):
            yield value
            return
        for item in value.values():
            yield from _records(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _records(item, depth + 1)


def read(text: str, source: str) -> list[Paper]:
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():  # a forced --format hf-html on XML: read it anyway, quietly
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(text, "lxml")
    papers: list[Paper] = []
    seen: set[str] = set()
    for element in soup.find_all(attrs={"data-props": True}):
        try:
            props = json.loads(element["data-props"])
        except (ValueError, TypeError):
            continue
        for record in _records(props):
            paper = paper_from_record(record)
            if paper is not None and paper.id not in seen:
                seen.add(paper.id)
                if paper.arxiv_id and not paper.url:
                    paper.url = f"https://huggingface.co/papers/{paper.arxiv_id}"
                papers.append(paper)
    if papers:
        return papers
    # fallback: the visible cards
    for link in soup.select('a[href^="/papers/"]'):
        title = " ".join(link.get_text(" ").split())
        href = link.get("href", "")
        paper_id = href.split("/papers/", 1)[-1].split("#")[0].split("?")[0]
        if len(title) < 8 or not paper_id[:4].isdigit():
            continue
        paper = Paper(title=title, arxiv_id=paper_id, url=f"https://huggingface.co/papers/{paper_id}")
        if paper.id not in seen:
            seen.add(paper.id)
            papers.append(paper)
    if not papers:
        raise InputError(source, "HTML page without Hugging Face paper data")
    return papers
