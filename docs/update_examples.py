"""Regenerate the CLI examples in README.md and docs/cli.md from real runs on the seeds.

    python docs/update_examples.py           # rewrite the example blocks in place
    python docs/update_examples.py --check   # exit 1 when a block is out of date

An example block is a marker line naming the command, then its output, then an end marker:

    <!-- example: neighbors Zipformer --limit 5 -->
    ```console
    $ graphx neighbors Zipformer --limit 5
    ...output...
    ```
    <!-- /example -->

`example-volatile:` marks a command whose output holds times or machine paths (build, stats):
it is regenerated but not compared by --check or by tests/test_docs.py.

The commands run in a scratch folder laid out like a checkout (the seeds at ../shared/seeds),
after `graphx build ../shared/seeds`, so every command reads output/graphx.db as a user's would.
Output is rendered 100 columns wide, as rich does when piped.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FILES = [ROOT / "README.md", ROOT / "docs" / "cli.md"]
WIDTH = "100"

BLOCK = re.compile(
    r"(?P<marker><!-- (?P<tag>example|example-volatile): (?P<args>.+?) -->\n)"
    r"(?P<body>.*?)"
    r"(?P<end><!-- /example -->)",
    re.S,
)


def run_graphx(args: str, cwd: Path) -> str:
    """The command as a console transcript: `$ graphx ARGS`, stdout and stderr, exit status."""
    env = {**os.environ, "COLUMNS": WIDTH, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run([sys.executable, "-m", "graphx", *shlex.split(args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    lines = [f"$ graphx {args}", *(line.rstrip() for line in done.stdout.splitlines()),
             *(line.rstrip() for line in done.stderr.splitlines())]
    if done.returncode:
        lines.append(f"$ echo $?\n{done.returncode}")
    return "\n".join(lines) + "\n"


def render(text: str, runner: Callable[[str], str], volatile: bool = True) -> str:
    """`text` with every example block's body replaced by the runner's transcript."""
    def replace(match: re.Match[str]) -> str:
        if match["tag"] == "example-volatile" and not volatile:
            return match[0]
        body = f"```console\n{runner(match['args'])}```\n"
        return match["marker"] + body + match["end"]

    return BLOCK.sub(replace, text)


def workspace(base: Path) -> Path:
    """A scratch checkout: base/work is the current folder, base/shared/seeds the seeds."""
    (base / "shared").mkdir(parents=True, exist_ok=True)
    link = base / "shared" / "seeds"
    if not link.exists():
        link.symlink_to(SEEDS, target_is_directory=True)
    work = base / "work"
    work.mkdir(exist_ok=True)
    return work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Only report stale blocks (exit 1).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = workspace(Path(tmp))
        run_graphx("build ../shared/seeds", work)

        def runner(command: str) -> str:
            return run_graphx(command, work)

        stale = []
        for path in FILES:
            text = path.read_text(encoding="utf-8")
            new = render(text, runner, volatile=not args.check)
            if new != text:
                stale.append(path)
                if not args.check:
                    path.write_text(new, encoding="utf-8")
    for path in stale:
        verb = "out of date" if args.check else "updated"
        print(f"{path.relative_to(ROOT)}: {verb}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
