"""Time every stage of graphx on a synthetic corpus and compare the build with its floor.

    python benchmarks/run.py --papers 100000          # prints a table, writes benchmarks/results/
    python benchmarks/run.py --papers 1000 10000 100000

Stages (each timed separately): read, merge, extract, derive edges, write the store; then the
full `graphx build` as a separate process (wall time and peak RSS), a cold `graphx neighbors`
process, and the exports. The floor is the same text read from JSONL plus one Aho-Corasick pass
over titles and abstracts with the same catalog: graphx's build is reported as a multiple of it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def floor(corpus: Path) -> float:
    """Read the JSONL and run one Aho-Corasick pass with the catalog's forms over every text."""
    import ahocorasick

    from graphx.methods.catalog import load_catalog

    automaton = ahocorasick.Automaton()
    for entry in load_catalog():
        for form in entry.forms:
            automaton.add_word(form.lower(), 1)
    automaton.make_automaton()
    start = time.perf_counter()
    hits = 0
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            for _ in automaton.iter(f"{record['title']} {record['abstract']}".lower()):
                hits += 1
    return time.perf_counter() - start


def _run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MiB) of the child, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "CI": "1", **(env or {})})
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) // 1024, done.stdout


def bench(papers: int, workdir: Path, seeds: Path) -> dict[str, Any]:
    from graphx import methods, store
    from graphx.export import write
    from graphx.graph import derive_edges
    from graphx.model import Graph
    from graphx.papers import merge_papers
    from graphx.pipeline import _canonical_repos
    from graphx.sources import read_sources
    from graphx.views import default_view

    corpus = workdir / f"{papers}.jsonl"
    with open(corpus, "w", encoding="utf-8") as handle:
        for record in generate(papers, seeds):
            handle.write(json.dumps(record) + "\n")

    row: dict[str, Any] = {"papers": papers}
    report, row["read_s"] = _timed(read_sources, [corpus])
    (merged, _), row["merge_s"] = _timed(merge_papers, report.records)
    catalog = methods.load_catalog()
    extraction, row["extract_s"] = _timed(methods.extract, merged, catalog, jobs=os.cpu_count() or 1)
    graph = Graph(papers=merged, methods=extraction.methods, mentions=extraction.mentions)
    graph.repos = _canonical_repos(merged, {})
    graph.edges, row["edges_s"] = _timed(derive_edges, graph)
    db = workdir / f"{papers}.db"
    _, row["store_s"] = _timed(store.save, graph, db)
    kinds: dict[str, int] = {}
    for edge in graph.edges:
        kinds[edge.kind] = kinds.get(edge.kind, 0) + 1
    row["edges"] = len(graph.edges)
    row["shares_method_per_paper"] = round(kinds.get("shares_method", 0) / max(papers, 1), 2)
    row["mentions_per_paper"] = round(len(graph.mentions) / max(papers, 1), 2)

    graphx = str(Path(sys.executable).with_name("graphx"))
    out = workdir / f"out-{papers}"
    row["build_s"], row["build_peak_mib"], _ = _run(
        [graphx, "build", str(corpus), "--out", str(out), "--no-export"])
    row["floor_s"] = floor(corpus)
    row["build_vs_floor"] = round(row["build_s"] / row["floor_s"], 2) if row["floor_s"] else None

    query = merged[len(merged) // 2].id
    try:
        row["neighbors_cold_s"], _, _ = _run([graphx, "neighbors", query, "--db", str(out / "graphx.db")])
    except SystemExit as exc:
        row["neighbors_cold_s"] = None
        row["neighbors_error"] = str(exc)[:200]
    _, row["graphml_s"] = _timed(write, graph, "graphml", workdir / f"{papers}.graphml")
    try:
        _, row["html_s"] = _timed(lambda: write(default_view(graph), "html", workdir / f"{papers}.html"))
    except Exception as exc:  # noqa: BLE001 - a missing exporter is reported, not fatal
        row["html_s"] = None
        row["html_error"] = str(exc)[:200]
    row["process_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}


COLUMNS = ["papers", "read_s", "extract_s", "edges_s", "store_s", "build_s", "build_peak_mib",
           "floor_s", "build_vs_floor", "neighbors_cold_s", "graphml_s", "html_s",
           "shares_method_per_paper"]


def print_table(rows: list[dict[str, Any]]) -> None:
    widths = {c: max(len(c), *(len(str(r.get(c))) for r in rows)) for c in COLUMNS}
    print(" | ".join(c.ljust(widths[c]) for c in COLUMNS))
    print("-|-".join("-" * widths[c] for c in COLUMNS))
    for row in rows:
        print(" | ".join(str(row.get(c)).ljust(widths[c]) for c in COLUMNS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.papers:
            rows.append(bench(count, Path(tmp), args.seeds))
            print_table(rows[-1:]) if len(args.papers) == 1 else None
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(),
               "platform": platform.platform(), "processor": platform.processor() or platform.machine()}
    args.out.mkdir(parents=True, exist_ok=True)
    result = args.out / f"run-{'-'.join(map(str, args.papers))}.json"
    result.write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))
    if len(args.papers) > 1:
        print_table(rows)
    print(f"\nmachine: {machine}\nwritten: {result}")


if __name__ == "__main__":
    main()
