"""graphx: turn lists of research papers into a graph of the methods, papers and code linking them.

    >>> import graphx
    >>> g = graphx.load("output/graphx.db")        # doctest: +SKIP
    >>> graph = graphx.build(["../shared/seeds"])  # doctest: +SKIP
    >>> store = graphx.open("output/graphx.db")    # doctest: +SKIP
    >>> store.neighbors("Zipformer", kind="builds_on")[0]["title"]  # doctest: +SKIP
    'Conformer: Convolution-augmented Transformer for Speech Recognition'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    import networkx

    from graphx.api import Store


def build(sources: list[str], out: str | None = None, **options: Any) -> networkx.MultiDiGraph:
    """Build a graph from files, folders or live sources; save it when `out` (a folder) is given.

    Returns the graph as networkx (see `load`). Options are those of `graphx.pipeline.build`.
    """
    from graphx import graph as graph_module
    from graphx import pipeline

    result = pipeline.build(sources, out=out, **options)
    return graph_module.to_networkx(result.graph)


def load(db: str = "output/graphx.db") -> networkx.MultiDiGraph:
    """Load a saved store as a networkx MultiDiGraph.

    Nodes are papers, methods and repos (attribute `type`); edges carry `kind`
    (mentions, introduces, has_code, shares_method, builds_on, same_repo, cites) and `weight`.
    """
    from graphx import graph as graph_module
    from graphx import store

    return graph_module.to_networkx(store.load(db))



def open(db: str = "output/graphx.db") -> Store:  # noqa: A001 (like gzip.open)
    """Open a saved store for queries: `.neighbors`, `.paper`, `.method`, `.methods`, `.path`,
    `.repos`, `.stats` answer from SQLite without loading the graph; `.to_networkx()` loads it.
    """
    from graphx.api import Store

    return Store(db)
