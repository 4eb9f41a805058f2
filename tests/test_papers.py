from graphx.papers import Paper, merge_papers, normalize_title, parse_arxiv_id


def test_normalised_titles_ignore_case_punctuation_spacing_and_accents():
    variants = ["Zipformer: A Faster Encoder", "zipformer -- a faster  encoder", "Zipformer — A Fäster Encoder"]
    assert {normalize_title(v) for v in variants} == {"zipformer a faster encoder"}


def test_arxiv_ids_parse_from_urls_and_versions():
    assert parse_arxiv_id("https://arxiv.org/abs/2510.11696v3") == "2510.11696"
    assert parse_arxiv_id("arXiv:1706.03762") == "1706.03762"
    assert parse_arxiv_id("cs/0112017v1") == "cs/0112017"
    assert parse_arxiv_id("no id here") is None


def test_title_only_record_merges_into_the_record_with_an_arxiv_id():
    listing = Paper("Zipformer: A faster encoder", sources=["seed.txt"])
    api = Paper("Zipformer: a faster encoder", abstract="Longer abstract.", arxiv_id="2310.11230",
                upvotes=5, sources=["api.json"])
    papers, merged = merge_papers([listing, api])
    assert merged == 1 and len(papers) == 1
    (paper,) = papers
    assert paper.arxiv_id == "2310.11230" and paper.id == "2310.11230"
    assert paper.abstract == "Longer abstract." and paper.upvotes == 5
    assert paper.sources == ["seed.txt", "api.json"]


def test_different_arxiv_ids_with_the_same_title_stay_apart():
    papers, merged = merge_papers([Paper("Survey", arxiv_id="2401.00001"),
                                   Paper("Survey", arxiv_id="2402.00002")])
    assert len(papers) == 2 and merged == 0


def test_control_characters_and_hard_line_breaks_are_cleaned():
    paper = Paper("A\x00 title\nwith breaks", abstract="line one\nline two\x07")
    assert paper.title == "A title with breaks"
    assert paper.abstract == "line one line two"
