"""Discovery of names a paper introduces ("Zipformer: ...", "we propose X", "X, a novel ...").

This first version reads only the name before a title's colon; see issue 4 for the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphx.papers import Paper

_TITLE_NAME = re.compile(r"^(?P<name>[A-Z][\w\-+.]*(?:[ -][\w\-+.]+){0,2})\s*(?::|--|—)\s")
_NOT_NAMES = {"towards", "toward", "beyond", "rethinking", "revisiting", "on", "the", "a", "an"}


@dataclass
class Introduced:
    """A name one paper introduces; `kind` says whether it is a method or e.g. a dataset."""

    name: str
    paper_id: str
    kind: str = "method"
    aliases: list[str] = field(default_factory=list)
    in_title: bool = True


def title_name(title: str) -> str | None:
    match = _TITLE_NAME.match(title)
    if not match:
        return None
    name = match.group("name").strip()
    if name.casefold() in _NOT_NAMES or not any(c.isupper() for c in name[1:]) and " " in name:
        return None
    return name


def discover(papers: list[Paper]) -> list[Introduced]:
    found = []
    for paper in papers:
        name = title_name(paper.title)
        if name:
            found.append(Introduced(name=name, paper_id=paper.id))
    return found
