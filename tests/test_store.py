import os
import sqlite3
from pathlib import Path

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

    monkeypatch.setattr(store, "_write_facts", explode)
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


def _table_rows(db):
    with store.opened(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master ORDER BY name")]
        rows = {n: conn.execute(f"SELECT * FROM {n} ORDER BY rowid").fetchall()
                for n in names if not n.startswith(("sqlite_", "papers_", "methods_", "mentions_",
                                                    "paper_repos_", "edges_"))}
        rows.pop("meta")  # built_at
        return names, rows


def test_edges_derived_while_a_forked_process_writes_the_rest_give_the_same_store(
        seed_build, tmp_path):
    from copy import deepcopy

    from graphx.graph import derive_edges

    graph = seed_build.graph
    serial = store.save(graph, tmp_path / "serial.db")
    fresh = deepcopy(graph)
    fresh.edges = [e for e in fresh.edges if e.kind == "cites"]
    overlapped = store.save(fresh, tmp_path / "overlapped.db", derive_edges, overlap=True)
    assert fresh.edges == graph.edges  # set on the graph, for the exports written next
    assert _table_rows(overlapped) == _table_rows(serial)  # same tables, indexes and rows


def test_a_writing_process_that_fails_gives_one_error_and_keeps_the_previous_store(
        seed_build, tmp_path, monkeypatch):
    from graphx.graph import derive_edges

    target = tmp_path / "graphx.db"
    store.save(seed_build.graph, target)
    before = target.read_bytes()

    def full(conn, graph):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "_write_facts", full)  # the forked writer inherits it
    with pytest.raises(StoreError) as error:
        store.save(seed_build.graph, target, derive_edges, overlap=True)
    assert str(error.value) == f"{target}: cannot write the store (database or disk is full)"
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graphx.db"]


def test_edges_that_fail_stop_the_writing_process_and_leave_nothing(seed_build, tmp_path):
    target = tmp_path / "graphx.db"
    store.save(seed_build.graph, target)
    before = target.read_bytes()

    def interrupted(graph):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.save(seed_build.graph, target, interrupted, overlap=True)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graphx.db"]


def test_a_large_build_on_two_cores_stores_what_a_one_core_build_does(seeds_dir, tmp_path,
                                                                       monkeypatch):
    from graphx import pipeline

    one = pipeline.build([seeds_dir], out=tmp_path / "one", jobs=1, exports=())
    monkeypatch.setattr(pipeline, "OVERLAP_THRESHOLD", 1)  # the seeds count as a large build
    two = pipeline.build([seeds_dir], out=tmp_path / "two", jobs=2, exports=("json",))
    assert _table_rows(two.db_path) == _table_rows(one.db_path)
    assert two.graph.edges == one.graph.edges and two.summary()["edges"] == one.summary()["edges"]


def test_a_forked_process_reports_its_error_as_one_line_and_its_death_by_status():
    import os
    import signal

    from graphx import parallel
    from graphx.errors import GraphxError

    def fails():
        raise ValueError("a message\non two lines")

    with pytest.raises(parallel.ChildError) as error, parallel.forked(fails):
        pass
    assert (str(error.value), error.value.complete) == ("a message on two lines", False)

    def user_error():
        raise GraphxError("out/graph.json: cannot write (No space left on device)")

    with pytest.raises(parallel.ChildError) as error, parallel.forked(user_error):
        pass
    assert error.value.complete  # a message for the user as it is

    with pytest.raises(parallel.ChildError) as error, parallel.forked(
            lambda: os.kill(os.getpid(), signal.SIGKILL)):
        pass
    assert str(error.value) == "the writing process was killed by signal 9"
    with parallel.forked(lambda: None):  # a process that succeeds: nothing raised
        pass
    assert parallel._frozen == [0]


def test_a_forked_process_dies_with_its_parent(tmp_path):
    # a build killed alone (kill -9 of the parent only) must not leave its writer running on
    import subprocess
    import sys
    import time

    code = """
import os, signal, sys, time
from graphx import parallel
pid_file = sys.argv[1]
def work():
    open(pid_file, "w").write(str(os.getpid()))
    time.sleep(60)
with parallel.forked(work):
    while not os.path.exists(pid_file) or not open(pid_file).read():
        time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGKILL)
"""
    pid_file = tmp_path / "child.pid"
    done = subprocess.run([sys.executable, "-c", code, str(pid_file)], timeout=60)
    assert done.returncode == -9
    child = int(pid_file.read_text())
    for _ in range(200):
        try:
            state = Path(f"/proc/{child}/status").read_text()
        except FileNotFoundError:
            return  # gone
        if "\nState:\tZ" in state:
            return  # dead, not yet reaped by whoever adopted it
        time.sleep(0.01)
    raise AssertionError(f"the forked process {child} outlived its parent")


