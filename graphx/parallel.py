"""Run a pure batch function over a list in several processes, results in input order.

    map_batches(fn, items, jobs)  ==  fn(items)

for any `fn` whose result on a list is the concatenation of its results on consecutive slices
(one result per item, or a flat list of findings in item order).

On Linux the workers are forked after the function and the list are set aside here, so they
inherit both and are sent only (start, end) ranges; only the results travel back, pickled.
Elsewhere (spawn) each batch is pickled to a worker.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import Any, TypeVar

from graphx.atomic import interrupts_held

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
    import gc
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
