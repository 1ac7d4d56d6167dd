"""Serialized query answers kept for the store state they were computed on.

A deployment's readers ask the same few things over and over: the dashboards' national queries,
a county page's queries, a researcher re-running a notebook. Between two writes the answer to
the same request is the same bytes, so the query service keeps the serialized answers of the
current store state, keyed by everything that shapes them (query text, bound values, graphs,
format, row cap), and forgets them all when the state changes (every write makes a new
checkpoint; ``QueryService.after_write``).

Bounded: least recently used answers go first once ``max_bytes`` is reached, and an answer larger
than ``max_entry_bytes`` (default: a quarter of the whole) is never kept. Queries whose answer
may differ between two evaluations of the same data (``NOW()``, ``RAND()``, ``UUID()``,
``STRUUID()``, ``BNODE()``) are not kept.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .query_service import QueryAnswer, QueryRequest

VOLATILE = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
CacheKey = tuple[object, ...]


def cache_key(request: QueryRequest) -> CacheKey | None:
    """Everything that shapes the answer's bytes, or None when the answer must not be kept."""
    if VOLATILE.search(request.sparql):
        return None
    return (request.sparql, tuple(sorted(request.bindings.items())), request.default_graphs,
            request.named_graphs, request.union_default_graph, request.results_format,
            request.graph_format, request.limit, request.as_of, request.as_of_county)


class AnswerCache:
    """Answers of one store state (thread-safe, least recently used first out)."""

    def __init__(self, state: str | None, *, max_bytes: int = 64 * 2**20,
                 max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        # A quarter: the national answers of the library (13 MB the largest) fit by default.
        self.max_entry_bytes = min(max_entry_bytes or max_bytes // 4, max_bytes)
        self._state = state
        self._answers: OrderedDict[CacheKey, QueryAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, state: str, key: CacheKey) -> QueryAnswer | None:
        with self._lock:
            answer = self._answers.get(key) if state == self._state else None
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, state: str, key: CacheKey, answer: QueryAnswer) -> None:
        """Keep ``answer`` if it was computed on the current state and is not too large."""
        size = len(answer.body)
        with self._lock:
            if state != self._state or size > self.max_entry_bytes:
                return
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._answers[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def new_state(self, state: str | None) -> None:
        """The store changed: forget every answer; only answers of ``state`` are kept from now."""
        with self._lock:
            self._state = state
            self._answers.clear()
            self._bytes = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._answers)
