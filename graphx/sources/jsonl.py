"""JSON Lines and JSON arrays of paper records (what other tools and our benchmarks write)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from graphx.errors import InputError
from graphx.papers import Paper
from graphx.sources.records import paper_from_record

NAME = "json"


def sniff(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _items(document: Any, source: str) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("papers", "dailyPapers", "daily_papers", "items", "results", "data", "entries"):
            if isinstance(document.get(key), list):
                return document[key]
        return [document]
    raise InputError(source, "JSON is not a list of paper records")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) split on newlines only: JSON strings may hold U+2028 and friends,
    which str.splitlines would also split on. One line at a time, no list of them all."""
    start, number = 0, 1
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield number, text[start:end]
        start, number = end + 1, number + 1


_raw_decode = json.JSONDecoder().raw_decode


def _loads(line: str) -> Any:
    """`json.loads(line)`, a third cheaper for the usual line (one value, no whitespace around
    it): json.loads skips whitespace on both sides with two regex matches per call."""
    try:
        value, end = _raw_decode(line)
    except json.JSONDecodeError:
        return json.loads(line)  # leading whitespace, or bad JSON: json.loads gives its error
    if end != len(line) and line[end:].strip(" \t\n\r"):
        return json.loads(line)  # extra data after the value: json.loads raises it
    return value


def _read_lines(text: str, source: str, whole_error: json.JSONDecodeError) -> Iterator[Any]:
    first = True
    for number, line in _lines(text):
        if not line.strip():
            continue
        try:
            yield _loads(line)
        except json.JSONDecodeError as exc:
            if first:
                raise InputError(source, f"invalid JSON ({whole_error.msg}; line "
                                         f"{whole_error.lineno}, column {whole_error.colno})"
                                 ) from None
            raise InputError(source, f"invalid JSON on line {number} ({exc.msg})") from None
        first = False


def read(text: str, source: str) -> list[Paper]:
    items: Iterable[Any]
    try:
        items = _items(json.loads(text), source)  # json.loads allows whitespace around
    except json.JSONDecodeError as whole_error:
        # JSON Lines: one object per line, each turned into a Paper as it is read (at 100k
        # papers, holding every parsed dict first would cost hundreds of MiB)
        items = _read_lines(text, source, whole_error)
    papers = []
    seen = False
    for item in items:
        seen = True
        if isinstance(item, dict):
            paper = paper_from_record(item)
            if paper is not None:
                papers.append(paper)
    if seen and not papers:
        raise InputError(source, "JSON has no records with a title")
    return papers
