"""One writer per output folder: a build (or enrich) holds OUT/.graphx.lock while it works.

Every file is already written to a temporary file and renamed, so a reader never sees half a
file; the lock keeps two writers from mixing their results (one build's store beside another's
HTML) and from losing one another's updates. The lock is an OS file lock (flock): it goes away
with the process that held it, even after SIGKILL, so there is no stale lock to clean up. The
empty lock file itself stays (removing it would race with the next writer).

Holding the lock also makes it safe to delete temporary files a killed build left behind.

`graphx export` writing into the store's folder holds the lock too: a build starting meanwhile
would delete the export's temporary file as a leftover, and an export finishing after a build
would put a view of the replaced store beside the new one. Exports wait for one another (they
take seconds); builds and exports stop at once for each other.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graphx.errors import GraphxError

LOCK_NAME = ".graphx.lock"
# temporary files of the store and the default exports (see store.save and export.atomic_write)
_LEFTOVER = re.compile(r"^\.(graphx\.db|graph\.html|graph\.graphml|graph\.json)\..+\.tmp$")


class Busy(GraphxError):
    """Another build is writing the same output folder."""


@contextmanager
def writing(folder: str | Path, export: bool = False) -> Iterator[None]:
    """Hold `folder`'s write lock, or raise Busy at once naming the process that holds it.

    `export`: the holder is `graphx export`, which waits while another export holds the lock.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_NAME, "a+", encoding="utf-8")
    except OSError as exc:
        raise GraphxError(f"{folder}: cannot write ({exc.strerror or exc})") from None
    try:
        try:
            import fcntl
        except ImportError:  # Windows: no flock; writes stay atomic, last one wins
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().split()  # "pid", or "pid export"
            pid = f" (process {holder[0]})" if holder and holder[0].isdigit() else ""
            if holder[1:] != ["export"]:
                raise Busy(f"another build is writing {folder}{pid}; wait for it to finish or "
                           "use another --out") from None
            if not export:
                raise Busy(f"graphx export is writing {folder}{pid}; wait for it to finish or "
                           "use another --out") from None
            fcntl.flock(handle, fcntl.LOCK_EX)  # another export: seconds
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} export" if export else str(os.getpid()))
        handle.flush()
        remove_leftovers(folder)
        yield
    finally:
        handle.close()  # releases the lock


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete temporary files an interrupted or killed build left in `folder` (lock held)."""
    removed = []
    for path in folder.iterdir():
        if _LEFTOVER.match(path.name):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed
