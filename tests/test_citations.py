"""Citation edges against a fake Semantic Scholar API on 127.0.0.1, on the real seed papers."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest
from fake_http import FakeServer, Reply, Seen
from typer.testing import CliRunner

from graphx import http, store
from graphx.cli import app
from graphx.papers import normalize_title

KEY = "s2-key-TESTSECRET-42"
runner = CliRunner()

ZIPFORMER = "Zipformer: A faster and better encoder for automatic speech recognition"
EBRANCH = "E-Branchformer: Branchformer with Enhanced merging for speech recognition"
CHUNKFORMER = "ChunkFormer: Masked Chunking Conformer For Long-Form Speech Transcription"
MEMORY = "Memory-augmented conformer for improved end-to-end long-form ASR"
GECTOR = "GECToR -- Grammatical Error Correction: Tag, Not Rewrite"

KNOWN = {  # title -> (S2 id, the S2 ids it references)
    ZIPFORMER: ("S2-zip", ["S2-ebranch", "S2-memory", "S2-outside"]),
    EBRANCH: ("S2-ebranch", ["S2-memory"]),
    MEMORY: ("S2-memory", []),
    CHUNKFORMER: ("S2-chunk", ["S2-zip"]),
}


class FakeS2:
    def __init__(self, near_miss: str | None = GECTOR, malformed: bool = False) -> None:
        self.calls: Counter[str] = Counter()
        self.near_miss = near_miss
        self.malformed = malformed
        self.by_id = {s2: (title, refs) for title, (s2, refs) in KNOWN.items()}

    def __call__(self, seen: Seen) -> Reply:
        url = urlparse(seen.path)
        self.calls[url.path] += 1
        if url.path == "/graph/v1/paper/search/match":
            query = parse_qs(url.query)["query"][0]
            for title, (s2, _) in KNOWN.items():
                if normalize_title(title) == normalize_title(query):
                    return Reply(200, {"data": [{"paperId": s2, "title": title, "matchScore": 200}]})
            if self.near_miss and normalize_title(query) == normalize_title(self.near_miss):
                return Reply(200, {"data": [{"paperId": "S2-other", "title": query + " Again"}]})
            return Reply(404, {"error": "Title match not found"})
        if url.path == "/graph/v1/paper/batch":
            if self.calls[url.path] == 1:
                return Reply(429, {"message": "Too Many Requests"})
            if self.malformed:
                return Reply(200, "<html>not json</html>", {"Content-Type": "text/html"})
            ids = json.loads(seen.body)["ids"]
            answer = []
            for s2 in ids:
                if s2 in self.by_id:
                    refs = [{"paperId": r, "externalIds": {"CorpusId": 1}} for r in self.by_id[s2][1]]
                    answer.append({"paperId": s2, "externalIds": {}, "citationCount": 100 + len(refs),
                                   "references": refs})
                else:
                    answer.append(None)
            return Reply(200, answer)
        return Reply(404, {"error": "unknown"})


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("S2_API_KEY", KEY)
    monkeypatch.setenv("GRAPHX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRAPHX_HTTP_BACKOFF", "0")
    yield tmp_path
    http.close_all()


def test_citations_link_seed_papers_and_a_second_run_sends_nothing(env, monkeypatch, seeds_dir):
    fake = FakeS2()
    with FakeServer(fake) as server:
        monkeypatch.setenv("S2_API_URL", server.url)
        args = ["build", str(seeds_dir), "--out", str(env / "out"), "--citations", "--rate", "0",
                "--no-export", "--jobs", "1"]
        first = runner.invoke(app, args)
        assert first.exit_code == 0, first.output
        assert all(r.headers.get("x-api-key") == KEY for r in server.requests)
        sent = len(server.requests)
        second = runner.invoke(app, args)
        assert second.exit_code == 0, second.output
        assert len(server.requests) == sent  # not-found answers were cached too

    graph = store.load(env / "out" / "graphx.db")
    by_title = {p.title: p for p in graph.papers}
    cites = {(by_title_id(graph, e.source), by_title_id(graph, e.target))
             for e in graph.edges if e.kind == "cites"}
    assert cites == {(ZIPFORMER, EBRANCH), (ZIPFORMER, MEMORY), (EBRANCH, MEMORY), (CHUNKFORMER, ZIPFORMER)}
    assert by_title[ZIPFORMER].extra["citation_count"] == 103
    assert by_title[ZIPFORMER].extra["s2_id"] == "S2-zip"
    # the near-miss title match was rejected: no S2 id for that paper
    assert "s2_id" not in by_title[GECTOR].extra
    for path in (env / "cache").rglob("*"):
        assert KEY.encode() not in path.read_bytes(), path
    for path in (env / "out").rglob("*"):
        assert KEY.encode() not in path.read_bytes(), path


def by_title_id(graph, paper_id: str) -> str:
    return next(p.title for p in graph.papers if p.id == paper_id)


def test_a_malformed_answer_is_reported_and_the_build_completes(env, monkeypatch, seeds_dir):
    with FakeServer(FakeS2(malformed=True)) as server:
        monkeypatch.setenv("S2_API_URL", server.url)
        result = runner.invoke(app, ["build", str(seeds_dir / "000_74c2992204cf1ae4.txt"), "--out",
                                     str(env / "out"), "--citations", "--rate", "0", "--no-export"])
    assert result.exit_code == 0, result.output
    assert "Semantic Scholar" in result.output and "not JSON" in result.output
    assert "paper(s) left without citation data" in result.output
    assert store.load(env / "out" / "graphx.db").papers


def test_enrich_citations_on_an_existing_store(env, monkeypatch, seeds_dir):
    out = env / "out"
    assert runner.invoke(app, ["build", str(seeds_dir / "000_74c2992204cf1ae4.txt"), "--out", str(out),
                               "--no-export"]).exit_code == 0
    with FakeServer(FakeS2()) as server:
        monkeypatch.setenv("S2_API_URL", server.url)
        result = runner.invoke(app, ["enrich", "citations", "--db", str(out / "graphx.db"), "--rate", "0",
                                     "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["cites"] == 4 and summary["with_citation_data"] == 4
