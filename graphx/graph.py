"""Paper-to-paper edges derived from the stored facts, and the networkx view of a graph.

Facts: paper -mentions-> method, paper -introduces-> method, paper -has_code-> repo.
Derived (recomputed by every build, so queries and exports always agree):

- shares_method(A, B): the specific methods both mention, weight = sum of idf = log(N / df) + 0.1.
  Generic methods never count; methods mentioned by more than `hub_threshold(N)` papers (hubs)
  add to the weight of a pair that already shares a rarer method but never create an edge on
  their own, so a hub never becomes a clique. Each paper keeps its strongest `top_k` partners
  (an edge stays when it is among the top_k of either end), so edges grow linearly with N.
- builds_on(A -> B): A mentions a method that B introduced; never a self-edge.
- same_repo(A, B): both point at the same code repository.
- cites(A -> B): added by citation enrichment, carried through rebuilds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from itertools import chain, filterfalse, islice, repeat
from operator import neg
from typing import TYPE_CHECKING, Any

from graphx.model import Edge, Graph, Mention, Method
from graphx.papers import Paper
from graphx.speed import no_gc

if TYPE_CHECKING:  # pragma: no cover
    import networkx

DEFAULT_TOP_K = 10
MAX_REPO_GROUP = 50


def hub_threshold(paper_count: int) -> int:
    """Methods in more papers than this are hubs: 5% of the corpus, at least 25, at most 250."""
    return max(25, min(int(0.05 * paper_count), 250))


def _idf(paper_count: int, df: int) -> float:
    return math.log(max(paper_count, 1) / df) + 0.1


def shares_method_edges(papers: list[Paper], methods: dict[str, Method], mentions: list[Mention],
                        top_k: int = DEFAULT_TOP_K) -> list[Edge]:
    """Papers sharing specific methods, each paper keeping its `top_k` strongest partners.

    Candidates come only from the postings of non-hub methods (at most `hub_threshold` papers
    each), so the work grows with the corpus, not with its square: a method in 16,000 papers
    is never expanded into pairs. Candidates are ranked by the idf of the non-hub methods they
    share (ties: the earlier paper); a kept edge's weight and method list then count every
    specific method the two papers share, hubs included.
    """
    ids = [p.id for p in papers]
    index = {pid: i for i, pid in enumerate(ids)}
    counted = {m.id for m in methods.values() if not m.generic and m.kind == "method"}
    found: list[set[str]] = [set() for _ in papers]
    for mention in mentions:  # a million at 100k papers: the fewest lookups per mention
        method_id = mention.method_id
        if method_id in counted:
            i = index.get(mention.paper_id)
            if i is not None:
                found[i].add(method_id)
    df: Counter[str] = Counter(chain.from_iterable(found))
    n = len(papers)
    # methods as integers ranked rarest first (then by name): sorting ints orders a shared list
    order = sorted(df, key=lambda m: (-_idf(n, df[m]), methods[m].name))
    rank = {m: r for r, m in enumerate(order)}
    idf = [_idf(n, df[m]) for m in order]
    names = [methods[m].name for m in order]
    hub = hub_threshold(n)
    # the ranks of the methods that pair papers: in 2 to `hub` papers
    pairing = {r for r, m in enumerate(order) if 2 <= df[m] <= hub}
    specific = [{rank[m] for m in method_ids} for method_ids in found]
    # each paper's non-hub methods that another paper also has, rarest first; postings in paper order
    rare: list[list[int]] = []
    postings: dict[int, list[int]] = defaultdict(list)
    for i, ranks in enumerate(specific):
        ranked = sorted(ranks & pairing)
        rare.append(ranked)
        for r in ranked:
            postings[r].append(i)
    rare_sets = [frozenset(r) for r in rare]
    # methods with more candidates than a paper keeps: a paper having one takes the fast path
    long = frozenset(r for r, sharing in postings.items() if len(sharing) > top_k + 1)
    # the papers having both of two pairing methods (key a * R + c, a < c): whoever shares two
    # or more methods with a paper is found here, without walking the long postings
    width = len(order)
    both: dict[int, list[int]] = defaultdict(list)
    for i, ranked in enumerate(rare):
        if len(ranked) > 1:
            for x, a in enumerate(ranked):
                row = a * width
                for c in ranked[x + 1 :]:
                    both[row + c].append(i)

    weight_of, name_of = idf.__getitem__, names.__getitem__
    rounded = [round(weight, 4) for weight in idf]

    # each pair once, where it first appears (papers in order, each one's partners strongest first)
    seen: set[int] = set()
    edges = []
    for i, ranked in enumerate(rare):
        if not ranked:
            continue
        mine, id_i = specific[i], ids[i]
        for b in _top_partners(i, ranked, postings, long, both, width, rare_sets, idf, top_k):
            key = i * n + b if i < b else b * n + i
            if key in seen:
                continue
            seen.add(key)
            shared = mine & specific[b]
            if len(shared) == 1:  # most pairs share one method
                (only,) = shared
                weight, methods_of = rounded[only], [names[only]]
            else:
                ordered = sorted(shared)
                weight = round(sum(map(weight_of, ordered)), 4)
                methods_of = list(map(name_of, ordered))
            if i < b:
                edges.append(Edge(id_i, ids[b], "shares_method", weight, methods_of))
            else:
                edges.append(Edge(ids[b], id_i, "shares_method", weight, methods_of))
    return edges


def _top_partners(i: int, ranked: list[int], postings: dict[int, list[int]], long: frozenset[int],
                  both: dict[int, list[int]], width: int, rare_sets: list[frozenset[int]],
                  idf: list[float], top_k: int) -> list[int]:
    """Paper i's `top_k` partners by the summed idf of the non-hub methods they share.

    The partners sharing two or more methods with i come from the pair postings (`both`); a
    long posting is only walked to take, rarest method first, the first `top_k` partners that
    share nothing else with i. Same answer, in the same order, as counting every candidate
    (_few_partners), without touching the hundreds of papers behind a common method.
    """
    if len(ranked) == 1:  # the common case: one shared method, every partner weighs the same
        return [b for b in postings[ranked[0]][: top_k + 1] if b != i][:top_k]
    if long.isdisjoint(ranked):  # few candidates: maybe no more than top_k
        return _few_partners(i, ranked, postings, rare_sets, idf, top_k)
    # a partner in exactly one pair posting shares exactly those two methods: it weighs their
    # two idfs (a sum of two floats does not depend on their order); one in several shares
    # three or more and is weighed as _few_partners does it, term order and all
    weight: dict[int, float] = {}
    lists = []
    for x, a in enumerate(ranked):
        row, idf_a = a * width, idf[a]
        for c in ranked[x + 1 :]:
            sharing = both[row + c]
            if len(sharing) > 1:  # i itself is in every one
                weight.update(dict.fromkeys(sharing, idf_a + idf[c]))
                lists.append(sharing)
    if len(lists) > 1:  # sharing s methods puts a paper in s(s-1)/2 pair postings
        seen: set[int] = set(lists[0])
        more: set[int] = set()
        for sharing in lists[1:]:
            more.update(seen.intersection(sharing))
            seen.update(sharing)
        more.discard(i)
        mine = rare_sets[i]
        for b in more:
            weight[b] = sum(idf[m] for m in mine & rare_sets[b])
    weight[i] = 0.0  # never its own partner: skipped by the walk, dropped below
    # partners sharing exactly one method weigh that method's idf: walk the rarest first
    skip = weight.__contains__
    singles: list[tuple[float, int]] = []
    for m in ranked:
        first = list(islice(filterfalse(skip, postings[m]), top_k - len(singles)))
        singles.extend(zip(repeat(-idf[m]), first))
        if len(singles) == top_k:
            break
    del weight[i]
    scored = list(zip(map(neg, weight.values()), weight, strict=True))
    scored += singles
    scored.sort()
    return [b for _, b in scored[:top_k]]


def _few_partners(i: int, ranked: list[int], postings: dict[int, list[int]],
                  rare_sets: list[frozenset[int]], idf: list[float], top_k: int) -> list[int]:
    """_top_partners by counting every candidate: for a paper whose postings are all short."""
    counts = Counter(chain.from_iterable(postings[m] for m in ranked))
    del counts[i]
    if len(counts) <= top_k:
        return list(counts)
    mine = rare_sets[i]
    scored = [(sum(idf[m] for m in mine & rare_sets[b]), b) for b, c in counts.items() if c > 1]
    singles = 0
    for m in ranked:
        weight = idf[m]
        for b in postings[m]:
            if counts[b] == 1:
                scored.append((weight, b))
                singles += 1
                if singles == top_k:
                    break
        if singles == top_k:
            break
    scored.sort(key=lambda wb: (-wb[0], wb[1]))
    return [b for _, b in scored[:top_k]]


def builds_on_edges(papers: list[Paper], methods: dict[str, Method], mentions: list[Mention]
                    ) -> list[Edge]:
    """A -> B when A mentions a method B introduced; never A -> A.

    Which paper introduced a name is decided once, by method extraction (the paper whose title
    names it, then the earliest), so every paper that mentions it points at the same one.
    Weight: sum over those methods of log(N / df) + 1, so building on a rare method counts more.
    """
    ids = {p.id for p in papers}
    introducer = {m.id: m.introduced_by for m in methods.values()
                  if m.kind == "method" and m.introduced_by in ids}
    df: dict[str, int] = {}  # mentions of each introduced method, the only ones weighed
    # source -> target -> the methods it builds on (sorting sources, then each one's targets,
    # orders the edges like sorting (source, target) pairs, with far fewer comparisons)
    found: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for mention in mentions:
        method_id = mention.method_id
        b = introducer.get(method_id)
        if b is not None:
            df[method_id] = df.get(method_id, 0) + 1
            a = mention.paper_id
            if b != a and not mention.introduces:
                targets = found[a]
                if b in targets:
                    targets[b].add(method_id)
                else:
                    targets[b] = {method_id}
    n = max(len(papers), 1)
    edges = []
    single: dict[str, tuple[float, str]] = {}  # most edges build on one method: its weight once
    for a in sorted(found):
        targets = found[a]
        for b in sorted(targets) if len(targets) > 1 else targets:
            method_ids = targets[b]
            if len(method_ids) == 1:
                (m,) = method_ids
                known = single.get(m)
                if known is None:
                    known = single[m] = (round(math.log(n / df[m]) + 1.0, 4), methods[m].name)
                edges.append(Edge(a, b, "builds_on", known[0], [known[1]]))
                continue
            weight = round(sum(math.log(n / df[m]) + 1.0 for m in method_ids), 4)
            edges.append(Edge(a, b, "builds_on", weight, sorted(methods[m].name for m in method_ids)))
    return edges


def same_repo_edges(papers: list[Paper]) -> list[Edge]:
    """A -- B when both point at the same repository (case-insensitive).

    A repository shared by more than MAX_REPO_GROUP papers (a framework everyone links to)
    makes no pairwise edges, for the same reason a hub method does not.
    """
    groups: dict[str, dict[str, None]] = defaultdict(dict)
    for paper in papers:
        for repo in paper.repos:
            groups[repo.lower()][paper.id] = None
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for repo, members in sorted(groups.items()):
        ids = list(members)
        if len(ids) > MAX_REPO_GROUP:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs[(a, b) if a < b else (b, a)].append(repo)
    return [Edge(a, b, "same_repo", float(len(r)), r) for (a, b), r in sorted(pairs.items())]


def derive_edges(graph: Graph, top_k: int = DEFAULT_TOP_K) -> list[Edge]:
    """All derived paper-paper edges of `graph`, plus the `cites` edges it already has.

    >>> from graphx import store                                      # doctest: +SKIP
    >>> edges = derive_edges(store.load("output/graphx.db"))          # doctest: +SKIP
    >>> sorted({e.kind for e in edges})                               # doctest: +SKIP
    ['builds_on', 'same_repo', 'shares_method']
    """
    ids = {p.id for p in graph.papers}
    cites = [e for e in graph.edges if e.kind == "cites" and e.source in ids and e.target in ids
             and e.source != e.target]
    with no_gc():
        return [
            *shares_method_edges(graph.papers, graph.methods, graph.mentions, top_k),
            *builds_on_edges(graph.papers, graph.methods, graph.mentions),
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
