"""The built graph in memory: what the pipeline stages hand each other and the store saves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphx.papers import Paper

# edge kinds between papers; `mentions`, `introduces` and `has_code` are stored as facts
EDGE_KINDS = ("shares_method", "builds_on", "same_repo", "cites")


@dataclass
class Method:
    """A method node: a catalog entry or a name the corpus introduced."""

    id: str
    name: str
    category: str = "other"
    generic: bool = False
    aliases: list[str] = field(default_factory=list)
    origin: str = "catalog"  # catalog | discovered | user
    kind: str = "method"  # method | dataset | benchmark | metric | task (discovered non-methods)
    introduced_by: str | None = None  # paper id
    description: str | None = None


@dataclass
class Mention:
    paper_id: str
    method_id: str
    introduces: bool = False
    surface: str | None = None  # the form seen in the text, for inspection


@dataclass
class Edge:
    source: str
    target: str
    kind: str
    weight: float = 1.0
    methods: list[str] = field(default_factory=list)  # method names that explain the edge


@dataclass
class Repo:
    name: str  # owner/name as first seen
    status: str = "unfetched"  # unfetched | ok | missing | error
    stars: int | None = None
    forks: int | None = None
    language: str | None = None
    topics: list[str] = field(default_factory=list)
    license: str | None = None
    description: str | None = None
    created_at: str | None = None
    pushed_at: str | None = None
    archived: bool | None = None
    default_branch: str | None = None
    html_url: str | None = None
    canonical: str | None = None  # owner/name after a rename
    fetched_at: str | None = None

    @property
    def url(self) -> str:
        return self.html_url or f"https://github.com/{self.canonical or self.name}"


@dataclass
class Graph:
    """Everything one build knows. Paper-paper edges are derived from the facts (see graph.py)."""

    papers: list[Paper] = field(default_factory=list)
    methods: dict[str, Method] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    repos: dict[str, Repo] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    # the names each paper introduces as discovery found them (methods.discover.Introduced), in
    # paper order; kept in the store so that `build --add` discovers only new or changed papers
    discovered: list[Any] = field(default_factory=list)
