"""Run a pure batch function over a list in several processes, results in input order.

    map_batches(fn, items, jobs)  ==  fn(items)

for any `fn` whose result on a list is the concatenation of its results on consecutive slices
(one result per item, or a flat list of findings in item order).

On Linux the workers are forked after the function and the list are set aside here, so they
inherit both and are sent only (start, end) ranges; only the results travel back, pickled.
Elsewhere (spawn) each batch is pickled to a worker.

`forked(work)` runs one function in a forked process beside the caller's own work (the store's
facts while the edges are derived, the exports of a large build), its error reported as one line.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any, TypeVar

from graphx.atomic import interrupts_held
from graphx.errors import GraphxError

T = TypeVar("T")

# (fn, items) while a forked pool runs: the children's copy is what they work on
_job: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any]] | None = None


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool; a worker that also
    # raised KeyboardInterrupt would print its own traceback (or hang the pool). The pool is
    # started with Ctrl-C held back (atomic.interrupts_held), so none arrives before this.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _job is not None
    fn, items = _job
    return fn(items[bounds[0] : bounds[1]])


def _run_batch(job: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any]]) -> list[Any]:
    fn, batch = job
    return fn(batch)


def ranges(count: int, jobs: int, per_job: int = 8, largest: int = 5000) -> list[tuple[int, int]]:
    """Consecutive (start, end) slices: about `per_job` per process, for an even load."""
    size = max(1, min(largest, -(-count // (jobs * per_job))))
    return [(i, min(i + size, count)) for i in range(0, count, size)]


def map_batches(fn: Callable[[Sequence[T]], list[Any]], items: Sequence[T], jobs: int,
                min_items: int = 2) -> list[Any]:
    """fn(items), computed in `jobs` processes when there are at least `min_items` items."""
    return list(chain.from_iterable(iter_batches(fn, items, jobs, min_items)))


def iter_batches(fn: Callable[[Sequence[T]], list[Any]], items: Sequence[T], jobs: int,
                 min_items: int = 2) -> Iterator[list[Any]]:
    """map_batches' result in parts, each given as soon as it is computed, in order: what the
    caller does with one part runs while the processes compute the next ones."""
    if jobs <= 1 or len(items) < max(min_items, 2):
        yield list(fn(items))
        return
    import multiprocessing

    global _job
    bounds = ranges(len(items), jobs)
    if sys.platform.startswith("linux"):
        _job = (fn, items)
        gc.freeze()  # the children's garbage collector would otherwise copy every inherited page
        try:
            with interrupts_held():
                pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_init_worker)
            with pool:
                yield from pool.imap(_run_range, bounds)
        finally:
            gc.unfreeze()
            _job = None
        return
    with interrupts_held():
        pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=_init_worker)
    with pool:
        yield from pool.imap(_run_batch, [(fn, items[a:b]) for a, b in bounds])


CAN_FORK = sys.platform.startswith("linux")  # where `forked` may be used


class ChildError(GraphxError):
    """What a forked process failed with, as one line. `complete` when it was a GraphxError,
    whose message is meant for the user as it is (it names its file)."""

    def __init__(self, message: str, complete: bool = False) -> None:
        self.complete = complete
        super().__init__(message)


_frozen = [0]  # `forked` blocks open: the outermost one unfreezes


@contextmanager
def forked(work: Callable[[], object]) -> Iterator[None]:
    """`work()` run in a forked process while the block runs; the block's end waits for it and
    raises its error, if any, as a ChildError. An error in the block kills it instead.

    The heap is frozen first (gc.freeze) and the child never collects: a collection would
    touch, and so copy, every page it inherited. The child ignores Ctrl-C: the parent decides,
    and kills it; it dies with the parent too. Where no process can be made (fork fails under
    memory or process limits), `work()` runs here before the block: slower, the same result.
    Linux only (CAN_FORK).
    """
    read_end, write_end = os.pipe()
    pid, parent = 0, os.getpid()
    gc.freeze()
    _frozen[0] += 1
    try:
        try:
            with interrupts_held():  # the child must not take a Ctrl-C meant for the parent
                try:
                    pid = os.fork()
                    if pid == 0:  # pragma: no cover - the child (coverage does not follow forks)
                        _run_child(work, parent, read_end, write_end)  # never returns
                except OSError:
                    pid = -1
                finally:
                    os.close(write_end)
            if pid == -1:
                pid = 0
                _run_here(work)
                yield
                return
            yield
            with os.fdopen(read_end, "rb", closefd=False) as pipe:
                report = pipe.read().decode(errors="replace")  # until the child exits
            with interrupts_held():  # reaped and forgotten at once: after waitpid the pid is
                _, status = os.waitpid(pid, 0)  # no longer the child's, never to be killed
                pid = 0
        except BaseException:  # also a Ctrl-C at the fork or while waiting: the child goes too
            if pid:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            raise
        finally:
            os.close(read_end)
    finally:
        _frozen[0] -= 1
        if not _frozen[0]:
            gc.unfreeze()
    if status or report:
        complete, message = report[:1] == "!", report[1:]
        if not message:  # it died without a word: the out-of-memory killer, a kill -9
            code = os.waitstatus_to_exitcode(status)
            message = (f"the writing process was killed by signal {-code}" if code < 0
                       else f"the writing process ended with status {code}")
        raise ChildError(message, complete)


def _run_here(work: Callable[[], object]) -> None:
    """`work()` in this process, its error given as the child's would be (a ChildError)."""
    try:
        work()
    except Exception as exc:
        raise ChildError(_one_line(exc), isinstance(exc, GraphxError)) from None


def _one_line(exc: BaseException) -> str:
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join((text or type(exc).__name__).split())


def _run_child(work: Callable[[], object], parent: int, read_end: int, write_end: int
               ) -> None:  # pragma: no cover
    status = 0
    try:
        _die_with(parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # (a Ctrl-C held back is dropped)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        os.close(read_end)
        gc.disable()
        work()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent through the pipe
        status = 1
        flag = "!" if isinstance(exc, GraphxError) else "-"
        os.write(write_end, (flag + _one_line(exc)).encode()[:1000])
    finally:
        os._exit(status)


def _die_with(parent: int) -> None:  # pragma: no cover - runs in the child
    """Have the kernel kill this process when `parent` dies (Linux PR_SET_PDEATHSIG): a build
    killed alone leaves no writer running on, holding its folder's lock."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)
