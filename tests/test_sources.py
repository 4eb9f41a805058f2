"""Reading the real Hugging Face listing copies and JSON records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphx.errors import InputError
from graphx.papers import merge_papers
from graphx.sources import decode, read_file, read_sources, sniff

CHROME = ["Subscribe", "Get trending papers", "byAK", "Daily Papers", "authors", "new"]


def _titles(path: Path) -> list[str]:
    return [p.title for p in read_file(path)[1]]


@pytest.mark.parametrize(
    "prefix, expected",
    [("000_", 48), ("001_", 80), ("002_", 17), ("003_", 112)],
)
def test_each_seed_listing_yields_every_paper(seeds_dir, prefix, expected):
    (path,) = seeds_dir.glob(f"{prefix}*.txt")
    fmt, papers = read_file(path)
    assert fmt == "hf-text"
    assert len(papers) == expected
    for paper in papers:
        assert paper.abstract, f"{paper.title!r} lost its abstract"
        assert len(paper.title) < 300


def test_page_chrome_never_becomes_a_paper(seeds_dir):
    for path in seeds_dir.iterdir():
        for title in _titles(path):
            assert not any(title.startswith(word) for word in CHROME), title
            assert title not in {"·", "Oct 31", "Mar 11", "Mar 17"}


def test_chrome_glued_to_first_title_is_removed(seeds_dir):
    (path,) = seeds_dir.glob("000_*.txt")
    assert _titles(path)[0] == "ChunkFormer: Masked Chunking Conformer For Long-Form Speech Transcription"


def test_abstract_is_kept_whole(seeds_dir):
    (path,) = seeds_dir.glob("000_*.txt")
    zipformer = next(p for p in read_file(path)[1] if p.title.startswith("Zipformer"))
    assert zipformer.abstract.startswith("The Conformer has become")
    assert zipformer.abstract.rstrip().endswith(".")


def test_dates_authors_and_upvotes_are_kept_where_the_listing_has_them(seeds_dir):
    (path,) = seeds_dir.glob("001_*.txt")
    papers = {p.title: p for p in read_file(path)[1]}
    genread = papers["Generate rather than Retrieve: Large Language Models are Strong Context Generators"]
    assert genread.published == "2022-09-20"
    assert genread.author_count == 9
    assert genread.repos == ["wyu97/GenRead"]
    legal = papers["Interpretable Long-Form Legal Question Answering with Retrieval-Augmented Large Language Models"]
    assert (legal.published, legal.upvotes) == ("2023-09-29", 1)
    checkfree = papers["All is Not Lost: LLM Recovery without Checkpoints"]
    # a date without a year is kept as written, never guessed
    assert (checkfree.published, checkfree.date_text, checkfree.upvotes) == (None, "Jun 18", 2)


def test_duplicate_titles_across_listings_merge(seeds_dir):
    report = read_sources([seeds_dir])
    papers, merged = merge_papers(report.records)
    assert len(report.records) == 257
    assert len(papers) == 231
    assert merged == 26
    keys = [p.title_key for p in papers]
    assert len(keys) == len(set(keys))
    multi = [p for p in papers if len(p.sources) > 1]
    assert len(multi) >= 20
    assert all(len(set(p.sources)) == len(p.sources) for p in multi)


def test_stable_ids_are_the_same_on_every_run(seeds_dir):
    first = [p.id for p in merge_papers(read_sources([seeds_dir]).records)[0]]
    second = [p.id for p in merge_papers(read_sources([seeds_dir]).records)[0]]
    assert first == second
    assert len(set(first)) == len(first)


def test_json_lines_and_arrays_are_read(tmp_path):
    records = [
        {"id": "2510.11696", "title": "Paper One", "abstract": "Uses LoRA.", "published": "2025-10-14",
         "authors": ["A. Author", {"name": "B. Author"}]},
        {"title": "Paper Two", "summary": "Summary as abstract. Code: https://github.com/o/r."},
    ]
    jsonl = tmp_path / "papers.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    array = tmp_path / "papers.data"  # the extension says nothing; the content does
    array.write_text(json.dumps(records))
    for path in (jsonl, array):
        fmt, papers = read_file(path)
        assert fmt == "json"
        assert [p.title for p in papers] == ["Paper One", "Paper Two"]
        assert papers[0].arxiv_id == "2510.11696" and papers[0].id == "2510.11696"
        assert papers[0].authors == ["A. Author", "B. Author"]
        assert papers[0].year == 2025
        assert papers[1].abstract.startswith("Summary as abstract")
        assert papers[1].repos == ["o/r"]


def test_format_is_sniffed_from_content_and_can_be_forced(tmp_path):
    text = "A Title\n" + "An abstract sentence that goes on. " * 5 + "\n"
    assert sniff(text) == "hf-text"
    assert sniff('{"title": "x"}') == "json"
    path = tmp_path / "listing.json"  # misleading extension
    path.write_text(text)
    assert read_file(path)[0] == "hf-text"
    with pytest.raises(InputError, match="listing.json"):
        read_file(path, "json")


@pytest.mark.parametrize(
    "content, problem",
    [(b"", "empty file"), (b"\x00\x01\x02\xff" * 100, "binary"), (b'[{"title": ', "invalid JSON"),
     (b'{"a": 1}', "no records with a title")],
)
def test_bad_files_raise_one_clear_error_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_utf16_and_latin1_text_decode():
    text = "Zürich Paper\n" + "An abstract about Conformer models. " * 4
    assert decode(text.encode("utf-16"), "x") == text
    assert decode(text.encode("latin-1"), "x") == text


def test_counts_too_large_for_the_store_are_dropped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    path.write_text(json.dumps([{"title": "A", "upvotes": 9.3e18}, {"title": "B", "upvotes": 7}]))
    papers = {p.title: p for p in read_file(path)[1]}
    assert (papers["A"].upvotes, papers["B"].upvotes) == (None, 7)
