"""Files replaced atomically, one at a time or as a group.

Every file graphx writes goes to a temporary file beside its target and is renamed over it, so
a reader never sees half a file. Inside `together()` the renames wait for the end of the block:
a build that fails, is interrupted or is killed while writing its store and exports leaves every
previous file as it was, and one that succeeds swaps them all in a few milliseconds.

Ctrl-C is remembered as well as raised (see `watch_interrupts`): a library that swallows a
KeyboardInterrupt (a bare `except:` around an import does) cannot make an interrupted build
commit its files.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from graphx.errors import GraphxError

# mkstemp makes 0600 files; a finished file gets the mode open() would give it. The umask is read
# once, at import, because reading it means setting it (no thread is writing files yet).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK

_pending: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("pending_renames", default=None)
_state = {"interrupted": False, "replaced": 0}
# in a forked process writing files for its parent (`written_for_parent`): target -> temporary
_given: ContextVar[dict[Path, Path] | None] = ContextVar("given_temporaries", default=None)


def _on_interrupt(signum: int, frame: object) -> None:
    _state["interrupted"] = True
    raise KeyboardInterrupt


def watch_interrupts() -> None:
    """Remember Ctrl-C (and still raise KeyboardInterrupt). Call from the main thread."""
    signal.signal(signal.SIGINT, _on_interrupt)
    if sys.unraisablehook is not _unraisable:
        _hooks["unraisable"] = sys.unraisablehook
        sys.unraisablehook = _unraisable


_hooks: dict[str, Any] = {}


def _unraisable(info: Any) -> None:
    """A Ctrl-C that landed in code whose errors Python ignores (the callback that releases an
    import's lock, a __del__) would print "Exception ignored in ..." with a traceback and be
    lost: it is remembered (_state), so send it again for the main thread's ordinary code."""
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        import threading

        threading.Timer(0.01, os.kill, (os.getpid(), signal.SIGINT)).start()
        return
    _hooks.get("unraisable", sys.__unraisablehook__)(info)


def replaced_any() -> bool:
    """Whether this process has renamed a finished file into place."""
    return _state["replaced"] > 0


@contextmanager
def temporary(path: Path) -> Iterator[Path]:
    """A new empty file beside `path` to write into; removed when the block fails.

    Raises OSError when it cannot be created (a missing or read-only folder, a full disk).
    """
    given = _given.get()
    if given is not None and path in given:
        yield given[path]  # made, and removed on failure, by the parent
        return
    name = None
    try:
        with interrupts_held():  # a Ctrl-C cannot fall between creating it and knowing its name
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            try:
                os.fchmod(fd, FILE_MODE)
            finally:
                os.close(fd)
        yield Path(name)
    except BaseException:
        if name is not None:
            Path(name).unlink(missing_ok=True)
        raise


def replace(tmp: Path, path: Path) -> None:
    """Rename the finished temporary file `tmp` over `path`, now or when `together()` ends."""
    given = _given.get()
    if given is not None and given.get(path) == tmp:
        return  # the parent renames it
    pending = _pending.get()
    if pending is None:
        os.replace(tmp, path)
        _state["replaced"] += 1
    else:
        pending.append((tmp, path))


@contextmanager
def together() -> Iterator[None]:
    """Defer the renames of every file written in the block to its successful end."""
    pending: list[tuple[Path, Path]] = []
    token = _pending.set(pending)
    try:
        yield
        if _state["interrupted"]:  # a Ctrl-C that something swallowed
            raise KeyboardInterrupt
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        _pending.reset(token)
    with interrupts_held():  # the renames happen all together
        for done, (tmp, path) in enumerate(pending):
            try:
                os.replace(tmp, path)
                _state["replaced"] += 1
            except OSError as exc:
                for left, _ in pending[done:]:
                    left.unlink(missing_ok=True)
                raise GraphxError(f"{path}: cannot write ({exc.strerror or exc})") from None


@contextmanager
def written_for_parent(tmp: Path, path: Path) -> Iterator[None]:
    """In a forked process (graphx.parallel.forked): the file for `path` is written into `tmp`,
    a temporary file the parent made and renames (or removes) itself: `temporary(path)` gives
    `tmp` and `replace(tmp, path)` leaves it. A child killed midway leaves nothing the parent
    does not know of."""
    token = _given.set({**(_given.get() or {}), path: tmp})
    try:
        yield
    finally:
        _given.reset(token)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back until the block ends (it is raised then). Threads and processes started
    in the block inherit the hold (see methods._init_worker)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
