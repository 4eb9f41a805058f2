"""Time every stage of graphx on synthetic corpora and compare the build with its floor.

    python benchmarks/run.py --papers 100000          # one size
    python benchmarks/run.py --papers 1000 10000 100000

For each size: generate benchmarks/corpora/N.jsonl if it is missing, then, each in a fresh
process so sizes and stages do not share memory or warm caches:

- the build: `graphx build N.jsonl --no-export` as a user runs it (read + extract + edges +
  store, as the targets define it): wall time, CPU seconds with its worker processes, peak RSS
  of it or of its largest worker. `build / floor` is its multiple of the floor below;
- the stages one at a time, for the breakdown: read (+ merge), extract, derive edges, write the
  store; seconds and peak RSS of each (the peak is reset between stages through
  /proc/self/clear_refs; extraction's worker processes are reported separately). The build
  overlaps some of them, so it can take less than their sum;
- `graphx neighbors ID` as a cold process on the store (when the CLI has `neighbors`);
- each export (graphml, html of the default view, json) as a cold `graphx export` process, and
  loading the whole store into memory (`graphx.load`, `build --add`; exports read only what they
  write); before the CLI had `export`, the library writers after one load;
- the floor: reading the JSONL plus one Aho-Corasick pass over titles and abstracts with the
  same catalog forms.

Prints a table (rows: measures, columns: sizes, and the growth between sizes) and writes
everything as JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results"
STAGES = ("read", "extract", "edges", "store")
EXPORTS = ("graphml", "html", "json")


# --- measuring -------------------------------------------------------------------------------

def _peak_mib() -> float:
    """This process's peak RSS since the last reset (VmHWM), in MiB."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    except (OSError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset VmHWM to the current RSS
    except OSError:
        pass  # elsewhere the peak stays cumulative: still an upper bound per stage


def _cpu() -> float:
    import resource

    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


