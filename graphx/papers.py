"""Paper records, paper identity and merging duplicates across sources.

Identity is the arXiv id where one is known, else the normalised title. Two records that share
either key are the same paper; the merged record keeps every source it came from.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphx.text import scrub

_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(r"\b([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
# control and invisible format characters (zero-width, bidi overrides): never part of a title
# (and lone surrogates and non-characters, which no UTF-8 or XML writer accepts)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
                      "\ud800-\udfff\ufffe\uffff]")
# Real titles are under 300 characters and arXiv abstracts under 2,000; anything far longer is a
# broken or hostile record, cut so it cannot bloat the store, the exports or memory.
MAX_TITLE_CHARS = 1000
MAX_ABSTRACT_CHARS = 20000


def _ascii_key_table() -> bytes:
    """A bytes.translate table doing to an ASCII title what `normalize_title`'s casefold and
    `_PUNCTUATION` do: letters lower-cased, letters, digits and whitespace kept, the rest a space."""
    table = bytearray(range(256))
    for code in range(128):
        char = chr(code)
        if _PUNCTUATION.fullmatch(char):
            table[code] = ord(" ")
        else:
            table[code] = ord(char.casefold())
    return bytes(table)


_ASCII_KEY = _ascii_key_table()


def normalize_title(title: str) -> str:
    """Fold a title to the key used for identity: case, accents, punctuation and spacing removed.

    >>> normalize_title("Zipformer:  A faster and better encoder")
    'zipformer a faster and better encoder'
    >>> normalize_title(normalize_title("E-Branchformer")) == normalize_title("E-Branchformer")
    True
    """
    if title.isascii():  # nearly every title: one table lookup per byte instead of a regex pass
        return " ".join(title.encode("ascii").translate(_ASCII_KEY).decode("ascii").split())
    return " ".join(_PUNCTUATION.sub(" ", _fold_unicode(title).casefold()).split())


def _fold_unicode(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).translate(_DASHES)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def parse_arxiv_id(text: str | None) -> str | None:
    """The arXiv id in an id, an abs/pdf URL or 'arXiv:...' text, without its version.

    >>> parse_arxiv_id("https://arxiv.org/abs/2510.11696v2")
    '2510.11696'
    """
    if not text:
        return None
    if len(text) in (9, 10) and text[4] == "." and text[:4].isdecimal() and text[5:].isdecimal():
        return text  # already a bare id such as 2510.11696 (most ids): what the search finds
    match = _ARXIV_NEW.search(text)
    if match:
        return match.group(1)
    match = _ARXIV_OLD.search(text)
    return match.group(1) if match else None


def clean_text(text: str | None, limit: int | None = None) -> str:
    """Undo hard line breaks and drop control characters (they break XML and terminals).

    With `limit`, the result is cut to at most that many characters (ending in "…").
    """
    if not text:
        return ""
    if limit is not None and len(text) > 2 * limit:
        text = text[: 2 * limit]  # cut before cleaning: a 50 MB field costs no more than a short one
    # most text is already clean: printable (no control, format, line-break or other odd space
    # characters) and singly spaced; checking that is far cheaper than rebuilding it
    if not (_printable(text) and "  " not in text and text[0] != " " and text[-1] != " "):
        text = " ".join(_CONTROL.sub(" ", text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


# ASCII's non-printable characters (controls and DEL) made spaces, every other byte kept
_ASCII_CONTROL_TO_SPACE = bytes.maketrans(bytes([*range(32), 127]), b" " * 33)


def _printable(text: str) -> bool:
    """`text.isprintable()`; for ASCII text (nearly all) by a table pass over its bytes, ~4x
    faster than looking up each character's Unicode category."""
    if text.isascii():
        data = text.encode("ascii")
        return data.translate(_ASCII_CONTROL_TO_SPACE) == data
    return text.isprintable()


