"""python -m graphx.eval: scores checked against values computed by hand on a tiny labelled set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphx import eval as evaluation

PAPERS = [
    # extraction finds BERT (not labelled: FP), LoRA (TP), Conformer (TP); XYZNet is missed (FN)
    {"id": "u001", "title": "Adapting BERT with LoRA",
     "abstract": "We fine-tune BERT using low-rank adaptation (LoRA) and a Conformer encoder.",
     "methods": [["LoRA", "low-rank adaptation"], "Conformer", "XYZNet"], "introduces": [],
     "generic": ["encoder"]},
    # Zorblax is introduced by the title (TP for both scores), beam search is found (TP)
    {"id": "u002", "title": "Zorblax: beam search for long audio",
     "abstract": "Zorblax decodes long recordings with beam search.",
     "methods": ["Zorblax", "beam search"], "introduces": ["Zorblax"], "generic": []},
    # held out: scored apart, never shown paper by paper
    {"id": "u041", "title": "Speculative decoding for everyone",
     "abstract": "We study speculative decoding.", "methods": [["speculative decoding"]],
     "introduces": [], "generic": []},
]


@pytest.fixture()
def labels(tmp_path: Path) -> Path:
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PAPERS), "utf-8")
    return path


def test_scores_match_hand_computed_values(labels: Path) -> None:
    summary = evaluation.evaluate("unseen", unseen_file=labels)
    assert summary["papers"] == 2
    # methods: TP 4 (LoRA, Conformer, Zorblax, beam search), FP 1 (BERT), FN 1 (XYZNet)
    assert {k: summary["methods"][k] for k in ("tp", "fp", "fn")} == {"tp": 4, "fp": 1, "fn": 1}
    assert summary["methods"]["precision"] == 0.8
    assert summary["methods"]["recall"] == 0.8
    assert summary["methods"]["f1"] == 0.8
    assert summary["introduces"]["tp"] == 1 and summary["introduces"]["fp"] == 0
    assert summary["introduces"]["recall"] == 1.0
    errors = {r.paper_id: r for r in summary["results"]}
    assert errors["u001"].false_positives == ["BERT"]
    assert errors["u001"].false_negatives == ["xyznet"]


def test_heldout_is_scored_apart(labels: Path) -> None:
    summary = evaluation.evaluate("heldout", unseen_file=labels)
    assert summary["papers"] == 1
    assert summary["methods"]["tp"] == 1 and summary["methods"]["fn"] == 0


def test_scoring_rules_alternatives_generic_and_duplicates() -> None:
    labels = evaluation.Labels("p", evaluation._groups([["Llama 3", "LLaMA"], "DPO"]), [],
                               {evaluation.norm("Transformer")})
    predicted = [
        evaluation.Predicted("Llama 3", {evaluation.norm("Llama 3")}, False),
        evaluation.Predicted("LLaMA", {"llama"}, False),  # second name of a found group: duplicate
        evaluation.Predicted("Transformer", {"transformer"}, False),  # a generic label: ignored
        evaluation.Predicted("LLM", {"llm"}, True),  # generic in the catalog: ignored
        evaluation.Predicted("WER", {"wer"}, False),  # wrong
    ]
    result = evaluation.score_paper(labels, predicted, [])
    assert (result.methods.tp, result.methods.fp, result.methods.fn, result.methods.dup) == (1, 1, 1, 1)
    assert result.false_positives == ["WER"] and result.false_negatives == ["dpo"]


def test_cli_prints_table_and_json_and_refuses_heldout_errors(labels: Path, capsys) -> None:
    assert evaluation.main(["--set", "unseen", "--unseen-labels", str(labels)]) == 0
    out = capsys.readouterr().out
    assert "unseen" in out and "0.80" in out
    assert evaluation.main(["--set", "unseen", "--unseen-labels", str(labels), "--json",
                            "--errors"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["methods"]["precision"] == 0.8
    assert [e["id"] for e in data["errors"]] == ["u001"]
    assert evaluation.main(["--set", "heldout", "--errors", "--unseen-labels", str(labels)]) == 2
    assert "heldout" in capsys.readouterr().err


def test_missing_label_file_is_one_line_error(tmp_path: Path, capsys) -> None:
    assert evaluation.main(["--set", "unseen", "--unseen-labels", str(tmp_path / "no.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "no.jsonl" in err and "Traceback" not in err


def test_blind_set_is_its_own_file_and_refuses_errors(labels: Path, capsys) -> None:
    summary = evaluation.evaluate("blind", blind_file=labels)
    assert summary["papers"] == 3  # every paper of the file, no u041 split
    assert evaluation.main(["--set", "blind", "--errors", "--blind-labels", str(labels)]) == 2
    assert "blind is a test set" in capsys.readouterr().err
    assert evaluation.main(["--set", "all", "--errors", "--json", "--unseen-labels", str(labels),
                            "--blind-labels", str(labels)]) == 0
    by_set = {s["set"]: s for s in json.loads(capsys.readouterr().out)}
    assert set(by_set) == {"dev", "unseen", "heldout", "blind"}
    assert "errors" in by_set["unseen"] and "errors" not in by_set["blind"]
    assert "errors" not in by_set["heldout"]


def test_shipped_label_files_parse() -> None:
    for path in (evaluation.UNSEEN_FILE, evaluation.BLIND_FILE):
        papers, labels = evaluation.load_unseen(path)
        assert len(papers) == len(labels) >= 40
        assert all(lab.methods for lab in labels)
