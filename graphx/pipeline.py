"""The build pipeline: sources -> papers -> methods -> edges -> store (and exports).

    >>> from graphx.pipeline import build
    >>> result = build(["../shared/seeds"], out="output")   # doctest: +SKIP
    >>> result.summary()["papers"]                          # doctest: +SKIP
    231
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from graphx import atomic, lock, store
from graphx import methods as methods_module
from graphx.errors import GraphxError
from graphx.graph import derive_edges
from graphx.http import HttpConfig
from graphx.methods.discover import Introduced, rules_fingerprint
from graphx.model import Graph, Repo
from graphx.papers import Paper, id_conflicts, merge_papers
from graphx.sources import ReadReport, read_sources

DB_NAME = "graphx.db"
# below this many papers, forking a process to write the store costs more than it saves
OVERLAP_THRESHOLD = 5000


class NothingRead(GraphxError):
    """No source gave a paper; `report` says why for each one."""

    def __init__(self, report: ReadReport) -> None:
        self.report = report
        super().__init__(_nothing_read(report))


@dataclass
class BuildResult:
    graph: Graph
    report: ReadReport
    duplicates: int
    db_path: Path | None = None
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: int | None = None  # with add=True: papers that were new

    def summary(self) -> dict[str, Any]:
        edges: dict[str, int] = {}
        for edge in self.graph.edges:
            edges[edge.kind] = edges.get(edge.kind, 0) + 1
        used = {m.method_id for m in self.graph.mentions}
        data: dict[str, Any] = {
            "files_read": self.report.files_read,
            "sources_failed": len(self.report.errors),
            "records": len(self.report.records),
            "papers": len(self.graph.papers),
            "duplicates_merged": self.duplicates,
            "methods": len(used),
            "mentions": len(self.graph.mentions),
            "introduced": sum(1 for m in self.graph.mentions if m.introduces),
            "repos": len(self.graph.repos),
            "edges": edges,
            "db": str(self.db_path) if self.db_path else None,
            "outputs": [str(p) for p in self.outputs],
            "warnings": list(self.warnings),
        }
        if self.added is not None:
            data["papers_added"] = self.added
        return data


def _canonical_repos(papers: list[Paper], known: dict[str, Repo]) -> dict[str, Repo]:
    """One Repo per repository (case-insensitive), papers pointing at its first-seen spelling."""
    by_lower = {name.lower(): repo for name, repo in known.items()}
    repos: dict[str, Repo] = {}
    for paper in papers:
        names = []
        for name in paper.repos:
            repo = by_lower.get(name.lower())
            if repo is None:
                repo = by_lower[name.lower()] = Repo(name)
            repos[repo.name] = repo
            if repo.name not in names:
                names.append(repo.name)
        paper.repos = names
    return repos


def assemble(papers: list[Paper], catalog_files: Sequence[str | Path] = (), jobs: int | None = None,
             previous: Graph | None = None, edges: bool = True,
             on_stage: Callable[[str], None] | None = None) -> Graph:
    """Extract methods and derive edges (unless `edges` is false: only the `cites` edges of
    `previous` are kept) for merged papers. Pure: nothing is read or written. `on_stage` is told
    the name of each step as it starts."""
    stage = on_stage or _quiet
    stage("Finding methods")
    catalog = methods_module.load_catalog(list(catalog_files))
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    rules = rules_fingerprint()
    extraction = methods_module.extract(papers, catalog, jobs=jobs, known=_known(previous, rules))
    graph = Graph(papers=papers, methods=extraction.methods, mentions=extraction.mentions,
                  discovered=extraction.discovered, meta={"discovery_rules": rules})
    graph.repos = _canonical_repos(papers, previous.repos if previous else {})
    if previous is not None:
        graph.edges = [e for e in previous.edges if e.kind == "cites"]
    if edges:
        stage("Linking papers")
        graph.edges = derive_edges(graph)
    return graph


def _quiet(name: str) -> None:
    pass


def _known(previous: Graph | None, rules: str) -> methods_module.Known:
    """What discovery found in the previous store's papers, if the same rules found it."""
    if previous is None or previous.meta.get("discovery_rules") != rules:
        return {}
    found: dict[str, list[Introduced]] = {p.id: [] for p in previous.papers}
    for claim in previous.discovered:
        if claim.paper_id in found:
            found[claim.paper_id].append(claim)
    return {p.id: (p.title, p.abstract, found[p.id]) for p in previous.papers}