def web_url(url: str | None) -> str | None:
    """`url` when it is an http(s) URL, else None (no javascript:, data: or file: links)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not re.match(r"https?://[^\s/]", url, re.IGNORECASE) or _CONTROL.search(url):
        return None
    return url


@dataclass
class Paper:
    """One paper as graphx knows it. Only `title` is required."""

    title: str
    abstract: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when the full date is known
    date_text: str | None = None  # the date as the source wrote it, e.g. "Jun 18"
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    upvotes: int | None = None
    url: str | None = None
    repos: list[str] = field(default_factory=list)  # owner/name
    sources: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.title = clean_text(self.title, MAX_TITLE_CHARS)
        self.abstract = clean_text(self.abstract, MAX_ABSTRACT_CHARS)
        self.url = web_url(self.url)
        self.authors = [a if a.isascii() and a.isprintable() else clean_text(a, MAX_TITLE_CHARS)
                        for a in self.authors if isinstance(a, str)]
        if self.doi:
            self.doi = scrub(self.doi)
        if self.date_text:
            self.date_text = scrub(self.date_text)
        self.sources = scrub(self.sources) if self.sources else []
        self.extra = scrub(self.extra) if self.extra else {}
        if self.arxiv_id:
            self.arxiv_id = parse_arxiv_id(self.arxiv_id) or self.arxiv_id
        self._title_key = normalize_title(self.title)
        self._title_id: str | None = None

    @classmethod
    def cleaned(cls, **fields: Any) -> Paper:
        """A paper from fields that went through the cleaning above once already (e.g. read back
        from the store): the same Paper, without paying for the cleaning a second time."""
        paper = cls.__new__(cls)
        for name in cls.__dataclass_fields__:
            if name in fields:
                value = fields[name]
            else:
                default = cls.__dataclass_fields__[name]
                value = default.default_factory() if callable(default.default_factory) else default.default
            setattr(paper, name, value)
        paper._title_key = normalize_title(paper.title)
        paper._title_id = None
        return paper

    @property
    def title_key(self) -> str:
        """The normalised title (computed once: merging asks for it often)."""
        return self._title_key

    @property
    def id(self) -> str:
        """Stable id: the arXiv id when known, else a short hash of the normalised title."""
        if self.arxiv_id:
            return self.arxiv_id
        if self._title_id is None:  # asked for often (edges, store): hash the title once
            digest = hashlib.sha1(self.title_key.encode("utf-8")).hexdigest()[:10]
            self._title_id = f"t-{digest}"
        return self._title_id

    @property
    def year(self) -> int | None:
        if self.published and self.published[:4].isdigit():
            return int(self.published[:4])
        match = re.search(r"\b(19|20)\d{2}\b", self.date_text or "")
        return int(match.group(0)) if match else None

    def merge(self, other: Paper) -> None:
        """Fold `other` (the same paper from another source) into this record; richer fields win."""
        if len(other.abstract) > len(self.abstract):
            self.abstract = other.abstract
        for name in ("arxiv_id", "doi", "published", "date_text", "url", "upvotes", "author_count"):
            if getattr(self, name) in (None, "") and getattr(other, name) not in (None, ""):
                setattr(self, name, getattr(other, name))
        if other.upvotes is not None and (self.upvotes or 0) < other.upvotes:
            self.upvotes = other.upvotes
        if len(other.authors) > len(self.authors):
            self.authors = list(other.authors)
        for repo in other.repos:
            if repo not in self.repos:
                self.repos.append(repo)
        for source in other.sources:
            if source not in self.sources:
                self.sources.append(source)
        for key, value in other.extra.items():
            self.extra.setdefault(key, value)


def id_conflicts(records: Iterable[Paper], limit: int = 5) -> list[str]:
    """One line per arXiv id that comes with different titles (the first title seen is kept)."""
    first: dict[str, Paper] = {}
    lines: list[str] = []
    extra = 0
    for record in records:
        if not record.arxiv_id:
            continue
        seen = first.setdefault(record.arxiv_id, record)
        if seen is record or seen.title_key == record.title_key:
            continue
        if len(lines) < limit:
            where = f" ({record.sources[0]})" if record.sources else ""
            lines.append(f"{record.arxiv_id} has different titles: kept {seen.title[:80]!r}, "
                         f"not {record.title[:80]!r}{where}")
        else:
            extra += 1
    if extra:
        lines.append(f"{extra} more arXiv id(s) with different titles")
    return lines


def merge_papers(records: Iterable[Paper]) -> tuple[list[Paper], int]:
    """Merge records of the same paper. Returns (papers in first-seen order, duplicates merged).

    Records with an arXiv id merge on it; records without one merge with an id'd record or another
    title-only record of the same normalised title.

    >>> a = Paper("Zipformer: A faster encoder", sources=["a.txt"])
    >>> b = Paper("ZIPFORMER - a faster encoder", abstract="Longer.", sources=["b.txt"])
    >>> papers, merged = merge_papers([a, b])
    >>> len(papers), merged, papers[0].sources
    (1, 1, ['a.txt', 'b.txt'])
    """
    papers: list[Paper] = []
    by_arxiv: dict[str, Paper] = {}
    by_title: dict[str, Paper] = {}
    merged = 0
    for record in records:
        if not record.title_key:
            continue
        target = by_arxiv.get(record.arxiv_id) if record.arxiv_id else None
        if target is None:
            candidate = by_title.get(record.title_key)
            # a title match joins two records unless both carry different arXiv ids
            if candidate is not None and not (
                record.arxiv_id and candidate.arxiv_id and candidate.arxiv_id != record.arxiv_id
            ):
                target = candidate
        if target is None:
            papers.append(record)
            target = record
        else:
            target.merge(record)
            merged += 1
        if target.arxiv_id:
            by_arxiv[target.arxiv_id] = target
        by_title.setdefault(record.title_key, target)
        by_title.setdefault(target.title_key, target)
    return papers, merged
