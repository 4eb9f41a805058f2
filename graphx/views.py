"""Views: filtered subgraphs of a built graph, shared by every export format.

`filtered_view` filters a Graph in memory; `load_view` gives the same view of a store, selecting
the papers in SQL and loading only those (what `graphx export` uses).
"""

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
    from graphx.errors import NotFoundError

    keep = {p.id for p in graph.papers}
    if since:
        keep = {p.id for p in graph.papers if p.id in keep and _on_or_after(p, since)}
    if method:
        if method not in graph.methods:
            raise NotFoundError(f"no method with id {method!r} in this graph")
        keep &= {m.paper_id for m in graph.mentions if m.method_id == method}
    edges = graph.edges
    if kinds:
        _check_kinds(kinds)
        edges = [e for e in edges if e.kind in kinds]
    if min_weight is not None:
        edges = [e for e in edges if e.weight >= min_weight]
    if focus:
        if not any(p.id == focus for p in graph.papers):
            raise NotFoundError(f"no paper with id {focus!r} in this graph")
        keep = _within(focus, depth, edges, keep | {focus})
    view = subgraph(replace(graph, edges=edges), keep)
    _drop_fact_kinds(view, kinds)
    method_name = graph.methods[method].name if method else None
    view.meta = _described(graph.meta, since, method_name, kinds, min_weight, focus, depth)
    if max_nodes is not None:
        capped = default_view(view, max_nodes)
        capped.meta = {**view.meta, **capped.meta}
        view = capped
    return view


def _check_kinds(kinds: list[str]) -> None:
    from graphx.errors import GraphxError

    unknown = sorted(set(kinds) - set(edge_kinds()))
    if unknown:
        raise GraphxError(f"unknown edge kind {unknown[0]!r}; choose from: {', '.join(edge_kinds())}")


def _drop_fact_kinds(view: Graph, kinds: list[str] | None) -> None:
    """Leaving out `mentions`/`introduces` leaves out those facts (and unused methods);
    leaving out `has_code` leaves out repos."""
    if not kinds:
        return
    if "mentions" not in kinds or "introduces" not in kinds:
        dropped = {k for k in ("mentions", "introduces") if k not in kinds}
        view.mentions = [m for m in view.mentions
                         if ("introduces" if m.introduces else "mentions") not in dropped]
        used = {m.method_id for m in view.mentions}
        view.methods = {k: v for k, v in view.methods.items() if k in used}
    if "has_code" not in kinds:
        view.repos = {}
        view.papers = [replace(p, repos=[]) for p in view.papers]


def _described(meta: dict, since: str | None, method_name: str | None, kinds: list[str] | None,
               min_weight: float | None, focus: str | None, depth: int) -> dict:
    """`meta` with the filters that made the view, in words, as its `filters` and page title."""
    described = []
    if since:
        described.append(f"since {since}")
    if method_name:
        described.append(f"method {method_name}")
    if kinds:
        described.append("kinds " + ", ".join(kinds))
    if min_weight is not None:
        described.append(f"weight >= {min_weight:g}")
    if focus:
        described.append(f"{depth} link(s) around {focus}")
    meta = {**meta, "filters": "; ".join(described) or None}
    if described:
        meta["title"] = "graphx: " + "; ".join(described)
    return meta


