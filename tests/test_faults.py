"""Faults and interruptions: a killed build, two builds at once, a foreign --db, a full disk.

In every case the previous store and exports stay byte-for-byte as they were and still load,
and the user sees one line. The slow builds run as real processes (`python -m graphx`) over a
generated corpus big enough (6,000 papers, a few seconds) for a signal to land mid-build.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphx import lock, store
from graphx.cli import app

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("graphx.db", "graph.html", "graph.graphml", "graph.json")
runner = CliRunner()

WORDS = ("Conformer LoRA FlashAttention Transformer diffusion Mamba RLHF DPO quantization "
         "pruning distillation BERT ResNet ViT CLIP").split()


@pytest.fixture(scope="module")
def slow_corpus(tmp_path_factory) -> Path:
    """6,000 papers: a build of a few seconds."""
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("corpus") / "many.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(6000):
            picked = rng.sample(WORDS, 4)
            handle.write(json.dumps({
                "title": f"On {picked[0]} and {picked[1]} for task {i}",
                "abstract": " ".join(f"We study {w} with {rng.choice(WORDS)} on benchmark "
                                     f"{rng.randint(0, 99)}." for w in picked),
            }) + "\n")
    return path


@pytest.fixture
def previous(seeds_dir, tmp_path) -> tuple[Path, dict[str, bytes]]:
    """An output folder holding a finished build of the seeds, and its files' bytes."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(seeds_dir), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out, snapshot(out)


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def assert_intact(out: Path, before: dict[str, bytes]) -> None:
    """The previous build's files, unchanged and usable; no temporary file left visible."""
    import networkx as nx

    assert snapshot(out) == before
    assert len(store.load(out / "graphx.db").papers) == 231
    assert nx.read_graphml(out / "graph.graphml").number_of_nodes() > 231
    assert len(json.loads((out / "graph.json").read_text(encoding="utf-8"))["papers"]) == 231
    stats = runner.invoke(app, ["stats", "--db", str(out / "graphx.db"), "--json"])
    assert stats.exit_code == 0 and json.loads(stats.stdout)["papers"] == 231


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_stray_builds():
    """A failed test must not leave a build (or its workers) running."""
    yield
    while STARTED:
        process = STARTED.pop()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def start_build(corpus: Path, out: Path, *extra: str) -> subprocess.Popen:
    STARTED.append(subprocess.Popen(
        [sys.executable, "-m", "graphx", "build", str(corpus), "--out", str(out), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}))
    return STARTED[-1]


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def writing_started(out: Path) -> bool:
    return any(p.name.endswith(".tmp") for p in out.iterdir())


def writing_last_export(out: Path) -> bool:
    """The store and the HTML are written (not yet renamed); the GraphML is being written."""
    return any(p.name.startswith(".graph.graphml.") for p in out.iterdir())


def has_workers(process: subprocess.Popen) -> bool:
    """The build runs its extraction in worker processes (Linux lists a process's children)."""
    try:
        return bool(Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split())
    except OSError:
        return process.poll() is not None


def holds_lock(process: subprocess.Popen, out: Path) -> bool:
    lock_file = out / lock.LOCK_NAME
    return lock_file.exists() and lock_file.read_text().strip() == str(process.pid)


@pytest.mark.parametrize("moment", ["mid-build", "during parallel extraction", "while writing",
                                    "while processes write the exports"])
def test_ctrl_c_leaves_the_previous_build_and_prints_one_line(previous, slow_corpus, moment):
    out, before = previous
    build = start_build(slow_corpus, out, "--jobs", "2")
    if moment == "mid-build":
        wait_for(lambda: holds_lock(build, out))  # reading done, the graph being built
    elif moment in ("during parallel extraction", "while processes write the exports"):
        if not Path(f"/proc/{build.pid}/task").is_dir():
            build.kill()
            pytest.skip("needs /proc to see the worker processes")
        if moment == "during parallel extraction":
            wait_for(lambda: has_workers(build))
        else:  # 6,000 papers on two cores: GraphML and JSON are written by forked processes
            wait_for(lambda: has_workers(build) and any(
                p.name.startswith(".graph.json.") for p in out.iterdir()))
    else:
        wait_for(lambda: writing_last_export(out))
    os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
    stdout, stderr = build.communicate(timeout=30)
    assert build.returncode == 130, stderr
    assert stderr == "error: interrupted; the previous store and exports are unchanged\n"
    assert_intact(out, before)
    assert not writing_started(out)  # its temporary files were removed on the way out
    wait_for(lambda: group_ended(build.pid), timeout=5)  # and its processes killed


