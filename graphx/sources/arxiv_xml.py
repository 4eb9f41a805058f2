"""arXiv Atom XML: what the arXiv export API answers (one <entry> per paper)."""

from __future__ import annotations

import re

from graphx.errors import InputError
from graphx.papers import Paper, parse_arxiv_id
from graphx.repos import find_repos

NAME = "arxiv-atom"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def sniff(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("<") and "http://www.w3.org/2005/Atom" in head and "<html" not in head.lower()


def _parse(text: str, source: str):  # -> lxml root
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        return etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(source, f"invalid XML ({exc.msg})") from None


def read(text: str, source: str) -> list[Paper]:
    root = _parse(re.sub(r"^\s*<\?xml[^>]*\?>", "", text), source)
    entries = root.findall(f"{ATOM}entry")
    papers = []
    for entry in entries:
        title = entry.findtext(f"{ATOM}title") or ""
        summary = entry.findtext(f"{ATOM}summary") or ""
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if title.strip() == "Error" and "api/errors" in entry_id:
            raise InputError(source, f"arXiv API error: {' '.join(summary.split())}")
        links = [link.get("href") or "" for link in entry.findall(f"{ATOM}link")]
        abs_url = next((h for h in links if "/abs/" in h), entry_id or None)
        published = (entry.findtext(f"{ATOM}published") or "")[:10] or None
        categories = [c.get("term") for c in entry.findall(f"{ATOM}category") if c.get("term")]
        paper = Paper(
            title=title,
            abstract=summary,
            arxiv_id=parse_arxiv_id(entry_id),
            doi=entry.findtext(f"{ARXIV}doi"),
            published=published,
            date_text=published,
            authors=[a.findtext(f"{ATOM}name") or "" for a in entry.findall(f"{ATOM}author")],
            url=abs_url if abs_url and abs_url.startswith("http") else None,
            repos=find_repos(summary + " " + (entry.findtext(f"{ARXIV}comment") or "")),
            extra={"categories": categories} if categories else {},
        )
        paper.authors = [a for a in paper.authors if a.strip()]
        if paper.title:
            papers.append(paper)
    return papers
