"""JSON export: the documented, stable schema other tools and our evaluations read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphx import __version__
from graphx.export import atomic_write
from graphx.model import Graph


def to_document(graph: Graph) -> dict[str, Any]:
    methods_of: dict[str, list[str]] = {}
    introduces_of: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for mention in graph.mentions:
        method = graph.methods.get(mention.method_id)
        if method is None:
            continue
        methods_of.setdefault(mention.paper_id, []).append(method.name)
        counts[method.id] = counts.get(method.id, 0) + 1
        if mention.introduces:
            introduces_of.setdefault(mention.paper_id, []).append(method.name)
    repo_papers: dict[str, list[str]] = {}
    for paper in graph.papers:
        for repo in paper.repos:
            repo_papers.setdefault(repo, []).append(paper.id)
    return {
        "graphx": {
            "version": __version__,
            "built": graph.meta.get("built_at"),
            "sources": sorted({s["source"] for s in graph.sources if not s.get("error")}),
        },
        "papers": [
            {
                "id": p.id, "title": p.title, "abstract": p.abstract, "published": p.published,
                "authors": list(p.authors), "upvotes": p.upvotes, "arxiv_id": p.arxiv_id,
                "url": p.url or (f"https://arxiv.org/abs/{p.arxiv_id}" if p.arxiv_id else None),
                "repos": list(p.repos), "methods": methods_of.get(p.id, []),
                "introduces": introduces_of.get(p.id, []), "sources": list(p.sources),
            }
            for p in graph.papers
        ],
        "methods": [
            {
                "name": m.name, "aliases": list(m.aliases), "category": m.category,
                "generic": m.generic, "papers": counts[m.id], "introduced_by": m.introduced_by,
            }
            for m in graph.methods.values()
            if counts.get(m.id)
        ],
        "repos": [
            {
                "name": r.name, "url": r.url, "stars": r.stars, "language": r.language,
                "description": r.description, "pushed_at": r.pushed_at, "license": r.license,
                "archived": r.archived, "papers": repo_papers.get(r.name, []),
                # GitHub metadata beyond the documented core (additive: readers may ignore it)
                "forks": r.forks, "topics": list(r.topics), "created_at": r.created_at,
                "default_branch": r.default_branch, "status": r.status,
                "canonical": r.canonical,
            }
            for r in graph.repos.values()
        ],
        "edges": [
            {"source": e.source, "target": e.target, "kind": e.kind, "weight": e.weight,
             "methods": list(e.methods)}
            for e in graph.edges
        ],
    }


def write_json(graph: Graph, path: Path) -> Path:
    document = to_document(graph)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=1)

    return atomic_write(path, write)