class Stopwatch:
    """Times named stages; each records seconds and the process's peak RSS during it."""

    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}

    def run(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        _reset_peak()
        cpu = _cpu()
        start = time.perf_counter()
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a stage that breaks is reported, not fatal
            self.results[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            return None
        # CPU seconds of this process and its workers: far steadier than wall time on a busy machine
        self.results[name] = {"s": round(time.perf_counter() - start, 3),
                              "cpu_s": round(_cpu() - cpu, 3), "peak_mib": round(_peak_mib())}
        return value


# --- child processes (python benchmarks/run.py --child KIND ...) ------------------------------

def child_stages(corpus: Path, db: Path, jobs: int) -> dict[str, Any]:
    """read -> extract -> edges -> store in this process, timed one by one."""
    import resource

    from graphx import methods, store
    from graphx.graph import derive_edges
    from graphx.model import Graph
    from graphx.papers import merge_papers
    from graphx.pipeline import _canonical_repos
    from graphx.sources import read_sources

    watch = Stopwatch()

    def read() -> list:
        report = read_sources([corpus])
        if report.errors:
            raise RuntimeError(report.errors[0].error)
        return merge_papers(report.records)[0]

    def extract(papers: list) -> Graph:
        extraction = methods.extract(papers, methods.load_catalog(), jobs=jobs)
        return Graph(papers=papers, methods=extraction.methods, mentions=extraction.mentions)

    def edges(graph: Graph) -> None:
        graph.repos = _canonical_repos(graph.papers, {})
        graph.edges = derive_edges(graph)

    papers = watch.run("read", read)
    graph = watch.run("extract", extract, papers) if papers is not None else None
    if graph is not None:
        watch.run("edges", edges, graph)
        watch.run("store", store.save, graph, db)
    out: dict[str, Any] = {"stages": watch.results}
    out["extract_workers_peak_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    if graph is not None:
        kinds: dict[str, int] = {}
        for edge in graph.edges:
            kinds[edge.kind] = kinds.get(edge.kind, 0) + 1
        out["counts"] = {"papers": len(graph.papers), "mentions": len(graph.mentions),
                         "methods_used": len({m.method_id for m in graph.mentions}),
                         "repos": len(graph.repos), "edges": kinds}
        out["query_id"] = graph.papers[len(graph.papers) // 2].id
    return out


def child_exports(db: Path, folder: Path) -> dict[str, Any]:
    """Load the store, then write each export that exists (HTML: the default view)."""
    from graphx import export, store
    from graphx.views import default_view

    watch = Stopwatch()
    graph = watch.run("load", store.load, db)
    if graph is None:
        return {"exports": watch.results}
    for name in EXPORTS:
        try:
            export.writer(name)
        except Exception as exc:  # noqa: BLE001 - an exporter that does not exist yet
            watch.results[name] = {"skipped": str(exc)[:200]}
            continue
        view = (lambda g: default_view(g)) if name == "html" else (lambda g: g)
        watch.run(name, lambda v=view, n=name: export.write(v(graph), n, folder / f"graph.{n}"))
    return {"exports": watch.results}


def child_load(db: Path) -> dict[str, Any]:
    """Only load the whole store into memory (what `graphx.load` and `build --add` pay)."""
    from graphx import store

    watch = Stopwatch()
    watch.run("load", store.load, db)
    return {"exports": watch.results}


def child_floor(corpus: Path) -> dict[str, Any]:
    """The floor: read the JSONL and run one Aho-Corasick pass with the catalog's forms."""
    import ahocorasick

    from graphx.methods.catalog import load_catalog

    automaton = ahocorasick.Automaton()
    for entry in load_catalog():
        for form in entry.forms:
            automaton.add_word(form.lower(), 1)
    automaton.make_automaton()
    _reset_peak()
    cpu = _cpu()
    start = time.perf_counter()
    hits = 0
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            for _ in automaton.iter(f"{record['title']} {record['abstract']}".lower()):
                hits += 1
    return {"floor": {"s": round(time.perf_counter() - start, 3), "cpu_s": round(_cpu() - cpu, 3),
                      "peak_mib": round(_peak_mib()), "hits": hits}}


CHILDREN = {"stages": child_stages, "exports": child_exports, "load": child_load,
            "floor": child_floor}


# --- the parent: run children and CLI processes ------------------------------------------------

def _env() -> dict[str, str]:
    # the checkout this file lives in, whatever graphx is installed; no progress bars
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "CI": "1"}


class Finished(NamedTuple):
    code: int
    wall: float
    peak_mib: float  # peak RSS of the process or of its largest descendant
    cpu: float  # CPU seconds of the process and every descendant it waited for (its workers)
    stdout: str
    stderr: str


def _process(cmd: list[str]) -> Finished:
    """Run `cmd` and measure it."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=_env())
        _, status, usage = os.wait4(proc.pid, 0)  # wait4: the rusage of this one child (Linux:
        wall = time.perf_counter() - start        # with the descendants it reaped)
        out.seek(0)
        err.seek(0)
        return Finished(os.waitstatus_to_exitcode(status), wall, usage.ru_maxrss / 1024,
                        usage.ru_utime + usage.ru_stime, out.read(), err.read())


def _measured(run: Finished) -> dict[str, Any]:
    return ({"s": round(run.wall, 3), "cpu_s": round(run.cpu, 2), "peak_mib": round(run.peak_mib)}
            if run.code == 0 else {"error": run.stderr.strip()[-300:]})


def _child(kind: str, *args: str) -> dict[str, Any]:
    run = _process([sys.executable, __file__, "--child", kind, *args])
    if run.code != 0:
        return {"error": (run.stderr.strip().splitlines() or [f"exit code {run.code}"])[-1][:300]}
    return json.loads(run.stdout)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "graphx.cli", *args]


def _has_command(name: str) -> bool:
    return _process(_cli(name, "--help")).code == 0


def bench(papers: int, jobs: int, workdir: Path, cli_build: bool, seeds: Path | None = None
          ) -> dict[str, Any]:
    from benchmarks.generate import SEEDS, corpus_path, write_corpus

    corpus = corpus_path(papers)
    if not corpus.exists():
        _say(f"generating {corpus}")
        write_corpus(papers, corpus, seeds or SEEDS)
    row: dict[str, Any] = {"papers": papers, "jobs": jobs, "corpus_mib": round(corpus.stat().st_size / 2**20, 1)}
    db = workdir / f"{papers}.db"

    _say(f"{papers}: stages, one at a time")
    row.update(_child("stages", str(corpus), str(db), str(jobs)))
    timed = [row.get("stages", {}).get(s, {}) for s in STAGES]
    if all("s" in t for t in timed):
        row["stages_sum"] = {"s": round(sum(t["s"] for t in timed), 3),
                             "cpu_s": round(sum(t["cpu_s"] for t in timed), 2),
                             "peak_mib": max(t["peak_mib"] for t in timed)}

    if cli_build:
        # the build the targets are about: `graphx build` as a user runs it, start to finish
        _say(f"{papers}: graphx build")
        run = _process(_cli("build", str(corpus), "--out", str(workdir / f"out-{papers}"),
                            "--no-export", "--jobs", str(jobs), "--json"))
        row["build"] = _measured(run)
        # and what `graphx build` does by default: the store and the three exports beside it
        _say(f"{papers}: graphx build (default exports)")
        row["build_default"] = _measured(_process(_cli(
            "build", str(corpus), "--out", str(workdir / f"out-{papers}"), "--jobs", str(jobs), "--json")))
    elif "stages_sum" in row:
        row["build"] = {**row["stages_sum"], "note": "sum of the stages (--no-cli-build)"}

    _say(f"{papers}: floor")
    row.update(_child("floor", str(corpus)))
    build, floor = row.get("build", {}), row.get("floor", {})
    if "s" in build and "s" in floor:
        row["build_vs_floor"] = round(build["s"] / floor["s"], 2)
        row["build_cpu_vs_floor"] = round(build["cpu_s"] / max(floor["cpu_s"], 1e-3), 2)

    if db.exists() and row.get("query_id"):
        if _has_command("neighbors"):
            _say(f"{papers}: graphx neighbors (cold)")
            walls, error = [], None
            for _ in range(3):
                run = _process(_cli("neighbors", row["query_id"], "--db", str(db)))
                if run.code != 0:
                    error = run.stderr.strip()[-300:]
                    break
                walls.append(run.wall)
            row["neighbors_cold"] = {"s": round(statistics.median(walls), 3)} if walls else {"error": error}
        else:
            row["neighbors_cold"] = {"skipped": "the CLI has no `neighbors` command yet"}
        folder = workdir / f"exports-{papers}"
        if _has_command("export"):
            # what a user waits for: a cold `graphx export` (load the store, take the view, write)
            _say(f"{papers}: graphx export (cold), and loading the store alone")
            row["exports"] = _child("load", str(db)).get("exports", {})
            for name in EXPORTS:
                run = _process(_cli(
                    "export", "--format", name, "--db", str(db), "--out", str(folder / f"graph.{name}")))
                row["exports"][name] = ({"s": round(run.wall, 3), "peak_mib": round(run.peak_mib)}
                                        if run.code == 0 else {"error": run.stderr.strip()[-300:]})
        else:
            _say(f"{papers}: exports (library)")
            row.update(_child("exports", str(db), str(folder)))

    counts = row.get("counts", {})
    if counts:
        n = max(counts["papers"], 1)
        row["edges_per_paper"] = round(sum(counts["edges"].values()) / n, 2)
        row["shares_method_per_paper"] = round(counts["edges"].get("shares_method", 0) / n, 2)
        row["mentions_per_paper"] = round(counts["mentions"] / n, 2)
    return row


# --- report ------------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    if "s" in value:
        peak = value.get("peak_mib")
        return f"{value['s']:.2f} s" + (f" · {peak:,} MiB" if isinstance(peak, (int, float)) else "")
    if "skipped" in value:
        return "n/a"
    if "error" in value:
        return "failed"
    return ""


def _seconds(value: Any) -> float | None:
    return value.get("s") if isinstance(value, dict) else value if isinstance(value, (int, float)) else None


MEASURES = [
    ("read + merge", lambda r: r.get("stages", {}).get("read")),
    ("extract", lambda r: r.get("stages", {}).get("extract")),
    ("derive edges", lambda r: r.get("stages", {}).get("edges")),
    ("write store", lambda r: r.get("stages", {}).get("store")),
    ("the four stages one at a time, summed", lambda r: r.get("stages_sum")),
    ("build: `graphx build --no-export`", lambda r: r.get("build")),
    ("build CPU seconds (with its workers)", lambda r: r.get("build", {}).get("cpu_s")),
    ("default build: store + html, graphml, json", lambda r: r.get("build_default")),
    ("floor (JSONL + one AC pass)", lambda r: r.get("floor")),
    ("build / floor (wall)", lambda r: r.get("build_vs_floor")),
    ("build / floor (CPU seconds)", lambda r: r.get("build_cpu_vs_floor")),
    ("`graphx neighbors` cold", lambda r: r.get("neighbors_cold")),
    ("load store", lambda r: r.get("exports", {}).get("load")),
    ("`graphx export` graphml", lambda r: r.get("exports", {}).get("graphml")),
    ("`graphx export` html (default view)", lambda r: r.get("exports", {}).get("html")),
    ("`graphx export` json", lambda r: r.get("exports", {}).get("json")),
    ("edges per paper", lambda r: r.get("edges_per_paper")),
    ("shares_method per paper", lambda r: r.get("shares_method_per_paper")),
    ("mentions per paper", lambda r: r.get("mentions_per_paper")),
]


def _short(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def table_rows(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Header and cells: one row per measure, one column per size, then the growth between sizes."""
    header = ["measure", *(f"{r['papers']:,}" for r in rows)]
    growth_pairs = [(a, b) for a, b in zip(rows[:-1], rows[1:], strict=True) if b["papers"] > a["papers"]]
    header += [f"{_short(a['papers'])}→{_short(b['papers'])}" for a, b in growth_pairs]
    cells = []
    for label, get in MEASURES:
        values = [get(r) for r in rows]
        if all(v is None for v in values):
            continue
        line = [label, *(_cell(v) for v in values)]
        for a, b in growth_pairs:
            x, y = _seconds(get(a)), _seconds(get(b))
            timing = isinstance(get(b), dict)
            line.append(f"×{y / x:.1f}" if timing and x and y is not None else "")
        cells.append(line)
    return header, cells


def print_table(rows: list[dict[str, Any]], machine: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    header, cells = table_rows(rows)
    print(f"graphx benchmark · {machine['cpu']} · {machine['cores']} cores · Python "
          f"{machine['python']} · load average before {machine['load_average']}")
    grid = Table()
    for i, name in enumerate(header):
        grid.add_column(name, justify="left" if i == 0 else "right")
    for line in cells:
        grid.add_row(*line)
    Console(width=max(140, Console().width)).print(grid)  # no wrapping when piped
    notes = sorted({f"{k}: {v['skipped']}" for r in rows for k, v in _flat(r) if "skipped" in v}
                   | {f"{k} failed: {v['error']}" for r in rows for k, v in _flat(r) if "error" in v})
    for note in notes:
        print(f"note: {note}")


def markdown(rows: list[dict[str, Any]]) -> str:
    """The table as Markdown (for the README)."""
    header, cells = table_rows(rows)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(c or "" for c in line) + " |" for line in cells]
    return "\n".join(lines)


def _flat(row: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for key, value in row.items():
        if isinstance(value, dict):
            if "skipped" in value or "error" in value:
                found.append((f"{row['papers']} {key}", value))
            else:
                found.extend((f"{row['papers']} {k}", v) for k, v in value.items()
                             if isinstance(v, dict) and ("skipped" in v or "error" in v))
    return found


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[1000, 10000],
                        help="corpus sizes (default: 1000 10000; add 100000 for the full run)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="extraction processes")
    parser.add_argument("--no-cli-build", action="store_true",
                        help="skip timing `graphx build` as a separate process")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON results")
    parser.add_argument("--seeds", type=Path, help="seed listings for a new corpus "
                        "(default: ../shared/seeds beside the checkout)")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        converted = [int(a) if a.isdigit() else Path(a) for a in rest]
        print(json.dumps(CHILDREN[kind](*converted)))
        return

    machine = machine_info()
    rows = []
    with tempfile.TemporaryDirectory(prefix="graphx-bench-") as tmp:
        for count in sorted(args.papers):
            rows.append(bench(count, args.jobs, Path(tmp), not args.no_cli_build, args.seeds))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    result = args.out / f"run-{'-'.join(str(r['papers']) for r in rows)}-{stamp}.json"
    header, cells = table_rows(rows)
    result.write_text(json.dumps({"machine": machine, "rows": rows,
                                  "table": {"header": header, "rows": cells},
                                  "markdown": markdown(rows)}, indent=2))
    print_table(rows, machine)
    if args.markdown:
        print()
        print(markdown(rows))
    print(f"written: {result}")


if __name__ == "__main__":
    main()
