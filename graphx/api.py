"""The Python API over a saved store: the same queries as the CLI, as plain dicts.

    >>> import graphx
    >>> g = graphx.open("output/graphx.db")                          # doctest: +SKIP
    >>> g.paper("Zipformer")["builds_on"]["out"][0]["title"]         # doctest: +SKIP
    'Conformer: Convolution-augmented Transformer for Speech Recognition'
    >>> [n["title"] for n in g.neighbors("Zipformer", limit=2)]      # doctest: +SKIP
    ['Squeezeformer: An Efficient Transformer for Automatic Speech Recognition',
     'Conformer: Convolution-augmented Transformer for Speech Recognition']
    >>> [hop["methods"] for hop in g.path("Zipformer", "FlashAttention")]  # doctest: +SKIP
    [['layer normalization'], ['FlashAttention', 'BERT']]
    >>> nx_graph = g.to_networkx()      # the whole graph, for networkx algorithms  # doctest: +SKIP

Every call opens the store read-only and answers from SQLite, so a `Store` is cheap to keep
around and sees a rebuilt store on its next call.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphx import query, store

if TYPE_CHECKING:  # pragma: no cover
    import networkx


class Store:
    """A saved graphx store (output/graphx.db) and the questions it answers."""

    def __init__(self, db: str | Path = "output/graphx.db") -> None:
        self.db = Path(db)
        store.connect(self.db).close()  # a missing or foreign store fails here, not later

    def __repr__(self) -> str:
        return f"graphx.Store({str(self.db)!r})"

    def resolve(self, paper: str) -> dict[str, Any]:
        """The paper a query names (id, arXiv id or URL, title, method it introduced, fragment)."""
        return query.resolve(self.db, paper)

    def neighbors(self, paper: str, kind: str = "all", method: str | None = None,
                  limit: int = 20) -> list[dict[str, Any]]:
        """The papers nearest to `paper`, strongest first (see `graphx.query.neighbors`)."""
        return query.neighbors(self.db, paper, kind, method, limit)["neighbors"]

    def paper(self, paper: str) -> dict[str, Any]:
        """Everything about one paper (see `graphx.query.paper`)."""
        return query.paper(self.db, paper)

    def method(self, name: str, limit: int = 20) -> dict[str, Any]:
        """One method and the papers mentioning it (see `graphx.query.method`)."""
        return query.method(self.db, name, limit)

    def methods(self, category: str | None = None, search: str | None = None,
                limit: int = 20) -> list[dict[str, Any]]:
        """Methods by number of papers mentioning them."""
        return query.methods(self.db, category, search, limit)["methods"]

    def path(self, source: str, target: str, kind: str = "all",
             max_hops: int = query.MAX_PATH_HOPS) -> list[dict[str, Any]]:
        """The hops of the shortest chain between two papers ([] when they are the same paper)."""
        return query.path(self.db, source, target, kind, max_hops)["hops"]

    def repos(self, limit: int = 20, language: str | None = None) -> list[dict[str, Any]]:
        """Linked repositories, most starred first."""
        return query.repos(self.db, limit, language)["repos"]

    def stats(self) -> dict[str, Any]:
        """Counts of papers, methods, repos and edges by kind."""
        return query.stats(self.db)

    def to_networkx(self) -> networkx.MultiDiGraph:
        """The whole graph as networkx (loads everything; see `graphx.load`)."""
        from graphx import graph as graph_module

        return graph_module.to_networkx(store.load(self.db))
