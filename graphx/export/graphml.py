"""GraphML export for Gephi, networkx and igraph, streamed so 100k papers write in seconds.

What the file holds (every key named after its attribute, `named_key_ids` style):

- nodes: `label` and `type` (paper | method | repo) on every node; papers add title, abstract,
  published (ISO), year, arxiv_id, upvotes, url, authors, methods, introduces; methods add
  category, generic, origin, papers, introduced_by; repos add url, stars, forks, language,
  license, description, created_at, pushed_at, archived, default_branch, status, topics;
  `x` / `y` (the HTML page's layout) when there are at most POSITION_MAX_NODES nodes.
- edges: `kind` and `weight` on every edge; paper-paper relations add `methods` (the shared or
  introduced methods that explain them) and `weight_<kind>` per relation.

Every attribute is a scalar of one type per key: lists are joined with "; ", missing values are
left out (never None or NaN), text has XML-invalid control characters removed. Relations between
the same two nodes in the same direction are folded into one edge whose `kind` names them all
("builds_on+shares_method"), so a tool that merges parallel edges (desktop Gephi does) loses
nothing. Ids are stable across runs: paper ids, method ids ("m-lora"), "repo:owner/name".
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Container, Hashable, Iterable, Iterator
from html import escape
from pathlib import Path
from typing import Any, TextIO

from graphx.export import stream_store, write_text
from graphx.model import Graph, Method, Repo

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
# positions cost a layout; beyond this many nodes Gephi's own layouts do it better anyway
POSITION_MAX_NODES = 5000

NODE_KEYS: list[tuple[str, str]] = [
    ("label", "string"), ("type", "string"),
    ("title", "string"), ("abstract", "string"), ("published", "string"), ("year", "int"),
    ("arxiv_id", "string"), ("upvotes", "int"), ("url", "string"), ("authors", "string"),
    ("methods", "string"), ("introduces", "string"),
    ("category", "string"), ("generic", "boolean"), ("origin", "string"), ("papers", "int"),
    ("introduced_by", "string"),
    ("stars", "int"), ("forks", "int"), ("language", "string"), ("license", "string"),
    ("description", "string"), ("created_at", "string"), ("pushed_at", "string"),
    ("archived", "boolean"), ("default_branch", "string"), ("status", "string"),
    ("topics", "string"),
    ("x", "double"), ("y", "double"),
]
_ONE = '<data key="weight">1.0</data></edge>\n'  # the end of every fact's edge
EDGE_KINDS_ORDER = ("shares_method", "builds_on", "same_repo", "cites")
EDGE_KEYS: list[tuple[str, str]] = [("kind", "string"), ("weight", "double"), ("methods", "string")]
EDGE_KEYS += [(f"weight_{kind}", "double") for kind in EDGE_KINDS_ORDER]


def xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return _XML_UNSAFE.sub("", value)
    return value


def _text(value: Any) -> str:
    """A value as GraphML text: lists joined, booleans lower-case, text XML-safe and escaped."""
    if value.__class__ is str:
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        try:
            return _string("; ".join(value))
        except TypeError:  # not all strings
            return _string("; ".join(str(v) for v in value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return _string(str(value))


# the characters XML 1.0 refuses, as bytes: most text is ASCII, and deleting these bytes from it
# finds them ~4x faster than the regular expression (abstracts: 6 -> 1.5 us each)
_ASCII_UNSAFE = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20))


def _string(value: str) -> str:
    if (len(value.encode().translate(None, _ASCII_UNSAFE)) != len(value) if value.isascii()
            else _XML_UNSAFE.search(value)):
        value = _XML_UNSAFE.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def _attr(value: str) -> str:
    return escape(_XML_UNSAFE.sub("", value), quote=True)


def _data(attrs: dict[str, Any]) -> str:
    """`<data>` elements for the attributes that have a value (not None, "" or [])."""
    parts = []
    for key, value in attrs.items():
        if value.__class__ is str:  # most values: checked and escaped without a call to _text
            if not value:
                continue
            value = _string(value)
        elif value is None or value == []:
            continue
        else:
            value = _text(value)
        parts.append(f'<data key="{key}">{value}</data>')
    return "".join(parts)


def _paper_node(pid: str, title: str, abstract: str | None, published: str | None, year: int | None,
                arxiv_id: str | None, upvotes: int | None, url: str | None, authors: list[str],
                methods: list[str], introduces: list[str]) -> tuple[str, dict[str, Any]]:
    return pid, {
        "label": title, "type": "paper", "title": title, "abstract": abstract,
        "published": published, "year": year, "arxiv_id": arxiv_id, "upvotes": upvotes,
        "url": url or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None),
        "authors": authors, "methods": sorted(methods), "introduces": sorted(introduces),
    }


def _method_node(m: Method, papers: int) -> tuple[str, dict[str, Any]]:
    return m.id, {"label": m.name, "type": "method", "category": m.category,
                  "generic": m.generic, "origin": m.origin, "papers": papers,
                  "introduced_by": m.introduced_by}


def _repo_node(r: Repo) -> tuple[str, dict[str, Any]]:
    return f"repo:{r.name}", {
        "label": r.canonical or r.name, "type": "repo", "url": r.url, "stars": r.stars,
        "forks": r.forks, "language": r.language, "license": r.license,
        "description": r.description, "created_at": r.created_at, "pushed_at": r.pushed_at,
        "archived": r.archived, "default_branch": r.default_branch, "status": r.status,
        "topics": r.topics,
    }


def _method_names(mentions: Iterable[tuple[str, str, bool]], names: dict[str, str]
                  ) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]:
    """Per paper the names of the methods it mentions and introduces, and per method id its
    number of mentions, from (paper id, method id, introduces) facts."""
    methods_of: dict[str, list[str]] = defaultdict(list)
    introduces_of: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for paper_id, method_id, introduces in mentions:
        counts[method_id] += 1
        name = names.get(method_id)
        if name is not None:
            (introduces_of if introduces else methods_of)[paper_id].append(name)
    return methods_of, introduces_of, counts


def node_records(graph: Graph) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, attributes) for every node: papers, the methods papers mention, repos."""
    names = {m.id: m.name for m in graph.methods.values()}
    methods_of, introduces_of, counts = _method_names(
        ((m.paper_id, m.method_id, m.introduces) for m in graph.mentions), names)
    for p in graph.papers:
        yield _paper_node(p.id, p.title, p.abstract, p.published or p.date_text, p.year,
                          p.arxiv_id, p.upvotes, p.url, p.authors, methods_of.get(p.id, []),
                          introduces_of.get(p.id, []))
    for m in graph.methods.values():
        if counts.get(m.id):
            yield _method_node(m, counts[m.id])
    for r in graph.repos.values():
        yield _repo_node(r)


