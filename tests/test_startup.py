"""Start-up stays light (no heavy imports for --help) and parallel extraction changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# pydantic: typer 0.29 imports it to coerce every option (pyproject keeps typer below it)
HEAVY = ("networkx", "pyvis", "requests", "requests_cache", "bs4", "lxml", "pydantic")


def _imported_after(argv: list[str]) -> list[str]:
    """Run the CLI with `argv` in a fresh interpreter; the heavy modules it ended up importing."""
    code = (
        "import sys, json\n"
        "import graphx.cli as cli\n"
        f"sys.argv = ['graphx', *{argv!r}]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _commands() -> list[str]:
    import typer.main

    from graphx.cli import app

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_help_imports_no_heavy_library():
    assert _imported_after(["--help"]) == []


def test_every_command_help_imports_no_heavy_library():
    commands = _commands()
    assert "build" in commands
    for name in commands:
        assert _imported_after([name, "--help"]) == [], name


def test_stats_on_a_store_imports_no_heavy_library(seed_db):
    assert _imported_after(["stats", "--db", str(seed_db), "--json"]) == []


@pytest.fixture(scope="module")
def generated_papers(seeds_dir):
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.generate import iter_records
    finally:
        sys.path.remove(str(ROOT))
    from graphx.papers import merge_papers
    from graphx.sources.records import paper_from_record

    records = [paper_from_record(r) for r in iter_records(3000, seeds_dir, seed=7)]
    papers, _ = merge_papers(r for r in records if r is not None)
    assert len(papers) == 3000
    return papers


def test_parallel_extraction_finds_exactly_what_one_process_finds(generated_papers, monkeypatch):
    import multiprocessing

    from graphx import methods

    catalog = methods.load_catalog()
    serial = methods.extract(generated_papers, catalog, jobs=1)

    pools = []
    real_pool = multiprocessing.get_context("fork").Pool

    class CountingContext:
        def Pool(self, *args, **kwargs):  # noqa: N802 - multiprocessing's name
            pools.append(args)
            return real_pool(*args, **kwargs)

    monkeypatch.setattr(multiprocessing, "get_context", lambda name=None: CountingContext())
    parallel = methods.extract(generated_papers, catalog, jobs=2, parallel_threshold=1000)

    assert [args[0] for args in pools] == [2, 2], "discovery and matching did not run in pools"
    assert len(serial.mentions) > 3000
    assert parallel.mentions == serial.mentions
    assert parallel.methods == serial.methods


def test_small_corpora_stay_in_one_process(generated_papers, monkeypatch):
    import multiprocessing

    from graphx import methods

    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a small corpus")

    monkeypatch.setattr(multiprocessing, "get_context", no_pool)
    small = generated_papers[:200]
    result = methods.extract(small, jobs=2, parallel_threshold=1000)
    assert {m.paper_id for m in result.mentions} <= {p.id for p in small}
    assert result.mentions
