"""The columnar in-memory mirror of the store: a maplib model holding the union default graph.

Built once from a read-only store checkpoint (every graph dumped as N-Triples, read by maplib
in parallel), then refreshed per written graph: the graph's triples in the old and the new
checkpoint are compared, triples no graph holds any more are deleted and new ones inserted,
so a county import replaces that county's rows only. A changed triple with a blank node (whose
label maplib renames) or an unknown set of written graphs makes it build again from scratch.

The mirror also keeps the facts the router needs (``MirrorFacts``): the predicates whose
triples Oxigraph's union default graph counts more often than the mirror holds them (a triple
stored in several graphs: the mirror holds it once, as SPARQL's set semantics asks; pyoxigraph
0.5.13 counts it once per graph, oxigraph#1919, and the answers it gives over them carry a
notice) and whether the data holds
``xsd:unsignedInt`` literals (the datatype maplib gives COUNT).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..store.query_service import (
    QueryAnswer,
    QueryRequest,
    serialize_lines,
    serialize_result,
    tsv_cell,
)
from ..store.sparql_text import _OPAQUE
from .terms import COUNT_DATATYPE, XSD, canonical_lexical, solutions_from_json

_PER_PREDICATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
_DELETE_CHUNK = 5_000  # triples per DELETE request to maplib
_ASK = re.compile(r"\bASK\b", re.IGNORECASE)


class EngineDeclined(Exception):
    """The engine cannot answer this query after all (it raised): Oxigraph answers."""


@dataclass(frozen=True)
class MirrorFacts:
    """What the router must know about the mirrored data."""

    triples: int
    duplicated_predicates: frozenset[str]
    disabled: str | None  # why the engine must not answer at all (None: it may)


def _graph_names(store: ox.Store) -> list[ox.NamedNode | ox.DefaultGraph]:
    return [ox.DefaultGraph(), *store.named_graphs()]


def _graph_lines(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> set[bytes]:
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=graph)
    return {line for line in out.getvalue().split(b"\n") if line}


def _has_blank_node(line: bytes) -> bool:
    return line.startswith(b"_:") or b" _:" in line


def _ask_as_select(sparql: str) -> str:
    """ASK rewritten as SELECT * (maplib has no ASK): the first ``ASK`` keyword outside
    strings, IRIs and comments."""
    position = 0
    for opaque in [*_OPAQUE.finditer(sparql), None]:
        end = opaque.start() if opaque is not None else len(sparql)
        found = _ASK.search(sparql, position, end)
        if found is not None:
            return sparql[:found.start()] + "SELECT *" + sparql[found.end():]
        if opaque is None:
            break
        position = opaque.end()
    raise EngineDeclined("no ASK keyword found")


class Mirror:
    """A maplib model mirroring one store checkpoint (see the module docstring)."""

    def __init__(self) -> None:
        import maplib

        self._maplib = maplib
        self.model = maplib.Model()
        self.snapshot: Path | None = None
        self._store: ox.Store | None = None
        self._duplicated: set[str] = set()
        self.facts = MirrorFacts(0, frozenset(), "not built yet")

    def build(self, snapshot: Path, store: ox.Store) -> MirrorFacts:
        """Mirror ``store`` (the read-only checkpoint at ``snapshot``) from scratch."""
        self.model = self._maplib.Model()
        with tempfile.TemporaryDirectory(prefix="bpss-kg-engine-") as folder:
            dump = Path(folder) / "union.nt"
            with dump.open("wb") as out:
                for graph in _graph_names(store):
                    store.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=graph)
            if dump.stat().st_size:
                self.model.read(str(dump), format="ntriples")
        stored = {str(row["p"].value): int(row["n"].value)
                  for row in store.query(_PER_PREDICATE, use_default_graph_as_union=True)}
        held = self._per_predicate()
        self._duplicated = {p for p, n in stored.items() if n != held.get(p, 0)}
        self.snapshot, self._store = snapshot, store
        return self._facts()

    def _per_predicate(self) -> dict[str, int]:
        text = self.model.query(_PER_PREDICATE, return_json=True)
        rows = solutions_from_json(text, ["p", "n"])
        return {str(p.value): int(n.value) for p, n in rows  # type: ignore[union-attr]
                if p is not None and n is not None}

    def _facts(self) -> MirrorFacts:
        disabled = None
        text = self.model.query(
            f"SELECT ?o WHERE {{ ?s ?p ?o FILTER(DATATYPE(?o) = <{COUNT_DATATYPE}>) }} LIMIT 1",
            return_json=True)
        if solutions_from_json(text, ["o"]):
            disabled = ("the data holds xsd:unsignedInt literals, the datatype the engine "
                        "gives COUNT")
        size = sum(self._per_predicate().values())
        self.facts = MirrorFacts(size, frozenset(self._duplicated), disabled)
        return self.facts

    def refresh(self, snapshot: Path, store: ox.Store, graphs: set[str] | None) -> MirrorFacts:
        """Bring the mirror from its checkpoint to ``store`` (at ``snapshot``), where only
        ``graphs`` (names; "" is the default graph) changed; None: unknown, build again."""
        old = self._store
        if graphs is None or old is None:
            return self.build(snapshot, store)
        removed: set[bytes] = set()
        added: set[bytes] = set()
        for name in graphs:
            graph = ox.NamedNode(name) if name else ox.DefaultGraph()
            before, after = _graph_lines(old, graph), _graph_lines(store, graph)
            removed |= before - after
            added |= after - before
        if any(_has_blank_node(line) for line in removed | added):
            return self.build(snapshot, store)
        gone = []
        for line in removed - added:
            triple = next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES)))
            if next(iter(store.quads_for_pattern(triple.subject, triple.predicate,
                                                 triple.object, None)), None) is None:
                gone.append(line)
        for start in range(0, len(gone), _DELETE_CHUNK):
            body = b"\n".join(gone[start:start + _DELETE_CHUNK]).decode()
            self.model.update(f"DELETE {{\n{body}\n}} WHERE {{ }}")
        if added:
            self.model.reads(b"\n".join(sorted(added)).decode() + "\n", format="ntriples")
            for line in added:
                triple = next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES)))
                quads = store.quads_for_pattern(triple.subject, triple.predicate,
                                                triple.object, None)
                if sum(1 for _ in quads) > 1:
                    self._duplicated.add(triple.predicate.value)
        self.snapshot, self._store = snapshot, store
        return self._facts()

    def answer(self, request: QueryRequest, form: str, variables: list[str],
               group_keys: tuple[str, ...] | None = None) -> QueryAnswer:
        """Evaluate ``request`` (already routed here) and serialize it as Oxigraph would.
        ``group_keys``: the query's GROUP BY variables (``routing.QueryShape.group_keys``)."""
        text = _ask_as_select(request.sparql) if form == "ask" else request.sparql
        try:
            result = self.model.query(text, return_json=True)
        except BaseException as error:  # maplib raises its own errors and Rust panics
            if isinstance(error, KeyboardInterrupt | SystemExit):
                raise
            raise EngineDeclined(f"the engine raised: {str(error).splitlines()[0][:200]}") \
                from error
        if form == "construct":
            return self._graph_answer(result, request)
        if form == "ask":
            found = bool(solutions_from_json(result, []))
            boolean = ox.parse_query_results(
                '{"head":{},"boolean":%s}' % ("true" if found else "false"),
                ox.QueryResultsFormat.JSON)
            return serialize_result(boolean, request)
        rows = solutions_from_json(result, variables)
        if group_keys is not None and len(rows) == 1 and all(
                rows[0][variables.index(k)] is None for k in group_keys if k in variables):
            # maplib gives an empty match under GROUP BY one row of unbound keys; a real group
            # whose keys are all unbound (or not projected) cannot be told apart: ask Oxigraph
            raise EngineDeclined("a GROUP BY answer of one row without keys may be maplib's "
                                 "row for an empty match")
        lines = ["\t".join(map(tsv_cell, row)) for row in rows]
        return serialize_lines(variables, lines, request)

    @staticmethod
    def _graph_answer(turtle: str, request: QueryRequest) -> QueryAnswer:
        triples = []
        for triple in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE):
            value = triple.object
            if isinstance(value, ox.Literal) and value.datatype.value.startswith(XSD):
                lexical = canonical_lexical(value.value, value.datatype.value)
                if value.datatype.value == COUNT_DATATYPE:
                    value = ox.Literal(str(int(lexical)), datatype=ox.NamedNode(XSD + "integer"))
                elif lexical != value.value:
                    value = ox.Literal(lexical, datatype=value.datatype)
            triples.append(ox.Triple(triple.subject, triple.predicate, value))
        return serialize_result(triples, request)


def variables_of(sparql: str) -> list[str]:
    """The query's result variables in Oxigraph's order (evaluated on an empty store)."""
    result = ox.Store().query(sparql)
    return [v.value for v in result.variables] if isinstance(result, ox.QuerySolutions) else []


def open_checkpoint(snapshot: Path) -> ox.Store:
    return ox.Store.read_only(os.fspath(snapshot))
