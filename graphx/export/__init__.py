"""Exports: views of a built graph as HTML (browser), GraphML (Gephi) and JSON (other tools).

Every writer takes a Graph (usually a filtered view, see graphx.views) and writes atomically;
GraphML and JSON of a whole store are also streamed straight from SQLite (`write_from_store`,
what `graphx export` calls), byte for byte the files the Graph writers make.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any, TextIO

from graphx import atomic
from graphx.errors import GraphxError
from graphx.model import Graph

DEFAULT_NAMES = {"html": "graph.html", "graphml": "graph.graphml", "json": "graph.json"}
FORMATS = tuple(DEFAULT_NAMES)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp)` then rename tmp over `path`, so readers never see a half-written file.

    Never over an SQLite database: `--out` naming the store would replace it with its export.
    """
    path = Path(path)
    _check_replaceable(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic.temporary(path) as tmp:
            write(tmp)
            atomic.replace(tmp, path)  # now, or with the rest of a build (atomic.together)
    except OSError as exc:
        raise GraphxError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


def _check_replaceable(path: Path) -> None:
    if _is_sqlite(path):
        raise GraphxError(f"{path}: is an SQLite database (a graphx store?), not replaced by an "
                          "export; choose another --out")


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:  # no such file (the usual case), a folder, unreadable: nothing to keep
        return False


def write_text(path: Path, write: Callable[[TextIO], Any]) -> Path:
    """`atomic_write` of a UTF-8 text file that `write(handle)` fills (through a 1 MiB buffer:
    the writers make millions of small writes)."""
    def into(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as handle:
            write(handle)

    return atomic_write(path, into)


def stream_store(db: Path, path: Path,
                 write_store: Callable[[sqlite3.Connection, TextIO], dict[str, int]]
                 ) -> tuple[Path, dict[str, int]]:
    """`write_text` of what `write_store(conn, handle)` writes from the store at `db`, and the
    summary it returns. The store is opened first: a missing or foreign one writes nothing."""
    from graphx.store import opened

    summary: dict[str, int] = {}
    with opened(db) as conn:
        written = write_text(path, lambda handle: summary.update(write_store(conn, handle)))
    return written, summary


def writer(format_name: str) -> Callable[[Graph, Path], Path]:
    if format_name == "graphml":
        from graphx.export.graphml import write_graphml

        return write_graphml
    if format_name == "json":
        from graphx.export.json import write_json

        return write_json
    if format_name == "html":
        from graphx.export.html import write_html

        return write_html
    raise GraphxError(f"unknown export format {format_name!r}; choose one of: {', '.join(FORMATS)}")


def write(graph: Graph, format_name: str, path: str | Path) -> Path:
    from graphx.speed import no_gc

    # every writer makes millions of small strings and dicts and no cycles: with the collector on
    # it rescans them again and again (GraphML of 10k papers: 2.6 s -> 1.5 s)
    with no_gc():
        return writer(format_name)(graph, Path(path))


STREAMED = {"graphml": ("graphx.export.graphml", "write_graphml_store"),
            "json": ("graphx.export.json", "write_json_store")}


def write_from_store(db: str | Path, format_name: str, path: str | Path,
                     **filters: Any) -> dict[str, Any]:
    """Write the view of the store at `db` that `filters` select (the arguments of
    `graphx.views.filtered_view`; HTML is capped at DEFAULT_HTML_MAX_NODES papers unless
    `max_nodes` says otherwise), reading only what that view needs: the whole store is
    streamed from SQLite for GraphML and JSON, and a filtered or capped view loads only its
    papers. Into the store's own folder it writes under that folder's lock (graphx.lock).

    Returns what was written: `views.summary` of the view, `format`, `out`, `filters` and
    `left_out_papers` (by the cap).
    """
    from graphx import lock, store

    writer(format_name)  # an unknown format fails before the store is read
    store.connect(db).close()  # no store or a foreign one: that error, before any lock file
    db, path = Path(db), Path(path)
    if path.resolve().parent != db.resolve().parent:
        return _write_from_store(db, format_name, path, filters)
    with lock.writing(db.parent, export=True):
        return _write_from_store(db, format_name, path, filters)


def _write_from_store(db: Path, format_name: str, path: Path, filters: dict[str, Any]
                      ) -> dict[str, Any]:
    from graphx import views
    from graphx.speed import no_gc

    if format_name == "html" and filters.get("max_nodes") is None:
        filters["max_nodes"] = views.DEFAULT_HTML_MAX_NODES  # what a browser draws comfortably
    whole = all(filters.get(name) in (None, [], "") for name in
                ("kinds", "method", "focus", "min_weight", "max_nodes", "since"))
    if whole and format_name in STREAMED:
        module, name = STREAMED[format_name]
        with no_gc():
            written, summary = getattr(import_module(module), name)(db, path)
        return {**summary, "format": format_name, "out": str(written), "filters": None,
                "left_out_papers": 0}
    view = views.load_view(db, **filters)
    written = write(view, format_name, path)
    truncated = view.meta.get("truncated_from")
    return {**views.summary(view), "format": format_name, "out": str(written),
            "filters": view.meta.get("filters"),
            "left_out_papers": truncated - len(view.papers) if truncated else 0}


def write_default_exports(graph: Graph, folder: Path, formats: Sequence[str],
                          parallel: bool = False) -> list[Path]:
    """The exports `graphx build` writes next to the store (the default view for HTML).

    With `parallel` (a large build on several cores), a forked process writes the JSON while
    this one writes the others (see `exports_aside`): the same files, 9.6 -> 5.9 s at 100k
    papers. The HTML page and the GraphML's x/y share one layout (`html.shared_page_data`).
    """
    from graphx.export.html import shared_page_data

    with exports_aside(graph, folder, formats if parallel else ()) as aside, shared_page_data():
        for name in formats:
            if name not in aside:
                _write_default(graph, folder, name)
    return [folder / DEFAULT_NAMES[name] for name in formats]


def _write_default(graph: Graph, folder: Path, name: str) -> Path:
    from graphx.views import default_view

    view = default_view(graph) if name == "html" else graph
    return write(view, name, folder / DEFAULT_NAMES[name])


@contextmanager
def exports_aside(graph: Graph, folder: Path, formats: Sequence[str]) -> Iterator[list[str]]:
    """Of the default exports `formats` (two or more), the last but HTML written by a forked
    process (Linux) while the block runs; the block gets the names written aside (none, or that
    one) and writes the others itself. Its end waits for the process and renames its file
    (within `atomic.together`: registers it, like any other). An error in the block, or Ctrl-C,
    kills the process and removes its file; a process that fails gives one line naming it.

    One process beside this one, not one per export: at 100k papers HTML + GraphML here and
    JSON aside take 5.9 s (seq. 9.6 s), GraphML and JSON in two processes 6.2 s, as each copies
    the pages of the graph it reads (reference counts are writes): 1.6 s of page faults, not 0.7.
    The process writes into a temporary file made here, by the parent, which alone renames or
    removes it: a process killed midway leaves nothing behind.
    """
    from graphx import parallel

    others = [name for name in formats if name != "html"]
    if not parallel.CAN_FORK or len(formats) < 2 or not others:
        yield []
        return
    name = others[-1]
    path = folder / DEFAULT_NAMES[name]
    with _temporary(path) as tmp:
        with _written_aside(graph, folder, name, tmp):
            yield [name]
        atomic.replace(tmp, path)


@contextmanager
def _temporary(path: Path) -> Iterator[Path]:
    """`atomic.temporary(path)` with `atomic_write`'s checks and errors."""
    _check_replaceable(path)
    with ExitStack() as stack:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = stack.enter_context(atomic.temporary(path))  # removed if the block fails
        except OSError as exc:
            raise GraphxError(f"{path}: cannot write ({exc.strerror or exc})") from None
        yield tmp


@contextmanager
def _written_aside(graph: Graph, folder: Path, name: str, tmp: Path) -> Iterator[None]:
    """The default export `name` written into `tmp` by a forked process while the block runs."""
    from graphx import parallel

    path = folder / DEFAULT_NAMES[name]

    def work() -> None:
        with atomic.written_for_parent(tmp, path):
            _write_default(graph, folder, name)

    try:
        with parallel.forked(work):
            yield
    except parallel.ChildError as exc:
        raise GraphxError(str(exc) if exc.complete else f"{path}: cannot write ({exc})") from None
