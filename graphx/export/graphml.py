"""GraphML export for Gephi, networkx and igraph, streamed so 100k papers write in seconds.

What the file holds (every key named after its attribute, `named_key_ids` style):

- nodes: `label` and `type` (paper | method | repo) on every node; papers add title, abstract,
  published (ISO), year, arxiv_id, upvotes, url, authors, methods, introduces; methods add
  category, generic, origin, papers, introduced_by; repos add url, stars, forks, language,
  license, description, created_at, pushed_at, archived, default_branch, status, topics.
  `x` / `y` (the HTML page's layout)
  when the graph is small enough to lay out quickly.
- edges: `kind` and `weight` on every edge; paper-paper relations add `methods` (the shared or
  introduced methods that explain them) and `weight_<kind>` per relation.

Every attribute is a scalar of one type per key: lists are joined with "; ", missing values are
left out (never None or NaN), text has XML-invalid control characters removed. Relations between
the same two nodes in the same direction are folded into one edge whose `kind` names them all
("builds_on+shares_method"), so a tool that merges parallel edges (desktop Gephi does) loses
nothing. Ids are stable across runs: paper ids, method ids ("m-lora"), "repo:owner/name".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any, TextIO

from graphx.export import atomic_write
from graphx.model import Edge, Graph

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
        if _XML_UNSAFE.search(value):
            value = _XML_UNSAFE.sub("", value)
        if "&" in value or "<" in value or ">" in value:
            value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return _text("; ".join(str(v) for v in value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return _text(str(value))


def _attr(value: str) -> str:
    return escape(_XML_UNSAFE.sub("", value), quote=True)


def _data(attrs: dict[str, Any]) -> str:
    return "".join(f'<data key="{key}">{_text(value)}</data>' for key, value in attrs.items()
                   if value is not None and value != "" and value != [])


def _paper_nodes(graph: Graph) -> Iterator[tuple[str, dict[str, Any]]]:
    methods_of: dict[str, list[str]] = defaultdict(list)
    introduces_of: dict[str, list[str]] = defaultdict(list)
    names = {m.id: m.name for m in graph.methods.values()}
    for mention in graph.mentions:
        name = names.get(mention.method_id)
        if name is not None:
            (introduces_of if mention.introduces else methods_of)[mention.paper_id].append(name)
    for p in graph.papers:
        yield p.id, {
            "label": p.title, "type": "paper", "title": p.title, "abstract": p.abstract,
            "published": p.published or p.date_text, "year": p.year, "arxiv_id": p.arxiv_id,
            "upvotes": p.upvotes,
            "url": p.url or (f"https://arxiv.org/abs/{p.arxiv_id}" if p.arxiv_id else None),
            "authors": p.authors, "methods": sorted(methods_of.get(p.id, ())),
            "introduces": sorted(introduces_of.get(p.id, ())),
        }


def node_records(graph: Graph) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, attributes) for every node: papers, the methods papers mention, repos."""
    yield from _paper_nodes(graph)
    counts: dict[str, int] = defaultdict(int)
    for mention in graph.mentions:
        counts[mention.method_id] += 1
    for m in graph.methods.values():
        if counts.get(m.id):
            yield m.id, {
                "label": m.name, "type": "method", "category": m.category, "generic": m.generic,
                "origin": m.origin, "papers": counts[m.id], "introduced_by": m.introduced_by,
            }
    for r in graph.repos.values():
        yield f"repo:{r.name}", {
            "label": r.canonical or r.name, "type": "repo", "url": r.url, "stars": r.stars,
            "forks": r.forks, "language": r.language, "license": r.license,
            "description": r.description, "created_at": r.created_at, "pushed_at": r.pushed_at,
            "archived": r.archived, "default_branch": r.default_branch, "status": r.status,
            "topics": r.topics,
        }


def relation_records(graph: Graph, node_ids: set[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Paper-paper relations, one record per pair and direction, relations folded together."""
    folded: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for e in graph.edges:
        if e.source in node_ids and e.target in node_ids:
            folded[(e.source, e.target)].append(e)
    out = []
    for (source, target), edges in folded.items():
        if len(edges) == 1:  # the common case, kept cheap
            e = edges[0]
            out.append((source, target, {"kind": e.kind, "weight": float(e.weight),
                                         "methods": e.methods, f"weight_{e.kind}": float(e.weight)}))
            continue
        edges.sort(key=lambda e: EDGE_KINDS_ORDER.index(e.kind))
        methods: list[str] = []
        for e in edges:
            methods.extend(m for m in e.methods if m not in methods)
        attrs: dict[str, Any] = {"kind": "+".join(e.kind for e in edges),
                                 "weight": round(sum(e.weight for e in edges), 4),
                                 "methods": methods}
        for e in edges:
            attrs[f"weight_{e.kind}"] = float(e.weight)
        out.append((source, target, attrs))
    return out


def _positions(graph: Graph) -> dict[str, tuple[float, float]]:
    used = len({m.method_id for m in graph.mentions})
    if len(graph.papers) + used + len(graph.repos) > POSITION_MAX_NODES:
        return {}
    from graphx.export.html import page_data

    return {n["id"]: (float(n["x"]), float(n["y"])) for n in page_data(graph)["nodes"]}


def _write(graph: Graph, out: TextIO) -> None:
    positions = _positions(graph)
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
    for node_id, attrs in node_records(graph):
        if node_id in positions:
            attrs["x"], attrs["y"] = positions[node_id]
        xml_id[node_id] = quoted = _attr(node_id)
        w(f'<node id="{quoted}">{_data(attrs)}</node>\n')
    number = 0
    # facts: a paper mentions or introduces a method once and links a repo once, so these
    # never need folding; written from a template because there are millions of them
    fact = '<edge id="e{}" source="{}" target="{}"><data key="kind">{}</data>' \
           '<data key="weight">1.0</data></edge>\n'
    for mention in graph.mentions:
        source, target = xml_id.get(mention.paper_id), xml_id.get(mention.method_id)
        if source is not None and target is not None:
            w(fact.format(number, source, target,
                          "introduces" if mention.introduces else "mentions"))
            number += 1
    for paper in graph.papers:
        source = xml_id.get(paper.id)
        for repo in paper.repos:
            target = xml_id.get(f"repo:{repo}")
            if source is not None and target is not None:
                w(fact.format(number, source, target, "has_code"))
                number += 1
    for source, target, attrs in relation_records(graph, set(xml_id)):
        w(f'<edge id="e{number}" source="{xml_id[source]}" target="{xml_id[target]}">'
          f'{_data(attrs)}</edge>\n')
        number += 1
    w("</graph>\n</graphml>\n")


def write_graphml(graph: Graph, path: Path) -> Path:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as handle:
            _write(graph, handle)

    return atomic_write(path, write)
