"""Worker processes that never outlive the process that started them.

bpss-kg evaluates in spawned processes in three places: the server's query workers, and the
pools that build summaries and validate many counties on a store checkpoint. Each such process
watches its parent and exits as soon as the parent is gone — killed, crashed or stopped — even
in the middle of a query (Oxigraph releases the GIL while it evaluates, so the watch runs), and
takes SIGTERM at once. Without this, a pool worker whose server was killed waits for ever on
a queue nobody reads (seen: pool workers left behind by a killed server), and a query worker
keeps evaluating a runaway query.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _watch(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def bind_to_parent(parent: int) -> None:
    """Make this (spawned) process exit when ``parent`` is no longer its parent."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch, args=(parent,), daemon=True,
                     name="bpss-kg-parent-watch").start()
    if os.getppid() != parent:  # the parent went before the watch started
        os._exit(0)


def chunked_map(function: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
    """``function`` over ``items`` in ``workers`` spawned processes bound to this one."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=bind_to_parent, initargs=(os.getpid(),)) as pool:
        return list(pool.map(function, items))
