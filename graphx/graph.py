"""Paper-to-paper edges derived from the stored facts, and the networkx view of a graph.

Facts: paper -mentions-> method, paper -introduces-> method, paper -has_code-> repo.
Derived (recomputed by every build, so queries and exports always agree):

- shares_method(A, B): the specific methods both mention, weight = sum of idf = log(N / df).
  Generic methods never count; methods mentioned by a large share of the corpus (hubs) add to
  the weight of a pair that already shares a rarer method but never create an edge on their
  own, so a hub never becomes a clique. Each paper keeps its strongest `top_k` partners.
- builds_on(A -> B): A mentions a method that B introduced.
- same_repo(A, B): both point at the same code repository.
- cites(A -> B): added by citation enrichment, carried through rebuilds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from graphx.model import Edge, Graph, Mention, Method
from graphx.papers import Paper

if TYPE_CHECKING:  # pragma: no cover
    import networkx

DEFAULT_TOP_K = 25
MAX_REPO_GROUP = 50


def hub_threshold(paper_count: int) -> int:
    """Methods in more papers than this are hubs: 5% of the corpus, at least 25, at most 250."""
    return max(25, min(int(0.05 * paper_count), 250))


def _specific_methods(papers: list[Paper], methods: dict[str, Method], mentions: list[Mention]
                      ) -> dict[str, set[str]]:
    by_paper: dict[str, set[str]] = defaultdict(set)
    for mention in mentions:
        method = methods.get(mention.method_id)
        if method is not None and not method.generic and method.kind == "method":
            by_paper[mention.paper_id].add(mention.method_id)
    return by_paper


def shares_method_edges(papers: list[Paper], methods: dict[str, Method], mentions: list[Mention],
                        top_k: int = DEFAULT_TOP_K) -> list[Edge]:
    by_paper = _specific_methods(papers, methods, mentions)
    postings: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        for method_id in sorted(by_paper.get(paper.id, ())):
            postings[method_id].append(paper.id)
    n = max(len(papers), 1)
    idf = {m: math.log(n / len(ps)) + 0.1 for m, ps in postings.items()}
    hub = hub_threshold(len(papers))
    pairs: set[tuple[str, str]] = set()
    for method_id, ids in postings.items():
        if 2 <= len(ids) <= hub:
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    pairs.add((a, b) if a < b else (b, a))
    scored: list[Edge] = []
    for a, b in pairs:
        shared = sorted(by_paper[a] & by_paper[b], key=lambda m: (-idf[m], methods[m].name))
        weight = round(sum(idf[m] for m in shared), 4)
        scored.append(Edge(a, b, "shares_method", weight, [methods[m].name for m in shared]))
    scored.sort(key=lambda e: (-e.weight, e.source, e.target))
    # keep an edge when it is among the strongest top_k of either end
    kept: list[Edge] = []
    degree: dict[str, int] = defaultdict(int)
    for edge in scored:
        if degree[edge.source] < top_k or degree[edge.target] < top_k:
            kept.append(edge)
            degree[edge.source] += 1
            degree[edge.target] += 1
    return kept


def builds_on_edges(methods: dict[str, Method], mentions: list[Mention],
                    paper_count: int) -> list[Edge]:
    df: dict[str, int] = defaultdict(int)
    for mention in mentions:
        df[mention.method_id] += 1
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for mention in mentions:
        method = methods.get(mention.method_id)
        if method is None or not method.introduced_by or method.kind != "method":
            continue
        if mention.introduces or method.introduced_by == mention.paper_id:
            continue
        found[(mention.paper_id, method.introduced_by)].append(method.id)
    n = max(paper_count, 1)
    edges = []
    for (a, b), method_ids in sorted(found.items()):
        weight = round(sum(math.log(n / df[m]) + 1.0 for m in method_ids), 4)
        edges.append(Edge(a, b, "builds_on", weight, sorted(methods[m].name for m in method_ids)))
    return edges


def same_repo_edges(papers: list[Paper]) -> list[Edge]:
    groups: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        for repo in paper.repos:
            if paper.id not in groups[repo.lower()]:
                groups[repo.lower()].append(paper.id)
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for repo, ids in sorted(groups.items()):
        if len(ids) > MAX_REPO_GROUP:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs[(a, b) if a < b else (b, a)].append(repo)
    return [Edge(a, b, "same_repo", float(len(r)), r) for (a, b), r in sorted(pairs.items())]


def derive_edges(graph: Graph, top_k: int = DEFAULT_TOP_K) -> list[Edge]:
    """All derived paper-paper edges of `graph`, plus the `cites` edges it already has."""
    ids = {p.id for p in graph.papers}
    cites = [e for e in graph.edges if e.kind == "cites" and e.source in ids and e.target in ids]
    return [
        *shares_method_edges(graph.papers, graph.methods, graph.mentions, top_k),
        *builds_on_edges(graph.methods, graph.mentions, len(graph.papers)),
        *same_repo_edges(graph.papers),
        *cites,
    ]


def _scalar_attrs(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def to_networkx(graph: Graph) -> networkx.MultiDiGraph:
    """The graph as a networkx MultiDiGraph: typed nodes (paper, method, repo) and typed edges.

    Node ids are the paper ids, method ids ("m-lora") and "repo:owner/name".
    """
    import networkx as nx

    g = nx.MultiDiGraph()
    for paper in graph.papers:
        g.add_node(paper.id, **_scalar_attrs({
            "type": "paper", "label": paper.title, "title": paper.title, "abstract": paper.abstract,
            "published": paper.published, "year": paper.year, "arxiv_id": paper.arxiv_id,
            "upvotes": paper.upvotes, "url": paper.url, "authors": list(paper.authors),
        }))
    used = {m.method_id for m in graph.mentions}
    for method in graph.methods.values():
        if method.id in used:
            g.add_node(method.id, **_scalar_attrs({
                "type": "method", "label": method.name, "category": method.category,
                "generic": method.generic, "origin": method.origin, "kind": method.kind,
                "introduced_by": method.introduced_by,
            }))
    for repo in graph.repos.values():
        g.add_node(f"repo:{repo.name}", **_scalar_attrs({
            "type": "repo", "label": repo.name, "url": repo.url, "stars": repo.stars,
            "language": repo.language, "description": repo.description, "status": repo.status,
        }))
    for mention in graph.mentions:
        kind = "introduces" if mention.introduces else "mentions"
        g.add_edge(mention.paper_id, mention.method_id, key=kind, kind=kind, weight=1.0)
    for paper in graph.papers:
        for repo in paper.repos:
            node = f"repo:{repo}"
            if node not in g:
                g.add_node(node, type="repo", label=repo, url=f"https://github.com/{repo}")
            g.add_edge(paper.id, node, key="has_code", kind="has_code", weight=1.0)
    for edge in graph.edges:
        g.add_edge(edge.source, edge.target, key=edge.kind, kind=edge.kind, weight=edge.weight,
                   methods=list(edge.methods))
    return g
