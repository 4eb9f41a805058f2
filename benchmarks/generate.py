"""Generate a realistic synthetic corpus of N papers (JSONL) from the seed listings.

Abstracts are built from the seed abstracts' sentences, reshuffled across papers, so sentence
shape and vocabulary match real listings. About half the titles open with a new name ("<Name>:
<seed title tail>", as on HF daily listings) and a third of abstracts say "We propose <Name>".
The seed sentences name only a few hundred methods, which at 100k papers would each sit in
thousands of papers; real corpora have a long tail. So each paper also uses catalog methods drawn
with Zipf-like frequencies (a few very common, most rare) and, one time in three, builds on a name
an earlier paper introduced. About one paper in five links a GitHub repository, a few repos
shared by several papers.

    python benchmarks/generate.py --papers 100000 --out benchmarks/corpora/100000.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphx.methods.catalog import load_catalog  # noqa: E402
from graphx.papers import merge_papers  # noqa: E402
from graphx.sources import read_sources  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
CORPORA = ROOT / "benchmarks" / "corpora"
# part of the corpus file name: a changed generator never reuses an old corpus
VERSION = 3
USES = ["We use {}.", "Our pipeline relies on {}.", "We compare against {}.",
        "Experiments include {}."]
BUILDS = ["Our approach builds on {}.", "We extend {} to this setting.",
          "Compared with {}, our method is faster."]
SYLLABLES = ["zip", "flash", "chunk", "spec", "lo", "ra", "tron", "former", "net", "mix", "gen",
             "fuse", "tile", "kv", "quant", "sparse", "mamba", "retro", "graph", "vox", "lumen"]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if len(s.strip()) > 20]


def iter_records(count: int, seeds: Path = SEEDS, seed: int = 13) -> Iterator[dict]:
    """`count` paper records, deterministic for a given `seed`."""
    rng = random.Random(seed)
    papers, _ = merge_papers(read_sources([seeds]).records)
    if not papers:
        raise SystemExit(f"{seeds}: no seed papers to build a corpus from (pass --seeds FOLDER)")
    # links stay out of the pool: a seed sentence's repo would be shared by every paper drawing it
    pool = [s for p in papers for s in _sentences(p.abstract) if "://" not in s and "github" not in s.lower()]
    tails = [p.title.split(":", 1)[-1].strip() for p in papers]
    repos = [r for p in papers for r in p.repos] or ["example/repo"]
    catalog = sorted(e.name for e in load_catalog() if not e.generic)
    rng.shuffle(catalog)
    # Zipf weights over the catalog: the i-th most common method is used ~1/(i+1) as often
    cumulative = list(itertools.accumulate(1 / (i + 1) for i in range(len(catalog))))
    introduced: list[str] = []
    for i in range(count):
        # 2-4 syllables: ~200k possible names, so a name rarely recurs by chance even at 100k papers
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        sentences = rng.sample(pool, rng.randint(5, 9))
        proposed = rng.random() < 0.3
        if proposed:
            sentences.insert(1, f"We propose {name}, a novel method for this setting.")
        used = rng.choices(catalog, cum_weights=cumulative, k=rng.randint(0, 3))
        if used:
            sentences.insert(rng.randint(1, len(sentences)), rng.choice(USES).format(", ".join(used)))
        if introduced and rng.random() < 0.33:
            # mostly recent names: a field builds on what was introduced lately
            earlier = introduced[-1 - int(min(len(introduced), 20000) * rng.random() ** 3)]
            sentences.insert(rng.randint(1, len(sentences)), rng.choice(BUILDS).format(earlier))
        if rng.random() < 0.2:
            owner, repo = rng.choice(repos).split("/", 1)
            # with the seeds' 45 repos, ~1.3 papers per repository: most have one, a few share
            suffix = rng.randint(0, max(1, count // 300))
            sentences.append(f"Code is available at https://github.com/{owner}/{repo}{suffix}.")
        tail = rng.choice(tails)
        named = rng.random() < 0.5
        if named or proposed:
            introduced.append(name)
        yield {
            "id": f"{2000 + i // 100000 % 600:04d}.{i % 100000:05d}",
            "title": f"{name}: {tail}" if named else f"{tail} ({i})",
            "abstract": " ".join(sentences),
            "published": f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "authors": [f"Author {rng.randint(1, 5000)}" for _ in range(rng.randint(1, 8))],
        }


def generate(count: int, seeds: Path = SEEDS, seed: int = 13) -> list[dict]:
    return list(iter_records(count, seeds, seed))


def write_corpus(count: int, out: Path, seeds: Path = SEEDS, seed: int = 13) -> Path:
    """Write the corpus to `out` (through a temporary file, so a cut-off run leaves none)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for record in iter_records(count, seeds, seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    return out


def corpus_path(count: int) -> Path:
    return CORPORA / f"{count}-v{VERSION}.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    print(write_corpus(args.papers, args.out or corpus_path(args.papers), args.seeds, args.seed))


if __name__ == "__main__":
    main()
