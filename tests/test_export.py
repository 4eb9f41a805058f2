"""Exports of the seed store and of crafted graphs: HTML (static checks), GraphML, JSON."""

from __future__ import annotations

import json
import os
import re

import pytest
from export_fixtures import HOSTILE_TITLE, hostile_graph, synthetic_graph

from graphx.errors import GraphxError
from graphx.export import atomic_write, write
from graphx.export.html import page_data, script_json
from graphx.export.json import to_document
from graphx.model import Mention, Method


def embedded_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="graphx-data">(.*?)</script>', page, re.S)
    assert match, "the page embeds its data"
    return json.loads(match.group(1))


# ---- HTML --------------------------------------------------------------------------------------

def test_build_writes_the_default_exports(seed_build):
    folder = seed_build.db_path.parent
    for name in ("graph.html", "graph.graphml", "graph.json"):
        assert (folder / name).stat().st_size > 0


def test_a_build_lays_its_graph_out_once_and_gephi_gets_the_pages_positions(seeds_dir, tmp_path,
                                                                            monkeypatch):
    import xml.etree.ElementTree as ET

    from graphx import pipeline
    from graphx.export import html

    layouts = []
    real_layout = html.layout
    monkeypatch.setattr(html, "layout", lambda *a, **k: layouts.append(1) or real_layout(*a, **k))
    pipeline.build([seeds_dir], out=tmp_path, jobs=1)
    assert len(layouts) == 1  # the HTML page and the GraphML's x/y share one layout
    page = embedded_data((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert page["meta"]["title"] == "graphx: 231 papers"
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(tmp_path / "graph.graphml").getroot()
    keys = {k.get("attr.name"): k.get("id") for k in root.iterfind("g:key", ns)}
    gephi = {}
    for node in root.iterfind("g:graph/g:node", ns):
        data = {d.get("key"): d.text for d in node.iterfind("g:data", ns)}
        gephi[node.get("id")] = (float(data[keys["x"]]), float(data[keys["y"]]))
    assert gephi == {n["id"]: (n["x"], n["y"]) for n in page["nodes"]}


def test_html_is_self_contained(seed_build):
    page = (seed_build.db_path.parent / "graph.html").read_text(encoding="utf-8")
    # nothing is loaded from anywhere: no external script, style, image or font
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "@import" not in page and "cdn" not in page.lower().replace("cdnjs", "")
    assert "default-src 'none'" in page  # and the browser is told to refuse any request
    assert "vis.Network" in page and "window.network = network" in page


def test_html_embeds_every_node_and_edge_of_the_store(seed_build):
    graph = seed_build.graph
    data = embedded_data((seed_build.db_path.parent / "graph.html").read_text(encoding="utf-8"))
    types = {}
    for node in data["nodes"]:
        types[node["type"]] = types.get(node["type"], 0) + 1
        assert isinstance(node["x"], float) and isinstance(node["y"], float)
    used = {m.method_id for m in graph.mentions}
    assert types == {"paper": len(graph.papers), "method": len(used), "repo": len(graph.repos)}
    kinds = {}
    for edge in data["edges"]:
        kinds[edge["kind"]] = kinds.get(edge["kind"], 0) + 1
    assert kinds["shares_method"] == sum(e.kind == "shares_method" for e in graph.edges)
    assert kinds["mentions"] + kinds["introduces"] == len(graph.mentions)
    assert kinds["has_code"] == sum(len(p.repos) for p in graph.papers)
    zipformer = next(n for n in data["nodes"] if n.get("title", "").startswith("Zipformer:"))
    assert zipformer["label"] == "Zipformer" and "Conformer" in zipformer["methods"]
    assert data["meta"]["communities"], "papers are coloured by community"


def test_html_layout_is_stable_across_runs(seed_build):
    first = page_data(seed_build.graph)
    second = page_data(seed_build.graph)
    assert [(n["x"], n["y"]) for n in first["nodes"]] == [(n["x"], n["y"]) for n in second["nodes"]]


def test_community_names_break_ties_by_name_in_every_process(tmp_path):
    """Two methods every paper of a community mentions: the legend names them alphabetically
    (it used to follow a set's order, which changes with each process's hash seed)."""
    import subprocess
    import sys

    from graphx import store

    graph = synthetic_graph(30, methods=5)
    for paper in graph.papers:
        graph.mentions += [Mention(paper.id, "m-zeta"), Mention(paper.id, "m-alpha")]
    graph.methods["m-zeta"] = Method("m-zeta", "Zeta attention")
    graph.methods["m-alpha"] = Method("m-alpha", "Alpha dropout")
    db = store.save(graph, tmp_path / "graphx.db")
    script = ("import sys; from graphx import store; from graphx.export.html import page_data; "
              "print(page_data(store.load(sys.argv[1]))['meta']['communities'][0]['label'])")
    labels = {subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True,
                             text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}
                             ).stdout.strip() for seed in ("1", "2", "3")}
    assert labels == {"Alpha dropout, Zeta attention"}


