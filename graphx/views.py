"""Views: filtered subgraphs of a built graph, shared by every export format."""

from __future__ import annotations

from dataclasses import replace

from graphx.model import Graph

# what a browser draws comfortably with a precomputed layout
DEFAULT_HTML_MAX_NODES = 2000


def subgraph(graph: Graph, paper_ids: set[str]) -> Graph:
    """The papers in `paper_ids` with their facts, methods, repos and the edges among them."""
    papers = [p for p in graph.papers if p.id in paper_ids]
    mentions = [m for m in graph.mentions if m.paper_id in paper_ids]
    used = {m.method_id for m in mentions}
    repos_used = {r for p in papers for r in p.repos}
    return replace(
        graph,
        papers=papers,
        mentions=mentions,
        methods={k: v for k, v in graph.methods.items() if k in used},
        repos={k: v for k, v in graph.repos.items() if k in repos_used},
        edges=[e for e in graph.edges if e.source in paper_ids and e.target in paper_ids],
    )


def default_view(graph: Graph, max_nodes: int = DEFAULT_HTML_MAX_NODES) -> Graph:
    """The whole graph, or its best-connected `max_nodes` papers when it is larger."""
    if len(graph.papers) <= max_nodes:
        return graph
    strength: dict[str, float] = {}
    for edge in graph.edges:
        strength[edge.source] = strength.get(edge.source, 0.0) + edge.weight
        strength[edge.target] = strength.get(edge.target, 0.0) + edge.weight
    ranked = sorted(graph.papers, key=lambda p: (-strength.get(p.id, 0.0), p.id))
    view = subgraph(graph, {p.id for p in ranked[:max_nodes]})
    view.meta = {**graph.meta, "truncated_from": len(graph.papers), "max_nodes": max_nodes}
    return view
