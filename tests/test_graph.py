"""Derived paper-paper edges: weights, hubs, top-k, builds_on and same_repo."""

from __future__ import annotations

import time
from collections import Counter

from graphx.graph import (
    builds_on_edges,
    derive_edges,
    hub_threshold,
    same_repo_edges,
    shares_method_edges,
)
from graphx.model import Edge, Graph, Mention, Method
from graphx.papers import Paper


def _corpus(n: int, facts: dict[int, list[str]], generic: set[str] = frozenset()
            ) -> tuple[list[Paper], dict[str, Method], list[Mention]]:
    """n papers (ids 2401.00000 + i); facts maps a paper index to the method ids it mentions."""
    papers = [Paper(f"Paper {i}", arxiv_id=f"2401.{i:05d}") for i in range(n)]
    names = {m for ms in facts.values() for m in ms}
    methods = {m: Method(m, m.removeprefix("m-"), generic=m in generic) for m in sorted(names)}
    mentions = [Mention(papers[i].id, m) for i, ms in facts.items() for m in ms]
    return papers, methods, mentions


def test_a_hub_method_makes_no_clique_but_adds_weight():
    n = 600
    hub = hub_threshold(n)
    # every paper mentions the hub; pairs (2k, 2k+1) also share a rare method of their own
    facts = {i: ["m-hub"] + ([f"m-rare{i // 2}"] if i < 20 else []) for i in range(n)}
    papers, methods, mentions = _corpus(n, facts)
    assert n > hub
    edges = shares_method_edges(papers, methods, mentions)
    assert len(edges) == 10  # only the ten rare pairs, not n*(n-1)/2 hub pairs
    for edge in edges:
        assert edge.methods == [edge.methods[0], "hub"] and edge.methods[0].startswith("rare")
    only_rare = shares_method_edges(*_corpus(n, {i: [f"m-rare{i // 2}"] for i in range(20)}))
    assert edges[0].weight > only_rare[0].weight  # the hub still counts once an edge exists


def test_generic_methods_never_link_papers():
    papers, methods, mentions = _corpus(4, {0: ["m-transformer"], 1: ["m-transformer"]},
                                        generic={"m-transformer"})
    assert shares_method_edges(papers, methods, mentions) == []


def test_rarer_shared_methods_weigh_more_and_rank_first():
    # paper 0 shares "rare" with paper 1 only, and "common" with papers 2..9
    facts = {0: ["m-rare", "m-common"], 1: ["m-rare"], **{i: ["m-common"] for i in range(2, 10)}}
    papers, methods, mentions = _corpus(40, facts)
    edges = {(e.source, e.target): e for e in shares_method_edges(papers, methods, mentions, top_k=3)}
    rare = edges[(papers[0].id, papers[1].id)]
    common = edges[(papers[0].id, papers[2].id)]
    assert rare.weight > common.weight
    assert rare.methods == ["rare"]


def test_each_paper_keeps_its_top_k_partners_so_edges_grow_linearly():
    # 200 papers all sharing one (non-hub) method would be 19,900 pairs without the cap
    n = 6000
    facts = {i: [f"m-group{i // 200}"] for i in range(n)}
    papers, methods, mentions = _corpus(n, facts)
    assert hub_threshold(n) >= 200
    start = time.perf_counter()
    edges = shares_method_edges(papers, methods, mentions, top_k=5)
    assert time.perf_counter() - start < 5
    degree = Counter(x for e in edges for x in (e.source, e.target))
    assert len(edges) <= n * 5
    assert min(degree.values()) >= 5
    assert all(e.source != e.target for e in edges)
    assert len({(e.source, e.target) for e in edges}) == len(edges)


def test_builds_on_points_at_the_introducer_and_never_at_itself():
    papers = [Paper("Conformer: convolution-augmented transformer", arxiv_id="2005.08100"),
              Paper("Zipformer: a faster encoder", arxiv_id="2310.11230"),
              Paper("Another Conformer paper", arxiv_id="2101.00001")]
    methods = {
        "m-conformer": Method("m-conformer", "Conformer", introduced_by=papers[0].id),
        "m-zipformer": Method("m-zipformer", "Zipformer", introduced_by=papers[1].id),
        "m-squad": Method("m-squad", "SQuAD", kind="dataset", introduced_by=papers[2].id),
    }
    mentions = [
        Mention(papers[0].id, "m-conformer", introduces=True),
        # the introducer mentioning its own method without the flag still makes no self-edge
        Mention(papers[0].id, "m-conformer"),
        Mention(papers[1].id, "m-zipformer", introduces=True),
        Mention(papers[1].id, "m-conformer"),
        Mention(papers[2].id, "m-conformer"),
        Mention(papers[1].id, "m-squad"),  # datasets do not make builds_on
    ]
    edges = builds_on_edges(papers, methods, mentions)
    assert {(e.source, e.target) for e in edges} == {
        (papers[1].id, papers[0].id), (papers[2].id, papers[0].id)}
    assert all(e.kind == "builds_on" and e.methods == ["Conformer"] for e in edges)


