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


FACT_KINDS = ("mentions", "introduces", "has_code")


def edge_kinds() -> tuple[str, ...]:
    """Every kind an export can keep: the paper-paper relations and the facts."""
    from graphx.model import EDGE_KINDS

    return (*EDGE_KINDS, *FACT_KINDS)


def filtered_view(graph: Graph, kinds: list[str] | None = None, method: str | None = None,
                  focus: str | None = None, depth: int = 1, min_weight: float | None = None,
                  max_nodes: int | None = None, since: str | None = None) -> Graph:
    """The part of `graph` the filters select; every export format writes views like this one.

    Parameters
    ----------
    kinds: edge kinds to keep (relations such as "builds_on" and facts such as "mentions");
        dropping "mentions"/"introduces" drops method nodes, dropping "has_code" drops repos.
    method: only papers that mention or introduce this method (its id).
    focus, depth: the papers within `depth` links of the paper with id `focus` (over the kept
        edges).

    Names are resolved beforehand, against the store, by `graphx.query.resolve` (papers) and
    `graphx.query.resolve_method`: the same answers and "did you mean" as the query commands.
    min_weight: drop relations lighter than this (facts have weight 1).
    max_nodes: keep the best-connected papers only (the page says what was left out).
    since: papers published on or after this ISO date (YYYY, YYYY-MM or YYYY-MM-DD); papers
        without a known date are left out.

    Example
    -------
    >>> view = filtered_view(graph, method="conformer", kinds=["builds_on"])   # doctest: +SKIP
    """
    from graphx.errors import GraphxError, NotFoundError

    keep = {p.id for p in graph.papers}
    described: list[str] = []
    if since:
        keep = {p.id for p in graph.papers if p.id in keep and _on_or_after(p, since)}
        described.append(f"since {since}")
    if method:
        if method not in graph.methods:
            raise NotFoundError(f"no method with id {method!r} in this graph")
        keep &= {m.paper_id for m in graph.mentions if m.method_id == method}
        described.append(f"method {graph.methods[method].name}")
    edges = graph.edges
    if kinds:
        unknown = sorted(set(kinds) - set(edge_kinds()))
        if unknown:
            raise GraphxError(f"unknown edge kind {unknown[0]!r}; choose from: "
                              f"{', '.join(edge_kinds())}")
        edges = [e for e in edges if e.kind in kinds]
        described.append("kinds " + ", ".join(kinds))
    if min_weight is not None:
        edges = [e for e in edges if e.weight >= min_weight]
        described.append(f"weight >= {min_weight:g}")
    if focus:
        if not any(p.id == focus for p in graph.papers):
            raise NotFoundError(f"no paper with id {focus!r} in this graph")
        keep = _within(focus, depth, edges, keep | {focus})
        described.append(f"{depth} link(s) around {focus}")
    view = subgraph(replace(graph, edges=edges), keep)
    if kinds:
        if "mentions" not in kinds or "introduces" not in kinds:
            dropped = {k for k in ("mentions", "introduces") if k not in kinds}
            view.mentions = [m for m in view.mentions
                             if ("introduces" if m.introduces else "mentions") not in dropped]
            used = {m.method_id for m in view.mentions}
            view.methods = {k: v for k, v in view.methods.items() if k in used}
        if "has_code" not in kinds:
            view.repos = {}
            view.papers = [replace(p, repos=[]) for p in view.papers]
    view.meta = {**graph.meta, "filters": "; ".join(described) or None}
    if described:
        view.meta["title"] = "graphx: " + "; ".join(described)
    if max_nodes is not None:
        capped = default_view(view, max_nodes)
        capped.meta = {**view.meta, **capped.meta}
        view = capped
    return view


def _on_or_after(paper, since: str) -> bool:
    if paper.published:
        return paper.published[: len(since)] >= since
    # only a year is known: later years pass, the same year only when a year was asked for
    year = paper.year
    return year is not None and (year > int(since[:4]) or (year == int(since[:4]) and
                                                           len(since) == 4))


def _within(centre: str, depth: int, edges, allowed: set[str]) -> set[str]:
    """Papers reachable from `centre` in at most `depth` steps (either direction)."""
    neighbours: dict[str, set[str]] = {}
    for e in edges:
        if e.source in allowed and e.target in allowed:
            neighbours.setdefault(e.source, set()).add(e.target)
            neighbours.setdefault(e.target, set()).add(e.source)
    seen, frontier = {centre}, {centre}
    for _ in range(depth):
        frontier = {n for node in frontier for n in neighbours.get(node, ())} - seen
        if not frontier:
            break
        seen |= frontier
    return seen


def summary(graph: Graph) -> dict[str, int]:
    """What a view holds, for messages: papers, methods in use, repos, paper-paper relations."""
    return {"papers": len(graph.papers), "methods": len({m.method_id for m in graph.mentions}),
            "repos": len(graph.repos), "relations": len(graph.edges)}
