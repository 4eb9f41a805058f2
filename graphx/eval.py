"""Score method extraction against hand-labelled papers.

    python -m graphx.eval                      # dev set (seed papers), table
    python -m graphx.eval --set unseen --errors
    python -m graphx.eval --set all --json     # every set, aggregate figures

Label files (benchmarks/data/): each labelled paper has `methods` and `introduces`, lists whose items
are a name or a nested list of alternative names of one method; `generic` names are ignored when
scoring. The dev set is keyed by graphx stable ids of the seed papers; the unseen file carries its
own title and abstract.

Scoring, per paper, summed over papers (micro-averaged):
- a label group is found when some extracted method has a form equal to one of its names (compared
  case-insensitively, hyphens/underscores as spaces, a final plural "s" dropped);
- an extracted method that matches no group is a false positive, unless it is generic in the
  catalog, matches a `generic` label, or is a discovered non-method (dataset, benchmark, ...);
- a second extracted method matching an already found group is counted as a duplicate, neither
  right nor wrong (the labels list alternative names, e.g. "Llama 3" or "LLaMA").
Introduced methods are scored the same way, over mentions that introduce.

The unseen file is split: u001-u040 (`unseen`) may be studied paper by paper; u041-u080
(`heldout`) is a test set: only its aggregate figures are ever shown. `blind` (b001-b060) is a
second test set, written and labelled by someone who never saw graphx's code, catalog or other
labels; it too is shown only as aggregates.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphx.errors import GraphxError, InputError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
DEV_FILE = DATA / "methods_dev.yaml"
UNSEEN_FILE = DATA / "methods_unseen.jsonl"
BLIND_FILE = DATA / "methods_blind.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"
HELDOUT_FROM = 41  # u041 onwards is the held-out half of the unseen file
SETS = ("dev", "unseen", "heldout", "blind")
TEST_SETS = ("heldout", "blind")  # aggregate figures only: never studied paper by paper


def norm(name: str) -> str:
    """The comparison key of a name: case, hyphens, underscores, spacing and a final plural folded.

    >>> norm("Low-Rank Adaptations"), norm("KV_cache"), norm("LLMs"), norm("loss"), norm("Llama 3")
    ('low rank adaptation', 'kv cache', 'llm', 'loss', 'llama3')
    """
    text = re.sub(r"[\s\-\u2010-\u2015_/]+", " ", name.casefold()).strip()
    text = re.sub(r"(?<=[a-z]) (?=\d)", "", text)  # "Llama 3" = "Llama3", "Mamba-2" = "Mamba2"
    if len(text) > 3 and text.endswith("s") and not text.endswith(("ss", "us", "is")):
        text = text[:-1]
    return text


def _groups(items: Any) -> list[set[str]]:
    groups = []
    for item in items or []:
        names = item if isinstance(item, list) else [item]
        keys = {norm(str(n)) for n in names if str(n).strip()}
        if keys:
            groups.append(keys)
    return groups


@dataclass
class Labels:
    paper_id: str
    methods: list[set[str]]
    introduces: list[set[str]]
    generic: set[str]
    label: str = ""  # the id the label file uses (u001, or the stable id)


@dataclass
class Predicted:
    """One extracted method of one paper: its display name and every form it answers to."""

    name: str
    keys: set[str]
    ignorable: bool  # generic in the catalog, or a discovered non-method


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    dup: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.dup += other.dup

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@dataclass
class PaperResult:
    paper_id: str
    title: str
    methods: Counts
    introduces: Counts
    false_positives: list[str]
    false_negatives: list[str]
    intro_false_positives: list[str]
    intro_false_negatives: list[str]


def score_paper(labels: Labels, predicted: Sequence[Predicted], introduced: Sequence[Predicted],
                title: str = "") -> PaperResult:
    """Compare one paper's extracted methods (and introduced methods) with its labels."""
    methods, fps, fns = _compare(labels.methods, predicted, labels.generic)
    intro, ifps, ifns = _compare(labels.introduces, introduced, labels.generic)
    return PaperResult(labels.label or labels.paper_id, title, methods, intro, fps, fns, ifps, ifns)


