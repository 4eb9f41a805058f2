"""The SQLite store: the one saved form of a built graph, read directly by queries and exports.

Schema (version 1; `meta.schema_version`):

    meta(key, value)                      build metadata: schema_version, graphx_version, built_at
    sources(source, format, papers, error)  one row per source read by the builds
    papers(id, title, title_key, abstract, arxiv_id, doi, published, date_text, year, authors,
           author_count, upvotes, url, extra)   authors and extra are JSON
    paper_sources(paper_id, source)
    methods(id, name, category, generic, aliases, origin, kind, introduced_by, description, papers)
    mentions(paper_id, method_id, introduces, surface)          fact: paper mentions / introduces method
    repos(name, status, stars, forks, language, topics, license, description, created_at,
          pushed_at, archived, default_branch, html_url, canonical, fetched_at)
    paper_repos(paper_id, repo)                                  fact: paper has_code repo
    edges(source, target, kind, weight, methods)                 derived paper-paper edges
    discoveries(paper_id, name, kind, aliases, in_title, introduced, how)
                                  the names discovery found in each paper (methods.discover),
                                  under meta.discovery_rules: `build --add` reuses them

The store is written to a temporary file beside the target and renamed over it, so an
interrupted build leaves the previous store intact.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timezone
from itertools import chain, islice
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from graphx import __version__, atomic, parallel
from graphx.errors import StoreError
from graphx.model import Edge, Graph, Mention, Method, Repo
from graphx.papers import Paper
from graphx.speed import no_gc

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (source TEXT, format TEXT, papers INTEGER, error TEXT);
CREATE TABLE papers (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, title_key TEXT NOT NULL, abstract TEXT,
    arxiv_id TEXT, doi TEXT, published TEXT, date_text TEXT, year INTEGER, authors TEXT,
    author_count INTEGER, upvotes INTEGER, url TEXT, extra TEXT);
CREATE TABLE paper_sources (paper_id TEXT, source TEXT);
CREATE TABLE methods (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT, generic INTEGER, aliases TEXT,
    origin TEXT, kind TEXT, introduced_by TEXT, description TEXT, papers INTEGER);
CREATE TABLE mentions (paper_id TEXT, method_id TEXT, introduces INTEGER, surface TEXT);
CREATE TABLE repos (
    name TEXT PRIMARY KEY, status TEXT, stars INTEGER, forks INTEGER, language TEXT, topics TEXT,
    license TEXT, description TEXT, created_at TEXT, pushed_at TEXT, archived INTEGER,
    default_branch TEXT, html_url TEXT, canonical TEXT, fetched_at TEXT);
CREATE TABLE paper_repos (paper_id TEXT, repo TEXT);
CREATE TABLE edges (source TEXT, target TEXT, kind TEXT, weight REAL, methods TEXT);
CREATE TABLE discoveries (paper_id TEXT, name TEXT, kind TEXT, aliases TEXT, in_title INTEGER,
                          introduced INTEGER, how TEXT);
"""

FACT_INDEXES = """
CREATE INDEX papers_title_key ON papers(title_key);
CREATE INDEX papers_arxiv ON papers(arxiv_id);
CREATE INDEX methods_name ON methods(name COLLATE NOCASE);
CREATE INDEX mentions_paper ON mentions(paper_id);
CREATE INDEX mentions_method ON mentions(method_id);
CREATE INDEX paper_repos_paper ON paper_repos(paper_id);
CREATE INDEX paper_repos_repo ON paper_repos(repo);
"""
EDGE_INDEXES = """
CREATE INDEX edges_source ON edges(source, kind);
CREATE INDEX edges_target ON edges(target, kind);
"""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_strings(values: list[str]) -> str:
    """A list of strings as compact JSON, as `_json` writes it but ~6x faster (millions of edges)."""
    try:
        return "[" + ",".join(map(encode_basestring, values)) + "]"
    except TypeError:  # not all strings
        return _json(values)


