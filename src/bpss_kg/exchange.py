"""Exchange with other systems: push graphs to a remote SPARQL store, pull a graph from one.

``push`` sends each graph in one idempotent request (a Graph Store ``PUT``, or ``DROP`` +
``INSERT`` in one SPARQL Update request), so a push interrupted half-way can simply be run
again. With ``changed`` only graphs whose content hash differs from the one recorded at their
last successful push are sent; the record (``.bpss-kg-push.json`` in the store directory) is
updated per graph right after that graph's request succeeded, so a rerun after an interruption
sends exactly the graphs not yet sent and ends in the same state as an uninterrupted push.
When the graph's editions (``editions.py``) hold the state last pushed, ``changed`` sends only
the difference — ``DELETE DATA`` + ``INSERT DATA`` in one update request, idempotent too —
instead of the whole graph; a whole graph goes when that state is not known or the difference
holds blank nodes.

``pull`` fetches a graph, checks it (it parses, it is not empty, and, for a county or the
national layer, it passes the SHACL validation) and only then replaces the local graph.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .editions import EditionLog
from .errors import BadInput, Location, NotFound
from .namespaces import COUNTY_PREFIX, NATIONAL_GRAPH, SH
from .store.base import Store
from .store.remote import RemoteStore

STATE_FILE = ".bpss-kg-push.json"


def content_hash(triples: Iterable[ox.Triple]) -> str:
    """A hash of a graph's content that does not depend on order (sorted N-Triples lines;
    blank node labels as the store gives them)."""
    lines = sorted(str(t) for t in triples)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def pushable_graphs(store: Store) -> list[ox.NamedNode]:
    """The graphs a push sends by default: the national layer and every county."""
    return [g for g in store.named_graphs()
            if g.value == str(NATIONAL_GRAPH) or g.value.startswith(COUNTY_PREFIX)]


class PushState:
    """Per endpoint, per graph: the content hash of the last successful push."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._data: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            self._data = {}
        except (OSError, ValueError) as error:
            raise BadInput(f"unreadable push state: {error}", Location(file=str(path))) from error

    def sent(self, endpoint: str, graph: str) -> str | None:
        return self._data.get(endpoint, {}).get(graph)

    def edition(self, endpoint: str, graph: str) -> int | None:
        """The graph's edition number that was last pushed (when known)."""
        value = self._data.get("editions", {}).get(endpoint, {}).get(graph)
        return int(value) if value is not None else None  # type: ignore[arg-type]

    def record(self, endpoint: str, graph: str, digest: str,
               edition: int | None = None) -> None:
        """Record one graph and write the file at once (atomically: temp file + rename)."""
        self._data.setdefault(endpoint, {})[graph] = digest
        editions = self._data.setdefault("editions", {}).setdefault(endpoint, {})  # type: ignore[arg-type]
        if edition is None:
            editions.pop(graph, None)
        else:
            editions[graph] = edition  # type: ignore[assignment]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self._data, indent=1, sort_keys=True), "utf-8")
        os.replace(tmp, self.path)


@dataclass
class PushReport:
    sent: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deltas: list[str] = field(default_factory=list)  # of ``sent``: only the difference went


def push(store: Store, remote: RemoteStore, state: PushState, *,
         graphs: list[ox.NamedNode] | None = None, changed: bool = False,
         on_graph: Callable[[str, str], None] | None = None,
         editions: EditionLog | None = None) -> PushReport:
    """Send graphs to ``remote`` one request per graph (see the module docstring)."""
    present = store.named_graphs()
    targets = graphs or pushable_graphs(store)
    for graph in targets:
        if graph not in present:
            raise NotFound(f"no graph {graph.value} in the local store")
    report = PushReport()
    key = remote.gsp.url if remote.gsp is not None else remote.update_endpoint
    for graph in targets:
        triples = [q.triple for q in store.quads(graph)]
        digest = content_hash(triples)
        if changed and state.sent(key, graph.value) == digest:
            report.unchanged.append(graph.value)
            if on_graph:
                on_graph(graph.value, "unchanged")
            continue
        newest = editions.newest(graph.value) if editions else None
        sent_delta = changed and editions is not None and _push_delta(
            remote, editions, state, key, graph, triples)
        if not sent_delta:
            remote.replace_graph(graph, triples)
        state.record(key, graph.value, digest, newest)
        report.sent.append(graph.value)
        if sent_delta:
            report.deltas.append(graph.value)
        if on_graph:
            on_graph(graph.value, "sent the changes" if sent_delta else "sent")
    return report


def _push_delta(remote: RemoteStore, editions: EditionLog, state: PushState, key: str,
                graph: ox.NamedNode, triples: list[ox.Triple]) -> bool:
    """Send only what changed since the edition last pushed; False when that cannot be told
    (the whole graph must go)."""
    pushed = state.edition(key, graph.value)
    if pushed is None:
        return False
    try:
        before = [q.triple for q in ox.parse(b"\n".join(editions.state(graph.value, pushed)),
                                             format=ox.RdfFormat.N_TRIPLES)]
    except NotFound:
        return False
    if content_hash(before) != state.sent(key, graph.value):
        return False  # the remote was not sent that edition's content: send everything
    old, new = set(before), set(triples)
    added, removed = sorted(new - old, key=str), sorted(old - new, key=str)
    if any(isinstance(term, ox.BlankNode) for t in added + removed
           for term in (t.subject, t.object)):
        return False
    remote.apply_changes(graph, added, removed)
    return True


@dataclass
class PullReport:
    graph: str
    triples: int
    replaced: bool
    checks: list[str]


def pull(store: Store, remote: RemoteStore, graph: ox.NamedNode,
         target: ox.NamedNode | None = None, *, allow_violations: bool = False) -> PullReport:
    """Fetch ``graph`` from ``remote`` and, once checked, replace ``target`` (default: the same
    IRI) in the local store. Nothing is written when a check fails; SHACL violations fail the
    pull unless ``allow_violations`` (they are then listed in the report)."""
    target = target or graph
    triples = remote.graph_triples(graph)
    if not triples:
        raise NotFound(f"the remote store has no graph {graph.value} (or it is empty); "
                       "nothing was changed")
    checks = ["parsed", f"{len(triples)} triples (not empty)"]
    checks += _validate(triples, target, allow_violations)
    replaced = store.has_graph(target)
    store.replace_graph(target, triples)
    return PullReport(target.value, len(triples), replaced, checks)


def _validate(triples: list[ox.Triple], target: ox.NamedNode,
              allow_violations: bool) -> list[str]:
    """SHACL validation of a county or national graph (with the bundled ontology and national
    layer as context) before it replaces the local one."""
    if not (target.value.startswith(COUNTY_PREFIX) or target.value == str(NATIONAL_GRAPH)):
        return ["not a county or national graph: no SHACL shapes apply"]
    from tempfile import TemporaryDirectory

    from .validation import validate

    with TemporaryDirectory(prefix="bpss-kg-pull-") as tmp:
        path = Path(tmp) / "pulled.nt"
        ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)
        run = validate(files=[path])
    violations = [f for f in run.findings if f.severity == str(SH.Violation)]
    if not violations:
        return [f"SHACL: no violations ({len(run.findings)} other finding(s))"]
    lines = [f"{f.focus}: {f.message('en')} ({f.shape})" for f in violations[:10]]
    if allow_violations:
        return [f"SHACL: {len(violations)} violation(s) accepted:", *lines]
    raise BadInput(f"the pulled graph does not pass validation ({len(violations)} "
                   f"violation(s)); nothing was changed. First findings:\n  " + "\n  ".join(lines),
                   Location(value=target.value))
