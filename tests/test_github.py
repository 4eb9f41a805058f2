"""GitHub enrichment against a fake GitHub API on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from fake_http import FakeServer, Reply, Seen
from typer.testing import CliRunner

from graphx import http, store
from graphx.cli import app

TOKEN = "ghp_TESTSECRET0123456789abcdef"
runner = CliRunner()


def repo_json(full_name: str, stars: int) -> dict:
    return {
        "full_name": full_name, "stargazers_count": stars, "forks_count": 3, "language": "Python",
        "topics": ["speech", "asr"], "license": {"spdx_id": "Apache-2.0"},
        "description": "A <b>bold</b> repo", "created_at": "2023-01-02T00:00:00Z",
        "pushed_at": "2025-06-01T00:00:00Z", "archived": False, "default_branch": "main",
        "html_url": f"https://github.com/{full_name}",
    }


class FakeGithub:
    """Answers like GitHub: ETags, a rename, a missing repo, transient failures."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, seen: Seen) -> Reply:
        path = seen.path.split("?")[0]
        self.calls[path] += 1
        etag = '"etag-' + path.replace("/", "-") + '"'
        if path == "/repos/k2-fsa/icefall":
            if seen.headers.get("If-None-Match") == etag:
                return Reply(304, headers={"ETag": etag})
            return Reply(200, repo_json("k2-fsa/icefall", 1200),
                         {"ETag": etag, "Vary": "Accept, Authorization, Cookie"})
        if path == "/repos/old-owner/old-name":
            return Reply(301, {"message": "Moved Permanently"}, {"Location": "/repositories/42"})
        if path == "/repositories/42":
            return Reply(200, repo_json("new-owner/new-name", 77), {"ETag": etag})
        if path == "/repos/gone/repo":
            return Reply(404, {"message": "Not Found"})
        if path == "/repos/flaky/repo" and self.calls[path] == 1:
            return Reply(500, "oops")
        if path == "/repos/busy/repo" and self.calls[path] == 1:
            return Reply(429, {"message": "slow down"}, {"Retry-After": "0"})
        if path in ("/repos/flaky/repo", "/repos/busy/repo"):
            return Reply(200, repo_json(path[len("/repos/"):], 5))
        return Reply(404, {"message": "Not Found"})


REPOS = ["k2-fsa/icefall", "old-owner/old-name", "gone/repo", "flaky/repo", "busy/repo"]


def write_papers(path: Path, repos: list[str]) -> Path:
    with open(path, "w") as handle:
        for i, repo in enumerate(repos):
            handle.write(json.dumps({
                "title": f"Paper {i} about Conformer",
                "abstract": f"We train a Conformer. Code: https://github.com/{repo}/tree/main/egs.",
            }) + "\n")
    return path


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GRAPHX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRAPHX_HTTP_BACKOFF", "0")
    monkeypatch.setenv("GRAPHX_HTTP_TIMEOUT", "2")
    yield tmp_path
    http.close_all()


def build(papers: Path, out: Path, *extra: str):
    return runner.invoke(app, ["build", str(papers), "--out", str(out), "--github", "--jobs", "1",
                               "--no-export", *extra])


