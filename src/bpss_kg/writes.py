"""Every write through one gate: scope checked first, one writer at a time, what changed counted,
derived data brought up to date, the write recorded in the audit log.

Writes arrive on many threads (a server answers 16 requests at once) but an embedded store has
one writer and every write must be followed by the work that makes it visible (a new checkpoint
for the query workers, the search index). The gate runs writes one at a time, and a write
returns only once that work has run after it, so the response to a write is sent only once the
next request can see it, and no write is lost or applied half. Writes that queue up share the
work: one checkpoint taken after several writes makes them all visible (a burst of 64 writes
costs a few checkpoints, not 64).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pyoxigraph as ox

from .access import AccessRegistry, Forbidden, GraphChange, Writer
from .editions import (
    EDITIONS_GRAPH,
    Edition,
    EditionLog,
    digest_of,
    edition_quads,
    graph_lines,
    keeps_editions,
)
from .store.base import Store
from .store.changes import DEFAULT_GRAPH

T = TypeVar("T")
IMAGE_LIMIT = 200_000  # triples; a larger graph's changes are not counted (a bulk load)
_SIZE = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _image(store: Store, graph: str) -> set[bytes] | None:
    """A graph's triples as N-Triples lines (to count what a write adds and removes); None
    for a graph too large to hold twice in memory."""
    if graph != DEFAULT_GRAPH:
        target = ox.NamedNode(graph)
        if not store.has_graph(target):
            return set()
        rows = list(store.query(_SIZE, bindings={"g": target}))  # type: ignore[arg-type]
        if rows and int(rows[0]["n"].value) > IMAGE_LIMIT:
            return None
    return graph_lines(store, graph)


class WriteGate:
    """Serializes writes to ``store`` (see the module docstring); ``after_write`` runs under
    the gate after each write, before its caller answers."""

    def __init__(self, store: Store, access: AccessRegistry | None,
                 after_write: Callable[[], None], editions: EditionLog | None = None) -> None:
        self.store = store
        self.access = access
        self.editions = editions
        self._after_write = after_write
        self._lock = threading.Lock()  # one write at a time
        self._publishing = threading.Lock()  # one after_write at a time
        self._written = 0  # writes done
        self._published = 0  # writes made visible by an after_write that started after them

    def write(self, writer: Writer, action: str, graphs: set[str] | None,
              do: Callable[[], T]) -> tuple[T, list[GraphChange]]:
        """Run ``do`` (which writes at most ``graphs``; None: unknown) as ``writer``."""
        if graphs and EDITIONS_GRAPH in graphs:
            raise Forbidden(f"graph <{EDITIONS_GRAPH}> is kept by the store itself (the record "
                            "of its editions) and cannot be written")
        try:
            writer.scope.check(graphs)
        except Forbidden:
            if self.access is not None:
                self.access.record(writer, f"refused: {action}", [
                    GraphChange(g, None, None) for g in sorted(graphs or {"*"})])
            raise
        with self._lock:
            before = {g: _image(self.store, g) for g in sorted(graphs)} if graphs else {}
            # an update whose graphs are not known beforehand (GRAPH ?g, DROP ALL) may reach
            # the store-kept editions graph: it is put back from the log before anyone reads
            kept = (digest_of(graph_lines(self.store, EDITIONS_GRAPH))
                    if graphs is None and self.editions is not None else None)
            result = do()
            if kept is not None and digest_of(graph_lines(self.store, EDITIONS_GRAPH)) != kept:
                assert self.editions is not None
                self.store.replace_graph(ox.NamedNode(EDITIONS_GRAPH),
                                         (q.triple for q in self.editions.record_quads()))
            changes = []
            recorded: list[Edition] = []
            for graph, old in before.items():
                new = _image(self.store, graph)
                if old is None or new is None:
                    changes.append(GraphChange(graph, None, None))
                else:
                    changes.append(GraphChange(graph, len(new - old), len(old - new)))
                if self.editions is not None and keeps_editions(graph):
                    edition = self.editions.record(writer, action, graph, old,
                                                   new if new is not None
                                                   else graph_lines(self.store, graph))
                    if edition is not None:
                        recorded.append(edition)
            if graphs is None:
                changes.append(GraphChange("*", None, None))
                if self.editions is not None:
                    recorded += self.editions.record_unknown(writer, action, self.store)
            if recorded:  # described in the store too, for SPARQL (editions.EDITIONS_GRAPH)
                self.store.add(q for e in recorded for q in edition_quads(e))
            if self.access is not None:
                self.access.record(writer, action, changes)
            self._written += 1
            mine = self._written
        self._publish(mine)
        return result, changes

    def _publish(self, mine: int) -> None:
        """Return once an ``after_write`` that started after write number ``mine`` has run."""
        with self._publishing:
            if self._published >= mine:
                return  # another thread's after_write came after this write
            with self._lock:
                covered = self._written
            self._after_write()
            self._published = covered
