"""Input sources: find the files, sniff each one's format from its content, read Paper records.

Each format is a module in this package with `NAME`, `sniff(text) -> bool` and
`read(text, source) -> list[Paper]`. Readers raise InputError for a file they recognise but
cannot read; anything else they raise is a bug.
"""

from __future__ import annotations

import codecs
import importlib
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from graphx.errors import GraphxError, InputError
from graphx.papers import Paper
from graphx.speed import no_gc
from graphx.text import path_text

# Sniffing order matters: the structured formats first, plain text (which accepts much) last.
FORMAT_MODULES = ["jsonl", "arxiv_xml", "hf_html", "bibtex", "hf_text"]
MAX_FILE_BYTES = 512 * 1024 * 1024


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"graphx.sources.{name}")


def formats() -> list[str]:
    """Names accepted by `--format`."""
    return [_module(name).NAME for name in FORMAT_MODULES]


def decode(data: bytes, source: str | Path) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with BOM; Latin-1 as a last resort.

    Binary data (NUL bytes in something that is not UTF-16) is an InputError.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"not valid UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:65536]:
        raise InputError(source, "binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text[:65536])
        if printable < 0.95 * min(len(text), 65536):
            raise InputError(source, "binary file, not text") from None
        return text


def sniff(text: str) -> str | None:
    """The name of the format `text` is in, or None."""
    for name in FORMAT_MODULES:
        module = _module(name)
        if module.sniff(text):
            return module.NAME
    return None


def _reader(format_name: str) -> ModuleType:
    for name in FORMAT_MODULES:
        module = _module(name)
        if module.NAME == format_name:
            return module
    raise GraphxError(f"unknown format {format_name!r}; choose one of: {', '.join(formats())}")


def read_text(text: str, source: str, format_name: str | None = None) -> tuple[str, list[Paper]]:
    """Read papers from text already in memory. Returns (format, papers)."""
    if not text or text.isspace():  # text.strip() would copy a whole file that ends in "\n"
        raise InputError(source, "empty file")
    name = format_name or sniff(text)
    if name is None:
        raise InputError(source, "unrecognised format (use --format to say which it is)")
    papers = [p for p in _reader(name).read(text, source) if p.title_key]
    if not papers:
        raise InputError(source, f"no papers found (read as {name})")
    for paper in papers:
        if source not in paper.sources:
            paper.sources.append(source)
    return name, papers


def read_file(path: Path, format_name: str | None = None) -> tuple[str, list[Paper]]:
    """Read one file. Returns (format, papers); raises InputError naming the file."""
    source = path_text(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # a FIFO or device would block or never end
            raise InputError(source, "not a regular file")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise InputError(source, f"file too large ({size // 2**20} MiB; the limit is 512 MiB)")
        data = path.read_bytes()
    except PermissionError:
        raise InputError(source, "permission denied") from None
    except IsADirectoryError:
        raise InputError(source, "is a directory") from None
    except OSError as exc:
        raise InputError(source, exc.strerror or str(exc)) from None
    return read_text(decode(data, source), source, format_name)


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[InputError]]:
    """Files named by `paths`, folders walked recursively in sorted order, hidden files skipped.

    Symlinked folders are not followed (no loops). Missing paths come back as errors.
    """
    files: list[Path] = []
    errors: list[InputError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path, onerror=lambda e: errors.append(
                    InputError(path_text(e.filename), e.strerror or "cannot read folder"))):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith("."):
                        files.append(Path(root) / name)
        elif path.exists():
            files.append(path)
        elif path.is_symlink():
            errors.append(InputError(path_text(path), "broken symbolic link"))
        else:
            errors.append(InputError(path_text(path), "no such file or folder"))
    return files, errors


@dataclass
class SourceResult:
    source: str
    format: str | None
    papers: int
    error: str | None = None


@dataclass
class ReadReport:
    """What reading a set of sources produced: every record, and one line per source."""

    records: list[Paper] = field(default_factory=list)
    results: list[SourceResult] = field(default_factory=list)

    @property
    def errors(self) -> list[SourceResult]:
        return [r for r in self.results if r.error]

    @property
    def files_read(self) -> int:
        return sum(1 for r in self.results if not r.error)


def is_live(source: str) -> bool:
    """True for sources fetched over HTTP (hf:..., arxiv:..., URLs) rather than read from disk."""
    return source.startswith(("hf:", "arxiv:", "http://", "https://"))


def read_sources(
    sources: Iterable[str | Path],
    format_name: str | None = None,
    on_progress: Callable[[str], None] | None = None,
    http_config: Any = None,
) -> ReadReport:
    """Read every source, collecting per-source errors instead of stopping at the first.

    Live sources (hf:..., arxiv:..., URLs) go through graphx.http with `http_config`.
    """
    report = ReadReport()
    local: list[str | Path] = []
    for source in sources:
        if isinstance(source, str) and is_live(source):
            from graphx.sources import live

            source = path_text(source)  # as typed, but storable
            if on_progress:
                on_progress(source)
            try:
                records = live.read(source, http_config)
                report.records.extend(records)
                report.results.append(SourceResult(source, "live", len(records)))
            except InputError as exc:
                report.results.append(SourceResult(source, "live", 0, exc.problem))
        else:
            local.append(source)
    files, missing = expand(local)
    for error in missing:
        report.results.append(SourceResult(error.source, None, 0, error.problem))
    for path in files:
        if on_progress:
            on_progress(str(path))
        try:
            with no_gc():  # one Paper per record, no cycles: the collector only costs time
                name, records = read_file(path, format_name)
        except InputError as exc:
            report.results.append(SourceResult(exc.source, None, 0, exc.problem))
            continue
        report.records.extend(records)
        report.results.append(SourceResult(path_text(path), name, len(records)))
    return report
