"""HTML export: one self-contained page (vis-network inlined, no network request) over a view.

The layout is computed here (igraph's Kamada-Kawai or Fruchterman-Reingold, networkx as a fallback) and the page
draws it with physics off: browser-side physics does not settle on graphs of thousands of nodes.

Safety: the graph's text (titles, abstracts, names, URLs) is data, never markup. It travels in a
`<script type="application/json">` block whose `<`, `>`, `&`, U+2028 and U+2029 are escaped, so
`</script>` in an abstract cannot close it; the page's script shows it with textContent only and
links only http(s) URLs. The page title is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Any

from graphx import __version__
from graphx.errors import GraphxError
from graphx.export import atomic_write
from graphx.model import Graph

# paper-paper kinds drive communities and the layout's pull; facts are drawn too
PAPER_EDGE_KINDS = ("shares_method", "builds_on", "same_repo", "cites")
KK_MAX_NODES = 1000
COMMUNITY_COLOURS = 12  # the page's palette size; smaller communities share a neutral colour
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                 "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no raw U+2028/9."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def short_label(title: str, limit: int = 40) -> str:
    """A node label: the name before a colon ("Zipformer: ...") or the title, shortened."""
    head = title.split(":", 1)[0].strip()
    if ":" in title and 2 <= len(head) <= limit:
        return head
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "\u2026"


# graph id -> (graph, its page data) within `shared_page_data`; the graph is held so that its
# id is not reused by another
_shared: ContextVar[dict[int, tuple[Graph, dict[str, Any]]] | None] = ContextVar("shared_page_data",
                                                                                 default=None)


@contextmanager
def shared_page_data() -> Iterator[None]:
    """Within the block, `page_data` of one graph object is computed once: a build's HTML and
    GraphML (its x/y) show the same graph, whose communities and layout cost ~0.4 s at 1,000
    papers. The graphs must not change in the block; the data given out is not to be changed."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def page_data(graph: Graph, title: str = "graphx") -> dict[str, Any]:
    """Everything the page shows, as plain data: nodes with positions, edges, legend, notes."""
    shared = _shared.get()
    if shared is not None and id(graph) in shared:
        data = shared[id(graph)][1]
        return {**data, "meta": {**data["meta"], "title": title}}
    data = _page_data(graph, title)
    if shared is not None:
        shared[id(graph)] = (graph, data)
    return data


def _page_data(graph: Graph, title: str) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    methods_of: dict[str, list[str]] = defaultdict(list)
    introduces_of: dict[str, list[str]] = defaultdict(list)
    method_papers: Counter[str] = Counter()
    for mention in graph.mentions:
        method = graph.methods.get(mention.method_id)
        if method is None:
            continue
        method_papers[method.id] += 1
        (introduces_of if mention.introduces else methods_of)[mention.paper_id].append(method.name)
        edges.append({"from": mention.paper_id, "to": method.id,
                      "kind": "introduces" if mention.introduces else "mentions"})
    degree: Counter[str] = Counter()
    for edge in graph.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    community, community_labels = _communities(graph)

    for paper in graph.papers:
        url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else None)
        nodes.append({
            "id": paper.id, "type": "paper", "label": short_label(paper.title),
            "title": paper.title, "published": paper.published or paper.date_text,
            "year": paper.year, "authors": paper.authors[:12],
            "more_authors": max(len(paper.authors) - 12, 0), "upvotes": paper.upvotes,
            "url": url, "abstract": paper.abstract, "methods": sorted(methods_of[paper.id]),
            "introduces": sorted(introduces_of[paper.id]), "repos": list(paper.repos),
            "citations": paper.extra.get("citation_count"),
            "group": community.get(paper.id, -1),
            "size": 8 + 3 * math.sqrt(degree[paper.id] + (paper.upvotes or 0) / 5),
        })
    for method in graph.methods.values():
        if not method_papers[method.id]:
            continue
        nodes.append({
            "id": method.id, "type": "method", "label": method.name, "category": method.category,
            "generic": method.generic, "papers": method_papers[method.id],
            "introduced_by": method.introduced_by,
            "size": 5 + 2.5 * math.sqrt(method_papers[method.id]),
        })
    for repo in graph.repos.values():
        node_id = f"repo:{repo.name}"
        nodes.append({
            "id": node_id, "type": "repo", "label": repo.canonical or repo.name, "url": repo.url,
            "stars": repo.stars, "forks": repo.forks, "language": repo.language,
            "description": repo.description, "license": repo.license, "pushed_at": repo.pushed_at,
            "archived": repo.archived, "status": repo.status, "topics": list(repo.topics),
            "size": 7 + 2 * math.log10(1 + (repo.stars or 0)),
        })
    for paper in graph.papers:
        for name in paper.repos:
            edges.append({"from": paper.id, "to": f"repo:{name}", "kind": "has_code"})
    for edge in graph.edges:
        edges.append({"from": edge.source, "to": edge.target, "kind": edge.kind,
                      "weight": round(edge.weight, 3), "methods": list(edge.methods)})

    positions = layout(nodes, edges)
    for node in nodes:
        node["x"], node["y"] = positions[node["id"]]
    meta = {
        "title": title, "version": __version__, "built": graph.meta.get("built_at"),
        "papers": len(graph.papers), "truncated_from": graph.meta.get("truncated_from"),
        "max_nodes": graph.meta.get("max_nodes"), "filters": graph.meta.get("filters"),
        "communities": community_labels,
    }
    return {"meta": meta, "nodes": nodes, "edges": edges}