def relation_records(edges: Iterable[tuple[str, str, str, float, Hashable]],
                     among: Container[str], decode: Callable[[Any], list[str]] = list
                     ) -> Iterator[tuple[str, str, str, int]]:
    """Relations given as (source, target, kind, weight, methods) between nodes in `among`,
    one record (source, target, GraphML data, relations folded) per pair and direction, in the
    order of each pair's first relation. `methods` is any hashable form that `decode` turns
    into the list of names (a tuple; the store's JSON text, decoded once per distinct list)."""
    # a pair's one relation, or the list of its relations (rare: no list for the others)
    folded: dict[tuple[str, str], Any] = {}
    get = folded.get
    for e in edges:
        if e[0] in among and e[1] in among:
            key = (e[0], e[1])
            seen = get(key)
            if seen is None:
                folded[key] = e
            elif seen.__class__ is list:
                seen.append(e)
            else:
                folded[key] = [seen, e]
    methods_data: dict[Hashable, str] = {}  # the same method lists recur often
    for (source, target), group in folded.items():
        if group.__class__ is tuple and group[2] in EDGE_KINDS_ORDER:  # the common case, cheap
            _, _, kind, weight, methods = group
            text = methods_data.get(methods)
            if text is None:
                text = methods_data[methods] = _data({"methods": decode(methods)})
            weight = repr(float(weight))
            yield source, target, (f'<data key="kind">{kind}</data><data key="weight">{weight}'
                                   f'</data>{text}<data key="weight_{kind}">{weight}</data>'), 1
            continue
        group.sort(key=lambda e: EDGE_KINDS_ORDER.index(e[2]))
        names: list[str] = []
        for e in group:
            names.extend(m for m in decode(e[4]) if m not in names)
        attrs: dict[str, Any] = {"kind": "+".join(e[2] for e in group),
                                 "weight": round(sum(e[3] for e in group), 4),
                                 "methods": names}
        for e in group:
            attrs[f"weight_{e[2]}"] = float(e[3])
        yield source, target, _data(attrs), len(group)