def every_file_under(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


def test_repos_are_enriched_and_a_second_run_sends_no_request(env, monkeypatch):
    papers = write_papers(env / "papers.jsonl", REPOS)
    fake = FakeGithub()
    with FakeServer(fake) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        first = build(papers, env / "out")
        assert first.exit_code == 0, first.output
        assert all(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r in server.requests)
        sent = len(server.requests)
        second = build(papers, env / "out2")
        assert second.exit_code == 0, second.output
        assert len(server.requests) == sent, server.paths()[sent:]

    repos = store.load(env / "out2" / "graphx.db").repos
    icefall = repos["k2-fsa/icefall"]
    assert (icefall.status, icefall.stars, icefall.language, icefall.license) == ("ok", 1200, "Python", "Apache-2.0")
    assert icefall.topics == ["speech", "asr"] and icefall.pushed_at == "2025-06-01T00:00:00Z"
    assert repos["old-owner/old-name"].canonical == "new-owner/new-name"
    assert repos["gone/repo"].status == "missing"
    assert repos["flaky/repo"].stars == 5 and repos["busy/repo"].stars == 5
    for path in every_file_under(env / "cache", env / "out", env / "out2"):
        assert TOKEN.encode() not in path.read_bytes(), f"the token leaked into {path}"
    assert TOKEN not in first.output + second.output


def test_refresh_revalidates_with_etag_and_keeps_the_data(env, monkeypatch):
    papers = write_papers(env / "papers.jsonl", ["k2-fsa/icefall"])
    fake = FakeGithub()
    with FakeServer(fake) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        assert build(papers, env / "out").exit_code == 0
        result = build(papers, env / "out", "--refresh")
        assert result.exit_code == 0, result.output
        assert server.requests[-1].headers.get("If-None-Match") == '"etag--repos-k2-fsa-icefall"'
    assert store.load(env / "out" / "graphx.db").repos["k2-fsa/icefall"].stars == 1200


def test_offline_uses_the_cache_only_and_counts_what_it_lacks(env, monkeypatch):
    papers = write_papers(env / "papers.jsonl", ["k2-fsa/icefall"])
    with FakeServer(FakeGithub()) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        assert build(papers, env / "out").exit_code == 0
        more = write_papers(env / "more.jsonl", ["k2-fsa/icefall", "never/fetched"])
        sent = len(server.requests)
        result = build(more, env / "out", "--offline")
        assert len(server.requests) == sent
    assert result.exit_code == 0, result.output
    assert "offline: 1 repo(s) had no cached GitHub data" in result.output
    repos = store.load(env / "out" / "graphx.db").repos
    assert repos["k2-fsa/icefall"].stars == 1200 and repos["never/fetched"].status == "unfetched"


def test_a_long_rate_limit_stops_fetching_and_keeps_partial_results(env, monkeypatch):
    names = [f"owner/repo{i}" for i in range(6)]
    papers = write_papers(env / "papers.jsonl", names)
    reset = str(int(time.time()) + 3600)

    def limited(seen: Seen) -> Reply:
        if seen.path in ("/repos/owner/repo0", "/repos/owner/repo1"):
            return Reply(200, repo_json(seen.path[len("/repos/"):], 9))
        return Reply(403, {"message": "API rate limit exceeded"},
                     {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})

    monkeypatch.setattr("graphx.enrich.github.MAX_WORKERS", 1)
    with FakeServer(limited) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        result = runner.invoke(app, ["build", str(papers), "--out", str(env / "out"), "--jobs", "1",
                                     "--no-export", "--github"])
        # stopped at the first limited repo rather than asking for every other one
        assert len(server.requests) == 3
    assert result.exit_code == 0, result.output
    assert "GitHub rate limit: 4 repo(s) left unfetched; retry after" in result.output
    repos = store.load(env / "out" / "graphx.db").repos
    assert [repos[n].stars for n in names[:2]] == [9, 9]
    assert all(repos[n].status == "unfetched" for n in names[2:])


def test_a_hanging_server_is_retried_then_skipped_with_a_warning(env, monkeypatch):
    papers = write_papers(env / "papers.jsonl", ["slow/repo"])
    monkeypatch.setenv("GRAPHX_HTTP_TIMEOUT", "0.2")
    with FakeServer(lambda seen: Reply(200, repo_json("slow/repo", 1), delay=1.0)) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        result = build(papers, env / "out")
        assert len(server.requests) == 4  # the first try and three retries
    assert result.exit_code == 0, result.output
    assert "GitHub: skipped slow/repo: timed out after 4 attempts" in result.output
    assert (env / "out" / "graphx.db").exists()


def test_enrich_github_updates_an_existing_store(env, monkeypatch):
    papers = write_papers(env / "papers.jsonl", ["k2-fsa/icefall", "gone/repo"])
    assert runner.invoke(app, ["build", str(papers), "--out", str(env / "out"), "--no-export"]).exit_code == 0
    with FakeServer(FakeGithub()) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        result = runner.invoke(app, ["enrich", "github", "--db", str(env / "out" / "graphx.db"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["repos"], summary["ok"], summary["missing"]) == (2, 1, 1)


def test_every_seed_repo_is_enriched_against_a_fake_github(env, monkeypatch, seeds_dir):
    def anything(seen: Seen) -> Reply:
        name = seen.path.split("?")[0][len("/repos/"):]
        return Reply(200, repo_json(name, len(name)))

    with FakeServer(anything) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        result = build(seeds_dir, env / "out")
        asked = {r.path[len("/repos/"):].lower() for r in server.requests}
    assert result.exit_code == 0, result.output
    repos = store.load(env / "out" / "graphx.db").repos
    assert len(repos) == 45
    assert asked == {name.lower() for name in repos}
    assert all(r.status == "ok" and r.stars == len(r.name) for r in repos.values())
