"""JSON Lines and JSON arrays of paper records (what other tools and our benchmarks write)."""

from __future__ import annotations

import json
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


def read(text: str, source: str) -> list[Paper]:
    stripped = text.strip()
    try:
        items = _items(json.loads(stripped), source)
    except json.JSONDecodeError as whole_error:
        # JSON Lines: one object per line
        items = []
        for number, line in enumerate(stripped.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                if number == 1:
                    raise InputError(source, f"invalid JSON ({whole_error.msg}; line "
                                             f"{whole_error.lineno}, column {whole_error.colno})"
                                     ) from None
                raise InputError(source, f"invalid JSON on line {number} ({exc.msg})") from None
    papers = []
    for item in items:
        if isinstance(item, dict):
            paper = paper_from_record(item)
            if paper is not None:
                papers.append(paper)
    if items and not papers:
        raise InputError(source, "JSON has no records with a title")
    return papers