def save(graph: Graph, path: str | Path,
         derive_edges: Callable[[Graph], list[Edge]] | None = None, overlap: bool = False) -> Path:
    """Write `graph` to a new SQLite file at `path`, atomically replacing any previous store.

    With `derive_edges`, `graph.edges` is first set to `derive_edges(graph)`. With `overlap` too
    (and fork, on Linux), a forked process writes everything but the edges while they are
    derived: the two longest single-core steps of a large build then share two cores.
    """
    path = Path(path)
    check_replaceable(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot write the store ({exc.strerror or exc})") from None
    try:
        with atomic.temporary(path) as tmp:
            if derive_edges is not None and overlap and parallel.CAN_FORK:
                try:
                    with parallel.forked(lambda: _write_to(tmp, _write_facts, graph)):
                        graph.edges = derive_edges(graph)
                        # the rows too, while the writer still works: afterwards it is only SQLite
                        with no_gc():
                            batches, rest = _edge_rows(graph)
                            edge_rows = (list(batches), rest)
                except parallel.ChildError as exc:
                    raise sqlite3.OperationalError(str(exc)) from None
                _write_to(tmp, _write_edges, edge_rows)
            else:
                if derive_edges is not None:
                    graph.edges = derive_edges(graph)
                _write_to(tmp, _write_facts, graph)
                _write_to(tmp, _write_edges, _edge_rows(graph))
            atomic.replace(tmp, path)  # now, or with the build's exports (atomic.together)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot write the store ({exc})") from None
    except OSError as exc:  # e.g. a full disk
        raise StoreError(f"{path}: cannot write the store ({exc.strerror or exc})") from None
    return path


def _write_to(tmp: Path, write: Callable[[sqlite3.Connection, Any], None], what: Any) -> None:
    """`write(conn, what)` into the store being made at `tmp`, on a connection of its own (the
    facts may be written by a forked process, see `save`)."""
    conn = sqlite3.connect(tmp)
    try:
        _prepare(conn)
        write(conn, what)
    finally:
        conn.close()


def check_replaceable(path: Path) -> None:
    """Never replace a file that is not a graphx store (a typo in --db must not eat a file)."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store")
    if not path.exists():
        return
    try:
        connect(path).close()
    except StoreError as exc:
        if "not a graphx store" in str(exc) or "empty file" in str(exc):
            raise StoreError(f"{exc}; graphx replaces only its own stores: remove it or choose "
                             "another --db") from None


def _prepare(conn: sqlite3.Connection) -> None:
    # a fresh temporary file nobody else reads until it is renamed: no journal, no fsync, no
    # locking between statements, index sorts in memory. 16 KiB pages: a quarter of the
    # system calls of 4 KiB ones (100k papers: 120k reads and 100k writes) and half the
    # kernel time, for the same rows
    for pragma in ("page_size = 16384", "journal_mode = OFF", "synchronous = OFF",
                   "locking_mode = EXCLUSIVE", "temp_store = MEMORY", "cache_size = -131072"):
        conn.execute(f"PRAGMA {pragma}")


def _write_facts(conn: sqlite3.Connection, graph: Graph) -> None:
    """Every table and index but the edges'."""
    conn.executescript(SCHEMA)
    meta = {
        "schema_version": SCHEMA_VERSION,
        "graphx_version": __version__,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **graph.meta,
    }
    meta["schema_version"] = SCHEMA_VERSION
    _insert(conn, "meta", 2, ((k, str(v)) for k, v in meta.items()))
    _insert(conn, "sources", 4, ((s["source"], s.get("format"), s.get("papers", 0), s.get("error"))
                                 for s in graph.sources))
    _insert(conn, "papers", 14, (
        (p.id, p.title, p.title_key, p.abstract, p.arxiv_id, p.doi, p.published, p.date_text,
         p.year, _json_strings(p.authors), p.author_count, p.upvotes, p.url,
         _json(p.extra) if p.extra else "{}")
        for p in graph.papers))
    _insert(conn, "paper_sources", 2, ((p.id, s) for p in graph.papers for s in p.sources))
    counts: dict[str, int] = {}
    for mention in graph.mentions:
        counts[mention.method_id] = counts.get(mention.method_id, 0) + 1
    _insert(conn, "methods", 10, (
        (m.id, m.name, m.category, int(m.generic), _json_strings(m.aliases), m.origin, m.kind,
         m.introduced_by, m.description, counts.get(m.id, 0))
        for m in graph.methods.values()))
    _insert(conn, "mentions", 4, ((m.paper_id, m.method_id, int(m.introduces), m.surface)
                                  for m in graph.mentions))
    _insert(conn, "repos", 15, (
        (r.name, r.status, r.stars, r.forks, r.language, _json_strings(r.topics), r.license,
         r.description, r.created_at, r.pushed_at, None if r.archived is None else int(r.archived),
         r.default_branch, r.html_url, r.canonical, r.fetched_at)
        for r in graph.repos.values()))
    _insert(conn, "paper_repos", 2, ((p.id, repo) for p in graph.papers for repo in p.repos))
    _insert(conn, "discoveries", 7, ((d.paper_id, d.name, d.kind, _json_strings(d.aliases),
                                      int(d.in_title), int(d.introduced), d.how)
                                     for d in graph.discovered))
    conn.executescript(FACT_INDEXES)
    conn.commit()


_Batches = tuple[Iterable[tuple[Any, ...]], list[tuple[Any, ...]]]


def _edge_rows(graph: Graph) -> _Batches:
    """The edges table's rows, as `_batched` gives them."""
    # edges repeat method lists (20k papers: 208k edges, 31k lists): each list encoded once
    methods_json: dict[tuple[str, ...], str] = {}
    for edge in graph.edges:
        key = tuple(edge.methods)
        if key not in methods_json:
            methods_json[key] = _json_strings(edge.methods)
    return _batched((e.source, e.target, e.kind, e.weight, methods_json[tuple(e.methods)])
                    for e in graph.edges)


def _write_edges(conn: sqlite3.Connection, rows: _Batches) -> None:
    _execute(conn, "edges", 5, rows)
    conn.executescript(EDGE_INDEXES)
    conn.commit()


_BATCH = 64  # rows per INSERT statement


def _insert(conn: sqlite3.Connection, table: str, width: int, rows: Iterable[tuple[Any, ...]]) -> None:
    """INSERT `rows` into `table`, `_BATCH` rows per statement: each executed statement costs
    SQLite and the sqlite3 module a fixed overhead (step, reset, halt), which one-row statements
    pay a million times at 100k papers. Rows keep their order (and so their rowids)."""
    _execute(conn, table, width, _batched(rows))


def _batched(rows: Iterable[tuple[Any, ...]]) -> _Batches:
    """`rows` as the parameters of `_BATCH`-row statements (lazily), and the rows left over
    (filled in once the statements are all taken)."""
    rows = iter(rows)
    rest: list[tuple[Any, ...]] = []

    def batches() -> Iterator[tuple[Any, ...]]:
        while True:
            batch = list(islice(rows, _BATCH))
            if len(batch) < _BATCH:
                rest.extend(batch)
                return
            yield tuple(chain.from_iterable(batch))

    return batches(), rest


def _execute(conn: sqlite3.Connection, table: str, width: int, rows: _Batches) -> None:
    batches, rest = rows
    row = "(" + ", ".join("?" * width) + ")"
    conn.executemany(f"INSERT INTO {table} VALUES " + ", ".join([row] * _BATCH), batches)
    conn.executemany(f"INSERT INTO {table} VALUES {row}", rest)


def connect(path: str | Path) -> sqlite3.Connection:
    """Open an existing store read-only, checking that it is a graphx store of a known version."""
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path}: no store here (run `graphx build SOURCE` first, or pass --db)")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store")
    if path.stat().st_size == 0:
        raise StoreError(f"{path}: empty file, not a graphx store")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "file is not a database" in message or "malformed" in message:
            raise StoreError(f"{path}: not a graphx store (corrupt or not SQLite)") from None
        if "no such table" in message:
            raise StoreError(f"{path}: not a graphx store (an SQLite file without graphx tables)") from None
        raise StoreError(f"{path}: cannot read the store ({message})") from None
    if row is None or not str(row[0]).isdigit():
        raise StoreError(f"{path}: not a graphx store (no schema version)")
    version = int(row[0])
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {version} is not supported by this graphx "
            f"(expects {SCHEMA_VERSION}); rebuild it with `graphx build`"
        )
    return conn