def _positions(graph: Graph) -> dict[str, tuple[float, float]]:
    used = len({m.method_id for m in graph.mentions})
    if len(graph.papers) + used + len(graph.repos) > POSITION_MAX_NODES:
        return {}
    from graphx.export.html import page_data

    return {n["id"]: (float(n["x"]), float(n["y"])) for n in page_data(graph)["nodes"]}


def _write(graph: Graph, out: TextIO) -> None:
    has_code = ((p.id, f"repo:{repo}") for p in graph.papers for repo in p.repos)
    _write_document(
        out, node_records(graph), _positions(graph),
        ((m.paper_id, m.method_id, m.introduces) for m in graph.mentions), has_code,
        ((e.source, e.target, e.kind, e.weight, tuple(e.methods)) for e in graph.edges))


def _write_store(conn: sqlite3.Connection, out: TextIO) -> dict[str, int]:
    """The whole store as `_write` writes `views.filtered_view(store.load(db))`, streamed from
    SQL: no Graph, no Paper objects; what is held is the mention facts as tuples, per paper the
    names of its methods and the paper pairs with relations (to fold them). Returns the view's
    summary (papers, methods, repos, relations)."""
    from graphx.store import linked_repos, method_from_row

    plain = conn.cursor()
    plain.row_factory = None
    order = [row[0] for row in plain.execute("SELECT id FROM papers ORDER BY rowid")]
    papers = set(order)
    names = dict(plain.execute("SELECT id, name FROM methods"))
    facts = [row for row in plain.execute(
        "SELECT paper_id, method_id, introduces FROM mentions ORDER BY rowid") if row[0] in papers]
    methods_of, introduces_of, counts = _method_names(facts, names)
    repos_of: dict[str, list[str]] = defaultdict(list)
    for paper_id, repo in plain.execute("SELECT paper_id, repo FROM paper_repos ORDER BY rowid"):
        if paper_id in papers:
            repos_of[paper_id].append(repo)
    repos = list(linked_repos(conn))
    positions: dict[str, tuple[float, float]] = {}
    if len(papers) + len(counts) + len(repos) <= POSITION_MAX_NODES:  # a small store: lay it out
        from graphx import views
        from graphx.export.html import page_data
        from graphx.store import read_graph

        view = views.subgraph(read_graph(conn), papers)
        positions = {n["id"]: (float(n["x"]), float(n["y"])) for n in page_data(view)["nodes"]}

    def nodes() -> Iterator[tuple[str, dict[str, Any]]]:
        for (pid, title, abstract, published, date_text, year, arxiv_id, upvotes, url,
             authors) in plain.execute(
                "SELECT id, title, abstract, published, date_text, year, arxiv_id, upvotes, url, "
                "authors FROM papers ORDER BY rowid"):
            yield _paper_node(pid, title, abstract, published or date_text, year, arxiv_id,
                              upvotes, url, json.loads(authors) if authors else [],
                              methods_of.pop(pid, []), introduces_of.pop(pid, []))
        for row in conn.execute("SELECT * FROM methods ORDER BY rowid"):
            if counts.get(row["id"]):
                yield _method_node(method_from_row(row), counts[row["id"]])
        for repo in repos:
            yield _repo_node(repo)

    edges = conn.cursor()
    edges.row_factory = None
    relations = _write_document(
        out, nodes(), positions, facts,
        ((pid, f"repo:{repo}") for pid in order for repo in repos_of.get(pid, ())),
        edges.execute("SELECT source, target, kind, weight, methods FROM edges ORDER BY rowid"),
        among=papers, decode=lambda text: json.loads(text) if text else [])
    return {"papers": len(papers), "methods": len(counts), "repos": len(repos),
            "relations": relations}


