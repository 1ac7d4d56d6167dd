"""Time-limited, size-capped query execution that really stops runaway queries.

pyoxigraph has no query timeout (oxigraph issue #1926) and a Python thread cannot be cancelled,
so queries over the embedded store run in worker processes. Workers never open the live
database (opening it read-only while it is written is undefined behaviour): the writer makes an
immutable checkpoint (``OxigraphStore.snapshot``, hard links, cheap) after every write, and a
worker opens the newest checkpoint read-only before its next query. When a query passes its
time limit the worker is killed (SIGKILL) and replaced; other workers keep answering.

Results are serialized inside the worker with pyoxigraph, so only bytes cross the pipe. The row
cap is enforced while iterating: over the cap the query fails with ``ResultTooLarge`` instead of
returning a silently truncated answer.

Workers never outlive the server: each watches its parent and exits as soon as it is gone (the
GIL is free while Oxigraph evaluates, so the watch runs even mid-query), and SIGTERM ends a
worker at once. A worker holds a lease on the checkpoint it reads (see ``oxigraph.py``), so the
writer deletes only checkpoints no worker reads.

Stores without checkpoints (in-memory, remote) run queries inline with the same serialization.

Answers are kept per checkpoint (``answer_cache``): asking the same thing again before the next
write costs a dictionary look-up, not an evaluation.

On a checkpointed store, reads may be answered by the analytical engine (``bpss_kg.engine``), a
columnar mirror of the newest checkpoint that follows every write per graph; the router decides
per query, and whatever the engine may not answer, or cannot answer yet, goes to the workers.
Each answer says which engine gave it (``QueryAnswer.engine``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import BadInput, QueryTimeout, ResultTooLarge, StoreError
from ..processes import bind_to_parent
from .answer_cache import AnswerCache, cache_key
from .base import Store, Term

if TYPE_CHECKING:
    from ..engine.service import EngineClient
from .oxigraph import release_lease, take_lease
from .sparql_text import declares_dataset

log = logging.getLogger(__name__)

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


@dataclass(frozen=True)
class QueryRequest:
    """One query and how its answer should come back (format names of the two tables above)."""

    sparql: str
    bindings: dict[str, str] = field(default_factory=dict)  # variable → N-Triples term
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union_default_graph: bool = True
    results_format: str | None = "json"  # for SELECT / ASK; None = not acceptable
    graph_format: str | None = "turtle"  # for CONSTRUCT / DESCRIBE; None = not acceptable
    limit: int = 100_000
    as_of: str | None = None  # ISO date: answer on the dataset as in force then (validity.py)
    as_of_county: str | None = None  # with as_of: the one county graph the question reads


@dataclass(frozen=True)
class QueryAnswer:
    kind: str  # "solutions", "boolean" or "graph"
    format: str
    body: bytes
    rows: int
    engine: str = "oxigraph"  # which engine answered: "oxigraph" or "maplib"
    engine_reason: str | None = None  # why the analytical engine did not answer


class NotAcceptable(BadInput):
    """No acceptable serialization for this kind of result (HTTP 406)."""


def term_to_nt(term: Term) -> str:
    return str(term)


def _term_from_nt(text: str) -> Term:
    quad = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    return quad.object


def tsv_cell(term: object) -> str:
    """A term as a SPARQL TSV cell (N-Triples syntax; empty when unbound)."""
    # A literal may hold a raw tab, which N-Triples allows but TSV would split on.
    return "" if term is None else str(term).replace("\t", "\\t")


def tsv_text(names: list[str], lines: list[str]) -> str:
    """SPARQL 1.1 TSV results: a header of the variables, then one solution a line."""
    return "\n".join(["\t".join(f"?{n}" for n in names), *lines]) + "\n"


def serialize_lines(names: list[str], lines: list[str], request: QueryRequest) -> QueryAnswer:
    """Serialize solutions given as TSV lines (e.g. read from the summaries), enforcing the row
    cap; the conversion runs in pyoxigraph, not row by row in Python."""
    if request.results_format is None:
        raise NotAcceptable("no acceptable format for a SELECT result")
    if len(lines) > request.limit:
        raise ResultTooLarge(f"the result has more than {request.limit:,} rows; "
                             "add LIMIT or narrow the query")
    out = io.BytesIO()
    parsed = ox.parse_query_results(tsv_text(names, lines), ox.QueryResultsFormat.TSV)
    parsed.serialize(out, RESULT_FORMATS[request.results_format])
    return QueryAnswer("solutions", request.results_format, out.getvalue(), len(lines))


def serialize_result(result: object, request: QueryRequest) -> QueryAnswer:
    """Serialize a pyoxigraph query result, enforcing the row cap."""
    out = io.BytesIO()
    if isinstance(result, ox.QueryBoolean):
        if request.results_format is None:
            raise NotAcceptable("no acceptable format for an ASK result")
        result.serialize(out, RESULT_FORMATS[request.results_format])
        return QueryAnswer("boolean", request.results_format, out.getvalue(), 1)
    if isinstance(result, ox.QuerySolutions):
        if request.results_format is None:
            raise NotAcceptable("no acceptable format for a SELECT result")
        names = [v.value for v in result.variables]
        lines = []
        for count, solution in enumerate(result, start=1):
            if count > request.limit:
                raise ResultTooLarge(f"the result has more than {request.limit:,} rows; "
                                     "add LIMIT or narrow the query")
            lines.append("\t".join(map(tsv_cell, solution)))  # values in variable order
        return serialize_lines(names, lines, request)
    if request.graph_format is None:
        raise NotAcceptable("no acceptable format for a graph (CONSTRUCT / DESCRIBE) result")
    triples = []
    for count, triple in enumerate(result, start=1):  # type: ignore[arg-type]
        if count > request.limit:
            raise ResultTooLarge(f"the result has more than {request.limit:,} triples; "
                                 "narrow the query")
        triples.append(triple)
    fmt = request.graph_format
    if fmt in ("nquads", "trig"):  # a graph result has no graph names: use the triple syntax
        fmt = "ntriples" if fmt == "nquads" else "turtle"
    ox.serialize(triples, out, GRAPH_FORMATS[fmt])
    return QueryAnswer("graph", fmt, out.getvalue(), len(triples))


def _as_of_copy(source: Store | ox.Store, request: QueryRequest) -> ox.Store:
    from datetime import date

    from ..validity import view_as_of

    assert request.as_of is not None
    return view_as_of(source, date.fromisoformat(request.as_of),
                      county=request.as_of_county)[0]


def _query_raw(db: ox.Store, request: QueryRequest) -> object:
    if request.as_of:
        db = _as_of_copy(db, request)
    substitutions = {ox.Variable(k): _term_from_nt(v) for k, v in request.bindings.items()}
    default = [ox.NamedNode(g) for g in request.default_graphs] or None
    named = [ox.NamedNode(g) for g in request.named_graphs] or None
    union = (request.union_default_graph and default is None and named is None
             and not declares_dataset(request.sparql))
    return db.query(request.sparql, use_default_graph_as_union=union,
                    default_graph=default, named_graphs=named,
                    substitutions=substitutions or None)


def _worker_main(conn: Connection, parent: int) -> None:
    """Loop of a query worker process: open the named snapshot, run, serialize, reply."""
    bind_to_parent(parent)
    conn.send(("ready", None))  # start-up is not part of any query's time limit
    opened: str | None = None
    lease: int | None = None
    db: ox.Store | None = None
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        snapshot, request = message
        try:
            if snapshot != opened:
                db = None
                release_lease(lease)
                lease, opened = take_lease(Path(snapshot)), None
                if lease is None:
                    raise OSError(f"the store checkpoint {snapshot} is gone")
                db = ox.Store.read_only(snapshot)
                opened = snapshot
            assert db is not None
            answer = serialize_result(_query_raw(db, request), request)
            conn.send(("ok", answer))
        except NotAcceptable as error:
            conn.send(("not-acceptable", error.message))
        except ResultTooLarge as error:
            conn.send(("too-large", error.message))
        except SyntaxError as error:
            conn.send(("bad", f"SPARQL syntax error: {error}"))
        except (RuntimeError, ValueError) as error:
            conn.send(("bad", f"SPARQL evaluation error: {error}"))
        except OSError as error:
            conn.send(("error", f"store error: {error}"))


STARTUP_SECONDS = 120.0


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, os.getpid()),
                                       daemon=True, name="bpss-kg-query-worker")
        self.process.start()
        child.close()
        self.snapshot: str | None = None
        self.ready = False

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> bool:
        """Wait for the worker's start-up (imports), which no query's time limit counts."""
        if not self.ready and self.conn.poll(timeout):
            self.ready = self.conn.recv()[0] == "ready"
        return self.ready

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError, BrokenPipeError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


class QueryService:
    """Runs queries with a time limit and a row cap (see the module docstring)."""

    def __init__(self, store: Store, *, timeout: float = 30.0, limit: int = 100_000,
                 workers: int = 2, cache_bytes: int = 64 * 2**20,
                 engine: str = "oxigraph") -> None:
        self.store = store
        self.timeout = timeout
        self.limit = limit
        self._snapshot: Path | None = None
        self._lock = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: list[_Worker] = []
        snapshot = getattr(store, "snapshot", None)
        self._snapshot = snapshot() if callable(snapshot) else None
        # Only checkpointed stores have a state to key answers on; 0 bytes turns the cache off.
        self.answers = AnswerCache(str(self._snapshot), max_bytes=cache_bytes) \
            if self._snapshot is not None and cache_bytes > 0 else None
        if self._snapshot is not None:
            self._context = multiprocessing.get_context("spawn")
            for _ in range(max(1, workers)):
                self._add_worker()
        self.engine = self._start_engine(engine)

    def _start_engine(self, choice: str) -> EngineClient | None:
        """The analytical engine, when chosen and possible (see ``bpss_kg.engine``)."""
        if choice != "maplib":
            log.info("query engine: Oxigraph alone (engine setting %r)", choice)
            return None
        changes = getattr(self.store, "changes", None)
        if self._snapshot is None or changes is None:
            return None  # in-memory and remote stores: Oxigraph (or the remote) answers
        from ..engine.service import EngineClient, maplib_available

        missing = maplib_available()
        if missing is not None:
            log.warning("query engine: Oxigraph alone: %s", missing)
            return None
        client = EngineClient(self.timeout)
        self._engine_sequence = changes.sequence
        client.follow(self._snapshot, None)
        return client

    @property
    def isolated(self) -> bool:
        """True when queries run in killable worker processes."""
        return self._snapshot is not None

    def _add_worker(self) -> None:
        worker = _Worker(self._context)
        with self._lock:
            self._workers.append(worker)
        self._idle.put(worker)

    def request(self, sparql: str, **options: object) -> QueryRequest:
        options.setdefault("limit", self.limit)
        return QueryRequest(sparql=sparql, **options)  # type: ignore[arg-type]

    def execute(self, request: QueryRequest,
                precomputed: Callable[[], QueryAnswer | None] | None = None) -> QueryAnswer:
        """The answer to ``request``: kept from an earlier identical request on the same store
        state, else from ``precomputed`` (e.g. the summaries) when it gives one, else
        evaluated."""
        if self.answers is None:
            answer = precomputed() if precomputed is not None else None
            return answer if answer is not None else self._evaluate(request)
        state, key = str(self._snapshot), cache_key(request)
        if key is not None:
            kept = self.answers.get(state, key)
            if kept is not None:
                return kept
        answer = precomputed() if precomputed is not None else None
        if answer is None:
            answer = self._evaluate(request)
        if key is not None:
            self.answers.put(state, key, answer)
        return answer

    def _evaluate(self, request: QueryRequest) -> QueryAnswer:
        if self._snapshot is None:
            return self._execute_inline(request)
        reason = None
        if self.engine is not None:
            result = self.engine.answer(request, self._snapshot)
            if result.answer is not None:
                return dataclasses.replace(result.answer, engine="maplib")
            reason = result.reason
        answer = self._evaluate_in_worker(request)
        return dataclasses.replace(answer, engine_reason=reason) if reason else answer

    def _evaluate_in_worker(self, request: QueryRequest) -> QueryAnswer:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"all query workers stayed busy for {self.timeout:g} s") from None
        snapshot = str(self._snapshot)
        try:
            if not worker.wait_ready():
                raise OSError("the query worker did not start")
            worker.conn.send((snapshot, request))
            worker.snapshot = snapshot
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                worker = None  # type: ignore[assignment]
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            if worker is not None:
                self._replace(worker)
                worker = None  # type: ignore[assignment]
            raise StoreError(f"a query worker failed: {error}") from error
        finally:
            if worker is not None:
                self._idle.put(worker)
        if status == "ok":
            return payload
        if status == "not-acceptable":
            raise NotAcceptable(payload)
        if status == "too-large":
            raise ResultTooLarge(payload)
        if status == "bad":
            raise BadInput(payload)
        raise StoreError(payload)

    def _execute_inline(self, request: QueryRequest) -> QueryAnswer:
        bindings = {k: _term_from_nt(v) for k, v in request.bindings.items()}
        default = [ox.NamedNode(g) for g in request.default_graphs] or None
        named = [ox.NamedNode(g) for g in request.named_graphs] or None
        store = self.store
        if request.as_of:
            from .oxigraph import OxigraphStore

            store = OxigraphStore.over(_as_of_copy(store, request))
        result = store.query(request.sparql, bindings=bindings, default_graphs=default,
                             named_graphs=named)
        try:
            return serialize_result(result, request)
        except (RuntimeError, ValueError) as error:
            raise BadInput(f"SPARQL evaluation error: {error}") from error

    def _replace(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        self._add_worker()

    def after_write(self) -> None:
        """Take a new checkpoint so that the next queries see the write; delete the older
        checkpoints that no worker reads any more."""
        snapshot = getattr(self.store, "snapshot", None)
        if self._snapshot is None or not callable(snapshot):
            return
        changes = getattr(self.store, "changes", None)
        sequence = changes.sequence if changes is not None else 0  # before the checkpoint
        current = snapshot()  # outside the lock: workers are taken and replaced meanwhile
        with self._lock:
            self._snapshot = current
            if self.answers is not None:
                self.answers.new_state(str(current))
        if self.engine is not None and changes is not None:
            self.engine.follow(current, changes.changed_since(self._engine_sequence))
            self._engine_sequence = sequence
        prune = getattr(self.store, "prune_snapshots", None)
        if callable(prune):
            prune(keep=(current,))

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()
        if self.engine is not None:
            self.engine.close()
            self.engine = None
