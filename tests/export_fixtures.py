"""Graphs the export tests write: a hostile corpus (XSS attempts) and a big synthetic graph."""

from __future__ import annotations

import json
import random
from pathlib import Path

from graphx.model import Edge, Graph, Mention, Method
from graphx.papers import Paper

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_ABSTRACT = ("We fine-tune with LoRA and FlashAttention. </script><script>alert(2)</script> "
                    "<b>not bold</b> \u2028 line separator")


def hostile_graph(tmp_path: Path) -> Graph:
    """Papers whose title, abstract, URLs and repo metadata try to become markup or script."""
    from graphx import pipeline

    records = [
        {"title": HOSTILE_TITLE, "abstract": HOSTILE_ABSTRACT, "url": "javascript:alert(3)",
         "published": "2025-01-02", "repos": ["evil/repo"]},
        {"title": "A harmless paper on LoRA and FlashAttention",
         "abstract": "We combine LoRA with FlashAttention for cheaper fine-tuning.",
         "published": "2025-01-03", "repos": ["evil/repo"]},
        {"title": "Third paper: LoRA adapters", "abstract": "LoRA adapters and FlashAttention kernels.",
         "published": "2025-01-04"},
    ]
    source = tmp_path / "hostile.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    graph = pipeline.build([source], out=None, jobs=1).graph
    repo = graph.repos["evil/repo"]
    repo.html_url = "javascript:alert(4)"
    repo.description = "<script>alert(5)</script>"
    repo.stars, repo.language, repo.status = 7, "<i>Python</i>", "ok"
    repo.forks, repo.topics, repo.license = 3, ["lora", "<u>x</u>"], "MIT"
    repo.created_at, repo.pushed_at, repo.default_branch = "2024-05-01", "2025-02-03", "main"
    # a citation between the two papers that share the repo (as citation enrichment adds)
    first, second = graph.papers[0].id, graph.papers[1].id
    graph.edges.append(Edge(first, second, "cites", 1.0, []))
    return graph


def synthetic_graph(papers: int, methods: int | None = None, seed: int = 1) -> Graph:
    """A random graph shaped like a real build: each paper mentions a few methods and has
    about five shares_method edges."""
    rng = random.Random(seed)
    methods = methods or max(papers // 10, 5)
    graph = Graph()
    graph.methods = {f"m-{i}": Method(f"m-{i}", f"Method {i}", category="synthetic")
                     for i in range(methods)}
    for i in range(papers):
        paper = Paper(f"Synthetic paper {i}: a study of things", abstract="An abstract. " * 20,
                      arxiv_id=f"2501.{i:05d}", published="2025-01-01",
                      authors=["A. Author", "B. Author"], upvotes=rng.randint(0, 50))
        graph.papers.append(paper)
        for m in rng.sample(range(methods), 3):
            graph.mentions.append(Mention(paper.id, f"m-{m}", introduces=False))
    ids = [p.id for p in graph.papers]
    for i, source in enumerate(ids):
        for _ in range(5):
            # mostly near neighbours, so the graph has communities like a real one
            j = (i + rng.randint(1, 40)) % len(ids) if rng.random() < 0.9 else rng.randrange(len(ids))
            if j != i:
                graph.edges.append(Edge(source, ids[j], "shares_method", round(rng.uniform(1, 6), 2),
                                        [f"Method {rng.randrange(methods)}"]))
    graph.meta = {"built_at": "2026-01-01T00:00:00+00:00"}
    return graph
