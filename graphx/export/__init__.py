"""Exports: views of a built graph as HTML (browser), GraphML (Gephi) and JSON (other tools).

Every writer takes a Graph (usually a filtered view, see graphx.views) and writes atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from graphx import atomic
from graphx.errors import GraphxError
from graphx.model import Graph

DEFAULT_NAMES = {"html": "graph.html", "graphml": "graph.graphml", "json": "graph.json"}
FORMATS = tuple(DEFAULT_NAMES)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp)` then rename tmp over `path`, so readers never see a half-written file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic.temporary(path) as tmp:
            write(tmp)
            atomic.replace(tmp, path)  # now, or with the rest of a build (atomic.together)
    except OSError as exc:
        raise GraphxError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


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


def write_default_exports(graph: Graph, folder: Path, formats: Sequence[str]) -> list[Path]:
    """The exports `graphx build` writes next to the store (the default view for HTML)."""
    from graphx.views import default_view

    written = []
    for name in formats:
        view = default_view(graph) if name == "html" else graph
        written.append(write(view, name, folder / DEFAULT_NAMES[name]))
    return written
