"""GraphML export for Gephi, networkx and igraph.

Every attribute is a scalar of one type per key (lists joined with "; ", no None), every node has
`label` and `type`, every edge `kind` and `weight`. Relations between the same two nodes are
folded into one edge whose `kind` names them all ("builds_on+shares_method") with a weight per
kind, so a tool that merges parallel edges (desktop Gephi does) loses nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graphx.export import atomic_write
from graphx.graph import to_networkx
from graphx.model import Graph

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return _XML_UNSAFE.sub("", value)
    return value


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(xml_safe(v)) for v in value)
    return xml_safe(value)


def to_gephi_graph(graph: Graph):  # -> networkx.DiGraph
    import networkx as nx

    multi = to_networkx(graph)
    simple = nx.DiGraph()
    for node, data in multi.nodes(data=True):
        attrs = {k: _scalar(v) for k, v in data.items() if v is not None}
        attrs.setdefault("label", str(node))
        simple.add_node(node, **attrs)
    for source, target, data in multi.edges(data=True):
        kind = data["kind"]
        if simple.has_edge(source, target):
            edge = simple[source][target]
            kinds = sorted(set(edge["kind"].split("+")) | {kind})
            edge["kind"] = "+".join(kinds)
            edge["weight"] = round(edge["weight"] + data["weight"], 4)
        else:
            simple.add_edge(source, target, kind=kind, weight=float(data["weight"]))
            edge = simple[source][target]
        edge[f"weight_{kind}"] = float(data["weight"])
        if data.get("methods"):
            edge[f"methods_{kind}"] = _scalar(data["methods"])
    return simple


def write_graphml(graph: Graph, path: Path) -> Path:
    import networkx as nx

    gephi = to_gephi_graph(graph)
    return atomic_write(path, lambda tmp: nx.write_graphml(gephi, tmp, named_key_ids=True))
