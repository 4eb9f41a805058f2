"""JSON export: the documented, stable schema other tools and our evaluations read.

The file is what `json.dump(to_document(graph), ensure_ascii=False, indent=1)` writes, written
item by item (json's indenting encoder is pure Python and holds the whole document): from a
Graph, or streamed from the store's tables for the whole store (`write_json_store`).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from json.encoder import encode_basestring as _string
from pathlib import Path
from typing import Any, TextIO

from graphx import __version__
from graphx.export import stream_store, write_text
from graphx.model import Graph, Method, Repo


def _paper(pid: str, title: str, abstract: str, published: str | None, authors: list[str],
           upvotes: int | None, arxiv_id: str | None, url: str | None, repos: list[str],
           methods: list[str], introduces: list[str], sources: list[str]) -> dict[str, Any]:
    return {
        "id": pid, "title": title, "abstract": abstract, "published": published,
        "authors": authors, "upvotes": upvotes, "arxiv_id": arxiv_id,
        "url": url or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None),
        "repos": repos, "methods": methods, "introduces": introduces, "sources": sources,
    }


def _method(m: Method, papers: int) -> dict[str, Any]:
    return {"name": m.name, "aliases": list(m.aliases), "category": m.category,
            "generic": m.generic, "papers": papers, "introduced_by": m.introduced_by}


def _repo(r: Repo, papers: list[str]) -> dict[str, Any]:
    return {
        "name": r.name, "url": r.url, "stars": r.stars, "language": r.language,
        "description": r.description, "pushed_at": r.pushed_at, "license": r.license,
        "archived": r.archived, "papers": papers,
        # GitHub metadata beyond the documented core (additive: readers may ignore it)
        "forks": r.forks, "topics": list(r.topics), "created_at": r.created_at,
        "default_branch": r.default_branch, "status": r.status,
        "canonical": r.canonical,
    }


def _header(built: str | None, sources: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"version": __version__, "built": built,
            "sources": sorted({s["source"] for s in sources if not s.get("error")})}


def _names_of(mentions: Iterable[tuple[str, str, Any]], names: dict[str, str]
              ) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]:
    """Per paper the names of every method it mentions or introduces and of those it
    introduces, in mention order, and per method id its number of mentions."""
    methods_of: dict[str, list[str]] = defaultdict(list)
    introduces_of: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for paper_id, method_id, introduces in mentions:
        name = names.get(method_id)
        if name is None:
            continue
        methods_of[paper_id].append(name)
        counts[method_id] += 1
        if introduces:
            introduces_of[paper_id].append(name)
    return methods_of, introduces_of, counts


def to_document(graph: Graph) -> dict[str, Any]:
    """The whole document as one dict (the reference for what the writers write)."""
    return {
        "graphx": _header(graph.meta.get("built_at"), graph.sources),
        "papers": list(_papers(graph)),
        "methods": list(_methods(graph)),
        "repos": list(_repos(graph)),
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind, "weight": e.weight,
                   "methods": list(e.methods)} for e in graph.edges],
    }


def _papers(graph: Graph) -> Iterator[dict[str, Any]]:
    names = {m.id: m.name for m in graph.methods.values()}
    methods_of, introduces_of, _ = _names_of(
        ((m.paper_id, m.method_id, m.introduces) for m in graph.mentions), names)
    for p in graph.papers:
        yield _paper(p.id, p.title, p.abstract, p.published, list(p.authors), p.upvotes,
                     p.arxiv_id, p.url, list(p.repos), methods_of.get(p.id, []),
                     introduces_of.get(p.id, []), list(p.sources))


def _methods(graph: Graph) -> Iterator[dict[str, Any]]:
    names = {m.id: m.name for m in graph.methods.values()}
    _, _, counts = _names_of(((m.paper_id, m.method_id, m.introduces) for m in graph.mentions),
                             names)
    for m in graph.methods.values():
        if counts.get(m.id):
            yield _method(m, counts[m.id])


def _repos(graph: Graph) -> Iterator[dict[str, Any]]:
    repo_papers: dict[str, list[str]] = defaultdict(list)
    for paper in graph.papers:
        for repo in paper.repos:
            repo_papers[repo].append(paper.id)
    for r in graph.repos.values():
        yield _repo(r, repo_papers.get(r.name, []))


# --- writing: json.dump(..., ensure_ascii=False, indent=1), byte for byte ----------------------

def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _dump(value: Any, level: int) -> str:
    """`value` as json.dumps(ensure_ascii=False, indent=1) writes it `level` deep."""
    if value.__class__ is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    inner = "\n" + " " * (level + 1)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return ("[" + inner + ("," + inner).join([_dump(v, level + 1) for v in value]) + "\n"
                + " " * level + "]")
    if isinstance(value, dict):
        if not value:
            return "{}"
        return ("{" + inner + ("," + inner).join([f"{_string(str(k))}: {_dump(v, level + 1)}"
                                                  for k, v in value.items()])
                + "\n" + " " * level + "}")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _edge_texts(edges: Iterable[tuple[str, str, str, float, Hashable]],
                decode: Callable[[Any], list[str]]) -> Iterator[str]:
    """Edges from a template (there are millions): the same text `_dump` makes of their dicts.
    `methods` is any hashable form of the list that `decode` turns into it."""
    lists: dict[Hashable, str] = {}  # the same method lists recur often
    for source, target, kind, weight, methods in edges:
        text = lists.get(methods)
        if text is None:
            text = lists[methods] = _dump(decode(methods), 3)
        weight_text = _float(weight) if weight.__class__ is float else _dump(weight, 3)
        yield (f'{{\n   "source": {_string(source)},\n   "target": {_string(target)},\n'
               f'   "kind": {_string(kind)},\n   "weight": {weight_text},\n'
               f'   "methods": {text}\n  }}')


def _write_document(out: TextIO, header: dict[str, Any], papers: Iterable[dict[str, Any]],
                    methods: Iterable[dict[str, Any]], repos: Iterable[dict[str, Any]],
                    edges: Iterable[tuple[str, str, str, float, Hashable]],
                    decode: Callable[[Any], list[str]] = list) -> None:
    out.write('{\n "graphx": ' + _dump(header, 1))
    sections = (("papers", (_dump(p, 2) for p in papers)),
                ("methods", (_dump(m, 2) for m in methods)),
                ("repos", (_dump(r, 2) for r in repos)),
                ("edges", _edge_texts(edges, decode)))
    for name, items in sections:
        out.write(f',\n "{name}": [')
        batch: list[str] = []
        first = True
        for text in items:
            batch.append(("\n  " if first else ",\n  ") + text)
            first = False
            if len(batch) == 5000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch) + ("]" if first else "\n ]"))
    out.write("\n}")


def write_json(graph: Graph, path: Path) -> Path:
    return write_text(path, lambda handle: _write_document(
        handle, _header(graph.meta.get("built_at"), graph.sources), _papers(graph),
        _methods(graph), _repos(graph),
        ((e.source, e.target, e.kind, e.weight, tuple(e.methods)) for e in graph.edges), list))


# --- the whole store, streamed -------------------------------------------------------------------

def _write_store(conn: sqlite3.Connection, out: TextIO) -> dict[str, int]:
    """The whole store as `write_json` writes `views.filtered_view(store.load(db))`, from the
    store's tables: no Graph, no Paper objects. Returns the view's summary."""
    from graphx.store import linked_repos, method_from_row, read_meta

    plain = conn.cursor()
    plain.row_factory = None
    papers = {row[0] for row in plain.execute("SELECT id FROM papers")}
    names = dict(plain.execute("SELECT id, name FROM methods"))
    used: set[str] = set()  # method ids the papers' mentions name, as views.summary counts

    def mentions() -> Iterator[tuple[str, str, int]]:
        for row in plain.execute("SELECT paper_id, method_id, introduces FROM mentions "
                                 "ORDER BY rowid"):
            if row[0] in papers:
                used.add(row[1])
                yield row

    methods_of, introduces_of, counts = _names_of(mentions(), names)
    sources_of: dict[str, list[str]] = defaultdict(list)
    for paper_id, source in plain.execute("SELECT paper_id, source FROM paper_sources "
                                          "ORDER BY rowid"):
        sources_of[paper_id].append(source)
    repos_of: dict[str, list[str]] = defaultdict(list)
    for paper_id, repo in plain.execute("SELECT paper_id, repo FROM paper_repos ORDER BY rowid"):
        if paper_id in papers:
            repos_of[paper_id].append(repo)
    sources = [dict(row) for row in conn.execute("SELECT * FROM sources ORDER BY rowid")]
    header = _header(read_meta(conn).get("built_at"), sources)

    repo_papers: dict[str, list[str]] = defaultdict(list)
    paper_rows = conn.cursor()
    paper_rows.row_factory = None

    def paper_dicts() -> Iterator[dict[str, Any]]:
        for pid, title, abstract, published, authors, upvotes, arxiv_id, url in paper_rows.execute(
                "SELECT id, title, abstract, published, authors, upvotes, arxiv_id, url "
                "FROM papers ORDER BY rowid"):
            repos = repos_of.get(pid, [])
            for repo in repos:
                repo_papers[repo].append(pid)
            yield _paper(pid, title, abstract or "", published,
                         json.loads(authors) if authors else [], upvotes, arxiv_id, url, repos,
                         methods_of.pop(pid, []), introduces_of.pop(pid, []),
                         sources_of.pop(pid, []))

    def method_dicts() -> Iterator[dict[str, Any]]:
        for row in conn.execute("SELECT * FROM methods ORDER BY rowid"):
            if counts.get(row["id"]):
                yield _method(method_from_row(row), counts[row["id"]])

    linked: list[int] = []

    def repo_dicts() -> Iterator[dict[str, Any]]:  # after the papers: repo_papers is complete
        for repo in linked_repos(conn):
            linked.append(1)
            yield _repo(repo, repo_papers.get(repo.name, []))

    kept: list[int] = []

    def edge_rows() -> Iterator[tuple[str, str, str, float, str]]:
        for row in plain.execute(
                "SELECT source, target, kind, weight, methods FROM edges ORDER BY rowid"):
            if row[0] in papers and row[1] in papers:
                kept.append(1)
                yield row

    _write_document(out, header, paper_dicts(), method_dicts(), repo_dicts(), edge_rows(),
                    decode=lambda text: json.loads(text) if text else [])
    return {"papers": len(papers), "methods": len(used), "repos": len(linked),
            "relations": len(kept)}


def write_json_store(db: Path, path: Path) -> tuple[Path, dict[str, int]]:
    """The whole store at `db` as JSON, streamed from SQL (see `_write_store`)."""
    return stream_store(db, path, _write_store)