def build(
    sources: Sequence[str | Path],
    out: str | Path | None = "output",
    db: str | Path | None = None,
    format_name: str | None = None,
    catalog_files: Sequence[str | Path] = (),
    jobs: int | None = None,
    add: bool = False,
    strict: bool = False,
    exports: Sequence[str] = ("html", "graphml", "json"),
    on_progress: Callable[[str], None] | None = None,
    github: bool = False,
    citations: bool = False,
    citation_rate: float = 1.0,
    http_config: HttpConfig | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> BuildResult:
    """Read `sources`, build the graph and (when `out` or `db` is given) save the store and exports.

    With `add=True` the papers already in the store are kept and the new ones merged in; the
    edges are derived again over the whole corpus.
    """
    report = read_sources([str(s) for s in sources], format_name, on_progress, http_config)
    if strict and report.errors:
        first = report.errors[0]
        raise GraphxError(f"{first.source}: {first.error} (--strict stops at the first bad source)")
    db_path = Path(db) if db else (Path(out) / DB_NAME if out else None)
    if not report.records and not (add and db_path is not None and db_path.exists()):
        raise NothingRead(report)
    options = dict(catalog_files=catalog_files, jobs=jobs, add=add, exports=exports,
                   on_progress=on_progress, github=github, citations=citations,
                   citation_rate=citation_rate, http_config=http_config,
                   on_stage=on_stage or _quiet)
    if db_path is None:
        return _build_graph(report, None, **options)
    store.check_replaceable(db_path)  # before the work (and any lock file), not after it
    # one writer per folder, from reading the previous store (--add) to the last rename
    with lock.writing(db_path.parent):
        return _build_graph(report, db_path, **options)


def _build_graph(report: ReadReport, db_path: Path | None, catalog_files: Sequence[str | Path],
                 jobs: int | None, add: bool, exports: Sequence[str],
                 on_progress: Callable[[str], None] | None, github: bool, citations: bool,
                 citation_rate: float, http_config: HttpConfig | None,
                 on_stage: Callable[[str], None]) -> BuildResult:
    previous = None
    records = list(report.records)
    if add and db_path is not None and db_path.exists():
        on_stage("Loading the store")
        previous = store.load(db_path, derived=False)  # what is derived is derived again
        records = previous.papers + records
    if not records:
        raise NothingRead(report)
    conflicts = id_conflicts(records)
    papers, duplicates = merge_papers(records)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    # a large build with a store and nothing to fetch derives its edges while the rest of the
    # store is written (store.save): the two longest single-core steps share two cores; any
    # large build writes its exports two at a time (pipeline.save)
    large = jobs > 1 and len(papers) >= OVERLAP_THRESHOLD
    overlap = db_path is not None and not github and not citations and large
    graph = assemble(papers, catalog_files, jobs, previous, edges=not overlap, on_stage=on_stage)
    graph.sources = ([*previous.sources] if previous else []) + [
        {"source": r.source, "format": r.format, "papers": r.papers, "error": r.error}
        for r in report.results
    ]
    result = BuildResult(graph, report, duplicates, warnings=conflicts)
    if previous is not None:
        result.added = len(papers) - len(previous.papers)
    if github:
        on_stage("GitHub")
        result.warnings.extend(enrich_github(graph, http_config, on_progress))
    if citations:
        on_stage("Semantic Scholar")
        result.warnings.extend(enrich_citations(graph, http_config, citation_rate, on_progress))
    if db_path is not None:
        on_stage("Linking papers, saving" if overlap else "Saving")
        result.db_path, result.outputs = save(graph, db_path, exports, derive=overlap,
                                              parallel=large)
    return result


def save(graph: Graph, db_path: Path, exports: Sequence[str] = ("html", "graphml", "json"),
         derive: bool = False, parallel: bool = False) -> tuple[Path, list[Path]]:
    """Save the store, then the default exports beside it. With `derive`, the graph's edges
    are derived first, while the rest of the store is written. With `parallel` (a large
    graph, several cores), a forked process writes one export while this one writes the others
    (export.exports_aside)."""
    outputs: list[Path] = []
    # the time the store records, set here so the exports (written from this graph, not from
    # the store) say it too; an enriched store keeps the time it was built
    graph.meta.setdefault("built_at", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    with atomic.together():  # all files replaced at the end, or none
        saved = (store.save(graph, db_path, derive_edges, overlap=True) if derive
                 else store.save(graph, db_path))
        if exports:
            from graphx import export

            outputs = export.write_default_exports(graph, db_path.parent, exports, parallel)
    return saved, outputs


@contextmanager
def updating(db: str | Path) -> Iterator[Graph]:
    """The store at `db`, loaded for a change and saved (with the exports beside it) when the
    block ends without an error; all under the folder's write lock (graphx.lock)."""
    db = Path(db)
    store.connect(db).close()  # no store or a foreign one: that error, before any lock file
    with lock.writing(db.parent):
        graph = store.load(db)
        yield graph
        exports = [name for name in ("html", "graphml", "json") if (db.parent / f"graph.{name}").exists()]
        save(graph, db, exports, parallel=(os.cpu_count() or 1) > 1
             and len(graph.papers) >= OVERLAP_THRESHOLD)


def enrich_github(graph: Graph, config: HttpConfig | None = None,
                  on_progress: Callable[[str], None] | None = None) -> list[str]:
    """Fetch GitHub metadata for the graph's repos (in place); returns the warnings to show."""
    from graphx.enrich import github as github_module

    report = github_module.enrich(graph, config, on_progress=on_progress)
    return report.warnings()


def _nothing_read(report: ReadReport) -> str:
    if len(report.results) == 1 and report.errors:
        only = report.errors[0]
        return f"{only.source}: {only.error}"
    if report.errors:
        return f"no papers could be read from {len(report.errors)} source(s)"
    return "no sources given"


def enrich_citations(graph: Graph, config: HttpConfig | None = None, rate: float = 1.0,
                     on_progress: Callable[[str], None] | None = None) -> list[str]:
    """Add `cites` edges from Semantic Scholar (in place); returns the warnings to show."""
    from graphx.enrich import citations as citations_module

    report = citations_module.enrich(graph, config, rate, on_progress)
    return report.warnings()
