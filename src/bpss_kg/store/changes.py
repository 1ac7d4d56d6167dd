"""Which graphs changed since when: a journal of writes kept beside the embedded store.

Every write to the store first notes the graphs it may change under a new sequence number
(``note``); readers ask which graphs changed after a sequence number they saw earlier
(``changed_since``), e.g. incremental validation asks for the counties written since its last
run. The note is written *before* the store write, so a write that fails or is killed half-way
leaves at worst a graph marked changed that did not change (it is validated again, harmless),
never the opposite. A write whose graphs cannot be told (a bulk load of a quad file, an update
touching ``GRAPH ?g``) notes "unknown": everything counts as changed after it.

Readers that derive data from the store (search index, summaries, validation runs) remember the
``sequence`` they read at; ``sequence`` counts only *finished* writes, so a reader that starts
while a write is under way stamps its result with the number before that write and brings
itself up to date once the write has finished. A write is bracketed by ``note`` and ``done``
(``writing``); on reopening after a crash every noted write counts as finished, since the store
now holds either its before or its after state and both are "changed" for the graphs noted.

The journal is a small JSON file (``changes.json``) replaced atomically; an in-memory store keeps
it in memory. Threads of one process share the journal under a lock; other processes only read
it (the store's single-writer lock keeps them from writing).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib.term import Variable

JOURNAL_FILE = "changes.json"
DEFAULT_GRAPH = ""  # key for the store's default graph
_UPDATE_PARSE_LIMIT = 200_000  # characters; larger updates are noted as "unknown"


class ChangeJournal:
    """Per-graph sequence numbers of the last write that may have changed each graph."""

    def __init__(self, folder: Path | None) -> None:
        self._file = folder / JOURNAL_FILE if folder is not None else None
        self._lock = threading.RLock()
        # A new (or unreadable) journal starts from the clock, in microseconds: above any
        # number an earlier journal of this store handed out, and everything before it is
        # unknown, so no stale run can take its data for unchanged.
        self._noted = time.time_ns() // 1000
        self.unknown_since = self._noted
        self.graphs: dict[str, int] = {}
        self._pending: set[int] = set()
        self.reload()

    def reload(self) -> None:
        """Read the file again (a reader in another process than the writer)."""
        if self._file is None or not self._file.is_file():
            return
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
            noted = int(data["sequence"])
            unknown_since = int(data["unknown_since"])
            graphs = {str(k): int(v) for k, v in data["graphs"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return  # keep the fresh, all-unknown state
        with self._lock:
            self._noted, self.unknown_since, self.graphs = noted, unknown_since, graphs
            self._pending.clear()

    @property
    def sequence(self) -> int:
        """The number of the last finished write: what a reader that starts now sees."""
        with self._lock:
            return min(self._pending) - 1 if self._pending else self._noted

    def note(self, graphs: Iterable[str] | None) -> int:
        """Record that ``graphs`` (None: any graph) may change now; returns the new number,
        to be passed to ``done`` once the write has finished or failed."""
        with self._lock:
            self._noted += 1
            number = self._noted
            if graphs is None:
                self.unknown_since = number
                self.graphs = {}  # superseded by the unknown mark
            else:
                for graph in graphs:
                    self.graphs[graph] = number
            self._pending.add(number)
            self._save()
            return number

    def done(self, number: int) -> None:
        with self._lock:
            self._pending.discard(number)

    @contextmanager
    def writing(self, graphs: Iterable[str] | None) -> Iterator[int]:
        """Bracket one write of ``graphs`` (see the module docstring)."""
        number = self.note(graphs)
        try:
            yield number
        finally:
            self.done(number)

    def changed_since(self, sequence: int) -> set[str] | None:
        """The graphs that may have changed after ``sequence``; None when that is unknown."""
        with self._lock:
            if self.unknown_since > sequence:
                return None
            return {graph for graph, seen in self.graphs.items() if seen > sequence}

    def _save(self) -> None:
        if self._file is None:
            return
        data = {"sequence": self._noted, "unknown_since": self.unknown_since,
                "graphs": dict(sorted(self.graphs.items()))}
        temporary = self._file.with_name(f".{JOURNAL_FILE}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, indent=0), encoding="utf-8")
        os.replace(temporary, self._file)


def graphs_written(update: str) -> set[str] | None:
    """The graphs a SPARQL 1.1 Update may write, or None when that cannot be told statically
    (``GRAPH ?g`` templates, ``ALL`` / ``NAMED``, or a request too large to parse cheaply)."""
    if len(update) > _UPDATE_PARSE_LIMIT:
        return None
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        operations = translateUpdate(parseUpdate(update)).algebra
    except Exception:  # rdflib raises several error types; the store reports syntax errors
        return None
    written: set[str] = set()
    for operation in operations:
        found = _operation_graphs(operation)
        if found is None:
            return None
        written |= found
    return written


def _operation_graphs(operation: object) -> set[str] | None:
    name = getattr(operation, "name", "")
    get = dict(operation).get  # type: ignore[call-overload]  # CompValue.get answers odd things
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        return _template_graphs(operation, None)
    if name == "Modify":
        found: set[str] = set()
        for part in (get("delete"), get("insert")):
            if part:
                graphs = _template_graphs(part, get("withClause"))
                if graphs is None:
                    return None
                found |= graphs
        return found
    if name in ("Clear", "Drop", "Create", "Load"):
        target = get("graphiri")
        if name == "Load" and target is None:
            return {DEFAULT_GRAPH}
        if target == "DEFAULT":
            return {DEFAULT_GRAPH}
        if target is None or (isinstance(target, str) and target in ("ALL", "NAMED")):
            return None
        return {str(target)}
    if name in ("Add", "Move", "Copy"):
        return {DEFAULT_GRAPH if g == "DEFAULT" else str(g) for g in get("graph") or []}
    return None


def _template_graphs(part: object, with_graph: object) -> set[str] | None:
    get = dict(part).get  # type: ignore[call-overload]
    found: set[str] = set()
    for graph in (get("quads") or {}):
        if isinstance(graph, Variable):
            return None
        found.add(str(graph))
    if get("triples"):
        found.add(str(with_graph) if with_graph is not None else DEFAULT_GRAPH)
    return found
