"""The README's CLI tour and docs/cli.md show what the commands really print on the seeds."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _update_examples():
    spec = importlib.util.spec_from_file_location("update_examples",
                                                  ROOT / "docs" / "update_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_tour_and_cli_doc_match_real_output(seeds_dir, tmp_path):
    docs = _update_examples()
    work = docs.workspace(tmp_path)
    built = docs.run_graphx("build ../shared/seeds --no-export", work)
    assert "$ echo $?" not in built, built
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("<!-- tour:start -->") == 1 and "<!-- example: neighbors" in readme
    for path in docs.FILES:
        text = path.read_text(encoding="utf-8")
        fresh = docs.render(text, lambda args: docs.run_graphx(args, work), volatile=False)
        diff = "".join(difflib.unified_diff(text.splitlines(True), fresh.splitlines(True),
                                            str(path.relative_to(ROOT)), "real output", n=1))
        assert fresh == text, f"run `python docs/update_examples.py` to refresh:\n{diff}"


def test_render_replaces_only_example_blocks():
    docs = _update_examples()
    text = ("intro\n<!-- example: paper X -->\nold\n<!-- /example -->\nmiddle\n"
            "<!-- example-volatile: stats -->\nold\n<!-- /example -->\n")
    seen = []

    def runner(args: str) -> str:
        seen.append(args)
        return f"$ graphx {args}\nnew\n"

    assert docs.render(text, runner, volatile=False) == (
        "intro\n<!-- example: paper X -->\n```console\n$ graphx paper X\nnew\n```\n"
        "<!-- /example -->\nmiddle\n<!-- example-volatile: stats -->\nold\n<!-- /example -->\n")
    assert seen == ["paper X"]
    assert "$ graphx stats\nnew" in docs.render(text, runner)
