"""Plain-text paper listings, as copied from Hugging Face's papers pages (or written by hand).

Three layouts are read:
- title / abstract lines with no blank lines between papers, page chrome glued to the first title;
- blank-line separated blocks with "• N authors", "·" and "Sep 20, 2022 12" (date, upvotes) lines;
- plain title / abstract blocks.
Page chrome (navigation, "Subscribe", the listing's own date) never becomes a paper.
"""

from __future__ import annotations

import re
from datetime import date

from graphx.papers import Paper
from graphx.repos import find_repos

NAME = "hf-text"

_CHROME_LINES = {
    "new",
    "subscribe",
    "daily papers",
    "trending papers",
    "byak and the research community",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "·",
    "•",
}
# chrome that the copy glues onto the first title ("SubscribeChunkFormer: ...")
_CHROME_PREFIX = re.compile(
    r"^(?:(?:Get trending papers in your email inbox(?: once a day)?!|Subscribe|Daily Papers"
    r"|byAK and the research community)\s*)+"
)
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_DATE = re.compile(
    r"^(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<upvotes>\d+))?$"
)
_AUTHORS = re.compile(r"^[•·*-]?\s*(\d+)\s+authors?$", re.IGNORECASE)
# a title is one line; anything this long is prose
_MAX_TITLE = 400


def sniff(text: str) -> bool:
    head = text.lstrip()[:1]
    if head in "{[<@":
        return False
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    return len(lines) >= 2 and any(len(line) >= 100 for line in lines)


def _parse_date(match: re.Match[str]) -> tuple[str | None, str]:
    text = f"{match.group('month')} {match.group('day')}"
    if match.group("year"):
        text += f", {match.group('year')}"
        try:
            iso = date(int(match.group("year")), _MONTHS[match.group("month").lower()[:3]],
                       int(match.group("day"))).isoformat()
        except ValueError:
            iso = None
        return iso, text
    return None, text


def _is_chrome(line: str) -> bool:
    return line.casefold() in _CHROME_LINES


def read(text: str, source: str) -> list[Paper]:
    papers: list[Paper] = []
    current: Paper | None = None
    expecting_abstract = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _is_chrome(line):
            continue
        line = _CHROME_PREFIX.sub("", line).strip()
        if not line:
            continue
        authors = _AUTHORS.match(line)
        if authors:
            if current is not None:
                current.author_count = int(authors.group(1))
            continue
        when = _DATE.match(line)
        if when:
            # a date before any paper is the listing's own date; after a paper it is that paper's
            if current is not None and not expecting_abstract:
                current.published, current.date_text = _parse_date(when)
                if when.group("upvotes"):
                    current.upvotes = int(when.group("upvotes"))
            continue
        if expecting_abstract and current is not None:
            current.abstract = line
            expecting_abstract = False
        elif len(line) > _MAX_TITLE and current is not None:
            # a second paragraph of the abstract
            current.abstract = f"{current.abstract} {line}".strip()
        else:
            current = Paper(title=line)
            papers.append(current)
            expecting_abstract = True
    for paper in papers:
        paper.repos = find_repos(paper.abstract)
    return papers
