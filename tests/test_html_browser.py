"""The HTML export in a real headless Chromium: offline, searchable, clickable, safe, fast."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from export_fixtures import HOSTILE_TITLE, hostile_graph, synthetic_graph

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None,
                       reason="needs /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


class Page:
    """One opened page with every request, console error and dialog recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)
        # anything but the file itself is blocked (and still recorded above)
        self.page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                        else route.abort())
        self.url = path.resolve().as_uri()
        started = time.perf_counter()
        self.page.goto(self.url)
        self.page.wait_for_function("window.graphxReady === true", timeout=30_000)
        self.ready_after = time.perf_counter() - started

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def hover_node(self, node_id: str) -> dict:
        point = self.js("""id => {
            const p = window.network.canvasToDOM(window.network.getPosition(id));
            const box = document.getElementById('graph').getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""", node_id)
        self.page.mouse.move(point["x"], point["y"])
        return point

    def click_node(self, node_id: str) -> None:
        point = self.hover_node(node_id)
        self.page.mouse.click(point["x"], point["y"])

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def seed_page(browser, seed_build):
    page = Page(browser, seed_build.db_path.parent / "graph.html")
    yield page
    page.close()


def test_seed_page_draws_every_node_offline_without_errors(seed_page, seed_build):
    graph = seed_build.graph
    used = {m.method_id for m in graph.mentions}
    expected = len(graph.papers) + len(used) + len(graph.repos)
    assert seed_page.js("window.nodes.length") == expected
    assert seed_page.js("window.edges.length") > len(graph.edges)
    assert seed_page.requests == [seed_page.url]
    assert seed_page.errors == []
    assert seed_page.js("document.getElementById('counts').textContent").startswith(
        f"{len(graph.papers)} papers")


def test_search_finds_and_focuses_zipformer(seed_page):
    seed_page.page.fill("#search", "zipformer")
    results = seed_page.page.locator("#search-results li")
    assert results.count() >= 1
    assert "Zipformer" in results.first.inner_text()
    seed_page.page.press("#search", "Enter")
    selected = seed_page.js("window.network.getSelectedNodes()")
    assert len(selected) == 1
    assert seed_page.js("id => window.nodes.get(id).label", selected[0]) == "Zipformer"
    details = seed_page.page.locator("#details")
    assert details.is_visible()
    assert "Zipformer: A faster and better encoder" in details.inner_text()
    # the view moves to the paper (an animation): it ends near the middle of the canvas
    seed_page.page.wait_for_function("""id => {
        const p = window.network.canvasToDOM(window.network.getPosition(id));
        const box = document.getElementById('graph').getBoundingClientRect();
        const x = p.x / box.width, y = p.y / box.height;
        return x > 0.35 && x < 0.65 && y > 0.35 && y < 0.65;
    }""", arg=selected[0], timeout=10_000)


def test_clicking_a_paper_fills_the_details_panel(seed_page, seed_build):
    paper = next(p for p in seed_build.graph.papers if p.title.startswith("Zipformer"))
    seed_page.js("window.network.unselectAll()")
    seed_page.js("document.getElementById('details').hidden = true")
    seed_page.js("id => window.network.focus(id, {scale: 1.5})", paper.id)
    seed_page.click_node(paper.id)
    text = seed_page.page.locator("#details").text_content()
    assert paper.title in text
    assert "Conformer" in text  # a method it mentions
    assert "k2-fsa/icefall" in text  # its code
    assert "Shares methods with" in text or "Builds on ·" in text
    # a title wrapped over lines keeps its bullet beside its first line: a list item's marker
    # sits on the baseline of an inline-block button, its last line, unless the button is
    # aligned to the top (the marker itself cannot be measured from the page)
    aligned = seed_page.js("""() => Array.from(document.querySelectorAll('#details li > button'))
        .filter(b => b.getBoundingClientRect().height > 30)
        .map(b => getComputedStyle(b).verticalAlign)""")
    assert aligned and set(aligned) == {"top"}, aligned


def test_edge_kind_and_node_type_toggles(seed_page, seed_build):
    shown = "window.network.body.data.edges.length"
    before = seed_page.js(shown)
    seed_page.page.click("input[data-kind=shares_method]")
    shares = sum(e.kind == "shares_method" for e in seed_build.graph.edges)
    assert seed_page.js(shown) == before - shares
    seed_page.page.click("input[data-kind=shares_method]")
    assert seed_page.js(shown) == before
    nodes_shown = "window.network.body.data.nodes.length"
    before = seed_page.js(nodes_shown)
    seed_page.page.click("input[data-type=repo]")
    assert seed_page.js(nodes_shown) == before - len(seed_build.graph.repos)
    seed_page.page.click("input[data-type=repo]")


