import sqlite3

import pytest

from graphx import store
from graphx.errors import StoreError


def test_store_round_trip_keeps_every_paper_and_fact(seed_build, tmp_path):
    graph = seed_build.graph
    loaded = store.load(seed_build.db_path)
    assert [p.id for p in loaded.papers] == [p.id for p in graph.papers]
    original = {p.id: p for p in graph.papers}
    for paper in loaded.papers:
        before = original[paper.id]
        assert (paper.title, paper.abstract, paper.published, paper.upvotes, paper.sources, paper.repos) == (
            before.title, before.abstract, before.published, before.upvotes, before.sources, before.repos)
    assert len(loaded.mentions) == len(graph.mentions)
    assert {(e.source, e.target, e.kind) for e in loaded.edges} == {
        (e.source, e.target, e.kind) for e in graph.edges}
    # saving what was loaded gives the same store again
    again = store.load(store.save(loaded, tmp_path / "again.db"))
    assert [p.id for p in again.papers] == [p.id for p in loaded.papers]


def test_every_seed_paper_is_stored_exactly_once(seed_db):
    with store.opened(seed_db) as conn:
        assert tuple(conn.execute("SELECT COUNT(*), COUNT(DISTINCT title_key) FROM papers").fetchone()) == (231, 231)
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"


def test_a_failed_save_leaves_the_previous_store_intact(seed_build, tmp_path, monkeypatch):
    target = tmp_path / "graphx.db"
    store.save(seed_build.graph, target)
    before = target.read_bytes()

    def explode(conn, graph):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "_write", explode)
    with pytest.raises(KeyboardInterrupt):
        store.save(seed_build.graph, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graphx.db"]  # no temp file left behind


def test_foreign_corrupt_and_future_stores_are_refused_clearly(tmp_path):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a graphx store"):
        store.connect(corrupt)
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError, match="not a graphx store"):
        store.connect(foreign)
    future = tmp_path / "future.db"
    conn = sqlite3.connect(future)
    conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '99')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="version 99"):
        store.connect(future)
    with pytest.raises(StoreError, match="no store here"):
        store.connect(tmp_path / "missing.db")


def test_loaded_papers_equal_the_built_ones_field_for_field(seed_build):
    # loading skips re-cleaning the text: the papers must still be exactly the ones built
    loaded = {p.id: p for p in store.load(seed_build.db_path).papers}
    for paper in seed_build.graph.papers:
        assert loaded[paper.id] == paper
        assert loaded[paper.id].title_key == paper.title_key
        # every attribute __post_init__ sets, not only the fields (Paper.cleaned skips it)
        assert vars(loaded[paper.id]).keys() == vars(paper).keys()


def test_loaded_edges_own_their_method_lists(seed_build):
    edges = [e for e in store.load(seed_build.db_path).edges if e.methods]
    first = edges[0]
    twins = [e for e in edges[1:] if e.methods == first.methods]
    first.methods.append("changed")
    assert all("changed" not in e.methods for e in twins)
    assert all("changed" not in e.methods for e in store.load(seed_build.db_path).edges)


def test_store_and_exports_get_the_mode_a_plain_file_would(seed_build):
    import os
    import stat

    from graphx import atomic

    umask = os.umask(0o022)
    os.umask(umask)
    assert atomic.FILE_MODE == 0o666 & ~umask
    # the store was 0600 (mkstemp's mode) while the exports beside it were readable
    for name in ("graphx.db", "graph.html", "graph.graphml", "graph.json"):
        path = seed_build.db_path.parent / name
        assert stat.S_IMODE(path.stat().st_mode) == atomic.FILE_MODE, name