def test_embedded_json_cannot_end_the_script():
    text = script_json({"a": "</script><script>alert(1)</script><!-- & \u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text)["a"] == "</script><script>alert(1)</script><!-- & \u2028\u2029"


def test_hostile_text_stays_data_in_the_page(tmp_path):
    from graphx.export.html import write_html

    path = write_html(hostile_graph(tmp_path), tmp_path / "hostile.html", title=HOSTILE_TITLE)
    page = path.read_text(encoding="utf-8")
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in page
    assert HOSTILE_TITLE not in page  # only escaped forms appear anywhere
    assert page.count("</script>") == 3  # data, vis-network, our script: nothing injected
    assert "alert(2)" in page and "<script>alert" not in page
    data = embedded_data(page)
    assert any(n.get("title") == HOSTILE_TITLE for n in data["nodes"])


def test_html_beyond_the_cap_says_what_was_left_out(tmp_path):
    from graphx.export import write_default_exports

    graph = synthetic_graph(300)
    from graphx import views

    page_path = write(views.default_view(graph, max_nodes=100), "html", tmp_path / "cap.html")
    data = embedded_data(page_path.read_text(encoding="utf-8"))
    assert data["meta"]["truncated_from"] == 300
    assert sum(n["type"] == "paper" for n in data["nodes"]) == 100
    assert "best-connected of" in page_path.read_text(encoding="utf-8")  # the note's wording
    # the default exports of a small graph are whole
    written = write_default_exports(graph, tmp_path / "out", ["html"])
    assert embedded_data(written[0].read_text(encoding="utf-8"))["meta"]["truncated_from"] is None


# ---- atomic writes -------------------------------------------------------------------------------

def test_a_failed_export_leaves_the_previous_file(tmp_path):
    target = tmp_path / "graph.html"
    target.write_text("previous")

    def boom(tmp):
        tmp.write_text("half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


# ---- exports of a large build, written side by side by forked processes -----------------------

EXPORT_FILES = ("graph.html", "graph.graphml", "graph.json")



def test_a_large_build_writes_its_exports_side_by_side_byte_for_byte(seeds_dir, tmp_path,
                                                                     monkeypatch, fixed_clock):
    from graphx import atomic, parallel, pipeline

    pipeline.build([seeds_dir], out=tmp_path / "one", jobs=1)
    forks = []
    real_fork = os.fork

    def counted_fork():
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted_fork)
    monkeypatch.setattr(pipeline, "OVERLAP_THRESHOLD", 1)  # the seeds count as a large build
    two = pipeline.build([seeds_dir], out=tmp_path / "two", jobs=2)
    assert len(forks) == 2  # the store's facts, then JSON beside this process's HTML and GraphML
    for name in EXPORT_FILES:
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    assert two.outputs == [tmp_path / "two" / name for name in EXPORT_FILES]
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == sorted(
        [".graphx.lock", "graphx.db", *EXPORT_FILES])  # no temporary file left
    for name in EXPORT_FILES:  # the files the forked processes wrote get a plain file's mode
        assert (tmp_path / "two" / name).stat().st_mode & 0o777 == atomic.FILE_MODE
    assert parallel._frozen == [0]


def test_small_builds_and_one_job_write_their_exports_in_one_process(seeds_dir, tmp_path,
                                                                     monkeypatch, fixed_clock):
    from graphx import pipeline

    def no_fork():
        raise AssertionError("forked")

    monkeypatch.setattr(os, "fork", no_fork)
    pipeline.build([seeds_dir], out=tmp_path / "small", jobs=2)  # 231 papers: below the threshold
    monkeypatch.setattr(pipeline, "OVERLAP_THRESHOLD", 1)
    pipeline.build([seeds_dir], out=tmp_path / "one-job", jobs=1)
    for name in EXPORT_FILES:
        assert (tmp_path / "small" / name).read_bytes() == (tmp_path / "one-job" / name).read_bytes()


def test_exports_written_aside_are_renamed_with_the_rest_of_the_build_or_not_at_all(
        seed_build, tmp_path):
    from graphx import atomic
    from graphx.export import write_default_exports

    folder = tmp_path / "out"
    folder.mkdir()
    for name in EXPORT_FILES:
        (folder / name).write_text("previous")
    with pytest.raises(RuntimeError), atomic.together():
        write_default_exports(seed_build.graph, folder, ("html", "graphml", "json"), parallel=True)
        # every file written, none renamed yet: they wait for the end of the build, which fails
        assert len([p for p in folder.iterdir() if p.name.endswith(".tmp")]) == 3
        assert all((folder / name).read_text() == "previous" for name in EXPORT_FILES)
        raise RuntimeError("the build fails after its exports")
    assert sorted(p.name for p in folder.iterdir()) == sorted(EXPORT_FILES)
    assert all((folder / name).read_text() == "previous" for name in EXPORT_FILES)


def test_unknown_format_is_a_one_line_error(seed_build, tmp_path):
    with pytest.raises(GraphxError, match="unknown export format 'pdf'"):
        write(seed_build.graph, "pdf", tmp_path / "x.pdf")


# ---- GraphML -------------------------------------------------------------------------------------

def expected_graphml_counts(graph) -> tuple[int, int]:
    """Nodes: papers, methods some paper mentions, repos. Edges: one per node pair and direction
    (relations between the same two nodes are folded into one edge)."""
    used = {m.method_id for m in graph.mentions}
    pairs = {(m.paper_id, m.method_id) for m in graph.mentions}
    pairs |= {(p.id, f"repo:{r}") for p in graph.papers for r in p.repos}
    pairs |= {(e.source, e.target) for e in graph.edges}
    return len(graph.papers) + len(used) + len(graph.repos), len(pairs)


def test_graphml_reads_back_in_networkx_with_every_node_and_relation(seed_build):
    import networkx as nx

    graph = seed_build.graph
    g = nx.read_graphml(seed_build.db_path.parent / "graph.graphml")
    assert (g.number_of_nodes(), g.number_of_edges()) == expected_graphml_counts(graph)
    types = {}
    for _, data in g.nodes(data=True):
        assert data["label"] and data["type"] in ("paper", "method", "repo")
        types[data["type"]] = types.get(data["type"], 0) + 1
        for value in data.values():
            assert isinstance(value, (str, int, float, bool)) and value == value  # no NaN
    assert types["paper"] == len(graph.papers) and types["repo"] == len(graph.repos)
    zipformer = next(d for _, d in g.nodes(data=True) if d["label"].startswith("Zipformer:"))
    assert all(isinstance(d["year"], int) for _, d in g.nodes(data=True) if "year" in d)
    assert "Conformer" in zipformer["methods"].split("; ")
    assert isinstance(zipformer["x"], float)
    # every stored relation survives, even where two relations join the same two papers
    for edge in graph.edges:
        data = g.edges[edge.source, edge.target]
        assert edge.kind in data["kind"].split("+")
        assert data[f"weight_{edge.kind}"] == pytest.approx(edge.weight)
    assert any("+" in d["kind"] for _, _, d in g.edges(data=True)), "folded relations exist"


def test_graphml_reads_back_in_igraph(seed_build):
    igraph = pytest.importorskip("igraph")
    graph = seed_build.graph
    g = igraph.Graph.Read_GraphML(str(seed_build.db_path.parent / "graph.graphml"))
    assert (g.vcount(), g.ecount()) == expected_graphml_counts(graph)
    assert g.is_directed()
    assert set(g.vs["type"]) == {"paper", "method", "repo"}
    assert all(g.vs["label"])
    kinds = {k for value in g.es["kind"] for k in value.split("+")}
    assert {"mentions", "introduces", "has_code", "shares_method", "builds_on"} <= kinds
    assert all(w > 0 for w in g.es["weight"])


def test_graphml_is_xml_safe_stable_and_typed(tmp_path):
    import networkx as nx

    graph = hostile_graph(tmp_path)
    graph.repos["evil/repo"].description = "bell\x07 and null\x00 and <tags> & \"quotes\""
    first = write(graph, "graphml", tmp_path / "a.graphml").read_bytes()
    second = write(graph, "graphml", tmp_path / "b.graphml").read_bytes()
    assert first == second  # ids, order and positions are stable
    g = nx.read_graphml(tmp_path / "a.graphml")
    assert g.nodes["repo:evil/repo"]["description"] == "bell and null and <tags> & \"quotes\""
    assert g.nodes["repo:evil/repo"]["stars"] == 7
    hostile = next(d for _, d in g.nodes(data=True) if d["label"] == HOSTILE_TITLE)
    assert hostile["year"] == 2025 and hostile["published"] == "2025-01-02"
    text = first.decode("utf-8")
    for key, kind in (("year", "int"), ("weight", "double"), ("generic", "boolean")):
        assert f'attr.name="{key}" attr.type="{kind}"' in text


def test_streamed_graphml_equals_the_graph_writer_byte_for_byte(seed_db, tmp_path):
    """`graphx export --format graphml` streams the store from SQL; the file is the one the
    Graph writer makes from the loaded store (positions included: the seeds are small)."""
    from graphx import store, views
    from graphx.export import write_from_store

    expected = write(views.filtered_view(store.load(seed_db)), "graphml", tmp_path / "a.graphml")
    summary = write_from_store(seed_db, "graphml", tmp_path / "b.graphml")
    assert (tmp_path / "b.graphml").read_bytes() == expected.read_bytes()
    assert summary["papers"] == 231 and summary["relations"] == 836
    assert '<data key="x">' in expected.read_text(encoding="utf-8")


def test_streamed_graphml_of_a_big_store_with_hostile_text(tmp_path):
    """Past the size that gets positions, with markup and control characters in the store."""
    from graphx import store, views
    from graphx.export import write_from_store
    from graphx.model import Edge

    graph = synthetic_graph(3000, methods=3000)  # 3,000 papers + ~2,850 methods: no layout
    hostile = hostile_graph(tmp_path)
    hostile.repos["evil/repo"].description = "bell\x07 and <tags> & \"quotes\""
    graph.papers += hostile.papers
    graph.mentions += hostile.mentions
    graph.methods.update(hostile.methods)
    graph.repos.update(hostile.repos)
    graph.edges += hostile.edges
    first, second = graph.papers[0].id, graph.papers[1].id
    graph.edges += [Edge(first, second, "cites", 1.0, []),  # folded with the next one
                    Edge(first, second, "builds_on", 1.25, ["Method 2", "Method 1"])]
    db = store.save(graph, tmp_path / "graphx.db")
    view = views.filtered_view(store.load(db))
    expected = write(view, "graphml", tmp_path / "a.graphml")
    write_from_store(db, "graphml", tmp_path / "b.graphml")
    text = (tmp_path / "b.graphml").read_text(encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")
    assert '<data key="x">' not in text
    assert re.search(r'<data key="kind">(shares_method\+)?builds_on\+cites</data>', text)
    assert "bell and &lt;tags&gt; &amp; \"quotes\"" in text
    # JSON: streamed and from the Graph, the text json.dump writes
    document = json.dumps(to_document(view), ensure_ascii=False, indent=1)
    write_from_store(db, "json", tmp_path / "b.json")
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == document
    assert write(view, "json", tmp_path / "a.json").read_text(encoding="utf-8") == document
    assert "bell\\u0007 and <tags>" in document and "</script><script>alert(2)" in document


def test_streamed_json_equals_json_dump_of_the_document(seed_db, tmp_path):
    from graphx import store, views
    from graphx.export import write_from_store

    view = views.filtered_view(store.load(seed_db))
    document = json.dumps(to_document(view), ensure_ascii=False, indent=1)
    summary = write_from_store(seed_db, "json", tmp_path / "b.json")
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == document
    assert write(view, "json", tmp_path / "a.json").read_text(encoding="utf-8") == document
    assert summary == {**views.summary(view), "format": "json", "out": str(tmp_path / "b.json"),
                       "filters": None, "left_out_papers": 0}


@pytest.mark.parametrize("filters", [
    {}, {"max_nodes": 50}, {"since": "2024-06"}, {"kinds": ["builds_on"]},
    {"kinds": ["mentions", "shares_method"]}, {"kinds": ["has_code", "introduces"]},
    {"min_weight": 3.0}, {"focus": "ZIP", "depth": 2}, {"focus": "ZIP", "depth": 2, "max_nodes": 10},
    {"focus": "ZIP", "depth": 3, "kinds": ["shares_method"], "min_weight": 2.0},
    {"method": "m-conformer"}, {"method": "m-conformer", "focus": "ZIP", "max_nodes": 3},
])
def test_views_read_from_the_store_equal_views_of_the_loaded_graph(seed_db, filters):
    """load_view selects papers in SQL and loads only those: the same view as filtered_view."""
    from graphx import store, views

    graph = store.load(seed_db)
    if filters.get("focus") == "ZIP":
        filters = {**filters, "focus": next(p.id for p in graph.papers
                                            if p.title.startswith("Zipformer:"))}
    expected = views.filtered_view(graph, **filters)
    view = views.load_view(seed_db, **filters)
    assert view.papers == expected.papers and view.edges == expected.edges
    assert (view.methods, view.mentions, view.repos) == (expected.methods, expected.mentions,
                                                         expected.repos)
    assert view.meta == expected.meta


def odd_store(tmp_path):
    """Undated and year-only papers, an id with XML-special characters, a citation folded with a
    relation, an edge to a paper the store lacks, a repo no paper links and one never fetched."""
    from graphx import store
    from graphx.model import Edge, Graph, Repo
    from graphx.papers import Paper

    odd = Paper("Alpha <b>&\"'", arxiv_id="a\"<&>'b ]]> x", published="2024-05-01", repos=["o/r"])
    spring = Paper("Beta", date_text="Spring 2023", repos=["o/r", "missing/x"])
    undated = Paper("Gamma")
    year = Paper("Delta", published="2024")
    ids = [p.id for p in (odd, spring, undated, year)]
    graph = Graph(
        papers=[odd, spring, undated, year],
        methods={"m-x": Method("m-x", "X <m>"), "m-y": Method("m-y", "Y", generic=True)},
        mentions=[Mention(ids[0], "m-x"), Mention(ids[1], "m-x", True), Mention(ids[2], "m-y")],
        repos={"o/r": Repo("o/r", description="]]> </script>"), "un/used": Repo("un/used")},
        edges=[Edge(ids[0], ids[1], "shares_method", 2.0, ["X <m>"]),
               Edge(ids[1], ids[0], "cites", 1.0), Edge(ids[0], ids[1], "cites", 1.0),
               Edge(ids[2], "gone", "cites", 1.0), Edge(ids[1], ids[2], "same_repo", 1.0, ["o/r"])],
        meta={"built_at": "2026-01-01T00:00:00+00:00"})
    return store.save(graph, tmp_path / "graphx.db"), ids


@pytest.mark.parametrize("filters", [
    {}, {"since": "2023"}, {"since": "2024"}, {"since": "2024-05"}, {"kinds": ["mentions"]},
    {"kinds": ["cites"]}, {"kinds": ["has_code", "cites"]}, {"method": "m-x"}, {"max_nodes": 1},
    {"max_nodes": 2, "kinds": ["cites"]}, {"min_weight": 1.5}, {"focus": 0, "depth": 0},
    {"focus": 2, "depth": 2}, {"focus": 0, "since": "2025"},
])
def test_views_of_an_odd_store_equal_views_of_the_loaded_graph(tmp_path, filters):
    from graphx import store, views
    from graphx.export import write_from_store

    db, ids = odd_store(tmp_path)
    if "focus" in filters:
        filters = {**filters, "focus": ids[filters["focus"]]}
    expected = views.filtered_view(store.load(db), **filters)
    view = views.load_view(db, **filters)
    assert (view.papers, view.edges, view.methods, view.mentions, view.repos, view.meta) == (
        expected.papers, expected.edges, expected.methods, expected.mentions, expected.repos,
        expected.meta)
    if not filters:  # and the streamed files are the Graph writers' files
        for name in ("graphml", "json"):
            written = write(expected, name, tmp_path / f"a.{name}").read_bytes()
            write_from_store(db, name, tmp_path / f"b.{name}")
            assert (tmp_path / f"b.{name}").read_bytes() == written, name
        from xml.etree import ElementTree

        nodes = ElementTree.parse(tmp_path / "b.graphml").getroot().iter(
            "{http://graphml.graphdrawing.org/xmlns}node")
        assert ids[0] in {n.get("id") for n in nodes}
        document = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
        assert document["repos"][0]["description"] == "]]> </script>"



# ---- JSON --------------------------------------------------------------------------------------

def test_json_follows_the_documented_schema(seed_build):
    graph = seed_build.graph
    doc = json.loads((seed_build.db_path.parent / "graph.json").read_text(encoding="utf-8"))
    assert set(doc) == {"graphx", "papers", "methods", "repos", "edges"}
    assert set(doc["graphx"]) == {"version", "built", "sources"}
    assert len(doc["graphx"]["sources"]) == 4
    assert len(doc["papers"]) == len(graph.papers)
    assert set(doc["papers"][0]) == {"id", "title", "abstract", "published", "authors", "upvotes",
                                     "arxiv_id", "url", "repos", "methods", "introduces", "sources"}
    assert set(doc["methods"][0]) == {"name", "aliases", "category", "generic", "papers",
                                      "introduced_by"}
    assert set(doc["repos"][0]) >= {"name", "url", "stars", "language", "description",
                                    "pushed_at", "license", "archived", "papers"}
    assert len(doc["edges"]) == len(graph.edges)
    assert set(doc["edges"][0]) == {"source", "target", "kind", "weight", "methods"}
    ids = {p["id"] for p in doc["papers"]}
    assert all(e["source"] in ids and e["target"] in ids for e in doc["edges"])
    icefall = next(r for r in doc["repos"] if r["name"] == "k2-fsa/icefall")
    assert icefall["papers"] and set(icefall["papers"]) <= ids


# ---- graphx export: filters apply to every format ---------------------------------------------

def export_cli(*args: str):
    from typer.testing import CliRunner

    from graphx.cli import app

    return CliRunner().invoke(app, ["export", *args])


def test_export_every_format_through_the_cli(seed_db, tmp_path):
    for name in ("html", "graphml", "json"):
        out = tmp_path / f"all.{name}"
        result = export_cli("--db", str(seed_db), "--format", name, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert f"Wrote {out}: 231 papers" in result.output
        assert out.stat().st_size > 0


def test_export_writes_the_files_build_wrote_from_the_same_store(seed_build, seed_db, tmp_path):
    """`graphx build` writes its exports from the graph in memory, `graphx export` from the
    store: the same three files, build time included (the build's said "built": null)."""
    from graphx import store

    built_at = store.load(seed_db).meta["built_at"]
    for name in ("html", "graphml", "json"):
        out = tmp_path / f"again.{name}"
        assert export_cli("--db", str(seed_db), "--format", name, "--out", str(out)).exit_code == 0
        assert out.read_bytes() == (seed_db.parent / f"graph.{name}").read_bytes(), name
    document = json.loads((seed_db.parent / "graph.json").read_text(encoding="utf-8"))
    assert document["graphx"]["built"] == built_at
    page = (seed_db.parent / "graph.html").read_text(encoding="utf-8")
    assert embedded_data(page)["meta"]["built"] == built_at


def test_export_never_replaces_a_store(seed_db, tmp_path):
    """`--out` naming the store (a slip of the keyboard) replaced it with the export."""
    import shutil

    db = shutil.copy(seed_db, tmp_path / "graphx.db")
    other = shutil.copy(seed_db, tmp_path / "other.db")
    before = db.read_bytes()
    for name, target in (("json", db), ("graphml", db), ("html", other)):
        result = export_cli("--db", str(db), "--format", name, "--out", str(target))
        assert result.exit_code == 1
        assert result.stderr == (f"error: {target}: is an SQLite database (a graphx store?), "
                                 "not replaced by an export; choose another --out\n")
    assert db.read_bytes() == before and other.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_of_a_missing_store_fails_before_writing_anything(tmp_path):
    for name in ("html", "graphml", "json"):
        result = export_cli("--db", str(tmp_path / "none" / "graphx.db"), "--format", name)
        assert result.exit_code == 1 and "no store here" in result.output
        assert not (tmp_path / "none").exists()


def test_export_method_filter_keeps_the_papers_around_one_method(seed_db, seed_build, tmp_path):
    graph = seed_build.graph
    conformer = next(m.id for m in graph.methods.values() if m.name == "Conformer")
    expected = {m.paper_id for m in graph.mentions if m.method_id == conformer}
    out = tmp_path / "conformer.json"
    result = export_cli("--db", str(seed_db), "--format", "json", "--method", "conformer",
                        "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["papers"] == len(expected)
    doc = json.loads(out.read_text())
    assert {p["id"] for p in doc["papers"]} == expected
    assert all("Conformer" in p["methods"] + p["introduces"] for p in doc["papers"])
    assert all(e["source"] in expected and e["target"] in expected for e in doc["edges"])


def test_export_focus_depth_is_an_ego_graph(seed_db, seed_build, tmp_path):
    import networkx as nx

    graph = seed_build.graph
    zipformer = next(p.id for p in graph.papers if p.title.startswith("Zipformer:"))
    near = {zipformer} | {e.target for e in graph.edges if e.source == zipformer} | {
        e.source for e in graph.edges if e.target == zipformer}
    out = tmp_path / "zip.graphml"
    result = export_cli("--db", str(seed_db), "--format", "graphml", "--focus", "Zipformer",
                        "--depth", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(out)
    assert {n for n, d in g.nodes(data=True) if d["type"] == "paper"} == near
    page = tmp_path / "zip.html"
    assert export_cli("--db", str(seed_db), "--focus", "Zipformer", "--out", str(page)).exit_code == 0
    meta = embedded_data(page.read_text(encoding="utf-8"))["meta"]
    assert f"1 link(s) around {zipformer}" in meta["filters"]


def test_export_kind_and_weight_filters(seed_db, seed_build, tmp_path):
    graph = seed_build.graph
    out = tmp_path / "b.json"
    result = export_cli("--db", str(seed_db), "--format", "json", "--kind", "builds_on,has_code",
                        "--min-weight", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    expected = [e for e in graph.edges if e.kind == "builds_on" and e.weight >= 2]
    assert len(doc["edges"]) == len(expected) > 0
    assert {e["kind"] for e in doc["edges"]} == {"builds_on"}
    assert doc["methods"] == [] and doc["repos"]  # mentions dropped, has_code kept


def test_export_max_nodes_keeps_the_best_connected_and_says_so(seed_db, tmp_path):
    out = tmp_path / "top.html"
    result = export_cli("--db", str(seed_db), "--max-nodes", "50", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "50 papers" in result.output and "181 papers left out" in result.output
    data = embedded_data(out.read_text(encoding="utf-8"))
    assert sum(n["type"] == "paper" for n in data["nodes"]) == 50
    assert data["meta"]["truncated_from"] == 231


def test_export_since_keeps_dated_papers(tmp_path):
    from graphx import views

    graph = hostile_graph(tmp_path)  # published 2025-01-02, -03, -04
    assert len(views.filtered_view(graph, since="2025-01-03").papers) == 2
    assert len(views.filtered_view(graph, since="2025").papers) == 3
    assert views.filtered_view(graph, since="2026").papers == []


def test_export_bad_options_are_usage_errors_and_unknown_names_one_line(seed_db, tmp_path):
    for args in (["--format", "pdf"], ["--kind", "cites,bogus"], ["--since", "last week"]):
        result = export_cli("--db", str(seed_db), *args)
        assert result.exit_code == 2, args
    result = export_cli("--db", str(seed_db), "--method", "NoSuchMethod")
    assert result.exit_code == 1
    assert result.output.startswith('error: no method "NoSuchMethod"') and "\n" not in result.output.strip()
    result = export_cli("--db", str(seed_db), "--focus", "the", "--out", str(tmp_path / "x.html"))
    assert result.exit_code == 1 and "matches" in result.output and "papers" in result.output
    assert not (tmp_path / "x.html").exists()


def test_export_names_a_method_or_paper_as_the_query_commands_do(seed_db, tmp_path):
    from typer.testing import CliRunner

    from graphx.cli import app

    # a typo gets the same one-line answer, with the close name, from export and from `method`
    asked = CliRunner().invoke(app, ["method", "Conformr", "--db", str(seed_db)])
    result = export_cli("--db", str(seed_db), "--method", "Conformr", "--out", str(tmp_path / "x.html"))
    assert result.exit_code == asked.exit_code == 1
    assert result.output == asked.output and 'did you mean "Conformer"' in result.output
    assert not (tmp_path / "x.html").exists()
    # an alias and an introduced method's name work as they do in the query commands
    result = export_cli("--db", str(seed_db), "--format", "json", "--method",
                        "convolution-augmented transformer", "--focus", "Zipformer",
                        "--out", str(tmp_path / "x.json"))
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert "Zipformer: A faster and better encoder for automatic speech recognition" in [
        p["title"] for p in doc["papers"]]
    assert all("Conformer" in p["methods"] + p["introduces"] for p in doc["papers"])


def test_repo_metadata_and_citations_reach_every_format(tmp_path):
    import networkx as nx

    graph = hostile_graph(tmp_path)
    doc = json.loads(write(graph, "json", tmp_path / "g.json").read_text(encoding="utf-8"))
    repo = doc["repos"][0]
    assert (repo["stars"], repo["forks"], repo["license"], repo["topics"]) == (7, 3, "MIT",
                                                                               ["lora", "<u>x</u>"])
    assert any(e["kind"] == "cites" for e in doc["edges"])
    g = nx.read_graphml(write(graph, "graphml", tmp_path / "g.graphml"))
    node = g.nodes["repo:evil/repo"]
    assert (node["stars"], node["forks"], node["license"], node["created_at"]) == (
        7, 3, "MIT", "2024-05-01")
    assert node["topics"] == "lora; <u>x</u>" and node["default_branch"] == "main"
    first, second = graph.papers[0].id, graph.papers[1].id
    assert "cites" in g.edges[first, second]["kind"].split("+")
    data = embedded_data(write(graph, "html", tmp_path / "g.html").read_text(encoding="utf-8"))
    page_repo = next(n for n in data["nodes"] if n["type"] == "repo")
    assert (page_repo["stars"], page_repo["forks"], page_repo["license"]) == (7, 3, "MIT")
    assert {"from": first, "to": second, "kind": "cites", "weight": 1.0, "methods": []} in data["edges"]


def test_graphml_reads_back_in_graphology_like_gephi_lite(seed_build, tmp_path):
    """Gephi Lite reads GraphML with graphology-graphml; runs where node can require it
    (e.g. NODE_PATH pointing at a node_modules with graphology and graphology-graphml)."""
    import shutil
    import subprocess

    node = shutil.which("node")
    script = tmp_path / "read.js"
    script.write_text(
        "const fs = require('fs'); const graphml = require('graphology-graphml');\n"
        "const {MultiGraph} = require('graphology');\n"
        "const g = graphml.parse(MultiGraph, fs.readFileSync(process.argv[2], 'utf8'));\n"
        "const types = {}; g.forEachNode((n, a) => { types[a.type] = (types[a.type] || 0) + 1; });\n"
        "console.log(JSON.stringify({order: g.order, size: g.size, type: g.type, types}));\n")
    if node is None or subprocess.run([node, "-e", "require('graphology-graphml')"],
                                      capture_output=True).returncode != 0:
        pytest.skip("node with graphology-graphml is not available")
    done = subprocess.run([node, str(script), str(seed_build.db_path.parent / "graph.graphml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout)
    graph = seed_build.graph
    assert (read["order"], read["size"]) == expected_graphml_counts(graph)
    assert read["type"] == "directed"
    assert read["types"]["paper"] == len(graph.papers) and read["types"]["repo"] == len(graph.repos)


# ---- exports into the store's folder and the folder's lock -------------------------------------

def test_export_into_a_folder_a_build_is_writing_stops_with_one_line(seed_db, tmp_path):
    """A build holds the folder: an export there would later overwrite the build's fresh
    exports with a view of the store being replaced. Elsewhere (--out) it may write."""
    import shutil

    from graphx import lock

    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(seed_db, out / "graphx.db")
    with lock.writing(out):
        result = export_cli("--db", str(out / "graphx.db"), "--format", "json")
        elsewhere = export_cli("--db", str(out / "graphx.db"), "--format", "json",
                               "--out", str(tmp_path / "elsewhere.json"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: another build is writing {out} (process {os.getpid()})")
    assert not (out / "graph.json").exists() and not list(out.glob("*.tmp"))
    assert elsewhere.exit_code == 0, elsewhere.output


def test_a_build_starting_during_an_export_stops_instead_of_deleting_its_file(
        seed_db, tmp_path, monkeypatch):
    """A starting build removes leftover temporary files: it used to delete the file an export
    was writing, which then failed with "cannot write (No such file or directory)"."""
    import shutil

    from graphx import export, lock
    from graphx.export import json as json_export

    out = tmp_path / "out"
    out.mkdir()
    db = shutil.copy(seed_db, out / "graphx.db")
    write_store = json_export._write_store
    seen = []

    def build_starts_midway(conn, handle):
        with pytest.raises(lock.Busy) as busy:
            with lock.writing(out):
                pass
        seen.append(str(busy.value))
        return write_store(conn, handle)

    monkeypatch.setattr(json_export, "_write_store", build_starts_midway)
    summary = export.write_from_store(db, "json", out / "graph.json")
    assert summary["papers"] == 231 and json.loads((out / "graph.json").read_text())["papers"]
    assert seen == [f"graphx export is writing {out} (process {os.getpid()}); wait for it to "
                    "finish or use another --out"]


def test_exports_into_one_folder_wait_for_each_other(seed_db, tmp_path):
    import shutil
    import threading
    import time

    from graphx import lock

    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(seed_db, out / "graphx.db")
    holding, written_meanwhile = threading.Event(), []

    def another_export():
        with lock.writing(out, export=True):
            holding.set()
            time.sleep(1.0)  # the seed GraphML takes about half that
            written_meanwhile.append((out / "graph.graphml").exists())

    thread = threading.Thread(target=another_export)
    thread.start()
    holding.wait(10)
    result = export_cli("--db", str(out / "graphx.db"), "--format", "graphml")
    thread.join()
    assert result.exit_code == 0, result.output
    assert written_meanwhile == [False] and (out / "graph.graphml").exists()
