"""Generate a realistic synthetic corpus of N papers (JSONL) from the seed listings.

Abstracts are built from the seed abstracts' sentences, reshuffled across papers, so method
density and vocabulary match real listings; titles are renamed ("<Name>: <seed title tail>");
about one paper in five links a GitHub repository, as in the seeds.

    python benchmarks/generate.py --papers 100000 --out benchmarks/corpora/100k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphx.papers import merge_papers  # noqa: E402
from graphx.sources import read_sources  # noqa: E402

SYLLABLES = ["zip", "flash", "chunk", "spec", "lo", "ra", "tron", "former", "net", "mix", "gen",
             "fuse", "tile", "kv", "quant", "sparse", "mamba", "retro", "graph", "vox", "lumen"]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if len(s.strip()) > 20]


def generate(count: int, seeds: Path, seed: int = 13) -> list[dict]:
    rng = random.Random(seed)
    papers, _ = merge_papers(read_sources([seeds]).records)
    pool = [s for p in papers for s in _sentences(p.abstract)]
    tails = [p.title.split(":", 1)[-1].strip() for p in papers]
    repos = [r for p in papers for r in p.repos] or ["example/repo"]
    records = []
    for i in range(count):
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        sentences = rng.sample(pool, rng.randint(5, 9))
        if rng.random() < 0.3:  # introduce the name, as a third of real papers do
            sentences.insert(1, f"We propose {name}, a novel method for this setting.")
        if rng.random() < 0.2:
            owner, repo = rng.choice(repos).split("/", 1)
            suffix = rng.randint(0, max(1, count // 50))
            sentences.append(f"Code is available at https://github.com/{owner}/{repo}{suffix}.")
        records.append({
            "id": f"{2000 + i // 100000 % 600:04d}.{i % 100000:05d}",
            "title": f"{name}: {rng.choice(tails)}",
            "abstract": " ".join(sentences),
            "published": f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "authors": [f"Author {rng.randint(1, 5000)}" for _ in range(rng.randint(1, 8))],
        })
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    out = args.out or ROOT / "benchmarks" / "corpora" / f"{args.papers}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        for record in generate(args.papers, args.seeds, args.seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(out)


if __name__ == "__main__":
    main()