@contextmanager
def opened(path: str | Path) -> Iterator[sqlite3.Connection]:
    conn = connect(path)
    try:
        yield conn
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot read the store ({exc})") from None
    finally:
        conn.close()


def paper_from_row(row: sqlite3.Row, sources: list[str] | None = None,
                   repos: list[str] | None = None) -> Paper:
    # the store holds papers as graphx cleaned them when it built the store: not cleaned again
    return Paper.cleaned(
        title=row["title"], abstract=row["abstract"] or "", arxiv_id=row["arxiv_id"], doi=row["doi"],
        published=row["published"], date_text=row["date_text"],
        authors=_string_list(row["authors"]), author_count=row["author_count"],
        upvotes=row["upvotes"], url=row["url"], repos=repos or [], sources=sources or [],
        extra=json.loads(row["extra"]) if row["extra"] and row["extra"] != "{}" else {},
    )


_decode = json.JSONDecoder().raw_decode
_lists: dict[str, list[str]] = {}


def _string_list(text: str | None) -> list[str]:
    """A JSON list as the store writes it; the many repeated ones (edge method lists) decoded once."""
    if not text:
        return []
    cached = _lists.get(text)
    if cached is None:
        cached = _decode(text)[0]
        if len(_lists) < 100_000:
            _lists[text] = cached
    return list(cached)


