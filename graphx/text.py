"""Text from strangers made safe to store, write and print.

Lone surrogates (a JSON escape such as "\\ud800", or a file name that is not UTF-8) cannot be
encoded as UTF-8, so SQLite, XML and JSON writers would fail on them; they become U+FFFD.
"""

from __future__ import annotations

import os
import re
from typing import Any

_SURROGATES = re.compile("[\ud800-\udfff]")


def scrub(value: Any) -> Any:
    """`value` (a str, or lists and dicts of them) with lone surrogates replaced by U+FFFD."""
    if isinstance(value, str):
        return value if value.isascii() else _SURROGATES.sub("\ufffd", value)
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in value.items()}
    return value


def path_text(path: str | os.PathLike[str]) -> str:
    """A path as printable, storable text: bytes that are not UTF-8 shown as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")
