"""Network faults in every client (GitHub, Semantic Scholar, HF live, arXiv live) against fake
servers on 127.0.0.1: timeouts, connection resets, 5xx, garbage and wrongly shaped answers.

In every case the build completes with what it has (exit 0, the store written) and says, one
line each, what it skipped. Then: the tokens never reach a file, the output or another host.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_http import FakeServer, Reply, Seen
from typer.testing import CliRunner

from graphx import http, store
from graphx.cli import app

runner = CliRunner()
SEED = "002_5a0bac9753124b9e.txt"

FAULTS: dict[str, Reply] = {
    "timeout": Reply(200, {}, delay=1.0),
    "reset": Reply(reset=True),
    "HTTP 503": Reply(503, "Service Unavailable"),
    "garbage": Reply(200, b"\x00\xff<html>definitely not JSON{", {"Content-Type": "application/json"}),
}
RETRIED = {"timeout": "timed out after 4 attempts", "reset": "connection failed after 4 attempts"}


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRAPHX_HTTP_BACKOFF", "0")
    monkeypatch.setenv("GRAPHX_HTTP_TIMEOUT", "0.2")
    monkeypatch.setenv("GRAPHX_ARXIV_DELAY", "0")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("S2_API_KEY", raising=False)
    yield tmp_path
    http.close_all()


def build(*args: str | Path):
    return runner.invoke(app, ["build", *map(str, args), "--jobs", "1", "--no-export"])


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def repo_json(full_name: str) -> dict:
    return {"full_name": full_name, "stargazers_count": 12, "forks_count": 3, "language": "Python",
            "topics": ["asr"], "license": {"spdx_id": "MIT"}, "description": "fine",
            "archived": False, "html_url": f"https://github.com/{full_name}"}


def faulty(fault: Reply, good: Callable[[Seen], Reply], is_bad: Callable[[Seen], bool]):
    return lambda seen: fault if is_bad(seen) else good(seen)


# --- GitHub -----------------------------------------------------------------------------------

GITHUB_FAULTS = {**FAULTS, "wrong shape": Reply(200, ["not", "a", "repo"])}
GITHUB_SAYS = {**RETRIED, "HTTP 503": "HTTP 503", "garbage": "the answer was not JSON",
               "wrong shape": "unexpected answer"}


@pytest.mark.parametrize("fault", list(GITHUB_FAULTS))
def test_github_faults_skip_the_repo_and_keep_the_rest(env, monkeypatch, fault):
    papers = write_jsonl(env / "papers.jsonl", [
        {"title": "Good paper on Conformer", "abstract": "Code: https://github.com/good/repo"},
        {"title": "Bad paper on Conformer", "abstract": "Code: https://github.com/bad/repo"},
    ])
    handler = faulty(GITHUB_FAULTS[fault], lambda s: Reply(200, repo_json("good/repo")),
                     lambda s: s.path.startswith("/repos/bad/"))
    with FakeServer(handler) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        result = build(papers, "--out", env / "out", "--github")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"warning: GitHub: skipped bad/repo: {GITHUB_SAYS[fault]}\n"
    assert "GitHub: 1 of 2 repos enriched, 0 missing" in result.stdout
    repos = store.load(env / "out" / "graphx.db").repos
    assert (repos["good/repo"].status, repos["good/repo"].stars) == ("ok", 12)
    assert repos["bad/repo"].status == "unfetched"


def test_github_answers_with_wrong_types_are_kept_out_of_the_store_and_the_page(env, monkeypatch):
    papers = write_jsonl(env / "papers.jsonl", [
        {"title": "A paper on Conformer", "abstract": "Code: https://github.com/odd/repo"}])
    odd = {"full_name": 5, "stargazers_count": "many", "forks_count": 1e300, "language": {"a": 1},
           "topics": "speech", "license": "MIT", "description": ["x"], "archived": "no",
           "html_url": "javascript:alert(1)", "created_at": 20240101, "default_branch": None}
    with FakeServer(lambda seen: Reply(200, odd)) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        result = runner.invoke(app, ["build", str(papers), "--out", str(env / "out"), "--github",
                                     "--jobs", "1"])
    assert result.exit_code == 0, result.output
    repo = store.load(env / "out" / "graphx.db").repos["odd/repo"]
    assert repo.status == "ok"
    assert (repo.stars, repo.forks, repo.language, repo.topics, repo.license, repo.description,
            repo.archived, repo.html_url, repo.canonical, repo.created_at) == (
        None, None, None, [], None, None, None, None, None, None)
    page = (env / "out" / "graph.html").read_text(encoding="utf-8")
    embedded = page.split('<script type="application/json" id="graphx-data">', 1)[1]
    assert "javascript:" not in embedded.split("</script>", 1)[0]


# --- Semantic Scholar -------------------------------------------------------------------------

S2_FAULTS = {**FAULTS, "wrong shape": Reply(200, {"data": "not a list"})}


@pytest.mark.parametrize("fault", list(S2_FAULTS))
def test_semantic_scholar_faults_leave_a_built_graph_and_say_so(env, monkeypatch, fault):
    papers = write_jsonl(env / "papers.jsonl", [
        {"id": f"2401.0000{i}", "title": f"Paper {i} on Conformer", "abstract": "Conformer."}
        for i in range(3)])
    with FakeServer(lambda seen: S2_FAULTS[fault]) as server:
        monkeypatch.setenv("S2_API_URL", server.url)
        result = build(papers, "--out", env / "out", "--citations")
    assert result.exit_code == 0, result.output
    says = {**RETRIED, "HTTP 503": "HTTP 503", "garbage": "the answer was not JSON",
            "wrong shape": "malformed batch answer (skipped)"}[fault]
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("warning: Semantic Scholar: ")
    assert lines[0].endswith(says)
    assert lines[1] == ("warning: Semantic Scholar: 3 paper(s) left without citation data; run "
                        "again later (an S2_API_KEY raises the rate limit)")
    assert len(store.load(env / "out" / "graphx.db").papers) == 3


def test_semantic_scholar_records_with_wrong_types_are_ignored(env, monkeypatch):
    papers = write_jsonl(env / "papers.jsonl", [
        {"id": f"2401.0000{i}", "title": f"Paper {i} on Conformer", "abstract": "Conformer."}
        for i in range(3)])
    answer = [{"paperId": 5, "citationCount": "many", "references": 7},
              {"paperId": "S2-b", "citationCount": 3, "references": "nope"},
              {"paperId": "S2-c", "citationCount": 1,
               "references": [None, 5, {"externalIds": "x"}, {"externalIds": {"ArXiv": "2401.00000"}}]}]
    with FakeServer(lambda seen: Reply(200, answer)) as server:
        monkeypatch.setenv("S2_API_URL", server.url)
        result = build(papers, "--out", env / "out", "--citations", "--json")
    assert result.exit_code == 0, result.output
    graph = store.load(env / "out" / "graphx.db")
    assert [(e.source, e.target) for e in graph.edges if e.kind == "cites"] == [
        ("2401.00002", "2401.00000")]
    assert {p.id: p.extra.get("citation_count") for p in graph.papers} == {
        "2401.00000": None, "2401.00001": 3, "2401.00002": 1}


# --- live sources: Hugging Face and arXiv -----------------------------------------------------

HF_FAULTS = {**FAULTS, "wrong shape": Reply(200, {"papers": "not a list"})}
HF_SAYS = {**RETRIED, "HTTP 503": "HTTP 503", "garbage": "the answer was not JSON",
           "wrong shape": "unexpected answer (not a list of papers)"}
ARXIV_FAULTS = {**FAULTS, "wrong shape": Reply(200, "<html><body>Rate exceeded.</body></html>")}
ARXIV_SAYS = {**RETRIED, "HTTP 503": "arXiv answered HTTP 503"}


@pytest.mark.parametrize("fault", list(HF_FAULTS))
def test_hf_live_faults_skip_the_source_and_build_the_rest(env, monkeypatch, seeds_dir, fault):
    with FakeServer(lambda seen: HF_FAULTS[fault]) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        result = build(seeds_dir / SEED, "hf:2025-10-14", "--out", env / "out")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"warning: skipped hf:2025-10-14: {HF_SAYS[fault]}\n"
    assert len(store.load(env / "out" / "graphx.db").papers) == 17


@pytest.mark.parametrize("fault", list(ARXIV_FAULTS))
def test_arxiv_live_faults_skip_the_source_and_build_the_rest(env, monkeypatch, seeds_dir, fault):
    with FakeServer(lambda seen: ARXIV_FAULTS[fault]) as server:
        monkeypatch.setenv("ARXIV_API_URL", server.url + "/api/query")
        result = build(seeds_dir / SEED, "arxiv:2510.11696", "--out", env / "out")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: skipped arxiv:2510.11696: ")
    if fault in ARXIV_SAYS:
        assert lines[0].endswith(ARXIV_SAYS[fault])
    assert len(store.load(env / "out" / "graphx.db").papers) == 17


def test_every_live_source_failing_is_exit_1_with_each_reason(env, monkeypatch):
    with FakeServer(lambda seen: Reply(503, "down")) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("ARXIV_API_URL", server.url + "/api/query")
        result = build("hf:2025-10-14", "arxiv:2510.11696", "--out", env / "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "warning: skipped hf:2025-10-14: HTTP 503",
        "warning: skipped arxiv:2510.11696: arXiv answered HTTP 503",
        "error: no papers could be read from 2 source(s)",
    ]
    assert not (env / "out" / "graphx.db").exists()


# --- secrets ----------------------------------------------------------------------------------

TOKEN = "ghp_UNIQUE_SECRET_7f3a9c1e5b"
KEY = "s2_UNIQUE_SECRET_4d8e2a6f0c"


def test_tokens_reach_no_file_no_output_and_no_other_host(env, monkeypatch):
    """Builds with --github --citations through answers of every kind (a redirect to another
    host, 404, 5xx, a reset, a timeout, garbage, an ETag revalidation), then a search for the
    two secrets in every byte written and printed."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("S2_API_KEY", KEY)
    monkeypatch.setenv("GRAPHX_HTTP_TIMEOUT", "0.1")
    repos = ["ok/repo", "moved/repo", "away/repo", "gone/repo", "down/repo", "reset/repo",
             "slow/repo", "junk/repo"]
    papers = write_jsonl(env / "papers.jsonl", [
        {"id": f"2401.0000{i}", "title": f"Paper {i} on Conformer",
         "abstract": f"Conformer. Code: https://github.com/{name}"} for i, name in enumerate(repos)]
        + [{"title": "A title-only paper on LoRA", "abstract": "LoRA."}])

    with FakeServer(lambda seen: Reply(200, repo_json("elsewhere/repo"))) as other_host:
        def github(seen: Seen) -> Reply:
            path = seen.path.split("?")[0]
            if path == "/repos/ok/repo":
                if seen.headers.get("If-None-Match") == '"v1"':
                    return Reply(304, headers={"ETag": '"v1"'})
                return Reply(200, repo_json("ok/repo"), {"ETag": '"v1"', "Vary": "Authorization"})
            if path == "/repos/moved/repo":
                return Reply(301, {"message": "Moved"}, {"Location": "/repositories/7"})
            if path == "/repositories/7":
                return Reply(200, repo_json("new/repo"))
            if path == "/repos/away/repo":  # another host: the token must not follow
                return Reply(302, "", {"Location": f"{other_host.url}/repos/elsewhere/repo"})
            faults = {"/repos/down/repo": FAULTS["HTTP 503"], "/repos/reset/repo": FAULTS["reset"],
                      "/repos/slow/repo": FAULTS["timeout"], "/repos/junk/repo": FAULTS["garbage"]}
            return faults.get(path, Reply(404, {"message": f"Not Found {TOKEN[:4]}"}))

        def s2(seen: Seen) -> Reply:
            if "/search/match" in seen.path:
                return Reply(500, "oops")
            ids = json.loads(seen.body)["ids"]
            return Reply(200, [{"paperId": f"S2-{i}", "citationCount": 1, "references": []}
                               for i, _ in enumerate(ids)])

        with FakeServer(github) as gh, FakeServer(s2) as sem:
            monkeypatch.setenv("GITHUB_API_URL", gh.url)
            monkeypatch.setenv("S2_API_URL", sem.url)
            outputs = []
            for extra in ([], ["--refresh"], ["--offline"]):
                outputs.append(runner.invoke(app, [
                    "build", str(papers), "--out", str(env / "output"), "--github", "--citations",
                    "--rate", "0", "--jobs", "1", *extra]))
            outputs.append(runner.invoke(app, ["enrich", "github", "--db",
                                               str(env / "output" / "graphx.db")]))
            outputs.append(runner.invoke(app, ["build", str(papers), "--out", str(env / "output"),
                                               "--github", "--json", "--jobs", "1"]))
            sent_to_github = list(gh.requests)
        sent_elsewhere = list(other_host.requests)

    assert all(r.exit_code == 0 for r in outputs), [r.output for r in outputs]
    assert any(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r in sent_to_github)
    assert sent_elsewhere and all("Authorization" not in r.headers for r in sent_elsewhere)
    repos_now = store.load(env / "output" / "graphx.db").repos
    assert repos_now["moved/repo"].canonical == "new/repo"
    assert repos_now["away/repo"].canonical == "elsewhere/repo"
    written = [p for folder in (env / "cache", env / "output") for p in folder.rglob("*")
               if p.is_file()]
    assert any(p.suffix == ".sqlite" for p in written) and any(p.name == "graphx.db" for p in written)
    for secret in (TOKEN, KEY):
        for path in written:
            data = path.read_bytes()
            assert secret.encode() not in data and secret.encode("utf-16-le") not in data, path
        for result in outputs:
            assert secret not in result.stdout + result.stderr