def _write_document(out: TextIO, nodes: Iterable[tuple[str, dict[str, Any]]],
                    positions: dict[str, tuple[float, float]],
                    mentions: Iterable[tuple[str, str, bool]],
                    has_code: Iterable[tuple[str, str]],
                    edges: Iterable[tuple[str, str, str, float, Hashable]],
                    among: Container[str] | None = None,
                    decode: Callable[[Any], list[str]] = list) -> int:
    """The GraphML text, from the nodes and the facts and relations between them (a fact whose
    ends are not both nodes is left out, and so is a relation whose ends are not both `among`,
    by default the nodes). Returns the number of relations written (before folding)."""
    w = out.write
    w('<?xml version="1.0" encoding="utf-8"?>\n')
    w(f'<graphml xmlns="{GRAPHML_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      f'xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">\n')
    for name, kind in NODE_KEYS:
        w(f'<key id="{name}" for="node" attr.name="{name}" attr.type="{kind}"/>\n')
    for name, kind in EDGE_KEYS:
        w(f'<key id="{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>\n')
    w('<graph id="graphx" edgedefault="directed">\n')
    xml_id: dict[str, str] = {}  # node id -> its escaped form, reused by every edge
    for node_id, attrs in nodes:
        if node_id in positions:
            attrs["x"], attrs["y"] = positions[node_id]
        xml_id[node_id] = quoted = _attr(node_id)
        w(f'<node id="{quoted}">{_data(attrs)}</node>\n')
    number = 0
    # facts: a paper mentions or introduces a method once and links a repo once, so these
    # never need folding; written from a template because there are millions of them
    get = xml_id.get
    for paper_id, method_id, introduces in mentions:
        source, target = get(paper_id), get(method_id)
        if source is not None and target is not None:
            w(f'<edge id="e{number}" source="{source}" target="{target}"><data key="kind">'
              f'{"introduces" if introduces else "mentions"}</data>{_ONE}')
            number += 1
    for paper_id, repo_id in has_code:
        source, target = get(paper_id), get(repo_id)
        if source is not None and target is not None:
            w(f'<edge id="e{number}" source="{source}" target="{target}"><data key="kind">'
              f'has_code</data>{_ONE}')
            number += 1
    relations = 0
    for source, target, data, folded in relation_records(
            edges, xml_id if among is None else among, decode):
        w(f'<edge id="e{number}" source="{xml_id[source]}" target="{xml_id[target]}">{data}'
          '</edge>\n')
        number += 1
        relations += folded
    w("</graph>\n</graphml>\n")
    return relations


def write_graphml(graph: Graph, path: Path) -> Path:
    return write_text(path, lambda handle: _write(graph, handle))


def write_graphml_store(db: Path, path: Path) -> tuple[Path, dict[str, int]]:
    """The whole store at `db` as GraphML, streamed from SQL (see `_write_store`)."""
    return stream_store(db, path, _write_store)
