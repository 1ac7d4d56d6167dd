"""Work done off the request path after writes: one run at a time, and one more after it when
writes arrived meanwhile (so a burst of writes costs at most two runs)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class CoalescingWorker:
    """Runs ``task`` in a background thread whenever ``schedule`` is called, coalescing calls
    that arrive while it runs; a failure is logged with ``failure`` and the next schedule
    tries again."""

    def __init__(self, task: Callable[[], object], name: str, failure: str) -> None:
        self._task = task
        self._name = name
        self._failure = failure
        self._lock = threading.Lock()
        self._dirty = False
        self._thread: threading.Thread | None = None

    def schedule(self) -> None:
        with self._lock:
            self._dirty = True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    return
                self._dirty = False
            try:
                self._task()
            except Exception:  # a closed store or a full disk: keep what there is, say why
                log.exception(self._failure)

    def wait(self, timeout: float | None = None) -> None:
        """Block until no run is going on (tests, shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
