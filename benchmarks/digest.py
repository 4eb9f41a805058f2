"""Prove that a speed change builds the same graph: build a corpus with the graphx of this
checkout, save the store, load it back, and print one sha256 per part of the graph.

    python benchmarks/digest.py benchmarks/corpora/10000-v3.jsonl > before.txt
    ... change the code ...
    python benchmarks/digest.py benchmarks/corpora/10000-v3.jsonl | diff before.txt -

Each part (papers, methods, mentions, repos, edges) is digested as its sorted rows, from the
graph in memory and from the reloaded store, so the order of the lists does not count but every
field does (floats rounded to 4 places, as the store keeps weights). `--jobs 2` checks the
parallel path. Timings go to stderr, digests to stdout.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphx import store  # noqa: E402
from graphx.papers import merge_papers  # noqa: E402
from graphx.pipeline import assemble  # noqa: E402
from graphx.sources import read_sources  # noqa: E402

PARTS = ("papers", "methods", "mentions", "repos", "edges")


def canonical(value: Any) -> Any:
    """Plain data for json.dumps: dataclasses as dicts, floats rounded."""
    if dataclasses.is_dataclass(value):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def digest(items: list[Any]) -> str:
    rows = sorted(json.dumps(canonical(item), sort_keys=True, default=str) for item in items)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a file or folder graphx can read")
    parser.add_argument("--jobs", type=int, default=1, help="extraction processes")
    args = parser.parse_args()

    start = time.perf_counter()
    report = read_sources([args.corpus])
    if not report.records:
        sys.exit(f"{args.corpus}: no papers read")
    graph = assemble(merge_papers(report.records)[0], (), args.jobs)
    with tempfile.TemporaryDirectory() as tmp:
        loaded = store.load(store.save(graph, Path(tmp) / "graphx.db"))
    print(f"built, saved and loaded in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    for label, built in (("memory", graph), ("loaded", loaded)):
        for part in PARTS:
            items = getattr(built, part)
            items = list(items.values()) if isinstance(items, dict) else items
            print(label, part, digest(items), len(items))


if __name__ == "__main__":
    main()