def test_hostile_text_shows_literally_and_never_runs(browser, tmp_path):
    from graphx.export.html import write_html

    path = write_html(hostile_graph(tmp_path), tmp_path / "hostile.html", title=HOSTILE_TITLE)
    page = Page(browser, path)
    try:
        assert page.js("document.title") == HOSTILE_TITLE
        hostile_id = page.js("t => window.graphxData.nodes.find(n => n.title === t).id", HOSTILE_TITLE)
        page.js("id => window.network.focus(id, {scale: 1.5})", hostile_id)
        page.hover_node(hostile_id)
        page.page.wait_for_selector("#tooltip:not([hidden])")
        assert HOSTILE_TITLE in page.page.locator("#tooltip").inner_text()
        page.click_node(hostile_id)
        details = page.page.locator("#details").inner_text()
        assert HOSTILE_TITLE in details
        assert "</script><script>alert(2)</script>" in details
        assert "<b>not bold</b>" in details
        assert "<script>alert(5)</script>" not in details  # repo description is on the repo node
        page.page.fill("#search", "<img")
        assert HOSTILE_TITLE in page.page.locator("#search-results").inner_text()
        page.page.press("#search", "Enter")
        repo = page.js("() => window.graphxData.nodes.find(n => n.type === 'repo').id")
        page.js("id => window.graphxFocus(id)", repo)
        assert "<script>alert(5)</script>" in page.page.locator("#details").inner_text()
        # citations are drawn apart from the other relations: red, dashed, with an arrow
        cites = page.js("() => window.edges.get({filter: e => e.kind === 'cites'})")
        others = page.js("() => window.edges.get({filter: e => e.kind !== 'cites'})")
        assert len(cites) == 1 and cites[0]["dashes"] and cites[0]["arrows"]["to"]["enabled"]
        assert {e["color"]["color"] for e in others}.isdisjoint({cites[0]["color"]["color"]})
        assert page.page.locator("input[data-kind=cites]").is_checked()
        # an edge's tooltip names the methods it stands for (only shares_method shown here)
        for kind in ("cites", "same_repo", "mentions", "introduces", "has_code"):
            if page.page.locator(f"input[data-kind={kind}]").count():  # kinds present only
                page.page.click(f"input[data-kind={kind}]")
        page.page.click("input[data-type=repo]")
        share = page.js("() => window.edges.get({filter: e => e.kind === 'shares_method'})[0]")
        point = page.js("""e => {
            const a = window.network.getPosition(e.from), b = window.network.getPosition(e.to);
            const p = window.network.canvasToDOM({x: a.x + (b.x - a.x) * 0.3,
                                                  y: a.y + (b.y - a.y) * 0.3});
            const box = document.getElementById('graph').getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""", share)
        page.page.mouse.move(point["x"], point["y"])
        page.page.wait_for_selector("#tooltip:not([hidden])")
        tip = page.page.locator("#tooltip").inner_text()
        assert "shares a method" in tip and "LoRA" in tip and "FlashAttention" in tip
        # markup never became elements; javascript: URLs never became links
        assert page.js("document.querySelectorAll('img, b, i, #details script').length") == 0
        hrefs = page.js("Array.from(document.querySelectorAll('a')).map(a => a.href)")
        assert all(h.startswith(("http://", "https://")) for h in hrefs)
        page.page.wait_for_timeout(200)
        assert page.dialogs == []
        assert page.errors == []
        assert page.requests == [page.url]
    finally:
        page.close()


def test_five_thousand_nodes_become_interactive_quickly(browser, tmp_path):
    from graphx.export.html import write_html

    path = write_html(synthetic_graph(5000), tmp_path / "big.html")
    page = Page(browser, path)
    try:
        # the real figure goes in benchmarks/html_bench.py; this only catches a regression
        assert page.ready_after < 20, page.ready_after
        assert page.js("window.network.body.data.nodes.length") >= 5000
        started = time.perf_counter()
        page.page.fill("#search", "Synthetic paper 4321:")
        page.page.press("#search", "Enter")
        assert page.page.locator("#details").is_visible()
        assert time.perf_counter() - started < 10  # generous: the machine may be busy
        assert page.errors == []
    finally:
        page.close()


def test_searching_a_hidden_method_shows_only_that_method(seed_page, seed_build):
    counts = {}
    for mention in seed_build.graph.mentions:
        counts[mention.method_id] = counts.get(mention.method_id, 0) + 1
    rare_id = next(m for m, c in sorted(counts.items()) if c == 1
                   and not seed_build.graph.methods[m].generic)
    shown_before = seed_page.js("window.network.body.nodeIndices.length")
    assert seed_page.js("id => window.network.body.nodeIndices.includes(id)", rare_id) is False
    seed_page.js("id => window.graphxFocus(id)", rare_id)
    assert seed_page.js("id => window.network.body.nodeIndices.includes(id)", rare_id) is True
    assert seed_page.js("window.network.body.nodeIndices.length") == shown_before + 1
    assert seed_page.page.locator('input[data-type="rare-method"]').is_checked() is False


def test_the_tab_title_says_what_the_graph_holds(seed_page, seed_build):
    assert seed_page.page.title() == f"graphx: {len(seed_build.graph.papers)} papers"
