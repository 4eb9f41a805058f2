"""The project's own exceptions. The CLI turns each into one line and an exit code."""

from __future__ import annotations

import re
from pathlib import Path


class GraphxError(Exception):
    """A problem the user can fix; shown as one line, exit code 1."""

    exit_code = 1


class InputError(GraphxError):
    """A source that cannot be read: names the file and the problem."""

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = re.sub(r"\s*[\r\n]+\s*", " ", problem).strip()  # parsers' messages span lines
        super().__init__(f"{self.source}: {self.problem}")


class StoreError(GraphxError):
    """A store that is missing, corrupt, foreign or from an unknown schema version."""


class NotFoundError(GraphxError):
    """A query that matched nothing (or too much)."""