def _communities(graph: Graph) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Paper communities (Louvain over paper-paper edges), largest first, each named by the
    specific method most of its papers mention."""
    ids = [p.id for p in graph.papers]
    index = {pid: i for i, pid in enumerate(ids)}
    pairs: dict[tuple[int, int], float] = {}
    for edge in graph.edges:
        a, b = index.get(edge.source), index.get(edge.target)
        if a is None or b is None or a == b:
            continue
        key = (a, b) if a < b else (b, a)
        pairs[key] = pairs.get(key, 0.0) + edge.weight
    if not pairs:
        return {}, []
    try:
        import igraph

        g = igraph.Graph(n=len(ids), edges=list(pairs))
        g.es["weight"] = list(pairs.values())
        with _seeded_igraph():
            membership = g.community_multilevel(weights="weight").membership
    except ImportError:  # pragma: no cover - igraph is a dependency; networkx as a fallback
        import networkx as nx

        nxg = nx.Graph()
        nxg.add_nodes_from(range(len(ids)))
        nxg.add_weighted_edges_from((a, b, w) for (a, b), w in pairs.items())
        membership = [0] * len(ids)
        for c, members in enumerate(nx.community.louvain_communities(nxg, seed=1)):
            for m in members:
                membership[m] = c
    groups: dict[int, list[str]] = defaultdict(list)
    for pid, c in zip(ids, membership, strict=True):
        groups[c].append(pid)
    ranked = sorted((m for m in groups.values() if len(m) > 1), key=lambda m: (-len(m), m[0]))
    specific: dict[str, list[str]] = defaultdict(list)
    for mention in graph.mentions:
        method = graph.methods.get(mention.method_id)
        if method is not None and not method.generic and method.kind == "method":
            specific[mention.paper_id].append(method.name)
    result: dict[str, int] = {}
    labels = []
    for number, members in enumerate(ranked[:COMMUNITY_COLOURS]):
        counts = Counter(name for pid in members for name in set(specific[pid]))
        # ties by name: a set's order changes from one process to the next (hash seeds)
        top = sorted(counts, key=lambda name: (-counts[name], name))[:2]
        labels.append({"group": number, "papers": len(members), "label": ", ".join(top) or "—"})
        for pid in members:
            result[pid] = number
    return result, labels


def layout(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], backbone: int = 3
           ) -> dict[str, tuple[float, float]]:
    """Positions for every node, in vis-network's pixel units.

    Papers are laid out over a backbone of paper-paper links (each paper's `backbone`
    strongest; links between communities count as longer), one connected group at a time,
    which keeps communities apart instead of one dense ball; every
    method and repo then sits among the papers that mention it (one-paper methods on a small
    circle around their paper), so facts never pull the picture together.
    """
    papers = [n["id"] for n in nodes if n["type"] == "paper"]
    index = {pid: i for i, pid in enumerate(papers)}
    strongest: dict[int, list[tuple[float, int]]] = defaultdict(list)
    attached: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        a, b = index.get(edge["from"]), index.get(edge["to"])
        if edge["kind"] in PAPER_EDGE_KINDS:
            if a is not None and b is not None and a != b:
                strongest[a].append((edge.get("weight") or 1.0, b))
                strongest[b].append((edge.get("weight") or 1.0, a))
        elif a is not None:
            attached[edge["to"]].append(edge["from"])
    pairs: dict[tuple[int, int], float] = {}
    for a, links in strongest.items():
        for weight, b in sorted(links, reverse=True)[:backbone]:
            key = (a, b) if a < b else (b, a)
            pairs[key] = max(pairs.get(key, 0.0), weight)
    # 1.0 marks a link inside a community, 0.0 one between communities: clusters stay apart
    group = [n.get("group", -1) for n in nodes if n["type"] == "paper"]
    pairs = {(a, b): 1.0 if group[a] == group[b] >= 0 else 0.0 for a, b in pairs}
    positions = _paper_positions(papers, pairs)
    # methods and repos: at the centre of their papers; a one-paper node orbits its paper
    orbit: Counter[str] = Counter()
    for node in nodes:
        if node["id"] in positions:
            continue
        owners = [positions[p] for p in attached.get(node["id"], ()) if p in positions]
        if not owners:
            positions[node["id"]] = (0.0, 0.0)
            continue
        x = sum(p[0] for p in owners) / len(owners)
        y = sum(p[1] for p in owners) / len(owners)
        if len(owners) == 1:
            slot = orbit[attached[node["id"]][0]]
            orbit[attached[node["id"]][0]] += 1
            angle = slot * 2.4  # golden-angle steps spread any number of satellites
            radius = 45 + 6 * math.sqrt(slot)
            x, y = x + radius * math.cos(angle), y + radius * math.sin(angle)
        else:
            jitter = (zlib.crc32(node["id"].encode()) % 628) / 100  # stable across runs
            x, y = x + 12 * math.cos(jitter), y + 12 * math.sin(jitter)
        positions[node["id"]] = (x, y)
    return {nid: (round(x, 1), round(y, 1)) for nid, (x, y) in positions.items()}


def _paper_positions(papers: list[str], pairs: dict[tuple[int, int], float]
                     ) -> dict[str, tuple[float, float]]:
    """Lay out each connected group of papers on its own, then pack the groups in rows (largest
    first) and the unlinked papers in a grid below, so loose papers do not squeeze the rest."""
    n = len(papers)
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b in pairs:
        neighbours[a].append(b)
        neighbours[b].append(a)
    seen: set[int] = set()
    groups: list[list[int]] = []
    for start in range(n):
        if start in seen or start not in neighbours:
            continue
        seen.add(start)
        stack, members = [start], []
        while stack:
            node = stack.pop()
            members.append(node)
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        groups.append(sorted(members))
    groups.sort(key=lambda m: (-len(m), m[0]))
    loose = [i for i in range(n) if i not in neighbours]
    spacing = 150.0  # px between neighbouring papers at any size
    placed: dict[int, tuple[float, float]] = {}
    boxes = []
    group_of = {node: k for k, members in enumerate(groups) for node in members}
    local = {node: i for members in groups for i, node in enumerate(members)}
    group_pairs: list[dict[tuple[int, int], float]] = [{} for _ in groups]
    for (a, b), w in pairs.items():
        group_pairs[group_of[a]][(local[a], local[b])] = w
    for members, sub in zip(groups, group_pairs, strict=True):
        coords = _layout(len(members), sub)
        xs, ys = [c[0] for c in coords], [c[1] for c in coords]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        scale = spacing * math.sqrt(len(members)) / span
        left, top = min(xs), min(ys)
        points = [((x - left) * scale, (y - top) * scale) for x, y in coords]
        width = max(p[0] for p in points) + spacing
        height = max(p[1] for p in points) + spacing
        boxes.append((members, points, width, height))
    row_width = max([boxes[0][2] if boxes else 0, spacing * math.sqrt(len(loose)) * 1.5, 400.0])
    x = y = row_height = 0.0
    for members, points, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in zip(members, points, strict=True):
            placed[node] = (x + px, y + py)
        x += width
        row_height = max(row_height, height)
    y += row_height + spacing
    per_row = max(int(row_width // (spacing * 0.8)), 1)
    for k, node in enumerate(loose):
        placed[node] = ((k % per_row) * spacing * 0.8, y + (k // per_row) * spacing * 0.6)
    xs = [p[0] for p in placed.values()] or [0.0]
    ys = [p[1] for p in placed.values()] or [0.0]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {papers[i]: (px - cx, py - cy) for i, (px, py) in placed.items()}


def _layout(n: int, pairs: dict[tuple[int, int], float]) -> list[tuple[float, float]]:
    if n == 1:
        return [(0.0, 0.0)]
    if n == 2:
        return [(0.0, 0.0), (1.0, 0.0)]
    try:
        return _igraph_layout(n, pairs)
    except ImportError:  # pragma: no cover - igraph is a dependency; networkx as a fallback
        return _networkx_layout(n, pairs)


def _igraph_layout(n: int, pairs: dict[tuple[int, int], float]) -> list[tuple[float, float]]:
    """Kamada-Kawai for groups up to KK_MAX_NODES (even spacing, readable), Fruchterman-Reingold
    beyond (Kamada-Kawai is quadratic). Links between communities are longer / pull less."""
    import random

    import igraph

    g = igraph.Graph(n=n, edges=list(pairs))
    rng = random.Random(7)
    # start spread over a sqrt(n) box: from a tiny box FR's grid degenerates to O(n^2)
    half = math.sqrt(n)
    seed = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in range(n)]
    with _seeded_igraph():
        if n <= KK_MAX_NODES:
            lengths = [1.0 if inside else 1.8 for inside in pairs.values()]
            coords = g.layout_kamada_kawai(seed=seed, maxiter=min(50 * n, 10_000),
                                           weights=lengths)
        else:
            pulls = [4.0 if inside else 0.3 for inside in pairs.values()]
            coords = g.layout_fruchterman_reingold(weights=pulls, seed=seed,
                                                   niter=500 if n <= 3000 else 300, grid="auto")
    return [tuple(c) for c in coords]


@contextmanager
def _seeded_igraph() -> Iterator[None]:
    """igraph draws from Python's random module: seed it so a graph always gets the same
    picture and colours, and give the global generator back afterwards."""
    import random

    import igraph

    igraph.set_random_number_generator(random.Random(7))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def _networkx_layout(n: int, weights: dict[tuple[int, int], float]) -> list[tuple[float, float]]:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from((a, b, 4.0 if inside else 0.3) for (a, b), inside in weights.items())
    pos = nx.spring_layout(g, seed=7, iterations=50)
    return [tuple(pos[i]) for i in range(n)]


def _asset(name: str) -> str:
    return resources.files("graphx.export").joinpath("assets", name).read_text(encoding="utf-8")


def _vis_network_js() -> str:
    """The vis-network build that pyvis ships, read from the installed package."""
    try:
        import pyvis
    except ImportError:
        raise GraphxError("the HTML export needs pyvis (it bundles vis-network): "
                          "pip install pyvis") from None
    lib = Path(pyvis.__file__).parent / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"))
    if not candidates:
        raise GraphxError(f"vis-network.min.js not found under {lib}; reinstall pyvis")
    script = candidates[-1].read_text(encoding="utf-8")
    if "</script" in script.lower():  # would end the inline element early
        raise GraphxError(f"{candidates[-1]} cannot be inlined safely")
    return script


def render(graph: Graph, title: str = "graphx") -> str:
    """The page as a string."""
    parts = {
        "TITLE": html.escape(title),
        "CSS": _asset("graph.css"),
        "VIS_JS": _vis_network_js(),
        "DATA": script_json(page_data(graph, title)),
        "APP_JS": _asset("graph.js"),
    }
    # one pass over the template, so text inside the parts is never taken for a placeholder
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], _asset("page.html"))


def write_html(graph: Graph, path: Path, title: str | None = None) -> Path:
    # a tab title that tells one open graph from another
    default = f"graphx: {len(graph.papers):,} paper{'s' if len(graph.papers) != 1 else ''}"
    page = render(graph, title or graph.meta.get("title") or default)

    def write(tmp: Path) -> None:
        tmp.write_text(page, encoding="utf-8")

    return atomic_write(path, write)