def _compare(gold: list[set[str]], predicted: Sequence[Predicted], generic: set[str]
             ) -> tuple[Counts, list[str], list[str]]:
    counts = Counts()
    found = [False] * len(gold)
    false_positives = []
    for item in predicted:
        hits = [i for i, group in enumerate(gold) if group & item.keys]
        if not hits:
            if not item.ignorable and not (item.keys & generic):
                counts.fp += 1
                false_positives.append(item.name)
            continue
        fresh = [i for i in hits if not found[i]]
        if fresh:
            for i in fresh:
                found[i] = True
            counts.tp += len(fresh)
        else:
            counts.dup += 1
    false_negatives = [sorted(gold[i])[0] for i in range(len(gold)) if not found[i]]
    counts.fn = len(false_negatives)
    return counts, false_positives, false_negatives


def predictions(papers: list[Any], catalog_files: Sequence[str | Path] = ()
                ) -> dict[str, tuple[list[Predicted], list[Predicted]]]:
    """Run extraction over a corpus: per paper id, (methods, introduced methods)."""
    from graphx import methods as methods_module

    catalog = methods_module.load_catalog(list(catalog_files))
    extraction = methods_module.extract(papers, catalog, jobs=1)
    out: dict[str, tuple[list[Predicted], list[Predicted]]] = {p.id: ([], []) for p in papers}
    for mention in extraction.mentions:
        method = extraction.methods.get(mention.method_id)
        if method is None:
            continue
        keys = {norm(method.name), *(norm(a) for a in method.aliases)}
        if mention.surface:
            keys.add(norm(mention.surface))
        item = Predicted(method.name, keys, method.generic or method.kind != "method")
        out[mention.paper_id][0].append(item)
        if mention.introduces:
            out[mention.paper_id][1].append(item)
    return out


def _labels(record: dict[str, Any], paper_id: str) -> Labels:
    return Labels(paper_id, _groups(record.get("methods")), _groups(record.get("introduces")),
                  {k for g in _groups(record.get("generic")) for k in g}, str(record["id"]))


def load_dev(path: Path = DEV_FILE, seeds: Path = SEEDS) -> tuple[list[Any], list[Labels]]:
    """The seed corpus and the dev labels (keyed by stable id)."""
    import yaml

    from graphx.papers import merge_papers
    from graphx.sources import read_sources

    try:
        records = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot read labels ({exc.__class__.__name__})") from None
    if not seeds.exists():
        raise InputError(seeds, "seed listings not found (use --seeds PATH)")
    report = read_sources([str(seeds)])
    papers, _ = merge_papers(list(report.records))
    known = {p.id for p in papers}
    labels = [_labels(r, r["id"]) for r in records]
    missing = [lab.paper_id for lab in labels if lab.paper_id not in known]
    if missing:
        raise InputError(path, f"{len(missing)} labelled ids not in the seeds, e.g. {missing[0]}")
    return papers, labels


def load_unseen(path: Path = UNSEEN_FILE) -> tuple[list[Any], list[Labels]]:
    """Papers of a JSON Lines label file (each file is one corpus) and their labels."""
    from graphx.papers import Paper

    papers, labels = [], []
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, exc.strerror or "cannot read labels") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(path, f"line {number} is not JSON") from None
        paper = Paper(title=record["title"], abstract=record["abstract"],
                      published=record.get("published"))
        papers.append(paper)
        labels.append(_labels(record, paper.id))
    return papers, labels


def _in_heldout(paper_id: str) -> bool:
    digits = re.sub(r"\D", "", paper_id)
    return bool(digits) and int(digits) >= HELDOUT_FROM


def evaluate(name: str, catalog_files: Sequence[str | Path] = (), seeds: Path = SEEDS,
             dev_file: Path = DEV_FILE, unseen_file: Path = UNSEEN_FILE,
             blind_file: Path = BLIND_FILE) -> dict[str, Any]:
    """Scores of one labelled set: totals and per-paper results."""
    if name == "dev":
        papers, labels = load_dev(dev_file, seeds)
    elif name == "blind":
        papers, labels = load_unseen(blind_file)
    else:
        papers, labels = load_unseen(unseen_file)
        labels = [lab for lab in labels if _in_heldout(lab.label) == (name == "heldout")]
    found = predictions(papers, catalog_files)
    titles = {p.id: p.title for p in papers}
    results = [score_paper(lab, *found[lab.paper_id], title=titles[lab.paper_id]) for lab in labels]
    return summarise(name, results)