def repo_from_row(row: sqlite3.Row) -> Repo:
    data = dict(row)
    data["topics"] = json.loads(data["topics"] or "[]")
    data["archived"] = None if data["archived"] is None else bool(data["archived"])
    return Repo(**data)


def method_from_row(row: sqlite3.Row) -> Method:
    data = dict(row)
    data.pop("papers")  # a count the store keeps for queries, not a field
    data["generic"] = bool(data["generic"])
    data["aliases"] = json.loads(data["aliases"] or "[]")
    return Method(**data)


def linked_repos(conn: sqlite3.Connection) -> Iterator[Repo]:
    """The repos some paper links to, in the store's order (the repos `views.subgraph` keeps)."""
    for row in conn.execute("SELECT * FROM repos WHERE name IN (SELECT repo FROM paper_repos "
                            "WHERE paper_id IN (SELECT id FROM papers)) ORDER BY rowid"):
        yield repo_from_row(row)


def load(path: str | Path, derived: bool = True) -> Graph:
    """Read a whole store back into a Graph (for the Python API). Without `derived`, only what a
    build cannot derive again (for --add): papers, repos, sources, meta and `cites` edges; no
    methods, mentions or derived edges (at 100k papers 1.8M rows, ~0.5 GiB as objects)."""
    with opened(path) as conn:
        with no_gc():  # millions of rows become objects without cycles
            return _read(conn, subset=False, derived=derived)


def read_graph(conn: sqlite3.Connection, paper_ids: Iterable[str] | None = None) -> Graph:
    """`load` over an open store or, given `paper_ids`, `graphx.views.subgraph(load(...),
    paper_ids)` reading only the rows of those papers: their mentions, the methods they mention,
    their repos and the edges among them, in the store's order; sources and meta whole. A view
    of 2,000 papers out of 100,000 reads 2% of the store instead of all of it.
    """
    with no_gc():  # millions of rows become objects without cycles
        if paper_ids is None:
            return _read(conn, subset=False)
        id_table(conn, "keep", paper_ids)
        return _read(conn, subset=True)