def test_where_no_process_can_be_made_the_work_is_done_here(seeds_dir, tmp_path, monkeypatch,
                                                            fixed_clock):
    import errno

    from graphx import parallel, pipeline

    def no_fork():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(pipeline, "OVERLAP_THRESHOLD", 1)  # a large build: it would fork twice
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", no_fork)
    pipeline.build([seeds_dir], out=tmp_path / "here", jobs=2)
    monkeypatch.setattr(os, "fork", real_fork)
    pipeline.build([seeds_dir], out=tmp_path / "one", jobs=1)
    for name in ("graph.graphml", "graph.json"):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    assert store.load(tmp_path / "here" / "graphx.db").edges == store.load(tmp_path / "one" / "graphx.db").edges
    monkeypatch.setattr(os, "fork", no_fork)
    with pytest.raises(parallel.ChildError, match="disk full"):
        with parallel.forked(lambda: (_ for _ in ()).throw(OSError(errno.ENOSPC, "disk full"))):
            pass


def test_ctrl_c_just_as_a_forked_process_is_reaped_is_an_interrupt_that_kills_nobody(monkeypatch):
    # the Ctrl-C lands right after waitpid: that pid is no longer the child's (the system may
    # give it to another process), so it must not get the SIGKILL meant for the child
    import os
    import signal

    from graphx import parallel

    real_waitpid, real_kill, killed = os.waitpid, os.kill, []

    def waitpid_then_ctrl_c(pid, options):
        reaped = real_waitpid(pid, options)
        real_kill(os.getpid(), signal.SIGINT)
        return reaped

    def kill(pid, sig):
        killed.append(pid)
        real_kill(pid, sig)

    monkeypatch.setattr(os, "waitpid", waitpid_then_ctrl_c)
    monkeypatch.setattr(os, "kill", kill)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), parallel.forked(lambda: None):
            pass
    finally:
        signal.signal(signal.SIGINT, previous)
    assert killed == []
    assert parallel._frozen == [0]


def test_adding_sources_builds_the_store_a_single_build_would_and_keeps_citations(seeds_dir,
                                                                                  tmp_path):
    # --add reads back only what it cannot derive (papers, repos, sources, cites edges) and
    # derives methods, mentions and the other edges again over the whole corpus
    from graphx import pipeline
    from graphx.model import Edge

    files = sorted(seeds_dir.iterdir())
    whole = pipeline.build(files, out=tmp_path / "whole", jobs=1, exports=())
    out = tmp_path / "added"
    first = pipeline.build(files[:2], out=out, jobs=1, exports=())
    a, b = first.graph.papers[0].id, first.graph.papers[1].id
    with pipeline.updating(out / "graphx.db") as graph:
        graph.edges.append(Edge(a, b, "cites", 1.0, []))
    added = pipeline.build(files[2:], out=out, jobs=1, add=True, exports=())
    assert added.added == len(whole.graph.papers) - len(first.graph.papers)

    def parts(graph):
        return ([(p.id, p.title, p.abstract, p.sources, p.repos) for p in graph.papers],
                sorted((m.id, m.name, m.aliases, m.introduced_by) for m in graph.methods.values()),
                [(m.paper_id, m.method_id, m.introduces, m.surface) for m in graph.mentions],
                [(e.source, e.target, e.kind, e.weight, e.methods) for e in graph.edges
                 if e.kind != "cites"])

    rebuilt = store.load(out / "graphx.db")
    assert parts(rebuilt) == parts(store.load(tmp_path / "whole" / "graphx.db"))
    assert [(e.source, e.target) for e in rebuilt.edges if e.kind == "cites"] == [(a, b)]
    inputs = store.load(out / "graphx.db", derived=False)
    assert not inputs.methods and not inputs.mentions
    assert [(e.source, e.target, e.kind) for e in inputs.edges] == [(a, b, "cites")]
    assert [p.id for p in inputs.papers] == [p.id for p in rebuilt.papers]


def test_adding_sources_discovers_only_papers_it_has_not_read(seeds_dir, tmp_path, monkeypatch):
    import importlib
    import sqlite3

    from graphx import pipeline

    discovery = importlib.import_module("graphx.methods.discover")  # the module, not the function

    files = sorted(seeds_dir.iterdir())
    out = tmp_path / "out"
    first = pipeline.build(files[:2], out=out, jobs=1, exports=())
    assert store.load(out / "graphx.db").discovered  # kept with the store
    read: list[str] = []
    real = discovery.discover_paper
    monkeypatch.setattr(discovery, "discover_paper", lambda paper: read.append(paper.id) or real(paper))
    added = pipeline.build(files[2:], out=out, jobs=1, add=True, exports=())
    before = {p.id: (p.title, p.abstract) for p in first.graph.papers}
    changed = [p.id for p in added.graph.papers if before.get(p.id) != (p.title, p.abstract)]
    assert read == changed and 0 < len(read) < len(added.graph.papers)
    # other discovery rules (a newer graphx): everything is read again
    with sqlite3.connect(out / "graphx.db") as conn:
        conn.execute("UPDATE meta SET value = 'older' WHERE key = 'discovery_rules'")
    conn.close()
    read.clear()
    pipeline.build(files[2:], out=out, jobs=1, add=True, exports=())
    assert len(read) == len(added.graph.papers)
