"""Queries over a saved store. Each reads SQLite directly and answers with plain data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphx import store


def stats(db: str | Path, top: int = 10) -> dict[str, Any]:
    """Counts of papers, methods, repos and edges by kind, and the most connected papers and methods.

    >>> stats("output/graphx.db")["papers"]   # doctest: +SKIP
    231
    """
    with store.opened(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        edges = {row[0]: row[1] for row in conn.execute(
            "SELECT kind, COUNT(*) FROM edges GROUP BY kind ORDER BY kind")}
        edges["mentions"] = one("SELECT COUNT(*) FROM mentions WHERE introduces = 0")
        edges["introduces"] = one("SELECT COUNT(*) FROM mentions WHERE introduces = 1")
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
                "SELECT p.id, p.title, COUNT(*) AS degree FROM papers p JOIN ("
                " SELECT source AS pid FROM edges UNION ALL SELECT target FROM edges) e"
                " ON e.pid = p.id GROUP BY p.id ORDER BY degree DESC, p.id LIMIT ?", (top,))
        ]
        meta = {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM meta")}
        return {
            "db": str(db),
            "built_at": meta.get("built_at"),
            "sources": one("SELECT COUNT(DISTINCT source) FROM sources WHERE error IS NULL"),
            "papers": one("SELECT COUNT(*) FROM papers"),
            "papers_with_abstract": one("SELECT COUNT(*) FROM papers WHERE abstract <> ''"),
            "methods": one("SELECT COUNT(*) FROM methods WHERE papers > 0"),
            "methods_introduced": one("SELECT COUNT(DISTINCT method_id) FROM mentions WHERE introduces = 1"),
            "repos": one("SELECT COUNT(*) FROM repos"),
            "edges": edges,
            "top_methods": top_methods,
            "top_papers": top_papers,
        }
