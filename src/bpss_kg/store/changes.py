"""Which graphs changed since when: a journal of writes kept beside the embedded store.

Every write to the store first notes the graphs it may change under a new sequence number
(``note``); readers ask which graphs changed after a sequence number they saw earlier
(``changed_since``), e.g. incremental validation asks for the counties written since its last
run. The note is written *before* the store write, so a write that fails or is killed half-way
leaves at worst a graph marked changed that did not change (it is validated again, harmless),
never the opposite. A write whose graphs cannot be told (a bulk load of a quad file, an update
touching ``GRAPH ?g``) notes "unknown": everything counts as changed after it.

The journal is a small JSON file (``changes.json``) replaced atomically; an in-memory store keeps
it in memory. The store's single-writer lock also guards the journal.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

from rdflib.term import Variable

JOURNAL_FILE = "changes.json"
DEFAULT_GRAPH = ""  # key for the store's default graph
_UPDATE_PARSE_LIMIT = 200_000  # characters; larger updates are noted as "unknown"


class ChangeJournal:
    """Per-graph sequence numbers of the last write that may have changed each graph."""

    def __init__(self, folder: Path | None) -> None:
        self._file = folder / JOURNAL_FILE if folder is not None else None
        # A new (or unreadable) journal starts from the clock, in microseconds: above any
        # number an earlier journal of this store handed out, and everything before it is
        # unknown, so no stale run can take its data for unchanged.
        self.sequence = time.time_ns() // 1000
        self.unknown_since = self.sequence
        self.graphs: dict[str, int] = {}
        if self._file is not None and self._file.is_file():
            try:
                data = json.loads(self._file.read_text(encoding="utf-8"))
                self.sequence = int(data["sequence"])
                self.unknown_since = int(data["unknown_since"])
                self.graphs = {str(k): int(v) for k, v in data["graphs"].items()}
            except (ValueError, KeyError, TypeError, AttributeError):
                pass  # keep the fresh, all-unknown state

    def note(self, graphs: Iterable[str] | None) -> int:
        """Record that ``graphs`` (None: any graph) may change now; returns the new number."""
        self.sequence += 1
        if graphs is None:
            self.unknown_since = self.sequence
            self.graphs = {}  # superseded by the unknown mark
        else:
            for graph in graphs:
                self.graphs[graph] = self.sequence
        self._save()
        return self.sequence

    def changed_since(self, sequence: int) -> set[str] | None:
        """The graphs that may have changed after ``sequence``; None when that is unknown."""
        if self.unknown_since > sequence:
            return None
        return {graph for graph, seen in self.graphs.items() if seen > sequence}

    def _save(self) -> None:
        if self._file is None:
            return
        data = {"sequence": self.sequence, "unknown_since": self.unknown_since,
                "graphs": dict(sorted(self.graphs.items()))}
        temporary = self._file.with_suffix(".tmp")
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
