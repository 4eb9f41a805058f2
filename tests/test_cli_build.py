"""`graphx build` and `graphx stats` end to end through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from graphx.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_build_the_seeds_then_stats_reports_the_counts(seeds_dir, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(seeds_dir), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "4 source(s): 257 records -> 231 papers (26 duplicates merged)" in result.output
    for name in ("graphx.db", "graph.html", "graph.graphml"):
        assert (out / name).stat().st_size > 0, name
    stats = run("stats", "--db", str(out / "graphx.db"), "--json")
    assert stats.exit_code == 0, stats.output
    data = json.loads(stats.output)
    assert data["papers"] == 231
    assert data["sources"] == 4
    assert data["methods"] > 0 and data["edges"]["mentions"] > 0
    # build and stats count mentions and introductions the same way
    assert (f"({data['edges']['mentions']} mentions, {data['edges']['introduces']} introduced "
            "by a paper)") in result.output
    table = run("stats", "--db", str(out / "graphx.db"))
    assert "Papers: 231" in table.output


def test_build_json_summary(seeds_dir, tmp_path):
    result = run("build", str(seeds_dir / "002_5a0bac9753124b9e.txt"), "--out", str(tmp_path),
                 "--no-export", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["papers"] == 17 and summary["files_read"] == 1
    assert summary["outputs"] == []


def test_bad_sources_are_reported_and_the_rest_still_built(seeds_dir, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 10)
    out = tmp_path / "out"
    result = run("build", str(seeds_dir / "002_5a0bac9753124b9e.txt"), str(empty), str(binary),
                 str(tmp_path / "missing.txt"), "--out", str(out), "--no-export")
    assert result.exit_code == 0
    assert f"skipped {empty}: empty file" in result.output
    assert f"skipped {binary}: binary file" in result.output
    assert "missing.txt: no such file or folder" in result.output
    assert "Traceback" not in result.output
    assert (out / "graphx.db").exists()


def test_nothing_readable_exits_1_with_one_line(tmp_path):
    result = run("build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {tmp_path / 'nope.txt'}: no such file or folder"
    assert not (tmp_path / "out" / "graphx.db").exists()


def test_strict_makes_any_bad_source_fatal_and_keeps_the_old_store(seeds_dir, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(seeds_dir), "--out", str(out), "--no-export").exit_code == 0
    before = (out / "graphx.db").read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    result = run("build", str(seeds_dir), str(bad), "--out", str(out), "--strict")
    assert result.exit_code == 1
    assert "bad.json: invalid JSON" in result.output
    assert (out / "graphx.db").read_bytes() == before


def test_unwritable_output_folder_gets_one_line(seeds_dir, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    result = run("build", str(seeds_dir), "--out", str(blocker / "out"))
    assert result.exit_code == 1
    assert "cannot write" in result.output and "Traceback" not in result.output


def test_stats_on_a_corrupt_store_gets_one_line(tmp_path):
    db = tmp_path / "graphx.db"
    db.write_bytes(b"garbage" * 1000)
    result = run("stats", "--db", str(db))
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {db}: not a graphx store (corrupt or not SQLite)"


def test_every_command_explains_itself_with_an_example():
    assert "Example" in run("--help").output
    for name in ("build", "stats"):
        assert "Example" in run(name, "--help").output


def test_console_script_runs_and_help_stays_light(tmp_path):
    code = ("import sys, graphx.cli as c; sys.argv=['graphx','--help']\n"
            "try:\n    c.main()\nexcept SystemExit: pass\n"
            "heavy=[m for m in ('networkx','pyvis','requests') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "CI": "1"})
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr


def test_build_as_a_process_prints_everything_and_exits_with_its_code(seeds_dir, tmp_path):
    # the process ends without tearing its heap down (cli._exit_now): what it printed must still
    # arrive whole, through pipes, with the command's exit code
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "graphx", "build", str(seeds_dir), "--out", str(out),
                           "--no-export", "--json"], capture_output=True, text=True,
                          env={**os.environ, "CI": "1"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["papers"] == 231
    assert (out / "graphx.db").stat().st_size > 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "A"}\n{"title": \n', encoding="utf-8")
    failed = subprocess.run([sys.executable, "-m", "graphx", "build", str(bad), "--out", str(out)],
                            capture_output=True, text=True, env={**os.environ, "CI": "1"})
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [f"error: {bad}: invalid JSON on line 2 (Expecting value)"]


def test_a_build_names_each_step_as_it_starts(seeds_dir, tmp_path, monkeypatch):
    # what the progress bar shows after "Reading": a long build is never silent about what it does
    from graphx import output, pipeline

    stages: list[str] = []
    pipeline.build([seeds_dir], out=tmp_path / "small", jobs=1, on_stage=stages.append)
    assert stages == ["Finding methods", "Linking papers", "Saving"]
    stages.clear()
    pipeline.build([seeds_dir], out=tmp_path / "small", jobs=1, add=True, on_stage=stages.append)
    assert stages == ["Loading the store", "Finding methods", "Linking papers", "Saving"]
    monkeypatch.setattr(pipeline, "OVERLAP_THRESHOLD", 1)  # a large build: edges derived while saving
    stages.clear()
    pipeline.build([seeds_dir], out=tmp_path / "large", jobs=2, exports=(), on_stage=stages.append)
    assert stages == ["Finding methods", "Linking papers, saving"]
    # the bar a person sees takes the names; the stand-in for pipes and CI ignores them
    monkeypatch.setattr(output, "show_progress", lambda: True)
    with output.progress("Reading") as advance:
        advance("a.jsonl")
        advance.stage("Finding methods")
    monkeypatch.setattr(output, "show_progress", lambda: False)
    with output.progress("Reading") as advance:
        advance.stage("Saving")


def test_build_with_its_output_closed_still_saves_and_exits_0(seeds_dir, tmp_path):
    # started with stdout closed (`graphx build ... >&-`, some schedulers do): Python has no
    # sys.stdout, what would be printed goes nowhere, and the build is still a success
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "graphx", "build", str(seeds_dir), "--out", str(out),
                           "--no-export"], stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "CI": "1"}, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (0, "")
    assert (out / "graphx.db").stat().st_size > 0
