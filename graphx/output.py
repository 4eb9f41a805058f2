"""Rendering for the CLI: rich tables on a terminal, stable JSON with --json, progress on stderr.

Every command hands plain data (dicts and lists) to `emit`; nothing else prints results.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def show_progress() -> bool:
    """Progress bars only for a person at a terminal: not when piped, not under CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def console(stderr: bool = False):  # -> rich.console.Console
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[Any, ...]], title: str | None = None,
          ) -> None:
    """Print rows as a table; columns are (key, header) or (key, header, min_width) tuples.

    A column with nothing in any row (no dates in the corpus, repos not enriched yet) is left out:
    its header would only take the width the other columns need.
    """
    from rich.table import Table

    out = console()
    if not rows:
        out.print("(none)")
        return
    columns = [c for c in columns if any(_cell(r.get(c[0])) for r in rows)] or columns[:1]
    grid = Table(title=title, title_justify="left", header_style="bold", box=None, pad_edge=False)
    for key, header, *min_width in columns:
        numeric = all(isinstance(r.get(key), (int, float)) for r in rows if r.get(key) is not None)
        grid.add_column(header, justify="right" if numeric else "left", overflow="fold",
                        min_width=min_width[0] if min_width else None, no_wrap=numeric)
    for row in rows:
        grid.add_row(*[_cell(row.get(column[0])) for column in columns])
    out.print(grid)


def _cell(value: Any) -> str:
    from rich.markup import escape

    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


def fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """Print labelled fields ("Title: ...")."""
    from rich.markup import escape

    out = console()
    for label, value in pairs:
        if value in (None, "", []):
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        out.print(f"[bold]{label}:[/bold] {escape(str(value))}")


def _one_line(message: str) -> str:
    from rich.markup import escape

    return escape(re.sub(r"\s*[\r\n]+\s*", " ", message).strip())


def warn(message: str) -> None:
    console(stderr=True).print(f"[yellow]warning:[/yellow] {_one_line(message)}")


def error(message: str) -> None:
    console(stderr=True).print(f"[red]error:[/red] {_one_line(message)}")


class _Steps:
    """What `progress` yields: `advance(label)` moves the bar one step; `advance.stage(name)`
    names what the work does now ("Finding methods"), for steps that have no count."""

    def __init__(self, advance: Callable[[str | None], None] = lambda label=None: None,
                 stage: Callable[[str], None] = lambda name: None) -> None:
        self._advance, self.stage = advance, stage

    def __call__(self, label: str | None = None) -> None:
        self._advance(label)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Any]:
    """A progress bar on a terminal; a silent stand-in otherwise. Yields an `advance(label)`
    (with `.stage(name)`, see _Steps)."""
    if not show_progress():
        yield _Steps()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[label]}"), console=console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task(description, total=total, label="")

        def advance(label: str | None = None) -> None:
            bar.update(task, advance=1, label=(label or "")[-60:])

        def stage(name: str) -> None:
            bar.update(task, description=name, label="")

        yield _Steps(advance, stage)