def test_same_repo_links_papers_pointing_at_one_repository_case_insensitively():
    papers = [Paper("A", arxiv_id="2401.00001", repos=["Org/Tool"]),
              Paper("B", arxiv_id="2401.00002", repos=["org/tool"]),
              Paper("C", arxiv_id="2401.00003", repos=["org/other"])]
    edges = same_repo_edges(papers)
    assert [(e.source, e.target, e.kind) for e in edges] == [
        ("2401.00001", "2401.00002", "same_repo")]


def test_seed_edges_are_consistent(seed_build):
    graph = seed_build.graph
    ids = {p.id for p in graph.papers}
    kinds = Counter(e.kind for e in graph.edges)
    assert kinds["shares_method"] > 100 and kinds["builds_on"] > 5
    for edge in graph.edges:
        assert edge.source in ids and edge.target in ids
        assert edge.source != edge.target
        assert edge.methods or edge.kind == "cites"
    # derivation is deterministic: the same facts give the same edges
    again = derive_edges(graph)
    assert [(e.source, e.target, e.kind, e.weight) for e in again] == [
        (e.source, e.target, e.kind, e.weight) for e in graph.edges]


def test_cites_edges_survive_derivation_but_not_dangling_or_self_ones():
    papers = [Paper("A", arxiv_id="2401.00001"), Paper("B", arxiv_id="2401.00002")]
    graph = Graph(papers=papers, edges=[
        Edge("2401.00001", "2401.00002", "cites"),
        Edge("2401.00001", "2401.00001", "cites"),
        Edge("2401.00001", "9999.99999", "cites"),
    ])
    assert [(e.source, e.target) for e in derive_edges(graph)] == [("2401.00001", "2401.00002")]


def test_two_claims_to_one_name_resolve_to_one_introducer_consistently():
    from graphx.pipeline import assemble

    papers = [
        Paper("Improving speech encoders", "We propose Branchformer, a new encoder.",
              arxiv_id="2101.00001", published="2021-01-01"),
        Paper("Branchformer: Parallel MLP-Attention Architectures", "We propose Branchformer.",
              arxiv_id="2207.02971", published="2022-07-06"),
        Paper("E-Branchformer: Branchformer with Enhanced merging", "It extends Branchformer.",
              arxiv_id="2210.00077", published="2022-09-30"),
    ]
    graph = assemble(papers, jobs=1)
    builds_on = {(e.source, e.target) for e in graph.edges if e.kind == "builds_on"
                 and "Branchformer" in e.methods}
    # the paper whose title names it wins over the earlier claim; everyone else points at it
    assert ("2210.00077", "2207.02971") in builds_on
    assert ("2101.00001", "2207.02971") in builds_on
    assert all(target == "2207.02971" and source != target for source, target in builds_on)


def test_partners_found_through_pair_postings_are_those_counting_every_candidate_finds(monkeypatch):
    """The fast partner search (pair postings, a short walk for single-method partners) keeps the
    same edges in the same order as counting every candidate of every paper."""
    import random

    from graphx import graph

    def counting(i, ranked, postings, *index):
        rare_sets, idf, top_k = index[-3:]
        return graph._few_partners(i, ranked, postings, rare_sets, idf, top_k)

    for seed in range(12):
        rng = random.Random(seed)
        n = rng.randrange(60, 120)
        # methods of varied frequency, several equally frequent (idf ties), most in more than
        # top_k + 1 papers (the fast path) and fewer than the hub threshold; up to 6 per paper
        pool = [f"m-x{j:02d}" for j in range(40)]
        facts = {i: list({rng.choice(pool[: rng.choice((5, 12, 40))]) for _ in range(rng.randrange(1, 7))})
                 for i in range(n)}
        papers, methods, mentions = _corpus(n, facts)
        fast = shares_method_edges(papers, methods, mentions, top_k=3)
        with monkeypatch.context() as patch:
            patch.setattr(graph, "_top_partners", counting)
            slow = shares_method_edges(papers, methods, mentions, top_k=3)
        assert fast == slow and len(fast) > n


def test_builds_on_edges_come_sorted_by_source_then_target_whatever_the_mention_order():
    papers = [Paper(f"Paper {i}", arxiv_id=f"2401.0000{i}") for i in range(4)]
    methods = {f"m-{x}": Method(f"m-{x}", x.upper(), introduced_by=papers[i].id)
               for i, x in enumerate("abc")}
    mentions = [Mention(papers[3].id, "m-b"), Mention(papers[1].id, "m-c"),
                Mention(papers[3].id, "m-a"), Mention(papers[0].id, "m-c"),
                Mention(papers[3].id, "m-c"), Mention(papers[0].id, "m-b"),
                Mention(papers[2].id, "m-a"), Mention(papers[2].id, "m-b")]
    edges = builds_on_edges(papers, methods, mentions)
    pairs = [(e.source, e.target) for e in edges]
    assert pairs == sorted(pairs) and len(pairs) == 8
    by_pair = {(e.source[-1], e.target[-1]): e for e in edges}
    assert by_pair[("2", "0")].methods == ["A"] and by_pair[("2", "1")].methods == ["B"]
    # a rarer method weighs more: A is mentioned twice, C three times
    assert by_pair[("2", "0")].weight > by_pair[("1", "2")].weight
