"""The `graphx` command line: parse, call the library, render. No logic of its own lives here.

Heavy libraries (networkx, pyvis, requests) are imported inside commands, so `graphx --help`
and queries start fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from graphx import output

app = typer.Typer(
    name="graphx",
    help="Turn lists of research papers into a graph of the methods, papers and code that link "
    "them.\n\nExample:\n\n    graphx build ../shared/seeds && graphx neighbors Zipformer",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEFAULT_DB = Path("output") / "graphx.db"


def _print_version(value: bool) -> None:
    if value:
        from graphx import __version__

        typer.echo(f"graphx {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_print_version,
                                       is_eager=True, help="Print graphx's version and exit."),
          ) -> None:
    pass

OfflineOption = typer.Option(False, "--offline", help="Answer web lookups from cache/ only.")
RefreshOption = typer.Option(False, "--refresh", help="Revalidate every cached web answer.")
CacheDirOption = typer.Option(None, "--cache-dir", help="HTTP cache folder (default: cache/).")
CacheExpireOption = typer.Option(None, "--cache-expire", help="Seconds a cached answer stays fresh "
                                 "(default: 7 days; -1 never expires).")
RateOption = typer.Option(1.0, "--rate", min=0.0, help="Semantic Scholar requests per second "
                          "(0: no limit).")
DbOption = typer.Option(DEFAULT_DB, "--db", help="The store to read.", show_default=True)
JsonOption = typer.Option(False, "--json", help="Print JSON instead of a table.")
LimitOption = typer.Option(20, "--limit", "-n", min=1, help="At most this many rows.")
PaperArgument = typer.Argument(..., metavar="QUERY", help="A paper: id, arXiv id or URL, title, a method it "
                               "introduced, or a unique title fragment.")


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors into one line on stderr and exit code 1; Ctrl-C into one line.

    Anything unexpected (a bug) is one line too, naming GRAPHX_DEBUG=1 to see the traceback.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from graphx.errors import GraphxError

        try:
            return command(*args, **kwargs)
        except GraphxError as exc:
            output.error(str(exc))
            for line in getattr(exc, "details", ()):  # e.g. the candidates of an ambiguous query
                output.console(stderr=True).print(line, markup=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            from graphx import atomic

            output.error("interrupted after saving" if atomic.replaced_any() else
                         "interrupted; the previous store and exports are unchanged")
            raise typer.Exit(130) from None
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            output.error(f"{where}{exc.strerror or exc}")
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if os.environ.get("GRAPHX_DEBUG"):
                raise
            first_line = (str(exc).splitlines() or [""])[0][:200]
            output.error(f"internal error ({type(exc).__name__}: {first_line}); "
                         "run with GRAPHX_DEBUG=1 to see the traceback")
            raise typer.Exit(1) from None

    return wrapper


@app.command()
@handles_errors
def build(
    sources: list[str] = typer.Argument(..., metavar="SOURCE...", help="Files, folders (read recursively) or live "
                                        "sources: hf:2025-10-14, hf:2025-W42, hf:2510.11696, "
                                        "arxiv:2510.11696, huggingface.co/papers or arxiv.org/abs "
                                        "URLs."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Folder for the store and exports."),
    db: Path | None = typer.Option(None, "--db", help="Store path (default: OUT/graphx.db)."),
    format_name: str | None = typer.Option(None, "--format", "-f",
                                              help="Read every source as this format: hf-text, json, "
                                              "hf-html, arxiv-atom or bibtex (default: sniffed "
                                              "from each file's content)."),
    catalog: list[Path] = typer.Option([], "--catalog", help="Extra method catalog (YAML); repeatable."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Processes for extraction "
                                       "(default: all cores)."),
    add: bool = typer.Option(False, "--add", help="Add to the existing store instead of replacing it."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first source that cannot be read."),
    no_export: bool = typer.Option(False, "--no-export", help="Write only the store, no HTML/GraphML/JSON."),
    github: bool = typer.Option(False, "--github", help="Fetch GitHub metadata for linked repos."),
    citations: bool = typer.Option(False, "--citations", help="Add citation edges (Semantic Scholar)."),
    rate: float = RateOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
    cache_dir: Path | None = CacheDirOption,
    cache_expire: int | None = CacheExpireOption,
    as_json: bool = JsonOption,
) -> None:
    """Read papers from SOURCES and build the graph: OUT/graphx.db, graph.html, graph.graphml,
    graph.json.

    Example: graphx build ../shared/seeds --out output
    """
    from graphx import pipeline

    try:
        with output.progress("Reading") as advance:
            result = pipeline.build(
                sources, out=out, db=db, format_name=format_name, catalog_files=catalog, jobs=jobs,
                add=add, strict=strict, exports=() if no_export else ("html", "graphml", "json"),
                on_progress=advance, github=github, citations=citations, citation_rate=rate,
                http_config=_http_config(offline, refresh, cache_dir, cache_expire),
                on_stage=advance.stage,
            )
    except pipeline.NothingRead as exc:
        if len(exc.report.errors) > 1:  # one source: the error line itself names it
            for failed in exc.report.errors:
                output.warn(f"skipped {failed.source}: {failed.error}")
        raise
    _left_for_exit[:] = [result]  # the last build's only: a host calling app() again frees the others
    for failed in result.report.errors:
        output.warn(f"skipped {failed.source}: {failed.error}")
    for message in result.warnings:
        output.warn(message)
    summary = result.summary()
    if as_json:
        output.print_json(summary)
        return
    out_console = output.console()
    edges = ", ".join(f"{kind} {count}" for kind, count in sorted(summary["edges"].items())) or "none"
    added = f", {summary['papers_added']} new" if "papers_added" in summary else ""
    out_console.print(
        f"Read {summary['files_read']} source(s): {summary['records']} records -> "
        f"{summary['papers']} papers ({summary['duplicates_merged']} duplicates merged{added})",
        highlight=False,
    )
    out_console.print(
        f"Methods: {summary['methods']} ({summary['mentions'] - summary['introduced']} mentions, "
        f"{summary['introduced']} introduced by a paper); repos: {summary['repos']}",
        highlight=False,
    )
    out_console.print(f"Edges: {edges}", highlight=False)
    if github:
        out_console.print(_github_line(_github_counts(result.graph)), highlight=False)
    if citations:
        out_console.print(_citations_line(_citation_counts(result.graph)), highlight=False)
    written = [summary["db"], *summary["outputs"]]
    out_console.print("Wrote " + ", ".join(str(p) for p in written if p), highlight=False,
                      soft_wrap=True)


def _http_config(offline: bool, refresh: bool, cache_dir: Path | None,
                 cache_expire: int | None) -> Any:
    from graphx.http import HttpConfig

    return HttpConfig.from_env(offline=offline, refresh=refresh, cache_dir=cache_dir,
                               expire_after=cache_expire)


def _github_counts(graph: Any) -> dict[str, int]:
    repos = list(graph.repos.values())
    return {
        "repos": len(repos),
        "ok": sum(r.status == "ok" for r in repos),
        "missing": sum(r.status == "missing" for r in repos),
        "renamed": sum(bool(r.canonical) for r in repos),
        "unfetched": sum(r.status == "unfetched" for r in repos),
    }


def _github_line(counts: dict[str, int]) -> str:
    return (f"GitHub: {counts['ok']} of {counts['repos']} repos enriched, {counts['missing']} "
            f"missing, {counts['renamed']} renamed, {counts['unfetched']} without data")


def _citation_counts(graph: Any) -> dict[str, int]:
    return {
        "papers": len(graph.papers),
        "with_citation_data": sum("s2_id" in p.extra for p in graph.papers),
        "cites": sum(e.kind == "cites" for e in graph.edges),
    }


def _citations_line(counts: dict[str, int]) -> str:
    return (f"Citations: {counts['with_citation_data']} of {counts['papers']} papers found on "
            f"Semantic Scholar, {counts['cites']} citation edges inside the corpus")


enrich_app = typer.Typer(help="Add web metadata to an existing store (GitHub, citations).",
                         no_args_is_help=True)
app.add_typer(enrich_app, name="enrich")


@enrich_app.command("github")
@handles_errors
def enrich_github(
    db: Path = DbOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
    cache_dir: Path | None = CacheDirOption,
    cache_expire: int | None = CacheExpireOption,
    as_json: bool = JsonOption,
) -> None:
    """Fetch stars, language, licence and activity for every repo the papers link to.

    Uses GITHUB_TOKEN when set (never stored). Example: graphx enrich github --offline
    """
    from graphx import pipeline

    config = _http_config(offline, refresh, cache_dir, cache_expire)
    with pipeline.updating(db) as graph:
        with output.progress("GitHub", total=len(graph.repos)) as advance:
            warnings = pipeline.enrich_github(graph, config, advance)
    for message in warnings:
        output.warn(message)
    summary = {**_github_counts(graph), "warnings": warnings}
    if as_json:
        output.print_json(summary)
    else:
        output.console().print(_github_line(summary), highlight=False)


@enrich_app.command("citations")
@handles_errors
def enrich_citations(
    db: Path = DbOption,
    rate: float = RateOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
    cache_dir: Path | None = CacheDirOption,
    cache_expire: int | None = CacheExpireOption,
    as_json: bool = JsonOption,
) -> None:
    """Add `cites` edges between papers of the store that cite each other (Semantic Scholar).

    Uses S2_API_KEY when set (never stored). Example: graphx enrich citations --rate 1
    """
    from graphx import pipeline
    from graphx.graph import derive_edges

    config = _http_config(offline, refresh, cache_dir, cache_expire)
    with pipeline.updating(db) as graph:
        with output.progress("Semantic Scholar", total=len(graph.papers)) as advance:
            warnings = pipeline.enrich_citations(graph, config, rate, advance)
        graph.edges = derive_edges(graph)
    for message in warnings:
        output.warn(message)
    summary = {**_citation_counts(graph), "warnings": warnings}
    if as_json:
        output.print_json(summary)
    else:
        output.console().print(_citations_line(summary), highlight=False)


@app.command()
@handles_errors
def stats(db: Path = DbOption, as_json: bool = JsonOption) -> None:
    """What a store holds: papers, methods, repos, edges by kind, the most connected.

    Example: graphx stats --json
    """
    from graphx import query

    data = query.stats(db)
    if as_json:
        output.print_json(data)
        return
    output.fields([
        ("Store", data["db"]), ("Built", data["built_at"]), ("Sources", data["sources"]),
        ("Papers", data["papers"]), ("Methods", f"{data['methods']} "
                                     f"({data['methods_introduced']} introduced by a paper)"),
        ("Repos", data["repos"]),
        ("Edges", ", ".join(f"{k} {v}" for k, v in data["edges"].items())),
    ])
    output.table(data["top_methods"], [("name", "Method"), ("category", "Category"),
                                       ("papers", "Papers")], title="\nMost mentioned methods")
    output.table(data["top_papers"], [("title", "Paper"), ("degree", "Edges")],
                 title="\nMost connected papers")


def _one_of(value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise typer.BadParameter(f"{value!r}; choose one of: {', '.join(choices)}")
    return value


def _kinds(values: list[str]) -> list[str]:
    from graphx.views import edge_kinds

    known = edge_kinds()
    kinds = [k.strip() for value in values for k in value.split(",") if k.strip()]
    for name in kinds:
        _one_of(name, known)
    return kinds


def _date(value: str | None) -> str | None:
    import re

    if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise typer.BadParameter(f"{value!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


@app.command("export")
@handles_errors
def export_command(
    format_name: str = typer.Option("html", "--format", "-f", help="html, graphml or json.",
                                    callback=lambda v: _one_of(v, ("html", "graphml", "json"))),
    out: Path | None = typer.Option(None, "--out", "-o", help="File to write (default: "
                                       "graph.FORMAT next to the store)."),
    db: Path = DbOption,
    kind: list[str] = typer.Option([], "--kind", "-k", callback=lambda v: _kinds(v),
                                   help="Keep only these edge kinds (repeatable or "
                                   "comma-separated): shares_method, builds_on, same_repo, cites, "
                                   "mentions, introduces, has_code."),
    method: str | None = typer.Option(None, "--method", "-m", help="Only papers that mention "
                                         "or introduce this method."),
    focus: str | None = typer.Option(None, "--focus", help="Only the papers around this one "
                                        "(id, arXiv id, title or part of it, or a method it "
                                        "introduced)."),
    depth: int = typer.Option(1, "--depth", min=0, help="Links away from --focus."),
    min_weight: float | None = typer.Option(None, "--min-weight", help="Drop lighter relations."),
    max_nodes: int | None = typer.Option(None, "--max-nodes", min=1, help="Keep the "
                                            "best-connected papers (HTML default: 2000)."),
    since: str | None = typer.Option(None, "--since", callback=lambda v: _date(v),
                                        help="Papers published on or after this date (YYYY, "
                                        "YYYY-MM or YYYY-MM-DD)."),
    as_json: bool = JsonOption,
) -> None:
    """Write a view of the store as an HTML page, GraphML (Gephi) or JSON.

    Example: graphx export --format html --method Conformer --out conformer.html
    """
    from graphx import export, query

    # the same resolvers as `graphx paper` / `method`: same answers, same "did you mean"
    focus_id = query.resolve(db, focus)["id"] if focus else None
    method_id = query.resolve_method(db, method)["id"] if method else None
    target = out or db.parent / export.DEFAULT_NAMES[format_name]
    summary = export.write_from_store(db, format_name, target, kinds=kind or None,
                                      method=method_id, focus=focus_id, depth=depth,
                                      min_weight=min_weight, max_nodes=max_nodes, since=since)
    written = summary["out"]
    if as_json:
        output.print_json(summary)
        return
    left = (f" ({summary['left_out_papers']} papers left out: --max-nodes to change)"
            if summary["left_out_papers"] else "")
    counts = ", ".join(f"{summary[key]} {key if summary[key] != 1 else key[:-1]}"
                       for key in ("papers", "methods", "repos", "relations"))
    output.console().print(f"Wrote {written}: {counts}{left}", highlight=False, soft_wrap=True)


class Kind(str, Enum):
    """Paper-paper edge kinds a query can keep."""

    all = "all"
    shares_method = "shares_method"
    builds_on = "builds_on"
    same_repo = "same_repo"
    cites = "cites"


KindOption = typer.Option(Kind.all, "--kind", "-k", help="Keep one kind of edge.")


def _link_label(link: dict[str, Any]) -> str:
    if link["direction"] == "out":
        return f"{link['kind']} →"
    if link["direction"] == "in":
        return f"← {link['kind']}"
    return link["kind"]


def _papers(count: int) -> str:
    return f"{count} paper" + ("" if count == 1 else "s")


def _paper_label(paper: dict[str, Any]) -> str:
    return f"{paper['title']} [{paper['id']}]"


@app.command()
@handles_errors
def neighbors(
    query: str = PaperArgument,
    kind: Kind = KindOption,
    method: str | None = typer.Option(None, "--method", "-m", help="Keep edges explained by "
                                         "this method."),
    limit: int = LimitOption,
    db: Path = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """The papers nearest to one paper, most strongly linked first.

    Each row shows how the two are linked: shares_method (undirected), builds_on → (this paper
    uses a method the other introduced), ← builds_on (the other uses one of this paper's), same_repo,
    cites.

    Example: graphx neighbors Zipformer --kind builds_on
    """
    from graphx import query as query_module

    data = query_module.neighbors(db, query, kind=kind.value, method=method, limit=limit)
    if as_json:
        output.print_json(data)
        return
    paper = data["paper"]
    output.console().print(f"Neighbours of {_paper_label(paper)}", markup=False)
    rows = [
        {"weight": n["weight"], "title": n["title"],
         "links": ", ".join(_link_label(link) for link in n["links"]),
         "methods": list(dict.fromkeys(m for link in n["links"] for m in link["methods"]))}
        for n in data["neighbors"]
    ]
    output.table(rows, [("weight", "Weight"), ("title", "Paper", 44), ("links", "Link"),
                        ("methods", "Methods")])
    if data["total"] > len(rows):
        output.console().print(f"({len(rows)} of {data['total']}; --limit N shows more)",
                               markup=False)


@app.command()
@handles_errors
def paper(
    query: str = PaperArgument,
    db: Path = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """One paper: date, authors, abstract, methods, repos, what it builds on and what builds on it.

    Example: graphx paper Zipformer
    """
    import textwrap

    from graphx import query as query_module

    data = query_module.paper(db, query)
    if as_json:
        output.print_json(data)
        return

    def titles(papers: list[dict[str, Any]]) -> list[str]:
        return [p["title"] + (f" ({', '.join(p['methods'])})" if p.get("methods") else "")
                for p in papers]

    def repo_text(repo: dict[str, Any]) -> str:
        facts = [f"★ {repo['stars']}" if repo["stars"] is not None else None, repo["language"],
                 repo["license"], "archived" if repo["archived"] else None,
                 "missing on GitHub" if repo["status"] == "missing" else None,
                 f"now {repo['renamed_to']}" if repo["renamed_to"] else None]
        shown = ", ".join(f for f in facts if f)
        return f"{repo['url']}" + (f" ({shown})" if shown else "")

    output.fields([("Title", data["title"]), ("Id", data["id"]), ("Date", data["date"]),
                   ("Authors", data["authors"]), ("URL", data["url"]),
                   ("Citations", data["citation_count"])])
    if data["abstract"]:
        output.console().print("\n" + textwrap.fill(data["abstract"], width=100) + "\n",
                               markup=False)
    output.fields([
        ("Introduces", data["introduces"]), ("Methods", data["methods"]),
        ("Code", [repo_text(r) for r in data["repos"]]),
    ])
    sections = [("Builds on", titles(data["builds_on"]["out"])),
                ("Built on by", titles(data["builds_on"]["in"])),
                ("References in the corpus", titles(data["cites"]["references"])),
                ("Cited by in the corpus", titles(data["cites"]["cited_by"]))]
    out = output.console()
    for label, items in sections:
        if items:
            out.print(f"[bold]{label}:[/bold]")
            for item in items:
                out.print(f"  {item}", markup=False)
    output.fields([("Edges", ", ".join(f"{k} {v}" for k, v in data["edges"].items() if v))])


@app.command()
@handles_errors
def method(
    name: str = typer.Argument(..., metavar="NAME", help="A method name or alias (case-insensitive)."),
    limit: int = LimitOption,
    db: Path = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """One method: aliases, category, the paper that introduced it, the papers mentioning it.

    Example: graphx method conformer
    """
    from graphx import query as query_module

    data = query_module.method(db, name, limit=limit)
    if as_json:
        output.print_json(data)
        return
    introducer = data["introduced_by"]
    output.fields([
        ("Method", data["name"]), ("Aliases", data["aliases"]), ("Category", data["category"]),
        ("Kind", data["kind"] if data["kind"] != "method" else None),
        ("Generic", "yes (makes no shares_method edges)" if data["generic"] else None),
        ("Introduced by", _paper_label(introducer) if introducer else None),
        ("Built on by", _papers(data["papers_building_on_it"]) if introducer else None),
        ("Methods built on it", ", ".join(data["methods_built_on_it"]) or None),
        ("Mentioned by", _papers(data["paper_count"])),
    ])
    rows = [{**p, "introduces": "introduces" if p["introduces"] else ""} for p in data["papers"]]
    output.table(rows, [("published", "Date"), ("title", "Paper", 60), ("introduces", "")])
    if data["paper_count"] > len(rows):
        output.console().print(f"({len(rows)} of {data['paper_count']}; --limit N shows more)",
                               markup=False)


@app.command("methods")
@handles_errors
def methods_command(
    category: str | None = typer.Option(None, "--category", "-c", help="Only this category."),
    search: str | None = typer.Option(None, "--search", "-s", help="Only names containing this."),
    limit: int = LimitOption,
    db: Path = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Methods by the number of papers mentioning them.

    Example: graphx methods --category speech
    """
    from graphx import query as query_module

    data = query_module.methods(db, category=category, search=search, limit=limit)
    if as_json:
        output.print_json(data)
        return
    output.table(data["methods"], [("name", "Method", 16), ("category", "Category"),
                                   ("papers", "Papers"), ("introduced_by_title", "Introduced by")])
    if data["total"] > len(data["methods"]):
        output.console().print(f"({len(data['methods'])} of {data['total']}; --limit N shows "
                               "more)", markup=False)


@app.command()
@handles_errors
def path(
    source: str = typer.Argument(..., metavar="A", help="The first paper (id, title, method it introduced...)."),
    target: str = typer.Argument(..., metavar="B", help="The second paper."),
    kind: Kind = KindOption,
    max_hops: int = typer.Option(10, "--max-hops", min=1, help="Give up beyond this many steps."),
    db: Path = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """The shortest chain of links between two papers, with the methods behind each step.

    Example: graphx path Zipformer FlashAttention
    """
    from graphx import query as query_module

    data = query_module.path(db, source, target, kind=kind.value, max_hops=max_hops)
    if as_json:
        output.print_json(data)
        return
    out = output.console()
    steps = len(data["hops"])
    out.print(f"{steps} step{'s' if steps != 1 else ''} from {data['source']['title']} to "
              f"{data['target']['title']}", markup=False)
    out.print(f"  {_paper_label(data['source'])}", markup=False)
    arrows = {"forward": " →", "backward": " ←", "undirected": ""}
    for hop in data["hops"]:
        via = f" ({', '.join(hop['methods'])})" if hop["methods"] else ""
        out.print(f"    {hop['kind']}{arrows[hop['direction']]}{via}", markup=False)
        out.print(f"  {_paper_label(hop['to'])}", markup=False)


@app.command()
@handles_errors
def repos(
    language: str | None = typer.Option(None, "--language", help="Only repos in this language."),
    limit: int = LimitOption,
    db: Path = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Code repositories the papers link to, most starred first (after `graphx enrich github`).

    Example: graphx repos --limit 10
    """
    from graphx import query as query_module

    data = query_module.repos(db, limit=limit, language=language)
    if as_json:
        output.print_json(data)
        return
    output.table(data["repos"], [("name", "Repository"), ("stars", "Stars"),
                                 ("language", "Language"), ("license", "Licence"),
                                 ("papers", "Papers"), ("status", "GitHub")])
    notes = []
    if data["total"] > len(data["repos"]):
        notes.append(f"{len(data['repos'])} of {data['total']}; --limit N shows more")
    if data["enriched"] == 0 and data["total"]:
        notes.append("no GitHub metadata yet: run `graphx enrich github`")
    if notes:
        output.console().print(f"({'; '.join(notes)})", markup=False)


# What a command built, kept to the end of the process: freeing a 100k-paper graph object by
# object takes ~0.4 s (and the interpreter's last collection walks whatever is left), while the
# operating system frees a process's memory at once (main ends it with os._exit, as mypy does).
_left_for_exit: list[Any] = []


def main() -> None:
    """Console-script entry point."""
    from graphx import atomic

    atomic.watch_interrupts()
    if os.environ.get("GRAPHX_DEBUG"):
        app()
        return
    try:
        app()
    except KeyboardInterrupt:  # outside a command (e.g. while importing)
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    except SystemExit as done:  # how typer ends every command, with its exit code
        if _left_for_exit and (done.code is None or isinstance(done.code, int)):
            _exit_now(done.code or 0)
        raise


def _exit_now(code: int) -> None:
    """End the process without tearing down the heap; what it printed is flushed first."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None when the process started without it (`>&-`)
                stream.flush()
    except (OSError, ValueError):  # a closed pipe (graphx ... | head) or file: the interpreter
        return  # reports it as ever
    os._exit(code)


if __name__ == "__main__":
    main()