def id_table(conn: sqlite3.Connection, name: str, ids: Iterable[str]) -> None:
    """A temporary table `name(id)` holding `ids`, for `... IN name` (a read-only store still
    takes temporary tables: they live in a separate database)."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (id TEXT PRIMARY KEY)")
    conn.execute(f"DELETE FROM {name}")
    conn.executemany(f"INSERT OR IGNORE INTO {name} VALUES (?)", ((i,) for i in ids))


def _read(conn: sqlite3.Connection, subset: bool, derived: bool = True) -> Graph:
    """The Graph of the whole store, or (`subset`) of the papers in the temporary table `keep`;
    without `derived`, no methods, mentions or edges but `cites` (see `load`)."""
    of_kept = " WHERE paper_id IN keep" if subset else ""
    sources: dict[str, list[str]] = {}
    for row in conn.execute(f"SELECT paper_id, source FROM paper_sources{of_kept} ORDER BY rowid"):
        sources.setdefault(row[0], []).append(row[1])
    repos_of: dict[str, list[str]] = {}
    for row in conn.execute(f"SELECT paper_id, repo FROM paper_repos{of_kept} ORDER BY rowid"):
        repos_of.setdefault(row[0], []).append(row[1])
    papers = [
        paper_from_row(row, sources.get(row["id"]), repos_of.get(row["id"]))
        for row in conn.execute("SELECT * FROM papers" + (" WHERE id IN keep" if subset else "")
                                + " ORDER BY rowid")
    ]
    methods = {}
    used = " WHERE id IN (SELECT method_id FROM mentions WHERE paper_id IN keep)" if subset else ""
    for row in conn.execute(f"SELECT * FROM methods{used} ORDER BY rowid") if derived else ():
        method = method_from_row(row)
        methods[method.id] = method
    plain = conn.cursor()
    plain.row_factory = None  # tuples: millions of rows, no per-row name lookups
    mentions = [
        Mention(paper_id, method_id, bool(introduces), surface)
        for paper_id, method_id, introduces, surface in plain.execute(
            f"SELECT paper_id, method_id, introduces, surface FROM mentions{of_kept} ORDER BY rowid")
    ] if derived else []
    linked = " WHERE name IN (SELECT repo FROM paper_repos WHERE paper_id IN keep)" if subset else ""
    repos = {r["name"]: repo_from_row(r)
             for r in conn.execute(f"SELECT * FROM repos{linked} ORDER BY rowid")}
    among = " WHERE source IN keep AND target IN keep" if subset else ""
    if not derived:
        among = f"{among} {'AND' if among else 'WHERE'} kind = 'cites'"
    edges = [
        Edge(source, target, kind, weight, _string_list(methods_json))
        for source, target, kind, weight, methods_json in plain.execute(
            f"SELECT source, target, kind, weight, methods FROM edges{among} ORDER BY rowid")
    ]
    source_rows = [dict(r) for r in conn.execute("SELECT * FROM sources ORDER BY rowid")]
    discovered = [] if subset else _read_discoveries(plain)
    return Graph(papers, methods, mentions, repos, edges, source_rows, read_meta(conn), discovered)


def _read_discoveries(plain: sqlite3.Cursor) -> list[Any]:
    from graphx.methods.discover import Introduced

    if not plain.execute("SELECT 1 FROM sqlite_master WHERE name = 'discoveries'").fetchone():
        return []  # a store from before they were kept: --add discovers everything again
    return [Introduced(name, paper_id, kind, _string_list(aliases), bool(in_title),
                       bool(introduced), how)
            for paper_id, name, kind, aliases, in_title, introduced, how in plain.execute(
                "SELECT * FROM discoveries ORDER BY rowid")]


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT key, value FROM meta")}


def as_dict(obj: Any) -> dict[str, Any]:
    return asdict(obj)
