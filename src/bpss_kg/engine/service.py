"""The engine in a process of its own, and the side of it the query service talks to.

The mirror lives in one worker process (spawned like the query workers, bound to its parent):
a query that passes its time limit is stopped by killing that process, as on the Oxigraph path,
and a new one builds the mirror again in the background. The process holds a lease on the
checkpoint it mirrors, so the writer does not delete it while a refresh still reads it.

``EngineClient.answer`` returns None whenever the engine may not answer — not importable, not
built yet, behind the newest checkpoint, busy refreshing, the router refuses the query, or
maplib raised — and the query service then asks Oxigraph; the reason is kept for the response
header and the log. When that query may match triples stored in more than one graph, the reason
says so: Oxigraph counts them once per graph (``routing.union_duplicates``). Builds and
refreshes run on a background thread; meanwhile Oxigraph answers.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import QueryTimeout
from ..processes import bind_to_parent
from ..store.oxigraph import release_lease, take_lease
from ..store.query_service import NotAcceptable, QueryAnswer, QueryRequest
from .routing import QueryShape, query_shape, refusal, union_duplicates

log = logging.getLogger(__name__)
STARTUP_SECONDS = 120.0


def maplib_available() -> str | None:
    """None when maplib can be imported, else why not."""
    try:
        import maplib  # noqa: F401
    except ImportError as error:
        return f"maplib is not installed ({error})"
    return None


@dataclass(frozen=True)
class EngineResult:
    answer: QueryAnswer | None  # None: ask Oxigraph
    reason: str | None = None  # why the engine did not answer


def _engine_main(conn: Connection, parent: int) -> None:
    """Loop of the engine process: build / refresh the mirror, answer queries."""
    bind_to_parent(parent)
    from ..errors import ResultTooLarge
    from .mirror import EngineDeclined, Mirror, open_checkpoint, variables_of

    mirror = Mirror()
    lease: int | None = None
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        kind = message[0]
        try:
            if kind in ("build", "refresh"):
                snapshot = Path(message[1])
                new_lease = take_lease(snapshot)
                if new_lease is None:
                    raise OSError(f"the store checkpoint {snapshot} is gone")
                store = open_checkpoint(snapshot)
                graphs = message[2] if kind == "refresh" else None
                facts = mirror.refresh(snapshot, store, graphs) if kind == "refresh" \
                    else mirror.build(snapshot, store)
                release_lease(lease)
                lease = new_lease
                conn.send(("built", (str(snapshot), facts)))
            elif kind == "query":
                request, form, group_keys = message[1], message[2], message[3]
                variables = variables_of(request.sparql) if form == "select" else []
                conn.send(("ok", mirror.answer(request, form, variables, group_keys)))
        except EngineDeclined as declined:
            conn.send(("declined", str(declined)))
        except NotAcceptable as error:
            conn.send(("not-acceptable", error.message))
        except ResultTooLarge as error:
            conn.send(("too-large", error.message))
        except Exception as error:  # a failed build leaves the engine unused, not the server
            conn.send(("failed", f"{type(error).__name__}: {error}"))


class EngineClient:
    """The query service's handle on the engine process (see the module docstring)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()  # one message exchange at a time
        self._state_lock = threading.Lock()
        self._mirrored: str | None = None  # the checkpoint the mirror holds
        self._facts: object = None
        self._wanted: tuple[str, set[str] | None] | None = None  # next refresh to run
        self._thread: threading.Thread | None = None
        self._closed = False
        self.unavailable: str | None = None  # set once the engine failed for good
        self._start_process()

    def _start_process(self) -> None:
        from . import service  # the spawned process imports this module by name

        self._conn, child = self._context.Pipe()
        self._process = self._context.Process(target=service._engine_main,
                                              args=(child, os.getpid()), daemon=True,
                                              name="bpss-kg-engine")
        self._process.start()
        child.close()
        self._started = False

    def _exchange(self, message: tuple, timeout: float | None) -> tuple[str, object]:
        if not self._started:
            if not self._conn.poll(STARTUP_SECONDS):
                raise OSError("the engine process did not start")
            self._conn.recv()
            self._started = True
        self._conn.send(message)
        if not self._conn.poll(timeout):
            raise TimeoutError
        return self._conn.recv()

    def follow(self, snapshot: Path, graphs: set[str] | None) -> None:
        """Bring the mirror to ``snapshot`` in the background; ``graphs`` changed since the
        checkpoint it holds (None: unknown, or nothing mirrored yet)."""
        with self._state_lock:
            if self._wanted is not None and self._wanted[1] is not None and graphs is not None:
                graphs = graphs | self._wanted[1]  # two writes queued: refresh both
            elif self._wanted is not None:
                graphs = None
            self._wanted = (str(snapshot), graphs)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._catch_up, daemon=True,
                                                name="bpss-kg-engine-refresh")
                self._thread.start()

    def _catch_up(self) -> None:
        while True:
            with self._state_lock:
                wanted, self._wanted = self._wanted, None
                if wanted is None or self._closed:
                    return
                first = self._mirrored is None
            snapshot, graphs = wanted
            kind = "build" if first or graphs is None else "refresh"
            message = (kind, snapshot) if kind == "build" else (kind, snapshot, graphs)
            with self._lock:
                try:
                    status, payload = self._exchange(message, None)
                except (OSError, EOFError, BrokenPipeError) as error:
                    self._give_up(f"the engine process failed: {error}")
                    return
            if status != "built":
                self._give_up(f"the engine could not mirror the store: {payload}")
                return
            mirrored, facts = payload  # type: ignore[misc]
            with self._state_lock:
                self._mirrored, self._facts = mirrored, facts
            log.info("engine: mirrored %s (%s triples)", mirrored,
                     f"{facts.triples:,}")  # type: ignore[attr-defined]

    def _give_up(self, reason: str) -> None:
        log.error("engine: %s; Oxigraph answers every query", reason)
        with self._state_lock:
            self.unavailable, self._mirrored = reason, None

    def answer(self, request: QueryRequest, snapshot: Path | None) -> EngineResult:
        """The engine's answer, or the reason Oxigraph must answer (see the module docstring)."""
        if self.unavailable is not None:
            return EngineResult(None, self.unavailable)
        with self._state_lock:
            mirrored, facts = self._mirrored, self._facts
        shape = query_shape(request.sparql)
        result = self._answer(request, snapshot, mirrored, facts, shape)
        several_graphs = request.union_default_graph or len(request.default_graphs) > 1
        if result.answer is None and facts is not None and several_graphs:
            notice = union_duplicates(shape, facts.duplicated_predicates)  # type: ignore
            if notice is not None:
                return EngineResult(None, f"{result.reason}; {notice}")
        return result

    def _answer(self, request: QueryRequest, snapshot: Path | None, mirrored: str | None,
                facts: object, shape: QueryShape) -> EngineResult:
        if request.bindings or request.default_graphs or request.named_graphs \
                or not request.union_default_graph:
            return EngineResult(None, "bound parameters and explicit datasets are answered by "
                                      "Oxigraph")
        if mirrored is None or snapshot is None or mirrored != str(snapshot):
            return EngineResult(None, "the engine is catching up with the latest write")
        if facts.disabled is not None:  # type: ignore[attr-defined]
            return EngineResult(None, facts.disabled)  # type: ignore[attr-defined]
        reason = refusal(shape)
        if reason is not None:
            return EngineResult(None, reason)
        if not self._lock.acquire(blocking=False):
            return EngineResult(None, "the engine is busy")
        try:
            with self._state_lock:
                if self._mirrored != str(snapshot):
                    return EngineResult(None, "the engine is catching up with the latest write")
            try:
                status, payload = self._exchange(("query", request, shape.form, shape.group_keys),
                                             self.timeout)
            except TimeoutError:
                self._restart(snapshot)
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was "
                                   "stopped") from None
            except (OSError, EOFError, BrokenPipeError) as error:
                self._restart(snapshot)
                return EngineResult(None, f"the engine process failed: {error}")
        finally:
            self._lock.release()
        if status == "ok":
            return EngineResult(payload)  # type: ignore[arg-type]
        if status == "not-acceptable":
            raise NotAcceptable(str(payload))
        if status == "too-large":
            from ..errors import ResultTooLarge

            raise ResultTooLarge(str(payload))
        log.info("engine declined a query at run time: %s", payload)
        return EngineResult(None, str(payload))

    def _restart(self, snapshot: Path) -> None:
        """Kill the engine process (a runaway query) and build the mirror again."""
        self._process.kill()
        self._process.join(timeout=5)
        self._conn.close()
        with self._state_lock:
            self._mirrored = None
        self._start_process()
        self.follow(snapshot, None)

    @property
    def mirrored(self) -> str | None:
        with self._state_lock:
            return self._mirrored

    def close(self) -> None:
        with self._state_lock:
            self._closed = True
        try:
            if self._lock.acquire(timeout=5):
                with contextlib.suppress(OSError, BrokenPipeError):
                    self._conn.send(None)
                self._lock.release()
        finally:
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout=5)
            self._conn.close()
