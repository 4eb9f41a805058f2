"""Property tests (hypothesis): readers never fail with anything but InputError, text survives
every writer intact, and the small parsers behave on any input.

max_examples stays modest so the suite stays fast; the strategies lean towards inputs that
look like the formats (a JSON bracket, an Atom header, an HTML doctype), where the bugs live.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graphx import store
from graphx.errors import InputError
from graphx.export.graphml import _XML_UNSAFE
from graphx.model import Edge, Graph, Mention, Method, Repo
from graphx.papers import Paper, clean_text, normalize_title
from graphx.repos import _NOT_OWNERS, find_repos, parse_repo_url
from graphx.sources import decode, formats, read_file, read_text

FAST = settings(max_examples=int(os.environ.get("GRAPHX_HYPOTHESIS_EXAMPLES", 60)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

PREFIXES = [
    "", "{", "[", "[{", '{"title": ', '[{"title": "x", "abstract": ', '{"paper": {"title": ',
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>',
    "<!doctype html><html><body>", '<html><div data-props="', "@article{key,\n title = {",
    "@", "%", "Title of a paper\n", "• 3 authors\n",
]
KEYS = ["title", "abstract", "summary", "id", "arxiv_id", "authors", "author", "paper", "url",
        "repos", "githubRepo", "published", "publishedAt", "upvotes", "doi", "ai_keywords",
        "papers", "dailyPapers", "name"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5),
    max_leaves=15,
)
format_like_text = st.one_of(
    st.text(max_size=300),
    st.builds(lambda p, t: p + t, st.sampled_from(PREFIXES), st.text(max_size=300)),
    json_values.map(lambda v: json.dumps(v)),  # Infinity and NaN included, as Python writes them
    st.lists(json_values.map(json.dumps), min_size=1, max_size=4).map("\n".join),
)


def read_or_input_error(read, *args):
    try:
        return read(*args)
    except InputError as exc:
        assert exc.source and exc.problem and "\n" not in str(exc)
        return None


@FAST
@given(st.binary(max_size=3000))
def test_decoding_any_bytes_gives_text_or_input_error(data):
    text = read_or_input_error(decode, data, "any.bin")
    assert text is None or isinstance(text, str)


@FAST
@given(format_like_text)
def test_sniffing_and_reading_any_text_gives_papers_or_input_error(text):
    result = read_or_input_error(read_text, text, "any.txt")
    if result is not None:
        name, papers = result
        assert name in formats() and papers
        assert all(p.title and p.title_key for p in papers)


@FAST
@given(format_like_text, st.sampled_from(formats()))
def test_every_reader_forced_on_any_text_gives_papers_or_input_error(text, format_name):
    read_or_input_error(read_text, text, "any.txt", format_name)


@FAST
@given(st.binary(max_size=2000) | format_like_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_reading_any_file_gives_papers_or_input_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("any") / "file"
    path.write_bytes(data)
    read_or_input_error(read_file, path)


@FAST
@given(st.text())
def test_normalize_title_is_idempotent(title):
    once = normalize_title(title)
    assert normalize_title(once) == once
    assert once == once.strip() and "  " not in once


@FAST
@given(st.text(), st.integers(min_value=2, max_value=50))
def test_clean_text_is_idempotent_and_bounded(text, limit):
    once = clean_text(text, limit)
    assert clean_text(once, limit) == once
    assert len(once) <= limit
    once.encode("utf-8")
    assert not _XML_UNSAFE.search(once) and not re.search(r"[\x00-\x1f\x7f\u200b\u202e]", once)


# ASCII text takes faster paths (a byte table instead of a regex or a Unicode lookup per
# character): they must give what the general definitions give, for every ASCII character
ascii_text = st.text(st.characters(max_codepoint=127), max_size=60)


@FAST
@given(ascii_text)
def test_ascii_titles_fold_as_the_unicode_path_does(title):
    # "é" sends the title down the Unicode path, where it folds to a plain "e"
    assert normalize_title(title + " é") == " ".join([normalize_title(title), "e"]).lstrip()


@FAST
@given(ascii_text | st.text(max_size=60))
def test_clean_text_keeps_printable_singly_spaced_text_and_rebuilds_the_rest(text):
    rebuilt = " ".join(re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e"
                              "\u2060-\u2064\ufeff\ud800-\udfff\ufffe\uffff]", " ", text).split())
    assert clean_text(text) == (text if text.isprintable() and text == " ".join(text.split())
                                else rebuilt)


@FAST
@given(st.lists(st.sampled_from(["github.com", "GitHub.COM", "/", "a", "b/c", " ", ".", "x-y",
                                 "\u0130", "https://", "github.co", "m/"]), max_size=12).map("".join))
@example("\u0130 see github.com/a/b-c and GITHUB.com/d/e")
def test_find_repos_finds_every_link_a_case_blind_scan_finds(text):
    # U+0130 lower-cases to two characters, which the fast scan's positions must not trust
    expected = []
    for match in re.finditer(r"github\.com/[^\s<>\"'`]+", text, re.IGNORECASE):
        repo = parse_repo_url(match.group(0))
        if repo and repo.lower() not in {r.lower() for r in expected}:
            expected.append(repo)
    assert find_repos(text) == expected


owners = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}", fullmatch=True).filter(
    lambda o: o.lower() not in _NOT_OWNERS)
names = st.from_regex(r"[A-Za-z0-9._-]{1,100}", fullmatch=True).filter(
    lambda n: n not in (".", "..") and not n.lower().endswith(".git") and n[-1] not in ".,;:")


@FAST
@given(st.text(max_size=200) | st.builds(lambda t: "https://github.com/" + t, st.text(max_size=80)))
def test_repo_url_parsing_never_crashes_and_gives_owner_slash_name(text):
    repo = parse_repo_url(text)
    assert repo is None or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+", repo)
    for found in find_repos(text):
        assert parse_repo_url("https://github.com/" + found) == found


@FAST
@given(owners, names,
       st.sampled_from(["https://github.com/", "http://www.github.com/", "github.com/",
                        "HTTPS://GitHub.com/"]),
       st.sampled_from(["", "/", ".git", "/tree/main/egs", "?tab=readme", "#readme", ".", ")",
                        "/issues/3", ".git/"]))
def test_repo_urls_round_trip_owner_and_name(owner, name, prefix, suffix):
    url = f"{prefix}{owner}/{name}{suffix}"
    assert parse_repo_url(url) == f"{owner}/{name}"
    assert find_repos(f"Code is at {url} and more.") == [f"{owner}/{name}"]


# --- writers: any text in, the same text back out -------------------------------------------

clean = st.text(min_size=1, max_size=120).map(clean_text).filter(bool)


def graph_of(titles: list[str], abstract: str, author: str, method_name: str, description: str
             ) -> Graph:
    papers = [Paper(title=f"{t} #{i}", abstract=abstract, authors=[author], repos=["own/repo"])
              for i, t in enumerate(titles)]
    method = Method("m-x", method_name)
    mentions = [Mention(p.id, "m-x", i == 0, method_name) for i, p in enumerate(papers)]
    repo = Repo("own/repo", status="ok", description=description)
    edges = [Edge(papers[0].id, p.id, "shares_method", 1.5, [method_name]) for p in papers[1:]]
    return Graph(papers, {"m-x": method}, mentions, {"own/repo": repo}, edges,
                 [{"source": description, "format": "json", "papers": 1}], {})


graphs = st.builds(graph_of, st.lists(clean, min_size=2, max_size=3, unique_by=normalize_title),
                   clean, clean, clean, clean).filter(
    lambda g: len({p.id for p in g.papers}) == len(g.papers))


@FAST
@given(graphs)
def test_graphml_keeps_any_text_for_networkx_and_igraph(tmp_path_factory, graph):
    import igraph
    import networkx as nx

    from graphx.export.graphml import write_graphml

    path = write_graphml(graph, tmp_path_factory.mktemp("g") / "graph.graphml")
    read = nx.read_graphml(path)
    for paper in graph.papers:
        node = read.nodes[paper.id]
        assert (node["label"], node["abstract"], node["authors"]) == (
            paper.title, paper.abstract, paper.authors[0])
    assert read.nodes["m-x"]["label"] == graph.methods["m-x"].name
    assert read.nodes["repo:own/repo"]["description"] == graph.repos["own/repo"].description
    ig = igraph.Graph.Read_GraphML(str(path))
    assert sorted(ig.vs["label"]) == sorted(read.nodes[n]["label"] for n in read.nodes)


@FAST
@given(graphs)
def test_json_export_keeps_any_text(tmp_path_factory, graph):
    from graphx.export.json import write_json

    path = write_json(graph, tmp_path_factory.mktemp("j") / "graph.json")
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    assert [(p["title"], p["abstract"], p["authors"]) for p in document["papers"]] == [
        (p.title, p.abstract, p.authors) for p in graph.papers]
    assert document["methods"][0]["name"] == graph.methods["m-x"].name
    assert document["repos"][0]["description"] == graph.repos["own/repo"].description


@FAST
@given(graphs)
def test_the_store_keeps_any_text(tmp_path_factory, graph):
    path = store.save(graph, tmp_path_factory.mktemp("s") / "graphx.db")
    loaded = store.load(path)
    assert [(p.title, p.abstract, p.authors) for p in loaded.papers] == [
        (p.title, p.abstract, p.authors) for p in graph.papers]
    assert loaded.methods["m-x"].name == graph.methods["m-x"].name
    assert loaded.edges[0].methods == graph.edges[0].methods


@FAST
@given(st.lists(json_values, min_size=1, max_size=5))
def test_any_json_records_that_read_can_be_stored_and_loaded(tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("r")
    source = folder / "records.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    result = read_or_input_error(read_file, source)
    if result is None:
        return
    from graphx.papers import merge_papers

    papers, _ = merge_papers(result[1])
    graph = Graph(papers=papers)
    loaded = store.load(store.save(graph, folder / "graphx.db"))
    assert [(p.id, p.title, p.authors, p.extra) for p in loaded.papers] == [
        (p.id, p.title, p.authors, p.extra) for p in papers]


@pytest.mark.parametrize("text", ["\ud800 lone surrogate", "non\ufffecharacter", "bell\x07"])
def test_text_no_writer_accepts_is_removed_from_paper_fields(text):
    paper = Paper(title=text, abstract=text, authors=[text])
    for value in (paper.title, paper.abstract, paper.authors[0]):
        value.encode("utf-8")
        assert all(ch.isprintable() for ch in value)


DATA_SCRIPT = re.compile(r'<script type="application/json" id="graphx-data">(.*?)</script>', re.S)


@FAST
@given(graphs, clean)
def test_html_keeps_any_text_as_data_that_cannot_end_its_script(graph, title):
    import html

    from graphx.export.html import render

    page = render(graph, title=title).lower()
    empty = render(Graph(), title="t").lower()
    # no text from the graph can close a script or open one: as many tags as an empty page has
    assert (page.count("</script"), page.count("<script")) == (
        empty.count("</script"), empty.count("<script"))
    page = render(graph, title=title)
    (embedded,) = DATA_SCRIPT.findall(page)
    assert "<" not in embedded and "\u2028" not in embedded and "\u2029" not in embedded
    data = json.loads(embedded)
    nodes = {n["id"]: n for n in data["nodes"]}
    for paper in graph.papers:
        node = nodes[paper.id]
        assert (node["title"], node["abstract"], node["authors"]) == (
            paper.title, paper.abstract, paper.authors)
    assert nodes["m-x"]["label"] == graph.methods["m-x"].name
    assert nodes["repo:own/repo"]["description"] == graph.repos["own/repo"].description
    assert data["meta"]["title"] == title
    (page_title,) = re.findall(r"<title>(.*?)</title>", page, re.S)
    assert html.unescape(page_title) == title and "<" not in page_title
