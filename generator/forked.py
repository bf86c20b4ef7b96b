"""Work on the other cores, in processes forked from this one.

A forked worker inherits the loaded spec, the model and the render jobs as they are in
memory, so nothing large is pickled on the way in; only results travel back. Callers do the
work themselves where ``fork`` is not available (or a batch is too small to be worth it).
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, final

# The functions forked workers run, by key: set before the fork, read by the workers' copy.
_functions: dict[int, Callable[..., Any]] = {}
_keys = itertools.count()


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _call(key: int, *args: Any) -> Any:
    return _functions[key](*args)


@final
class Workers:
    """``workers`` forked processes that run ``function``, which may be a closure over
    anything in memory, on small picklable arguments. Use it as a context manager."""

    def __init__(self, function: Callable[..., Any], workers: int) -> None:
        self._key = next(_keys)
        _functions[self._key] = function
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))

    def __enter__(self) -> Workers:
        # Workers that collect garbage would otherwise walk, and so copy, every inherited page.
        gc.freeze()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        del _functions[self._key]
        gc.unfreeze()

    def submit(self, *args: Any) -> Future[Any]:
        return self._pool.submit(_call, self._key, *args)

    def map(self, *iterables: Iterable[Any]) -> Iterator[Any]:
        return self._pool.map(_call, itertools.repeat(self._key), *iterables)
