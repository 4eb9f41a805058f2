"""Shared fixtures: the real seed listings and a store built from them once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"the seed listings are missing: expected them at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def seed_build(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """One build of the seeds (store and default exports) shared by read-only tests."""
    from graphx import pipeline

    out = tmp_path_factory.mktemp("seed-build")
    return pipeline.build([seeds_dir], out=out, jobs=1, exports=("html", "graphml", "json"))


@pytest.fixture(scope="session")
def seed_db(seed_build) -> Path:
    return seed_build.db_path