def group_ended(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("moment", ["mid-build", "while writing"])
def test_a_killed_build_leaves_the_previous_build_and_the_next_one_cleans_up(
        previous, slow_corpus, moment, seeds_dir):
    out, before = previous
    build = start_build(slow_corpus, out, "--jobs", "1")
    if moment == "mid-build":
        wait_for(lambda: holds_lock(build, out))
    else:
        wait_for(lambda: writing_last_export(out))
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    assert build.returncode == -signal.SIGKILL
    leftovers = [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert_intact(out, before)
    # the lock died with the process; the next build works and removes what was left
    again = runner.invoke(app, ["build", str(seeds_dir), "--out", str(out), "--jobs", "1"])
    assert again.exit_code == 0, again.output
    assert all(not p.exists() for p in leftovers)
    assert not writing_started(out)


def test_a_second_build_into_a_busy_folder_stops_with_one_line(previous, slow_corpus, seeds_dir):
    out, _ = previous
    first = start_build(slow_corpus, out, "--jobs", "1")
    wait_for(lambda: holds_lock(first, out))
    second = runner.invoke(app, ["build", str(seeds_dir), "--out", str(out), "--jobs", "1"])
    assert second.exit_code == 1
    assert second.stderr == (f"error: another build is writing {out} (process {first.pid}); "
                             "wait for it to finish or use another --out\n")
    assert first.wait(timeout=60) == 0, first.stderr.read()
    graph = store.load(out / "graphx.db")
    assert len(graph.papers) == 6000  # the first build's result, whole
    assert "task 5999" in (out / "graph.html").read_text(encoding="utf-8")


def test_enrich_waits_for_no_one_and_says_the_folder_is_busy(previous):
    out, before = previous
    with lock.writing(out):
        result = runner.invoke(app, ["enrich", "github", "--db", str(out / "graphx.db"),
                                     "--offline"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: another build is writing {out} (process ")
    assert_intact(out, before)


# --- --db that is not a graphx store ----------------------------------------------------------

def foreign_files(folder: Path) -> dict[str, tuple[Path, str]]:
    text = folder / "notes.txt"
    text.write_text("my notes, not a database\n" * 100)
    empty = folder / "empty.db"
    empty.write_bytes(b"")
    other = folder / "other_app.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
        conn.execute("INSERT INTO users VALUES ('ada')")
    conn.close()
    truncated = folder / "truncated.db"
    truncated.write_bytes(b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\x00" * 80)
    return {
        "text file": (text, "not a graphx store (corrupt or not SQLite)"),
        "empty file": (empty, "empty file, not a graphx store"),
        "another app's SQLite": (other, "not a graphx store (an SQLite file without graphx tables)"),
        "truncated SQLite": (truncated, "not a graphx store"),
    }


@pytest.mark.parametrize("case", ["text file", "empty file", "another app's SQLite",
                                  "truncated SQLite"])
def test_a_foreign_db_gets_one_line_from_every_command_and_is_never_replaced(case, tmp_path,
                                                                          seeds_dir):
    path, problem = foreign_files(tmp_path)[case]
    original = path.read_bytes()
    for args in (["stats"], ["enrich", "github", "--offline"], ["enrich", "citations", "--offline"]):
        result = runner.invoke(app, [*args, "--db", str(path)])
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith(f"error: {path}: {problem}"), result.stderr
        assert len(result.stderr.splitlines()) == 1
    for extra in ([], ["--add"]):
        result = runner.invoke(app, ["build", str(seeds_dir / "002_5a0bac9753124b9e.txt"),
                                     "--db", str(path), "--no-export", *extra])
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"error: {path}: {problem}")
        assert len(result.stderr.splitlines()) == 1
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_a_store_from_another_schema_version_is_explained_and_rebuilt(tmp_path, seeds_dir):
    db = tmp_path / "graphx.db"
    seed = str(seeds_dir / "002_5a0bac9753124b9e.txt")
    assert runner.invoke(app, ["build", seed, "--db", str(db), "--no-export"]).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    result = runner.invoke(app, ["stats", "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {db}: store schema version 99 is not supported by this "
                             "graphx (expects 1); rebuild it with `graphx build`\n")
    assert runner.invoke(app, ["build", seed, "--db", str(db), "--no-export"]).exit_code == 0
    assert len(store.load(db).papers) == 17


# --- write errors -----------------------------------------------------------------------------

def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["graphml", "html", "store"])
def test_a_full_disk_gets_one_line_and_keeps_every_previous_file(previous, monkeypatch, where,
                                                                 seeds_dir):
    out, before = previous
    if where == "graphml":
        def half_written(graph, handle):
            handle.write('<?xml version="1.0" encoding="utf-8"?>\n<graphml')
            disk_full()

        monkeypatch.setattr("graphx.export.graphml._write", half_written)
        expected = f"error: {out / 'graph.graphml'}: cannot write (No space left on device)\n"
    elif where == "html":
        def partly_written(graph, path, *args, **kwargs):
            from graphx.export import atomic_write

            def write(tmp):
                tmp.write_text("<html>half a page")
                disk_full()
            return atomic_write(path, write)

        monkeypatch.setattr("graphx.export.html.write_html", partly_written)
        expected = f"error: {out / 'graph.html'}: cannot write (No space left on device)\n"
    else:
        monkeypatch.setattr("graphx.store._write_facts", lambda conn, graph: disk_full())
        expected = (f"error: {out / 'graphx.db'}: cannot write the store (No space left on "
                    "device)\n")
    result = runner.invoke(app, ["build", str(seeds_dir / "002_5a0bac9753124b9e.txt"),
                                 "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert result.stderr == expected
    assert not writing_started(out)
    monkeypatch.undo()
    assert_intact(out, before)


@pytest.mark.parametrize("fault", ["full disk", "bug"])
def test_an_export_process_that_fails_gets_one_line_naming_its_file(previous, monkeypatch, fault,
                                                                    seeds_dir):
    # a large build on two cores writes its JSON in a forked process (which inherits the patched
    # writer) while it writes the HTML and GraphML itself
    from graphx import pipeline

    out, before = previous
    monkeypatch.setattr(pipeline, "OVERLAP_THRESHOLD", 1)
    if fault == "full disk":
        def half_written(handle, *args):
            handle.write('{"graphx": ')
            disk_full()

        monkeypatch.setattr("graphx.export.json._write_document", half_written)
        expected = f"error: {out / 'graph.json'}: cannot write (No space left on device)\n"
    else:
        def bug(*args, **kwargs):
            raise ZeroDivisionError("division by zero")

        monkeypatch.setattr("graphx.export.json._write_document", bug)
        expected = f"error: {out / 'graph.json'}: cannot write (division by zero)\n"
    result = runner.invoke(app, ["build", str(seeds_dir), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert result.stderr == expected
    assert not writing_started(out), sorted(p.name for p in out.iterdir())
    monkeypatch.undo()
    assert_intact(out, before)


def test_an_export_failing_beside_the_export_processes_stops_them(previous, monkeypatch,
                                                                   seeds_dir):
    from graphx import pipeline

    out, before = previous
    monkeypatch.setattr(pipeline, "OVERLAP_THRESHOLD", 1)
    monkeypatch.setattr("graphx.export.json._write_document", lambda *args: time.sleep(120))

    def partly_written(graph, path, *args, **kwargs):
        from graphx.export import atomic_write

        def write(tmp):
            tmp.write_text("<html>half a page")
            disk_full()
        return atomic_write(path, write)

    monkeypatch.setattr("graphx.export.html.write_html", partly_written)  # in this process
    started = time.monotonic()
    result = runner.invoke(app, ["build", str(seeds_dir), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: {out / 'graph.html'}: cannot write (No space left on device)\n"
    assert time.monotonic() - started < 60  # the sleeping JSON process was killed, not awaited
    assert not writing_started(out), sorted(p.name for p in out.iterdir())
    monkeypatch.undo()
    assert_intact(out, before)


def test_sqlite_reporting_a_full_disk_gets_one_line(previous, monkeypatch, seeds_dir):
    out, before = previous

    def full(conn, graph):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("graphx.store._write_facts", full)
    result = runner.invoke(app, ["build", str(seeds_dir), "--out", str(out), "--no-export"])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {out / 'graphx.db'}: cannot write the store (database or "
                             "disk is full)\n")
    monkeypatch.undo()
    assert_intact(out, before)


def test_an_output_path_under_a_file_gets_one_line(tmp_path, seeds_dir):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    result = runner.invoke(app, ["build", str(seeds_dir), "--out", str(blocker / "out")])
    assert result.exit_code == 1
    assert result.stderr == f"error: {blocker / 'out'}: cannot write (Not a directory)\n"


def test_a_read_only_output_folder_gets_one_line(previous, seeds_dir):
    out, before = previous
    if os.geteuid() == 0:
        pytest.skip("running as root: a read-only folder does not stop root from writing")
    out.chmod(0o555)
    try:
        result = runner.invoke(app, ["build", str(seeds_dir), "--out", str(out)])
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {out}") and "Permission denied" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert_intact(out, before)


def test_an_unexpected_bug_is_one_line_and_graphx_debug_shows_the_traceback(monkeypatch, tmp_path,
                                                                             seeds_dir):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("graphx.pipeline.merge_papers", bug)
    args = ["build", str(seeds_dir), "--out", str(tmp_path / "out"), "--no-export"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr == ("error: internal error (ZeroDivisionError: division by zero); run "
                             "with GRAPHX_DEBUG=1 to see the traceback\n")
    monkeypatch.setenv("GRAPHX_DEBUG", "1")
    result = runner.invoke(app, args)
    assert isinstance(result.exception, ZeroDivisionError)


CTRL_C_IN_A_CALLBACK = """
import os, signal, sys, time, weakref
from graphx import atomic

atomic.watch_interrupts()

class Held:
    pass

def released(ref):  # like the callback that releases an import's lock: Python ignores its errors
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # the handler runs here, inside the callback

held = Held()
ref = weakref.ref(held, released)
try:
    del held
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.01)
    print("lost")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_ctrl_c_landing_in_a_callback_python_ignores_still_interrupts_without_a_traceback():
    # Ctrl-C during an import (the module lock's weakref callback) printed "Exception ignored
    # in ..." with a traceback, and the build went on to its end before noticing
    done = subprocess.run([sys.executable, "-c", CTRL_C_IN_A_CALLBACK], capture_output=True,
                          text=True, timeout=60)
    assert (done.stdout, done.stderr) == ("interrupted\n", "")
