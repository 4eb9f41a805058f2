"""Queries over a saved store. Each reads SQLite directly and answers with plain data.

Nothing here loads the whole graph: a neighbour query is two indexed lookups, a path is a
breadth-first search that reads only the frontier's edges, so a query answers in milliseconds
on a 100k-paper store.

    >>> from graphx import query
    >>> found = query.neighbors("output/graphx.db", "Zipformer", kind="builds_on")  # doctest: +SKIP
    >>> found["neighbors"][0]["title"], found["neighbors"][0]["links"][0]["methods"]  # doctest: +SKIP
    ('Conformer: Convolution-augmented Transformer for Speech Recognition', ['Conformer'])

Every function takes the store's path first and raises `NotFoundError` (a one-line message, with
"did you mean" when something is close) or `AmbiguousError` (with the candidates) for a query
that names nothing or too much.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from graphx import store
from graphx.errors import NotFoundError
from graphx.model import EDGE_KINDS
from graphx.papers import normalize_title, parse_arxiv_id

# the kinds a paper-paper edge can have; "all" means any of them
KINDS = (*EDGE_KINDS, "all")
DIRECTED = {"builds_on", "cites"}
MAX_CANDIDATES = 10
MAX_PATH_HOPS = 10
_SQL_PARAMS = 500  # ids per IN (...) query, well under SQLite's limit
_LOOKS_LIKE_ID = re.compile(r"(?i)^(arxiv:\s*)?(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")


class AmbiguousError(NotFoundError):
    """A query that matches several papers; `candidates` lists them, `details` as lines."""

    def __init__(self, query: str, candidates: list[dict[str, Any]], total: int,
                 method: str | None = None) -> None:
        self.candidates = candidates
        self.total = total
        self.details = [f"  {c['id']}  {c['title']}" for c in candidates]
        if total > len(candidates):
            self.details.append(f"  ... and {total - len(candidates)} more")
        if method:  # the user may have meant the method, not a paper named after it
            self.details.append(f'"{query}" is also a method: graphx method "{method}" lists its papers')
        super().__init__(f'"{query}" matches {total} papers; use more of the title or an id')


# ---------------------------------------------------------------- rows to plain data


def _paper_brief(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "title": row["title"], "published": row["published"] or row["date_text"]}


def _papers_by_id(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), _SQL_PARAMS):
        chunk = wanted[start : start + _SQL_PARAMS]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
                f"SELECT id, title, published, date_text FROM papers WHERE id IN ({marks})", chunk):
            found[row["id"]] = _paper_brief(row)
    return found


def _json_list(text: str | None) -> list[Any]:
    return json.loads(text) if text else []


def _did_you_mean(query: str, choices: Iterable[str]) -> str:
    folded = {c.casefold(): c for c in choices}
    close = difflib.get_close_matches(query.casefold(), folded, n=1, cutoff=0.75)
    return folded[close[0]] if close else ""


# ---------------------------------------------------------------- resolving a paper


def resolve(db: str | Path, query: str) -> dict[str, Any]:
    """The paper `query` names: {"id", "title", "published", "matched_by"}.

    Tried in order: a stable id, an arXiv id or URL, an exact title (case, accents and
    punctuation ignored), the paper that introduced a method of that name, a unique fragment of
    a title. Raises AmbiguousError when a fragment matches several papers and NotFoundError when
    nothing matches.
    """
    with store.opened(db) as conn:
        return _resolve(conn, query)


def _resolve(conn: sqlite3.Connection, query: str) -> dict[str, Any]:
    text = query.strip()
    if not text:
        raise NotFoundError("empty query: give a paper id, arXiv id, title or method name")
    row = conn.execute("SELECT * FROM papers WHERE id = ?", (text,)).fetchone()
    if row is not None:
        return {**_paper_brief(row), "matched_by": "id"}
    if _LOOKS_LIKE_ID.match(text) or "://" in text or text.startswith(("arxiv.org/", "huggingface.co/")):
        arxiv_id = parse_arxiv_id(text)
        row = arxiv_id and conn.execute("SELECT * FROM papers WHERE arxiv_id = ?",
                                        (arxiv_id,)).fetchone()
        if row:
            return {**_paper_brief(row), "matched_by": "arxiv_id"}
    key = normalize_title(text)
    row = key and conn.execute("SELECT * FROM papers WHERE title_key = ? ORDER BY rowid",
                               (key,)).fetchone()
    if row:
        return {**_paper_brief(row), "matched_by": "title"}
    method = _method_row(conn, text)
    if method is not None and method["introduced_by"]:
        row = conn.execute("SELECT * FROM papers WHERE id = ?", (method["introduced_by"],)).fetchone()
        if row is not None:
            return {**_paper_brief(row), "matched_by": f"introduces {method['name']}"}
    if key:
        pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        total = conn.execute("SELECT COUNT(*) FROM papers WHERE title_key LIKE ? ESCAPE '\\'",
                             (pattern,)).fetchone()[0]
        rows = conn.execute(
            "SELECT * FROM papers WHERE title_key LIKE ? ESCAPE '\\' ORDER BY published DESC, id "
            "LIMIT ?", (pattern, MAX_CANDIDATES)).fetchall()
        if total == 1:
            return {**_paper_brief(rows[0]), "matched_by": "title fragment"}
        if total > 1:
            raise AmbiguousError(query, [_paper_brief(r) for r in rows], total,
                                 method["name"] if method is not None else None)
    raise NotFoundError(_no_paper_message(conn, text))


def _no_paper_message(conn: sqlite3.Connection, text: str) -> str:
    message = f'no paper matches "{text}" (an id, arXiv id, title, method name or title fragment)'
    # close names: method names, and title words and titles (a typo in either)
    choices = [r[0] for r in conn.execute(
        "SELECT name FROM methods WHERE introduced_by IS NOT NULL OR papers > 0")]
    if conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0] <= 20000:
        choices += [r[0] for r in conn.execute("SELECT title FROM papers")]
    close = _did_you_mean(text, choices)
    return f'{message}; did you mean "{close}"?' if close else message


# ---------------------------------------------------------------- methods


def _method_row(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    """A method by id, name or alias (case-insensitive); the most mentioned one wins a tie."""
    text = name.strip()
    return conn.execute(
        "SELECT * FROM methods WHERE id = ? OR name = ? COLLATE NOCASE ORDER BY papers DESC, id "
        "LIMIT 1", (text, text)).fetchone() or conn.execute(
        "SELECT m.* FROM methods m, json_each(m.aliases) a WHERE a.value = ? COLLATE NOCASE "
        "ORDER BY m.papers DESC, m.id LIMIT 1", (text,)).fetchone()


def _require_method(conn: sqlite3.Connection, name: str) -> sqlite3.Row:
    row = _method_row(conn, name)
    if row is not None:
        return row
    choices = [r[0] for r in conn.execute("SELECT name FROM methods")]
    close = _did_you_mean(name, choices)
    message = f'no method "{name}" in the catalog or the corpus'
    raise NotFoundError(f'{message}; did you mean "{close}"?' if close else message)


def resolve_method(db: str | Path, name: str) -> dict[str, Any]:
    """The method `name` names (id, name or alias, any case): {"id", "name"}.

    Raises NotFoundError, with a close name when there is one, when no method matches.
    """
    with store.opened(db) as conn:
        row = _require_method(conn, name)
        return {"id": row["id"], "name": row["name"]}


def method(db: str | Path, name: str, limit: int = 20) -> dict[str, Any]:
    """One method: aliases, category, the paper that introduced it, the papers mentioning it.

    `papers` lists at most `limit` papers, newest first; `paper_count` counts them all.
    """
    with store.opened(db) as conn:
        row = _require_method(conn, name)
        introducer = None
        if row["introduced_by"]:
            found = _papers_by_id(conn, [row["introduced_by"]])
            introducer = found.get(row["introduced_by"])
        papers = [
            {**_paper_brief(r), "introduces": bool(r["introduces"])}
            for r in conn.execute(
                "SELECT p.id, p.title, p.published, p.date_text, MAX(x.introduces) AS introduces "
                "FROM mentions x JOIN papers p ON p.id = x.paper_id WHERE x.method_id = ? "
                "GROUP BY p.id ORDER BY COALESCE(p.published, '') DESC, p.id LIMIT ?",
                (row["id"], limit))
        ]
        built_on = conn.execute(
            "SELECT COUNT(*) FROM edges WHERE kind = 'builds_on' AND target = ? AND EXISTS "
            "(SELECT 1 FROM json_each(edges.methods) WHERE value = ?)",
            (row["introduced_by"], row["name"])).fetchone()[0] if row["introduced_by"] else 0
        # methods that papers mentioning this one introduce: what the field built on it
        built_on_methods = [r[0] for r in conn.execute(
            "SELECT DISTINCT m.name FROM mentions a JOIN mentions b ON b.paper_id = a.paper_id "
            "AND b.introduces = 1 JOIN methods m ON m.id = b.method_id WHERE a.method_id = ? "
            "AND a.introduces = 0 AND b.method_id <> ? AND m.kind = 'method' AND m.generic = 0 "
            "ORDER BY m.name", (row["id"], row["id"]))]
        return {
            "id": row["id"], "name": row["name"], "aliases": _json_list(row["aliases"]),
            "category": row["category"], "generic": bool(row["generic"]), "kind": row["kind"],
            "origin": row["origin"], "description": row["description"],
            "introduced_by": introducer, "paper_count": row["papers"],
            "papers_building_on_it": built_on, "methods_built_on_it": built_on_methods,
            "papers": papers,
        }


def methods(db: str | Path, category: str | None = None, search: str | None = None,
            limit: int = 20, include_unused: bool = False) -> dict[str, Any]:
    """Methods by the number of papers mentioning them, optionally of one category or matching
    a name fragment. Raises NotFoundError for an unknown category (naming the known ones)."""
    with store.opened(db) as conn:
        where: list[str] = [] if include_unused else ["papers > 0"]
        params: list[Any] = []
        if category:
            known = [r[0] for r in conn.execute(
                "SELECT DISTINCT category FROM methods WHERE papers > 0 ORDER BY category")]
            match = next((k for k in known if k and k.casefold() == category.casefold()), None)
            if match is None:
                raise NotFoundError(f'no category "{category}"; known: {", ".join(k for k in known if k)}')
            where.append("category = ?")
            params.append(match)
        if search:
            where.append("(name LIKE ? ESCAPE '\\' OR aliases LIKE ? ESCAPE '\\')")
            pattern = "%" + re.sub(r"([\\%_])", r"\\\1", search) + "%"
            params += [pattern, pattern]
        clause = " AND ".join(where) or "1 = 1"
        total = conn.execute(f"SELECT COUNT(*) FROM methods WHERE {clause}", params).fetchone()[0]
        rows = conn.execute(
            f"SELECT m.*, p.title AS introducer_title FROM methods m LEFT JOIN papers p "
            f"ON p.id = m.introduced_by WHERE {clause} "
            f"ORDER BY m.papers DESC, m.name COLLATE NOCASE LIMIT ?", [*params, limit]).fetchall()
        return {
            "category": category, "search": search, "total": total,
            "methods": [
                {"id": r["id"], "name": r["name"], "category": r["category"], "papers": r["papers"],
                 "generic": bool(r["generic"]), "introduced_by": r["introduced_by"],
                 "introduced_by_title": r["introducer_title"]}
                for r in rows
            ],
        }


# ---------------------------------------------------------------- neighbours


def _edges_of(conn: sqlite3.Connection, paper_id: str, kind: str) -> list[dict[str, Any]]:
    """Every edge touching `paper_id`, seen from it: other end, kind, direction, weight, methods."""
    kind_sql, params = ("", []) if kind == "all" else (" AND kind = ?", [kind])
    rows = conn.execute(
        f"SELECT target AS other, kind, weight, methods, 'out' AS side FROM edges "
        f"WHERE source = ?{kind_sql} UNION ALL "
        f"SELECT source AS other, kind, weight, methods, 'in' AS side FROM edges "
        f"WHERE target = ?{kind_sql}", [paper_id, *params, paper_id, *params]).fetchall()
    return [
        {"other": r["other"], "kind": r["kind"],
         "direction": r["side"] if r["kind"] in DIRECTED else "undirected",
         "weight": r["weight"], "methods": _json_list(r["methods"])}
        for r in rows if r["other"] != paper_id
    ]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFoundError(f'unknown edge kind "{kind}"; use one of {", ".join(KINDS)}')


def neighbors(db: str | Path, query: str, kind: str = "all", method: str | None = None,
              limit: int = 20) -> dict[str, Any]:
    """The papers nearest to the paper `query` names, most strongly linked first.

    Each neighbour: {"id", "title", "published", "weight", "links"}; `links` are the edges
    between the two papers, each {"kind", "direction" ("out": this paper -> the neighbour, "in":
    the neighbour -> this paper, "undirected"), "weight", "methods"}, and `weight` is their sum
    (a paper that both shares methods and builds on this one ranks above one that only shares).
    `kind` keeps one edge kind; `method` keeps edges explained by that method (name or alias).
    """
    _check_kind(kind)
    with store.opened(db) as conn:
        paper = _resolve(conn, query)
        edges = _edges_of(conn, paper["id"], kind)
        method_name = None
        if method:
            method_name = _require_method(conn, method)["name"]
            edges = [e for e in edges
                     if any(m.casefold() == method_name.casefold() for m in e["methods"])]
        by_other: dict[str, list[dict[str, Any]]] = {}
        for edge in sorted(edges, key=lambda e: (-e["weight"], e["kind"], e["direction"])):
            by_other.setdefault(edge.pop("other"), []).append(edge)
        ranked = sorted(by_other.items(),
                        key=lambda item: (-sum(e["weight"] for e in item[1]), item[0]))
        briefs = _papers_by_id(conn, [other for other, _ in ranked[:limit]])
        rows = [
            {**briefs[other], "weight": round(sum(e["weight"] for e in links), 4), "links": links}
            for other, links in ranked[:limit] if other in briefs
        ]
        return {"paper": paper, "kind": kind, "method": method_name, "total": len(ranked),
                "neighbors": rows}


# ---------------------------------------------------------------- one paper


def paper(db: str | Path, query: str) -> dict[str, Any]:
    """Everything the store knows about one paper: metadata, methods, repos and its links.

    `builds_on` has "out" (methods this paper uses, introduced by others) and "in" (papers using
    what it introduced); `cites` has "references" and "cited_by" inside the corpus (after
    `graphx enrich citations`).
    """
    with store.opened(db) as conn:
        found = _resolve(conn, query)
        row = conn.execute("SELECT * FROM papers WHERE id = ?", (found["id"],)).fetchone()
        extra = json.loads(row["extra"] or "{}")
        mentions = conn.execute(
            "SELECT m.name, m.category, m.generic, MAX(x.introduces) AS introduces FROM mentions x "
            "JOIN methods m ON m.id = x.method_id WHERE x.paper_id = ? GROUP BY m.id "
            "ORDER BY m.name COLLATE NOCASE", (row["id"],)).fetchall()
        repos = [
            {"name": r["repo"], "url": r["html_url"] or f"https://github.com/{r['canonical'] or r['repo']}",
             "status": r["status"], "stars": r["stars"], "forks": r["forks"],
             "language": r["language"], "license": r["license"], "description": r["description"],
             "archived": None if r["archived"] is None else bool(r["archived"]),
             "pushed_at": r["pushed_at"], "renamed_to": r["canonical"]}
            for r in conn.execute(
                "SELECT pr.repo, r.* FROM paper_repos pr LEFT JOIN repos r ON r.name = pr.repo "
                "WHERE pr.paper_id = ? ORDER BY pr.rowid", (row["id"],))
        ]
        links = _edges_of(conn, row["id"], "all")
        briefs = _papers_by_id(conn, [e["other"] for e in links if e["kind"] in DIRECTED])

        def linked(kind: str, direction: str) -> list[dict[str, Any]]:
            chosen = [e for e in links if e["kind"] == kind and e["direction"] == direction
                      and e["other"] in briefs]
            chosen.sort(key=lambda e: (-e["weight"], e["other"]))
            return [{**briefs[e["other"]], "methods": e["methods"]} if kind == "builds_on"
                    else briefs[e["other"]] for e in chosen]

        return {
            "id": row["id"], "title": row["title"], "published": row["published"],
            "date": row["published"] or row["date_text"], "year": row["year"],
            "arxiv_id": row["arxiv_id"], "doi": row["doi"], "url": row["url"],
            "authors": _json_list(row["authors"]), "upvotes": row["upvotes"],
            "abstract": row["abstract"] or "",
            "sources": [r[0] for r in conn.execute(
                "SELECT source FROM paper_sources WHERE paper_id = ?", (row["id"],))],
            "methods": [m["name"] for m in mentions if not m["introduces"]],
            "introduces": [m["name"] for m in mentions if m["introduces"]],
            "repos": repos,
            "builds_on": {"out": linked("builds_on", "out"), "in": linked("builds_on", "in")},
            "cites": {"references": linked("cites", "out"), "cited_by": linked("cites", "in")},
            "citation_count": extra.get("citation_count"),
            "edges": {k: sum(e["kind"] == k for e in links) for k in EDGE_KINDS},
        }


# ---------------------------------------------------------------- paths


def path(db: str | Path, source: str, target: str, kind: str = "all",
         max_hops: int = MAX_PATH_HOPS) -> dict[str, Any]:
    """The shortest chain of paper edges from `source` to `target` (each a paper query).

    Edges are followed in either direction; among equally short chains, stronger edges win.
    Each hop says which papers it joins, the edge kind, its direction and the methods behind it.
    Raises NotFoundError when no chain of at most `max_hops` edges exists.
    """
    _check_kind(kind)
    with store.opened(db) as conn:
        start = _resolve(conn, source)
        goal = _resolve(conn, target)
        if start["id"] == goal["id"]:
            return {"source": start, "target": goal, "hops": []}
        chain = _bidirectional_bfs(conn, start["id"], goal["id"], kind, max_hops)
        if chain is None:
            raise NotFoundError(f'no path between "{start["title"]}" and "{goal["title"]}" within '
                                f"{max_hops} steps" + ("" if kind == "all" else f" of {kind} edges"))
        briefs = _papers_by_id(conn, [x for hop in chain for x in hop[:2]])
        hops = [{"from": briefs[a], "to": briefs[b], **edge} for a, b, edge in chain]
        return {"source": start, "target": goal, "hops": hops}


def _frontier_edges(conn: sqlite3.Connection, ids: Sequence[str], kind: str
                    ) -> Iterable[sqlite3.Row]:
    kind_sql, kind_params = ("", []) if kind == "all" else (" AND kind = ?", [kind])
    for begin in range(0, len(ids), _SQL_PARAMS):
        chunk = list(ids[begin : begin + _SQL_PARAMS])
        marks = ",".join("?" * len(chunk))
        yield from conn.execute(
            f"SELECT source, target, kind, weight, methods FROM edges "
            f"WHERE source IN ({marks}){kind_sql} UNION ALL "
            f"SELECT source, target, kind, weight, methods FROM edges "
            f"WHERE target IN ({marks}){kind_sql} ORDER BY weight DESC",
            [*chunk, *kind_params, *chunk, *kind_params])


def _bidirectional_bfs(conn: sqlite3.Connection, start: str, goal: str, kind: str,
                       max_hops: int) -> list[tuple[str, str, dict[str, Any]]] | None:
    """Grow the smaller side one level at a time until the two meet; read only frontier edges."""
    # parent[x] = (neighbour towards that side's root, the edge row between them)
    parents: list[dict[str, tuple[str | None, sqlite3.Row | None]]] = [
        {start: (None, None)}, {goal: (None, None)}]
    frontiers = [[start], [goal]]
    for _ in range(max_hops):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        seen, other = parents[side], parents[1 - side]
        next_frontier: list[str] = []
        meet = None
        current = set(frontiers[side])
        for row in _frontier_edges(conn, frontiers[side], kind):
            here, there = ((row["source"], row["target"]) if row["source"] in current
                           else (row["target"], row["source"]))
            if there in seen:
                continue
            seen[there] = (here, row)
            next_frontier.append(there)
            if there in other:
                meet = there
                break
        if meet is not None:
            return _join(parents, meet)
        if not next_frontier:
            return None
        frontiers[side] = next_frontier
    return None


def _join(parents: list[dict[str, tuple[str | None, sqlite3.Row | None]]], meet: str
          ) -> list[tuple[str, str, dict[str, Any]]]:
    chain: list[tuple[str, str, dict[str, Any]]] = []
    node = meet
    while parents[0][node][0] is not None:  # walk back to the start
        prev, row = parents[0][node]
        chain.append((prev, node, _hop(row, prev)))
        node = prev
    chain.reverse()
    node = meet
    while parents[1][node][0] is not None:  # and forward to the goal
        nxt, row = parents[1][node]
        chain.append((node, nxt, _hop(row, node)))
        node = nxt
    return chain


def _hop(row: sqlite3.Row, walked_from: str) -> dict[str, Any]:
    kind = row["kind"]
    direction = ("undirected" if kind not in DIRECTED
                 else "forward" if row["source"] == walked_from else "backward")
    return {"kind": kind, "direction": direction, "weight": row["weight"],
            "methods": _json_list(row["methods"])}


# ---------------------------------------------------------------- repos and stats


def repos(db: str | Path, limit: int = 20, language: str | None = None) -> dict[str, Any]:
    """Repositories the papers link to, most starred first (unfetched ones last, by papers)."""
    with store.opened(db) as conn:
        where, params = "", []
        if language:
            where, params = "WHERE r.language = ? COLLATE NOCASE", [language]
        total = conn.execute(f"SELECT COUNT(*) FROM repos r {where}", params).fetchone()[0]
        rows = conn.execute(
            f"SELECT r.*, COUNT(pr.paper_id) AS paper_count, MIN(pr.paper_id) AS first_paper "
            f"FROM repos r LEFT JOIN paper_repos pr ON pr.repo = r.name {where} GROUP BY r.name "
            f"ORDER BY r.stars IS NULL, r.stars DESC, paper_count DESC, r.name LIMIT ?",
            [*params, limit]).fetchall()
        enriched = conn.execute("SELECT COUNT(*) FROM repos WHERE status <> 'unfetched'").fetchone()[0]
        return {
            "total": total, "enriched": enriched,
            "repos": [
                {"name": r["name"], "url": r["html_url"] or f"https://github.com/{r['canonical'] or r['name']}",
                 "status": r["status"], "stars": r["stars"], "forks": r["forks"],
                 "language": r["language"], "license": r["license"],
                 "archived": None if r["archived"] is None else bool(r["archived"]),
                 "pushed_at": r["pushed_at"], "description": r["description"],
                 "topics": _json_list(r["topics"]), "renamed_to": r["canonical"],
                 "papers": r["paper_count"]}
                for r in rows
            ],
        }


def stats(db: str | Path, top: int = 10) -> dict[str, Any]:
    """Counts of papers, methods, repos and edges by kind, and the most connected papers and methods.

    >>> stats("output/graphx.db")["papers"]   # doctest: +SKIP
    231
    """
    with store.opened(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        edges = {row[0]: row[1] for row in conn.execute(
            "SELECT kind, COUNT(*) FROM edges GROUP BY kind ORDER BY kind")}
        # one pass over mentions for all three counts
        mentions, introduces, introduced = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(introduces), 0), "
            "COUNT(DISTINCT CASE WHEN introduces = 1 THEN method_id END) FROM mentions").fetchone()
        edges["mentions"] = mentions - introduces
        edges["introduces"] = introduces
        edges["has_code"] = one("SELECT COUNT(*) FROM paper_repos")
        top_methods = [
            {"name": r["name"], "category": r["category"], "papers": r["papers"],
             "generic": bool(r["generic"])}
            for r in conn.execute(
                "SELECT name, category, papers, generic FROM methods WHERE papers > 0 "
                "ORDER BY generic, papers DESC, name LIMIT ?", (top,))
        ]
        top_papers = [
            {"id": r["id"], "title": r["title"], "degree": r["degree"]}
            for r in conn.execute(
                # per-end counts come from the edge indexes without touching the table
                "SELECT p.id, p.title, d.degree FROM (SELECT pid, SUM(n) AS degree FROM ("
                " SELECT source AS pid, COUNT(*) AS n FROM edges GROUP BY source UNION ALL"
                " SELECT target, COUNT(*) FROM edges GROUP BY target) GROUP BY pid"
                " ORDER BY degree DESC, pid LIMIT ?) d JOIN papers p ON p.id = d.pid"
                " ORDER BY d.degree DESC, p.id", (top,))
        ]
        meta = {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM meta")}
        return {
            "db": str(db),
            "built_at": meta.get("built_at"),
            "sources": one("SELECT COUNT(DISTINCT source) FROM sources WHERE error IS NULL"),
            "papers": one("SELECT COUNT(*) FROM papers"),
            "papers_with_abstract": one("SELECT COUNT(*) FROM papers WHERE abstract <> ''"),
            "methods": one("SELECT COUNT(*) FROM methods WHERE papers > 0"),
            "methods_introduced": introduced,
            "repos": one("SELECT COUNT(*) FROM repos"),
            "edges": edges,
            "top_methods": top_methods,
            "top_papers": top_papers,
        }
