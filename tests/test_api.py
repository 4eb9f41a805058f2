"""The Python API: graphx.open / load / build, as a notebook user would call them."""

from __future__ import annotations

import pytest

import graphx
from graphx.errors import NotFoundError, StoreError
from graphx.query import AmbiguousError

CONFORMER = "Conformer: Convolution-augmented Transformer for Speech Recognition"


def test_open_answers_the_cli_questions_as_plain_data(seed_db):
    g = graphx.open(seed_db)
    assert [n["title"] for n in g.neighbors("Zipformer", kind="builds_on")] == [CONFORMER]
    assert g.resolve("Branchformer")["title"].startswith("Branchformer:")
    paper = g.paper("Zipformer")
    assert paper["builds_on"]["out"][0]["title"] == CONFORMER
    method = g.method("Conformer")
    assert method["introduced_by"]["title"] == CONFORMER
    assert g.methods(category="speech")[0]["name"] == "Conformer"
    hops = g.path("Zipformer", "FlashAttention")
    assert hops and hops[-1]["to"]["title"].startswith("FlashAttention:")
    assert g.path("Zipformer", "Zipformer") == []
    assert g.stats()["papers"] == 231
    assert len(g.repos(limit=5)) == 5


def test_open_raises_the_projects_errors(seed_db, tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        graphx.open(tmp_path / "missing.db")
    g = graphx.open(seed_db)
    with pytest.raises(AmbiguousError) as ambiguous:
        g.neighbors("transformer")
    assert len(ambiguous.value.candidates) >= 2
    with pytest.raises(NotFoundError, match="did you mean"):
        g.paper("Zipformr")


def test_to_networkx_and_load_give_the_same_typed_graph(seed_db):
    loaded = graphx.load(str(seed_db))
    opened = graphx.open(seed_db).to_networkx()
    assert loaded.number_of_nodes() == opened.number_of_nodes()
    assert loaded.number_of_edges() == opened.number_of_edges()
    types = {data["type"] for _, data in loaded.nodes(data=True)}
    assert types == {"paper", "method", "repo"}
    kinds = {data["kind"] for _, _, data in loaded.edges(data=True)}
    assert {"mentions", "introduces", "has_code", "shares_method", "builds_on"} <= kinds
    zipformer = graphx.open(seed_db).resolve("Zipformer")["id"]
    conformer = graphx.open(seed_db).resolve(CONFORMER)["id"]
    assert loaded.has_edge(zipformer, conformer, key="builds_on")


def test_build_returns_a_graph_and_saves_a_queryable_store(seeds_dir, tmp_path):
    graph = graphx.build([str(seeds_dir / "000_74c2992204cf1ae4.txt")], out=str(tmp_path),
                         jobs=1, exports=())
    papers = [n for n, data in graph.nodes(data=True) if data["type"] == "paper"]
    assert papers
    g = graphx.open(tmp_path / "graphx.db")
    assert g.stats()["papers"] == len(papers)
