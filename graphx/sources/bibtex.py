"""BibTeX (e.g. exported from Zotero): title, abstract, eprint / doi / url fields.

Entries without an abstract are kept as title-only papers.
"""

from __future__ import annotations

import re

from graphx.errors import InputError
from graphx.papers import Paper, parse_arxiv_id
from graphx.repos import find_repos, parse_repo_url

NAME = "bibtex"
_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
_LATEX_ACCENT = re.compile(r"""\\['"`^~=.][{]?([A-Za-z])[}]?""")


def sniff(text: str) -> bool:
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in "@%" and bool(_ENTRY.search(text[:20000]))


def _plain(value: str) -> str:
    """BibTeX markup to plain text: braces, accents and simple commands removed."""
    value = _LATEX_ACCENT.sub(r"\1", value)
    value = _LATEX_COMMAND.sub("", value)
    return value.replace("{", "").replace("}", "").replace("~", " ").replace("--", "-")


def _year_date(fields: dict[str, str]) -> str | None:
    date = fields.get("date", "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return date
    return None


def read(text: str, source: str) -> list[Paper]:
    import logging

    import bibtexparser

    # bibtexparser logs every block it cannot parse; the entries it did parse are what we report
    bib_logger = logging.getLogger("bibtexparser")
    level = bib_logger.level
    bib_logger.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text)
    finally:
        bib_logger.setLevel(level)
    papers = []
    for entry in library.entries:
        fields = {k.lower(): _plain(str(v.value)) for k, v in entry.fields_dict.items()}
        title = fields.get("title", "")
        if not title.strip():
            continue
        eprint = fields.get("eprint") or fields.get("arxivid") or ""
        url = fields.get("url")
        arxiv_id = parse_arxiv_id(eprint) if eprint else None
        if not arxiv_id and url and "arxiv.org" in url:
            arxiv_id = parse_arxiv_id(url)
        if not arxiv_id and fields.get("journal", "").lower().startswith("arxiv"):
            arxiv_id = parse_arxiv_id(fields["journal"])
        authors = [a.strip() for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
        repos = [r for r in [parse_repo_url(url)] if r] if url else []
        for repo in find_repos(fields.get("abstract", "") + " " + fields.get("note", "")):
            if repo not in repos:
                repos.append(repo)
        extra = {"bibtex_key": entry.key}
        if fields.get("year", "").isdigit():
            extra["year"] = int(fields["year"])
        papers.append(Paper(
            title=title,
            abstract=fields.get("abstract", ""),
            arxiv_id=arxiv_id,
            doi=fields.get("doi") or None,
            published=_year_date(fields),
            date_text=fields.get("date") or fields.get("year"),
            authors=authors,
            url=url if url and url.startswith(("http://", "https://")) else None,
            repos=repos,
            extra=extra,
        ))
    if not papers and library.failed_blocks:
        block = library.failed_blocks[0]
        line = getattr(block, "start_line", None)
        where = f" near line {line + 1}" if isinstance(line, int) else ""
        raise InputError(source, f"invalid BibTeX{where}")
    return papers
