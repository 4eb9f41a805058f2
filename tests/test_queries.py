"""Queries through the CLI on the real seed build: neighbors, paper, method(s), path, repos."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphx import pipeline, store
from graphx.cli import app
from graphx.model import Edge, Repo
from graphx.papers import Paper

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

CONFORMER = "Conformer: Convolution-augmented Transformer for Speech Recognition"


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def run_json(*args: str):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    """A store built through the library with arXiv ids, a cites edge, enriched repos and a
    paper linked to nothing."""
    papers = [
        Paper("Conformer: Convolution-augmented Transformer for Speech Recognition",
              "We propose Conformer, combining convolution and self-attention.",
              arxiv_id="2005.08100", published="2020-05-16", repos=["sooftware/conformer"]),
        Paper("Zipformer: A faster and better encoder for speech recognition",
              "We propose Zipformer. It improves on the Conformer encoder.",
              arxiv_id="2310.11230", published="2023-10-17", repos=["k2-fsa/icefall"]),
        Paper("Squeezeformer: An Efficient Transformer for Speech Recognition",
              "Squeezeformer revisits the Conformer architecture.", arxiv_id="2206.00888",
              published="2022-06-02", repos=["k2-fsa/icefall"]),
        Paper("A lonely survey of gardening", "Nothing about models at all.", arxiv_id="2401.00001",
              published="2024-01-01"),
    ]
    graph = pipeline.assemble(papers, jobs=1)
    graph.edges.append(Edge("2310.11230", "2005.08100", "cites"))
    graph.repos["k2-fsa/icefall"] = Repo("k2-fsa/icefall", status="ok", stars=1200,
                                         language="Python", license="Apache-2.0")
    graph.repos["sooftware/conformer"] = Repo("sooftware/conformer", status="ok", stars=900,
                                              language="Python")
    db = tmp_path_factory.mktemp("small") / "graphx.db"
    store.save(graph, db)
    return db


# ---------------------------------------------------------------- neighbors


def test_neighbors_zipformer_ranks_conformer_family_first_and_shows_the_conformer_link(seed_db):
    data = run_json("neighbors", "Zipformer", "--db", seed_db)
    assert data["paper"]["title"].startswith("Zipformer:")
    top = data["neighbors"][:3]
    assert any("Conformer" in link["methods"] for n in top for link in n["links"])
    conformer = next(n for n in data["neighbors"] if n["title"] == CONFORMER)
    link = next(x for x in conformer["links"] if x["kind"] == "builds_on")
    assert (link["direction"], link["methods"]) == ("out", ["Conformer"])
    weights = [n["weight"] for n in data["neighbors"]]
    assert weights == sorted(weights, reverse=True)

    table = run("neighbors", "Zipformer", "--db", seed_db)
    assert table.exit_code == 0
    assert "builds_on →" in table.stdout and "Conformer:" in table.stdout


def test_neighbors_branchformer_is_the_paper_that_introduced_it(seed_db):
    data = run_json("neighbors", "Branchformer", "--db", seed_db, "--limit", "3")
    assert data["paper"]["title"].startswith("Branchformer:")
    assert data["paper"]["matched_by"] == "introduces Branchformer"
    # the word is in two titles, so a fragment search alone would have been ambiguous
    fragment = run("neighbors", "branchformer parallel", "--db", seed_db, "--json")
    assert json.loads(fragment.stdout)["paper"]["id"] == data["paper"]["id"]


def test_builds_on_finds_the_papers_built_on_flashattention(seed_db):
    data = run_json("neighbors", "FlashAttention", "--kind", "builds_on", "--db", seed_db,
                    "--limit", "50")
    assert data["paper"]["title"].startswith("FlashAttention:")
    titles = [n["title"] for n in data["neighbors"]]
    assert len(titles) >= 5
    assert any(t.startswith("FlashAttention-2") for t in titles)
    for n in data["neighbors"]:
        assert [(x["kind"], x["direction"]) for x in n["links"]] == [("builds_on", "in")]
        assert "FlashAttention" in n["links"][0]["methods"]


def test_method_filter_keeps_edges_explained_by_that_method(seed_db):
    data = run_json("neighbors", "Zipformer", "--method", "conformer", "--db", seed_db)
    assert data["method"] == "Conformer"
    assert data["neighbors"]
    for n in data["neighbors"]:
        assert all("Conformer" in link["methods"] for link in n["links"])


def test_limit_caps_rows_and_total_counts_all(seed_db):
    data = run_json("neighbors", "Zipformer", "--db", seed_db, "--limit", "2")
    assert len(data["neighbors"]) == 2
    assert data["total"] > 2
    table = run("neighbors", "Zipformer", "--db", seed_db, "--limit", "2")
    assert f"(2 of {data['total']}; --limit N shows more)" in table.stdout


def test_neighbors_json_shape(seed_db):
    data = run_json("neighbors", "Zipformer", "--db", seed_db, "--limit", "1")
    assert set(data) == {"paper", "kind", "method", "total", "neighbors"}
    assert set(data["paper"]) == {"id", "title", "published", "matched_by"}
    row = data["neighbors"][0]
    assert set(row) == {"id", "title", "published", "weight", "links"}
    assert set(row["links"][0]) == {"kind", "direction", "weight", "methods"}


def test_an_ambiguous_fragment_lists_candidates_and_exits_1(seed_db):
    result = run("neighbors", "transformer", "--db", seed_db)
    assert result.exit_code == 1
    first, *candidates = result.stderr.strip().splitlines()
    assert first.startswith('error: "transformer" matches') and "papers" in first
    papers = [c for c in candidates if c.startswith("  t-")]
    assert len(papers) >= 2 and all(c.startswith("  t-") or "more" in c or "is also a method" in c
                                    for c in candidates)
    assert result.stdout == ""


def test_an_ambiguous_method_name_points_to_graphx_method(seed_db):
    result = run("neighbors", "speculative decoding", "--db", seed_db)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        '"speculative decoding" is also a method: graphx method "speculative decoding" lists its papers')
    assert run("method", "speculative decoding", "--db", seed_db).exit_code == 0


def test_no_match_is_one_line_with_did_you_mean(seed_db):
    result = run("neighbors", "Zipformr", "--db", seed_db)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert 'did you mean "Zipformer"?' in result.stderr
    nothing = run("paper", "qqqq zzzz wwww", "--db", seed_db)
    assert nothing.exit_code == 1 and "no paper matches" in nothing.stderr
    assert "did you mean" not in nothing.stderr


def test_paper_queries_resolve_by_id_arxiv_url_and_title(small_db):
    for query in ("2310.11230", "https://arxiv.org/abs/2310.11230v2", "arXiv:2310.11230",
                  "zipformer a faster and better encoder for speech recognition!",
                  "Zipformer"):
        data = run_json("neighbors", query, "--db", small_db)
        assert data["paper"]["id"] == "2310.11230", query


def test_cites_edges_are_neighbours_and_references(small_db):
    data = run_json("neighbors", "Zipformer", "--kind", "cites", "--db", small_db)
    assert [(n["id"], n["links"][0]["direction"]) for n in data["neighbors"]] == [
        ("2005.08100", "out")]
    back = run_json("neighbors", "2005.08100", "--kind", "cites", "--db", small_db)
    assert [(n["id"], n["links"][0]["direction"]) for n in back["neighbors"]] == [
        ("2310.11230", "in")]
    paper = run_json("paper", "Conformer", "--db", small_db)
    assert [p["id"] for p in paper["cites"]["cited_by"]] == ["2310.11230"]
    text = run("paper", "Zipformer", "--db", small_db)
    assert "References in the corpus:" in text.stdout and CONFORMER in text.stdout


def test_a_paper_with_no_links_has_no_neighbours(small_db):
    result = run("neighbors", "gardening", "--db", small_db)
    assert result.exit_code == 0 and "(none)" in result.stdout


# ---------------------------------------------------------------- paper


def test_paper_shows_methods_repos_and_builds_on_both_ways(seed_db):
    data = run_json("paper", "Zipformer", "--db", seed_db)
    assert "Zipformer" in data["introduces"]
    assert "Conformer" in data["methods"]
    assert [r["name"] for r in data["repos"]] == ["k2-fsa/icefall"]
    assert [p["title"] for p in data["builds_on"]["out"]] == [CONFORMER]
    conformer = run_json("paper", CONFORMER, "--db", seed_db)
    assert "Zipformer: A faster and better encoder for automatic speech recognition" in [
        p["title"] for p in conformer["builds_on"]["in"]]
    text = run("paper", "Zipformer", "--db", seed_db)
    assert text.exit_code == 0
    for label in ("Title: Zipformer", "Introduces:", "Methods:", "Code: https://github.com/k2-fsa/icefall",
                  "Builds on:"):
        assert label in text.stdout


def test_paper_repos_carry_github_metadata_when_enriched(small_db):
    data = run_json("paper", "Zipformer", "--db", small_db)
    repo = data["repos"][0]
    assert (repo["name"], repo["stars"], repo["language"]) == ("k2-fsa/icefall", 1200, "Python")
    text = run("paper", "Zipformer", "--db", small_db)
    assert "★ 1200, Python, Apache-2.0" in text.stdout


# ---------------------------------------------------------------- methods


def test_method_shows_introducer_aliases_and_papers(seed_db):
    data = run_json("method", "conformer", "--db", seed_db)
    assert data["name"] == "Conformer"
    assert data["introduced_by"]["title"] == CONFORMER
    assert data["paper_count"] >= 5 and data["papers_building_on_it"] >= 4
    titles = [p["title"] for p in data["papers"]]
    assert any(t.startswith("Zipformer") for t in titles)
    assert [p["introduces"] for p in data["papers"] if p["title"] == CONFORMER] == [True]
    # the methods introduced by papers that use Conformer, never Conformer itself
    assert {"Zipformer", "Squeezeformer", "E-Branchformer"} <= set(data["methods_built_on_it"])
    assert "Conformer" not in data["methods_built_on_it"]
    alias = data["aliases"][0]
    assert run_json("method", alias, "--db", seed_db)["id"] == data["id"]
    missing = run("method", "Conformr", "--db", seed_db)
    assert missing.exit_code == 1 and 'did you mean "Conformer"?' in missing.stderr


def test_methods_lists_a_category_by_paper_count(seed_db):
    data = run_json("methods", "--category", "Speech", "--db", seed_db)
    assert data["methods"] and all(m["category"] == "speech" for m in data["methods"])
    counts = [m["papers"] for m in data["methods"]]
    assert counts == sorted(counts, reverse=True)
    assert data["methods"][0]["name"] == "Conformer"
    unknown = run("methods", "--category", "cooking", "--db", seed_db)
    assert unknown.exit_code == 1 and "known:" in unknown.stderr and "speech" in unknown.stderr
    search = run_json("methods", "--search", "former", "--db", seed_db)
    names = [m["name"] for m in search["methods"]]
    assert {"Conformer", "Branchformer"} <= set(names) and "FlashAttention" not in names


# ---------------------------------------------------------------- path


def test_path_explains_each_hop(seed_db):
    data = run_json("path", "Zipformer", "FlashAttention", "--db", seed_db)
    hops = data["hops"]
    assert hops[0]["from"]["id"] == data["source"]["id"]
    assert hops[-1]["to"]["id"] == data["target"]["id"]
    for before, after in zip(hops, hops[1:], strict=False):
        assert before["to"]["id"] == after["from"]["id"]
    for hop in hops:
        assert hop["kind"] in ("shares_method", "builds_on", "same_repo", "cites")
        assert hop["methods"]
    text = run("path", "Zipformer", "FlashAttention", "--db", seed_db)
    assert f"{len(hops)} step" in text.stdout
    assert f"    {hops[0]['kind']}" in text.stdout and hops[0]["methods"][0] in text.stdout


def test_path_is_shortest_and_follows_directed_edges_backwards(small_db):
    data = run_json("path", "Squeezeformer", "Conformer", "--kind", "builds_on", "--db", small_db)
    assert [(h["kind"], h["direction"]) for h in data["hops"]] == [("builds_on", "forward")]
    back = run_json("path", "Conformer", "Squeezeformer", "--kind", "builds_on", "--db", small_db)
    assert [(h["kind"], h["direction"]) for h in back["hops"]] == [("builds_on", "backward")]


def test_no_path_exits_1_with_one_line(small_db):
    result = run("path", "Zipformer", "gardening", "--db", small_db)
    assert result.exit_code == 1
    assert "no path between" in result.stderr and result.stderr.count("\n") == 1


# ---------------------------------------------------------------- repos, errors, speed


def test_repos_by_stars(small_db, seed_db):
    data = run_json("repos", "--db", small_db)
    assert [(r["name"], r["stars"], r["papers"]) for r in data["repos"]] == [
        ("k2-fsa/icefall", 1200, 2), ("sooftware/conformer", 900, 1)]
    seeds = run("repos", "--db", seed_db, "--limit", "3")
    assert seeds.exit_code == 0 and "graphx enrich github" in seeds.stdout
    # before enrichment there are no stars to show: no empty Stars/Language/Licence columns
    header = seeds.stdout.splitlines()[0].split()
    assert header[0] == "Repository" and "Stars" not in header and "Licence" not in header
    enriched = run("repos", "--db", small_db).stdout.splitlines()[0].split()
    assert enriched[:3] == ["Repository", "Stars", "Language"]


def test_columns_empty_in_every_row_are_left_out(small_db, seed_db):
    dated = run("method", "conformer", "--db", small_db).stdout
    assert "Date" in dated and "2023-10-17" in dated
    # the seed listings carry no dates: no Date column, the titles get its width
    undated = run("method", "conformer", "--db", seed_db).stdout
    assert "Date" not in undated and "Zipformer: A faster and better encoder" in undated


@pytest.mark.parametrize("command", [["neighbors", "x"], ["paper", "x"], ["method", "x"],
                                     ["methods"], ["path", "x", "y"], ["repos"]])
def test_a_missing_store_is_one_line(command, tmp_path):
    result = run(*command, "--db", tmp_path / "nope.db")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no store here" in result.stderr


def test_version_is_the_package_version():
    import re

    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "(.+)"$', pyproject, re.M)[1]
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"graphx {version}\n"


def test_build_help_names_every_input_format_and_a_live_source():
    from graphx.sources import formats

    # the help is wrapped at 80 columns, hyphenated names included ("hf-\n html")
    text = " ".join(run("build", "--help").stdout.split()).replace("- ", "-")
    assert all(name in text for name in formats()) and "hf:2025-10-14" in text


@pytest.mark.parametrize("command", ["neighbors", "paper", "method", "methods", "path", "repos"])
def test_every_query_command_has_an_example_and_json(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert f"Example: graphx {command}" in result.stdout and "--json" in result.stdout


def test_a_query_process_loads_no_heavy_library(seed_db):
    """The whole CLI process stays light: no networkx, requests or pyvis import for a query."""
    code = (
        "import sys; from graphx.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'networkx', 'requests', 'pyvis'}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, "neighbors", "Zipformer", "--db",
                           str(seed_db), "--json"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------- incremental builds


def test_adding_a_source_twice_changes_nothing(seeds_dir, tmp_path):
    first, second = sorted(seeds_dir.iterdir())[:2]
    out = tmp_path / "out"
    assert run("build", first, "--out", out, "--no-export", "--jobs", "1").exit_code == 0
    alone = run_json("stats", "--db", out / "graphx.db")
    added = run("build", second, "--out", out, "--no-export", "--jobs", "1", "--add")
    assert added.exit_code == 0, added.output
    once = run_json("stats", "--db", out / "graphx.db")
    assert once["papers"] > alone["papers"]
    edges_once = run_json("neighbors", "Zipformer", "--db", out / "graphx.db", "--limit", "100")
    again = run("build", second, "--out", out, "--no-export", "--jobs", "1", "--add")
    assert again.exit_code == 0, again.output
    twice = run_json("stats", "--db", out / "graphx.db")
    assert {k: v for k, v in twice.items() if k != "built_at"} == {
        k: v for k, v in once.items() if k != "built_at"}
    assert run_json("neighbors", "Zipformer", "--db", out / "graphx.db", "--limit", "100") == edges_once


def test_seed_citations_show_in_neighbors_and_paper(seeds_dir, tmp_path, monkeypatch):
    """Issue 9's promise: after --citations, `neighbors Zipformer --kind cites` shows cited seeds."""
    from fake_http import FakeServer
    from test_citations import CHUNKFORMER, EBRANCH, MEMORY, FakeS2

    from graphx import http

    monkeypatch.setenv("GRAPHX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRAPHX_HTTP_BACKOFF", "0")
    try:
        with FakeServer(FakeS2()) as server:
            monkeypatch.setenv("S2_API_URL", server.url)
            built = run("build", seeds_dir, "--out", tmp_path / "out", "--citations", "--rate", "0",
                        "--no-export", "--jobs", "1")
            assert built.exit_code == 0, built.output
    finally:
        http.close_all()
    db = tmp_path / "out" / "graphx.db"
    data = run_json("neighbors", "Zipformer", "--kind", "cites", "--db", db)
    assert {(n["title"], n["links"][0]["direction"]) for n in data["neighbors"]} == {
        (EBRANCH, "out"), (MEMORY, "out"), (CHUNKFORMER, "in")}
    table = run("neighbors", "Zipformer", "--kind", "cites", "--db", db)
    assert "cites →" in table.stdout and "← cites" in table.stdout
    paper = run_json("paper", "Zipformer", "--db", db)
    assert {p["title"] for p in paper["cites"]["references"]} == {EBRANCH, MEMORY}
    assert [p["title"] for p in paper["cites"]["cited_by"]] == [CHUNKFORMER]
    assert paper["citation_count"] == 103
