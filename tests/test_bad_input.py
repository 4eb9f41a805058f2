"""The bad-input corpus: every hostile or broken file goes through `graphx build` beside a good seed.

For each one: no traceback, one warning line naming the file (or a sensible read), the good
seed still built, exit code 0 (1 with --strict, or when nothing at all could be read). The files
are generated here, into tmp folders, so the corpus needs no binary fixtures in the repository.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphx import store
from graphx.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED = "002_5a0bac9753124b9e.txt"  # 17 papers
SEED_PAPERS = 17
runner = CliRunner()


def build(*args: str | Path):
    return runner.invoke(app, ["build", *map(str, args), "--jobs", "1", "--no-export"])


def jsonl(path: Path, *records: dict) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


ABSTRACT = "We train a Conformer encoder with LoRA adapters and report results on LibriSpeech. " * 3

# name -> (write the file, the problem the warning must name)
Writer = Callable[[Path], None]
SKIPPED: dict[str, tuple[str, Writer, str]] = {
    "empty": ("empty.txt", lambda p: p.write_bytes(b""), "empty file"),
    "whitespace only": ("blank.txt", lambda p: p.write_text(" \n\t\n  \n"), "empty file"),
    "random bytes": ("blob.bin", lambda p: p.write_bytes(random.Random(1).randbytes(20000)),
                     "binary file, not text"),
    "png": ("figure.txt", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
            "binary file, not text"),
    "truncated json": ("cut.json", lambda p: p.write_text('[{"title": "A paper", "abstract": "x'),
                       "invalid JSON (Unterminated string"),
    "truncated jsonl": ("cut.jsonl", lambda p: p.write_text(
        json.dumps({"title": "Fine paper one"}) + '\n{"title": "Second'), "invalid JSON on line 2"),
    "json number list": ("numbers.json", lambda p: p.write_text("[1, 2, 3]"),
                         "JSON has no records with a title"),
    "json object without title": ("config.json", lambda p: p.write_text('{"name": 5, "x": [1]}'),
                                  "JSON has no records with a title"),
    "json title not a string": ("typed.json", lambda p: p.write_text('[{"title": ["a"]}]'),
                                "JSON has no records with a title"),
    "json nested lists": ("nested.json", lambda p: p.write_text('[[{"title": "x"}]]'),
                          "JSON has no records with a title"),
    "json scalar": ("scalar.json", lambda p: p.write_text('"just a string"'),
                    "unrecognised format"),
    "html not from hf": ("blog.html", lambda p: p.write_text(
        "<!doctype html><html><head><title>Blog</title></head><body><h1>My blog</h1>"
        "<p>Nothing about papers.</p><a href='/about'>About</a></body></html>"),
        "HTML page without Hugging Face paper data"),
    "xml not atom": ("feed.xml", lambda p: p.write_text(
        '<?xml version="1.0"?><rss><channel><title>News</title></channel></rss>'),
        "unrecognised format"),
    "bibtex without titles": ("refs.bib", lambda p: p.write_text(
        "@article{a,\n  author = {Someone},\n  year = {2020}\n}\n"), "no papers found"),
    "bad utf-16": ("odd16.txt", lambda p: p.write_bytes(b"\xff\xfe" + b"A\x00" * 50 + b"\x00\xd8"),
                   "not valid UTF-16 text"),
}


@pytest.fixture
def seed(seeds_dir: Path) -> Path:
    return seeds_dir / SEED


def assert_seed_built(out: Path) -> None:
    graph = store.load(out / "graphx.db")
    assert sum(any(SEED in s for s in p.sources) for p in graph.papers) == SEED_PAPERS


@pytest.mark.parametrize("case", list(SKIPPED))
def test_a_bad_file_is_skipped_with_one_line_and_the_seed_still_built(case, seed, tmp_path):
    name, write, problem = SKIPPED[case]
    bad = tmp_path / name
    write(bad)
    result = build(seed, bad, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        line for line in result.stderr.splitlines() if line.startswith(f"warning: skipped {bad}: ")
    ]
    assert len(result.stderr.splitlines()) == 1 and problem in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert_seed_built(tmp_path / "out")


@pytest.mark.parametrize("case", ["empty", "truncated json", "html not from hf"])
def test_strict_stops_at_a_bad_file_with_exit_1(case, seed, tmp_path):
    name, write, problem = SKIPPED[case]
    bad = tmp_path / name
    write(bad)
    result = build(seed, bad, "--out", tmp_path / "out", "--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}: {problem}")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out" / "graphx.db").exists()


def test_only_bad_files_exit_1_with_one_line(tmp_path):
    for name, write, _ in SKIPPED.values():
        write(tmp_path / name)
    result = build(tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == \
        f"error: no papers could be read from {len(SKIPPED)} source(s)"
    assert len(result.stderr.splitlines()) == len(SKIPPED) + 1  # a warning per file, one error
    assert "Traceback" not in result.output


def papers_from(out: Path, name: str):
    return [p for p in store.load(out / "graphx.db").papers if any(name in s for s in p.sources)]


def test_utf16_and_latin1_text_are_decoded(seed, tmp_path):
    (tmp_path / "utf16.txt").write_bytes(
        ("Caf\u00e9 models for na\u00efve speech recognition \u2013 \u03b1\u03b2\u03b3 \u4e2d\u6587\n"
         + ABSTRACT + "\n").encode("utf-16"))
    (tmp_path / "latin1.txt").write_bytes(
        ("D\u00e9j\u00e0 vu: r\u00e9sum\u00e9 ranking with \u00a7 sections\n" + ABSTRACT + "\n")
        .encode("latin-1"))
    result = build(seed, tmp_path / "utf16.txt", tmp_path / "latin1.txt", "--out", tmp_path / "out")
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert [p.title for p in papers_from(tmp_path / "out", "utf16.txt")] == [
        "Caf\u00e9 models for na\u00efve speech recognition \u2013 \u03b1\u03b2\u03b3 \u4e2d\u6587"]
    assert [p.title for p in papers_from(tmp_path / "out", "latin1.txt")] == [
        "D\u00e9j\u00e0 vu: r\u00e9sum\u00e9 ranking with \u00a7 sections"]
    assert_seed_built(tmp_path / "out")


def test_control_characters_and_invisible_marks_leave_titles(seed, tmp_path):
    jsonl(tmp_path / "odd.jsonl",
          {"title": "Null\x00byte and \x1b[31mescape\x07 title", "abstract": "Tab\tand\rreturns."},
          {"title": "\u202eDesrever\u202c zero\u200bwidth \u05e9\u05dc\u05d5\u05dd title",
           "abstract": "Right-to-left \u200f mark."})
    result = build(seed, tmp_path / "odd.jsonl", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    titles = sorted(p.title for p in papers_from(tmp_path / "out", "odd.jsonl"))
    assert titles == ["Desrever zero width \u05e9\u05dc\u05d5\u05dd title",
                      "Null byte and [31mescape title"]
    for title in titles:
        assert all(ch.isprintable() for ch in title)


def test_a_10000_character_title_is_cut_not_fatal(seed, tmp_path):
    title = "Scaling " + "very " * 2000 + "long titles"
    assert len(title) > 10000
    jsonl(tmp_path / "long.jsonl", {"title": title, "abstract": ABSTRACT})
    (tmp_path / "long.txt").write_text("Q" * 10000 + "\n" + ABSTRACT + "\n")
    result = build(seed, tmp_path / "long.jsonl", tmp_path / "long.txt", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    papers = papers_from(tmp_path / "out", "long.")
    assert len(papers) == 2
    for paper in papers:
        assert len(paper.title) <= 1000 and paper.title.endswith("\u2026")
    assert any(p.title.startswith("Scaling very very") for p in papers)


def test_markup_and_script_in_records_stay_plain_text_and_links_stay_http(seed, tmp_path):
    title = "Attention </script><script>alert(1)</script> is all you need"
    abstract = 'See <img src=x onerror="alert(1)"> and <a href="javascript:alert(2)">this</a>.'
    jsonl(tmp_path / "xss.jsonl",
          {"title": title, "abstract": abstract, "url": "javascript:alert(1)"},
          {"title": "A data URL paper", "url": "data:text/html,<script>alert(3)</script>"},
          {"title": "A fine link paper", "url": "https://example.org/paper"})
    result = build(seed, tmp_path / "xss.jsonl", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    papers = {p.title: p for p in papers_from(tmp_path / "out", "xss.jsonl")}
    assert papers[title].abstract == abstract  # kept as text; escaping is each exporter's job
    assert papers[title].url is None and papers["A data URL paper"].url is None
    assert papers["A fine link paper"].url == "https://example.org/paper"


def test_one_arxiv_id_with_two_titles_is_one_paper_and_a_warning(seed, tmp_path):
    jsonl(tmp_path / "dups.jsonl",
          {"id": "2401.00001", "title": "The first title", "abstract": "Short."},
          {"id": "2401.00001", "title": "A different second title", "abstract": ABSTRACT})
    result = build(seed, tmp_path / "dups.jsonl", "--out", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "warning: 2401.00001 has different titles: kept 'The first title', not "
        f"'A different second title' ({tmp_path / 'dups.jsonl'})")
    (paper,) = papers_from(tmp_path / "out", "dups.jsonl")
    assert (paper.id, paper.title, paper.abstract) == ("2401.00001", "The first title",
                                                       ABSTRACT.strip())
    assert json.loads(result.stdout)["duplicates_merged"] == 1


def test_symlink_loops_and_fifos_in_a_folder_are_reported_not_followed(seed, tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "good.txt").write_bytes(seed.read_bytes())
    (folder / "self").symlink_to(folder)  # a folder that contains itself
    (folder / "a").symlink_to(folder / "b")
    (folder / "b").symlink_to(folder / "a")
    os.mkfifo(folder / "pipe")
    started = time.monotonic()
    result = build(folder, "--out", tmp_path / "out")
    assert time.monotonic() - started < 30
    assert result.exit_code == 0, result.output
    assert sorted(result.stderr.splitlines()) == [
        f"warning: skipped {folder / 'a'}: Too many levels of symbolic links",
        f"warning: skipped {folder / 'b'}: Too many levels of symbolic links",
        f"warning: skipped {folder / 'pipe'}: not a regular file",
    ]
    assert len(papers_from(tmp_path / "out", "good.txt")) == SEED_PAPERS


def test_unreadable_file_and_folder_are_reported(seed, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop root from reading")
    locked = tmp_path / "locked.txt"
    locked.write_bytes(seed.read_bytes())
    locked.chmod(0)
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "inside.txt").write_bytes(seed.read_bytes())
    closed.chmod(0)
    try:
        result = build(seed, locked, closed, "--out", tmp_path / "out")
    finally:
        closed.chmod(0o755)
    assert result.exit_code == 0, result.output
    assert f"warning: skipped {locked}: permission denied" in result.stderr
    assert f"warning: skipped {closed}: Permission denied" in result.stderr
    assert len(result.stderr.splitlines()) == 2
    assert_seed_built(tmp_path / "out")


def run_measured(args: list[str], folder: Path, timeout: float = 60
                 ) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run `graphx ARGS` as a real process: what it printed and its peak RSS in MB (wait4)."""
    import threading

    out_path, err_path = folder / "stdout.txt", folder / "stderr.txt"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        process = subprocess.Popen([sys.executable, "-m", "graphx", *args], stdout=out, stderr=err,
                                   env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"})
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            watchdog.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    done = subprocess.CompletedProcess(args, process.returncode, out_path.read_text(),
                                       err_path.read_text())
    return done, usage.ru_maxrss / 1024


def test_50_mb_single_lines_are_handled_fast_in_bounded_memory(seed, tmp_path):
    size = 50 * 2**20
    # prose with no line break: no format can claim it
    words = (b"lorem ipsum dolor sit amet " * (size // 27 + 1))[:size]
    (tmp_path / "one_line.txt").write_bytes(words)
    # a JSON array on one line, cut off at 50 MB
    record = json.dumps({"title": "Paper", "abstract": "word " * 2000}) + ", "
    (tmp_path / "cut.json").write_text(("[" + record * (size // len(record) + 1))[:size])
    # valid JSON on one line: 25 records with 2 MB abstracts each
    huge = [{"title": f"Huge paper {i} on LoRA", "abstract": "LoRA adapters. " * (2**21 // 15)}
            for i in range(25)]
    (tmp_path / "huge.json").write_text(json.dumps(huge))
    assert all((tmp_path / n).stat().st_size >= size for n in ("one_line.txt", "cut.json", "huge.json"))

    started = time.monotonic()
    done, peak_mb = run_measured(
        ["build", str(seed), str(tmp_path / "one_line.txt"), str(tmp_path / "cut.json"),
         str(tmp_path / "huge.json"), "--out", str(tmp_path / "out"), "--no-export", "--jobs", "1"],
        tmp_path)
    elapsed = time.monotonic() - started
    stderr = done.stderr.splitlines()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert stderr[0] == (f"warning: skipped {tmp_path / 'one_line.txt'}: unrecognised format "
                         "(use --format to say which it is)")
    assert stderr[1].startswith(f"warning: skipped {tmp_path / 'cut.json'}: invalid JSON "
                                "(Unterminated string starting at; line 1, column ")
    assert elapsed < 20, f"took {elapsed:.1f} s"
    assert peak_mb < 500, f"peak memory {peak_mb:.0f} MB"
    huge_papers = papers_from(tmp_path / "out", "huge.json")
    assert len(huge_papers) == 25
    assert all(len(p.abstract) <= 20000 for p in huge_papers)
    assert_seed_built(tmp_path / "out")
    print(f"50 MB files: {elapsed:.1f} s, peak {peak_mb:.0f} MB")


def test_the_whole_corpus_through_the_real_command_prints_no_traceback(seed, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, write, _ in SKIPPED.values():
        write(folder / name)
    done = subprocess.run(
        [sys.executable, "-m", "graphx", "build", str(seed), str(folder), "--out",
         str(tmp_path / "out"), "--no-export", "--jobs", "1"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"},
        timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == len(SKIPPED) and "Traceback" not in done.stderr
    for name, _, problem in SKIPPED.values():
        assert any(line.startswith(f"warning: skipped {folder / name}: ") and problem in line
                   for line in lines), name
    assert_seed_built(tmp_path / "out")


HOSTILE = [
    {"title": "Attention </script><script>alert(1)</script> is all you need",
     "abstract": 'We train a Conformer. <img src=x onerror="alert(2)"> <!-- <script>',
     "url": "javascript:alert(3)"},
    {"title": "<img src=x onerror=alert(4)> LoRA for everyone",
     "abstract": "LoRA adapters. <a href='javascript:alert(5)'>click</a> \u2028 \u2029",
     "url": "JaVaScRiPt:alert(6)"},
    {"title": "\u202eRight-to-left\u202c and zero\u200bwidth \u05e9\u05dc\u05d5\u05dd Conformer",
     "abstract": "Null\x00 and escape \x1b[31m characters with LoRA.",
     "url": "https://example.org/ok"},
    {"title": "A {{DATA}} placeholder and a [bold]rich[/bold] tag " + "long " * 400,
     "abstract": "Conformer and LoRA. https://github.com/evil/repo\"><script>alert(7)</script>"},
]


def test_hostile_records_built_by_the_cli_stay_text_in_every_export(seed, tmp_path):
    import networkx as nx

    jsonl(tmp_path / "hostile.jsonl", *HOSTILE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(seed), str(tmp_path / "hostile.jsonl"), "--out",
                                 str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    papers = papers_from(out, "hostile.jsonl")
    assert len(papers) == 4
    page = (out / "graph.html").read_text(encoding="utf-8")
    embedded = re.search(r'<script type="application/json" id="graphx-data">(.*?)</script>',
                         page, re.S).group(1)
    assert "<" not in embedded
    nodes = {n["id"]: n for n in json.loads(embedded)["nodes"]}
    for paper in papers:
        assert (nodes[paper.id]["title"], nodes[paper.id]["abstract"]) == (paper.title,
                                                                         paper.abstract)
        assert nodes[paper.id]["url"] in (None, "https://example.org/ok")
    graphml = nx.read_graphml(out / "graph.graphml")
    assert {graphml.nodes[p.id]["label"] for p in papers} == {p.title for p in papers}
    document = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert {p["title"] for p in document["papers"]} >= {p.title for p in papers}


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_hostile_records_never_run_in_chromium(seed, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    jsonl(tmp_path / "hostile.jsonl", *HOSTILE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(seed), str(tmp_path / "hostile.jsonl"), "--out",
                                 str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    titles = [p.title for p in papers_from(out, "hostile.jsonl")]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page()
        dialogs, errors, requests = [], [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        url = (out / "graph.html").resolve().as_uri()
        page.goto(url)
        page.wait_for_function("window.graphxReady === true", timeout=30_000)
        for title in titles:
            node = page.evaluate("t => window.graphxData.nodes.find(n => n.title === t).id", title)
            page.evaluate("id => window.graphxFocus(id)", node)  # fills the details panel
            assert title in page.locator("#details").inner_text()
            page.fill("#search", title[:12])
            assert title[:12] in page.locator("#search-results").inner_text()
        assert page.evaluate("document.querySelectorAll('img, #details script, b').length") == 0
        hrefs = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.href)")
        assert all(h.startswith(("http://", "https://")) for h in hrefs)
        page.wait_for_timeout(200)
        browser.close()
    assert (dialogs, errors) == ([], [])
    assert requests == [url]
