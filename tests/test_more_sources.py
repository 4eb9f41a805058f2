"""Hugging Face API JSON and saved pages, arXiv Atom, BibTeX, and the live hf: / arxiv: sources."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fake_http import FakeServer, Reply, Seen
from typer.testing import CliRunner

from graphx import http, store
from graphx.cli import app
from graphx.errors import InputError
from graphx.papers import merge_papers
from graphx.sources import read_file, read_sources

FORMATS = Path(__file__).parent / "data" / "formats"
ZIPFORMER = "Zipformer: A faster and better encoder for automatic speech recognition"
runner = CliRunner()


def test_hf_daily_papers_json_undoes_line_breaks_and_keeps_fields():
    fmt, papers = read_file(FORMATS / "hf_daily_papers.json")
    assert fmt == "json"
    zipformer = papers[0]
    assert zipformer.title == ZIPFORMER
    assert zipformer.abstract.startswith("We describe a faster encoder that improves on the Conformer")
    assert (zipformer.arxiv_id, zipformer.published, zipformer.upvotes) == ("2310.11230", "2023-10-17", 12)
    assert zipformer.authors == ["Ada Example", "Bo Sample"]
    assert zipformer.repos == ["k2-fsa/icefall"]
    # machine-made keywords are kept as an attribute, not as methods
    assert zipformer.extra["ai_keywords"] == ["Zipformer", "Conformer", "BiasNorm"]


def test_hf_single_paper_and_wrapped_lists(tmp_path):
    assert [p.arxiv_id for p in read_file(FORMATS / "hf_paper.json")[1]] == ["2502.00002"]
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"dailyPapers": json.loads((FORMATS / "hf_daily_papers.json").read_text())}))
    assert [p.arxiv_id for p in read_file(wrapped)[1]] == ["2310.11230", "2501.00001"]


def test_saved_hf_pages_read_the_embedded_data_then_the_cards():
    fmt, papers = read_file(FORMATS / "hf_listing.html")
    assert fmt == "hf-html"
    assert [p.arxiv_id for p in papers] == ["2310.11230", "2501.00001"]
    assert papers[0].abstract.startswith("We describe a faster encoder")
    fmt, cards = read_file(FORMATS / "hf_cards_only.html")
    assert [(p.arxiv_id, p.abstract) for p in cards] == [("2501.00001", ""), ("2502.00002", "")]


def test_html_that_is_not_a_hf_page_is_an_error(tmp_path):
    page = tmp_path / "blog.html"
    page.write_text("<!doctype html><html><body><h1>My blog</h1><p>Nothing here.</p></body></html>")
    with pytest.raises(InputError, match="blog.html: HTML page without Hugging Face paper data"):
        read_file(page)


def test_arxiv_atom_feed_and_error_feed():
    fmt, papers = read_file(FORMATS / "arxiv_feed.xml")
    assert fmt == "arxiv-atom"
    zipformer, gqa = papers
    assert zipformer.title == ZIPFORMER and zipformer.arxiv_id == "2310.11230"
    assert zipformer.abstract.startswith("A faster, more memory-efficient encoder")
    assert zipformer.extra["categories"] == ["eess.AS", "cs.CL"]
    assert zipformer.repos == ["k2-fsa/icefall"]
    assert (gqa.doi, gqa.published) == ("10.1234/example.5678", "2025-03-01")
    with pytest.raises(InputError, match="arXiv API error: incorrect id format for not-an-id"):
        read_file(FORMATS / "arxiv_error.xml")


def test_bibtex_entries_with_and_without_abstracts():
    fmt, papers = read_file(FORMATS / "library.bib")
    assert fmt == "bibtex"
    zipformer, gqa, title_only = papers
    assert zipformer.title == ZIPFORMER and zipformer.arxiv_id == "2310.11230"
    assert zipformer.abstract.startswith("A faster encoder than the Conformer")
    assert zipformer.repos == ["k2-fsa/icefall"] and zipformer.year == 2023
    assert gqa.doi == "10.1234/example.5678" and gqa.abstract == ""
    assert title_only.title == "A Title-Only Entry about Cafe Transformers"
    assert title_only.arxiv_id == "2404.00004"


def test_the_same_paper_from_every_format_and_the_seeds_merges_into_one(seeds_dir):
    sources = [seeds_dir, *(FORMATS / name for name in
               ("hf_daily_papers.json", "hf_listing.html", "arxiv_feed.xml", "library.bib"))]
    papers, _ = merge_papers(read_sources(sources).records)
    matches = [p for p in papers if p.title_key.startswith("zipformer a faster and better encoder")]
    assert len(matches) == 1
    (zipformer,) = matches
    assert zipformer.arxiv_id == "2310.11230"
    # the richer record's fields win: the seed's full abstract, the API's upvotes and authors
    assert zipformer.abstract.startswith("The Conformer has become")
    assert zipformer.upvotes == 12 and zipformer.authors == ["Ada Example", "Bo Sample"]
    assert len(zipformer.sources) == 5
    gqa = [p for p in papers if p.title == "Grouped Query Attention at Scale"]
    assert len(gqa) == 1 and gqa[0].abstract  # the arXiv abstract beat the abstract-less BibTeX


# --- live sources against fake servers ---------------------------------------------------------

def hf_item(i: int) -> dict:
    return {"paper": {"id": f"2510.{10000 + i}", "title": f"Daily Paper Number {i} on LoRA",
                      "summary": "We fine-tune with LoRA.", "publishedAt": "2025-10-14T00:00:00Z",
                      "authors": [{"name": "A"}], "upvotes": i}}


class FakeHub:
    def __call__(self, seen: Seen) -> Reply:
        url = urlparse(seen.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/api/daily_papers":
            if query.get("date") == "2025-10-14":
                page = int(query.get("p", 0))
                count = 100 if page == 0 else 3  # two pages
                return Reply(200, [hf_item(page * 100 + i) for i in range(count)])
            if query.get("week") == "2025-W42":
                return Reply(200, [hf_item(1)])
            if query.get("date") == "2025-10-15":
                return Reply(429, {"error": "slow down"})
            if query.get("date") == "2025-10-16":
                return Reply(200, "{not json")
            return Reply(404, {"error": "no papers"})
        if url.path == "/api/papers/2310.11230":
            return Reply(200, json.loads((FORMATS / "hf_daily_papers.json").read_text())[0]["paper"])
        if url.path == "/api/query":
            return Reply(200, (FORMATS / "arxiv_feed.xml").read_text(),
                         {"Content-Type": "application/atom+xml"})
        return Reply(404, {"error": "not found"})


@pytest.fixture
def live(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRAPHX_HTTP_BACKOFF", "0")
    monkeypatch.setenv("GRAPHX_ARXIV_DELAY", "0")
    with FakeServer(FakeHub()) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("ARXIV_API_URL", f"{server.url}/api/query")
        yield server, tmp_path
    http.close_all()


def test_live_hf_day_follows_pagination_and_second_run_uses_the_cache(live):
    server, tmp_path = live
    args = ["build", "hf:2025-10-14", "--out", str(tmp_path / "out"), "--no-export", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["papers"] == 103
    sent = len(server.requests)
    assert sent == 2
    offline = runner.invoke(app, [*args, "--offline"])
    assert offline.exit_code == 0 and len(server.requests) == sent
    assert json.loads(offline.output)["papers"] == 103


def test_live_hf_urls_weeks_and_single_papers_merge_with_arxiv(live):
    server, tmp_path = live
    result = runner.invoke(app, ["build", "https://huggingface.co/papers/week/2025-W42",
                                 "hf:2310.11230", "arxiv:2310.11230,2503.00003",
                                 "--out", str(tmp_path / "out"), "--no-export"])
    assert result.exit_code == 0, result.output
    papers = {p.title: p for p in store.load(tmp_path / "out" / "graphx.db").papers}
    assert len(papers) == 3  # the week's paper, Zipformer (HF + arXiv merged), GQA
    assert len(papers[ZIPFORMER].sources) == 2
    arxiv_requests = [r for r in server.requests if r.path.startswith("/api/query")]
    assert len(arxiv_requests) == 1 and "id_list=2310.11230%2C2503.00003" in arxiv_requests[0].path


def test_live_failures_are_one_line_each_and_the_rest_continues(live):
    server, tmp_path = live
    result = runner.invoke(app, ["build", "hf:2025-10-14", "hf:2025-10-15", "hf:2025-10-16",
                                 "hf:1999-01-01", "hf:yesterday", "--out", str(tmp_path / "out"),
                                 "--no-export"])
    assert result.exit_code == 0, result.output
    lines = result.output
    assert "skipped hf:2025-10-15: rate limited (HTTP 429)" in lines
    assert "skipped hf:2025-10-16: the answer was not JSON" in lines
    assert "skipped hf:1999-01-01: not found (HTTP 404)" in lines
    assert "skipped hf:yesterday: not a day" in lines
    assert "103 papers" in lines and "Traceback" not in lines
