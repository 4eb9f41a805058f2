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


@pytest.fixture
def fixed_clock(monkeypatch):
    """Every build at the same `built_at` (the HTML shows it), so two builds can be compared."""
    from datetime import datetime, timezone

    from graphx import pipeline

    class Fixed(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    monkeypatch.setattr(pipeline, "datetime", Fixed)
