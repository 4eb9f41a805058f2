"""Time the exports of big graphs and how fast the HTML page becomes interactive in Chromium.

For each corpus size the generated corpus (benchmarks/generate.py) is built into a store, then:
HTML export time (layout included), page size, time until the page has drawn in headless
Chromium (`window.graphxReadyAt`, ms since navigation), a search-and-focus round trip and one
zoom redraw. With --store, an existing (e.g. 100k) store's exports as `graphx export` writes
them (GraphML, JSON, the HTML default view), and that page timed in Chromium like the others.

    python benchmarks/html_bench.py --papers 2000 5000
    python benchmarks/html_bench.py --papers --store /tmp/out100k/graphx.db
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import corpus_path, write_corpus  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
RESULTS = ROOT / "benchmarks" / "results"


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, round(time.perf_counter() - started, 2)


def export_html(papers: int, workdir: Path, jobs: int) -> dict:
    from graphx import pipeline
    from graphx.export.html import write_html
    from graphx.views import default_view

    corpus = corpus_path(papers)
    if not corpus.exists():
        write_corpus(papers, corpus)
    result, build_s = timed(pipeline.build, [corpus], out=workdir / str(papers), exports=(),
                            jobs=jobs)
    graph = result.graph
    page = workdir / f"graph-{papers}.html"
    view = default_view(graph, max_nodes=papers)  # the whole graph, no cap
    _, html_s = timed(write_html, view, page)
    capped, capped_s = timed(lambda: write_html(default_view(graph), workdir / f"capped-{papers}.html"))
    methods = len({m.method_id for m in graph.mentions})
    return {
        "papers": papers, "build_s": build_s,
        "nodes": papers + methods + len(graph.repos),
        "edges": len(graph.edges) + len(graph.mentions) + sum(len(p.repos) for p in graph.papers),
        "html_export_s": html_s, "html_mb": round(page.stat().st_size / 1e6, 1),
        "default_view_export_s": capped_s, "page": str(page),
    }


def browser_timings(browser, page_path: str) -> dict:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    started = time.perf_counter()
    page.goto(Path(page_path).as_uri())
    page.wait_for_function("window.graphxReady === true", timeout=120_000)
    wall = time.perf_counter() - started
    ready_ms = page.evaluate("window.graphxReadyAt")
    # a search with results: "Zip" (a generated corpus has Zip... names), else a paper's label
    term = page.evaluate("""() => window.nodes.get().some(n => /zip/i.test(n.label)) ? "Zip" :
        window.nodes.get().find(n => n.type === "paper").label.slice(0, 8)""")
    started = time.perf_counter()
    page.fill("#search", term)
    page.press("#search", "Enter")
    page.wait_for_selector("#details:not([hidden])")
    focus_s = time.perf_counter() - started
    redraw_ms = page.evaluate("""() => new Promise(done => {
        const t = performance.now();
        window.network.once('afterDrawing', () => done(performance.now() - t));
        window.network.moveTo({scale: window.network.getScale() * 0.5});
    })""")
    page.close()
    return {"interactive_s": round(ready_ms / 1000, 2), "interactive_wall_s": round(wall, 2),
            "search_focus_s": round(focus_s, 2), "zoom_redraw_ms": round(redraw_ms),
            "requests": len(requests)}


def export_store(db: Path, workdir: Path) -> dict:
    """Each export of an existing store as `graphx export` writes it (GraphML and JSON of the
    whole store, HTML of the default view), and loading the whole store (the Python API)."""
    from graphx import export, store

    graph, load_s = timed(store.load, db)
    row = {"store": str(db), "papers": len(graph.papers), "load_s": load_s}
    del graph
    for name in ("graphml", "json", "html"):
        path = workdir / f"big.{name}"
        summary, row[f"{name}_s"] = timed(export.write_from_store, db, name, path)
        row[f"{name}_mb"] = round(path.stat().st_size / 1e6, 1)
        if name == "html":
            row.update(page=str(path), html_papers=summary["papers"])
        else:
            path.unlink()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[2000, 5000])
    parser.add_argument("--store", type=Path, help="also time this store's exports and its "
                        "default HTML view in Chromium")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="graphx-html-bench-") as tmp:
        workdir = Path(tmp)
        for papers in args.papers:
            rows.append(export_html(papers, workdir, args.jobs))
            print(json.dumps(rows[-1]), flush=True)
        stores = [export_store(args.store, workdir)] if args.store else []
        for row in stores:
            print(json.dumps(row), flush=True)
        if rows + stores and Path(CHROMIUM).exists():
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                for row in rows + stores:
                    row.update(browser_timings(browser, row.pop("page")))
                    print(json.dumps(row), flush=True)
                browser.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"html-{stamp}.json"
    out.write_text(json.dumps({"cpus": os.cpu_count(), "load": os.getloadavg(), "html": rows,
                               "stores": stores}, indent=2))
    print(f"written: {out}")


if __name__ == "__main__":
    main()