def summarise(name: str, results: Iterable[PaperResult]) -> dict[str, Any]:
    results = list(results)
    methods, intro = Counts(), Counts()
    for result in results:
        methods.add(result.methods)
        intro.add(result.introduces)
    return {
        "set": name,
        "papers": len(results),
        "methods": {**methods.scores(), **vars(methods)},
        "introduces": {**intro.scores(), **vars(intro)},
        "results": results,
    }


def _row(summary: dict[str, Any]) -> dict[str, Any]:
    m, i = summary["methods"], summary["introduces"]
    return {"set": summary["set"], "papers": summary["papers"],
            "p": m["precision"], "r": m["recall"], "f1": m["f1"],
            "ip": i["precision"], "ir": i["recall"], "if1": i["f1"]}


COLUMNS = [("set", "set"), ("papers", "papers"), ("p", "methods P"), ("r", "R"), ("f1", "F1"),
           ("ip", "introduced P"), ("ir", "R"), ("if1", "F1")]


def _error_lines(summary: dict[str, Any]) -> list[str]:
    lines = []
    for r in summary["results"]:
        parts = []
        if r.false_positives:
            parts.append("  FP " + "; ".join(r.false_positives))
        if r.false_negatives:
            parts.append("  FN " + "; ".join(r.false_negatives))
        if r.intro_false_positives:
            parts.append("  intro FP " + "; ".join(r.intro_false_positives))
        if r.intro_false_negatives:
            parts.append("  intro FN " + "; ".join(r.intro_false_negatives))
        if parts:
            lines.append(f"{r.paper_id}  {r.title[:90]}")
            lines.extend(parts)
    return lines


def _public(summary: dict[str, Any], errors: bool) -> dict[str, Any]:
    data = {k: v for k, v in summary.items() if k != "results"}
    if errors:
        data["errors"] = [
            {"id": r.paper_id, "title": r.title, "false_positives": r.false_positives,
             "false_negatives": r.false_negatives, "introduced_false_positives": r.intro_false_positives,
             "introduced_false_negatives": r.intro_false_negatives}
            for r in summary["results"]
            if r.false_positives or r.false_negatives or r.intro_false_positives
            or r.intro_false_negatives
        ]
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graphx.eval", description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="which", choices=[*SETS, "all", "both"], default="dev",
                        help="dev (seed papers), unseen (u001-u040), heldout (u041-u080), blind "
                             "(b001-b060), all (every set, aggregates only for heldout and blind; "
                             "'both' is an old name for it)")
    parser.add_argument("--errors", action="store_true",
                        help="per-paper false positives / negatives (not for heldout or blind)")
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--catalog", action="append", default=[], metavar="YAML",
                        help="extra method catalog, as for graphx build --catalog")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="seed listings (dev set)")
    parser.add_argument("--dev-labels", type=Path, default=DEV_FILE)
    parser.add_argument("--unseen-labels", type=Path, default=UNSEEN_FILE)
    parser.add_argument("--blind-labels", type=Path, default=BLIND_FILE)
    args = parser.parse_args(argv)
    from graphx import output

    if args.errors and args.which in TEST_SETS:
        output.error(f"{args.which} is a test set: only its aggregate scores are shown (drop --errors)")
        return 2
    names = list(SETS) if args.which in ("all", "both") else [args.which]
    try:
        summaries = [evaluate(n, args.catalog, args.seeds, args.dev_labels, args.unseen_labels,
                              args.blind_labels) for n in names]
    except GraphxError as exc:
        output.error(str(exc))
        return 1
    if args.json:
        output.print_json([_public(s, args.errors and s["set"] not in TEST_SETS) for s in summaries]
                          if len(summaries) > 1 else _public(summaries[0], args.errors))
        return 0
    if args.errors:
        for summary in summaries:
            if summary["set"] not in TEST_SETS:
                sys.stdout.write("\n".join(_error_lines(summary)) + "\n\n")
    output.table([_row(s) for s in summaries], COLUMNS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