def load_view(db, kinds: list[str] | None = None, method: str | None = None,
              focus: str | None = None, depth: int = 1, min_weight: float | None = None,
              max_nodes: int | None = None, since: str | None = None) -> Graph:
    """`filtered_view(store.load(db), ...)`, reading only what the view holds from the store.

    The papers are selected in SQL (dates, the method's mentions, a breadth-first search over the
    kept edges for `focus`, edge weights for `max_nodes`) and only those are loaded: the default
    HTML view of 100,000 papers reads 2,000 of them. Same arguments, same view, same errors.
    """
    from graphx import store
    from graphx.errors import NotFoundError

    with store.opened(db) as conn:
        rows = conn.execute("SELECT id, published, year FROM papers ORDER BY rowid").fetchall()
        keep = {row[0] for row in rows}
        method_name = None
        if since:
            keep = {pid for pid, published, year in rows
                    if pid in keep and _date_on_or_after(published, year, since)}
        if method:
            found = conn.execute("SELECT name FROM methods WHERE id = ?", (method,)).fetchone()
            if found is None:
                raise NotFoundError(f"no method with id {method!r} in this graph")
            method_name = found[0]
            keep &= {r[0] for r in conn.execute("SELECT paper_id FROM mentions WHERE method_id = ?",
                                                (method,))}
        conditions, params = [], []
        if kinds:
            _check_kinds(kinds)
            relations = [k for k in kinds if k not in FACT_KINDS]
            conditions.append(f"kind IN ({', '.join('?' * len(relations))})")
            params += relations
        if min_weight is not None:
            conditions.append("weight >= ?")
            params.append(min_weight)
        kept_edges = " AND ".join(conditions) or "1"
        if focus:
            if not any(row[0] == focus for row in rows):
                raise NotFoundError(f"no paper with id {focus!r} in this graph")
            keep = _within_store(conn, focus, depth, kept_edges, params, keep | {focus})
        truncated_from = None
        if max_nodes is not None and len(keep) > max_nodes:
            truncated_from = len(keep)
            keep = _best_connected(conn, keep, max_nodes, kept_edges, params)
        if len(keep) > len(rows) // 2:  # most of the store: one plain read beats indexed lookups
            view = subgraph(store.read_graph(conn), keep)
        else:
            view = store.read_graph(conn, keep)
    if conditions:  # the same relations filtered_view keeps
        view.edges = [e for e in view.edges if (not kinds or e.kind in kinds)
                      and (min_weight is None or e.weight >= min_weight)]
    _drop_fact_kinds(view, kinds)
    view.meta = _described(view.meta, since, method_name, kinds, min_weight, focus, depth)
    if truncated_from is not None:
        view.meta.update(truncated_from=truncated_from, max_nodes=max_nodes)
    return view


def _best_connected(conn, keep: set[str], max_nodes: int, kept_edges: str, params: list
                    ) -> set[str]:
    """default_view's choice among `keep`: the largest sums of kept relation weights, ties by
    id. Summed in Python in the store's edge order, so the floats (and the ties) are the same."""
    strength: dict[str, float] = {}
    get = strength.get
    for source, target, weight in conn.execute(
            f"SELECT source, target, weight FROM edges WHERE {kept_edges} ORDER BY rowid", params):
        if source in keep and target in keep:
            strength[source] = get(source, 0.0) + weight
            strength[target] = get(target, 0.0) + weight
    ranked = sorted(keep, key=lambda pid: (-get(pid, 0.0), pid))
    return set(ranked[:max_nodes])


def _within_store(conn, centre: str, depth: int, kept_edges: str, params: list,
                  allowed: set[str]) -> set[str]:
    """_within over the store: one indexed query per step instead of every edge in memory."""
    from graphx.store import id_table

    seen, frontier = {centre}, {centre}
    query = (f"SELECT source, target FROM edges WHERE source IN frontier AND {kept_edges} "
             f"UNION ALL SELECT source, target FROM edges WHERE target IN frontier AND {kept_edges}")
    for _ in range(depth):
        id_table(conn, "frontier", frontier)
        found = set()
        for source, target in conn.execute(query, params + params):
            if source in allowed and target in allowed:
                if source in frontier:
                    found.add(target)
                if target in frontier:
                    found.add(source)
        frontier = found - seen
        if not frontier:
            break
        seen |= frontier
    return seen


def _on_or_after(paper, since: str) -> bool:
    return _date_on_or_after(paper.published, paper.year, since)


def _date_on_or_after(published: str | None, year: int | None, since: str) -> bool:
    if published:
        return published[: len(since)] >= since
    # only a year is known: later years pass, the same year only when a year was asked for
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
