"""System time: every accepted write of a graph becomes a dated edition of it, with who wrote
it and exactly which triples it added and removed.

A county re-submits its 标准明细表 every year; the store keeps only the newest state, so the
editions are what say what a county changed and when (GB/T 43507's 动态调整). They are kept
beside the store in ``editions.sqlite`` — not in the RDF store, where every query's union
default graph would see removed triples — and published as RDF (PROV) through the change feed.

An edition is one of:

* ``delta``: the triples added and removed (an RDF Patch, compressed), relative to the
  edition before it; storage grows with the size of the changes, not with the graph;
* ``snapshot``: the whole graph after the write, when no delta can be told: the graph's first
  edition, or a graph whose state before the write is not the one its newest edition
  describes (a write that bypassed the gate).

After a write whose graphs could not be told from its text (a bulk load of a quad file, an
update with ``GRAPH ?g``), every graph whose content differs from its newest edition (by
digest) gets an edition, a delta against the state that edition describes.

Replaying a graph's editions from its newest snapshot gives the graph as it was then; replaying
every edition of the feed from the start gives every graph as it is (tested). Blank nodes keep
the labels the store gives them. Validation reports (``bpssg:validation/…``) are derived data
and have no editions.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from .access import Writer
from .errors import NotFound
from .namespaces import COUNTY_PREFIX, GRAPH
from .store.base import Store
from .store.changes import DEFAULT_GRAPH

EDITIONS_FILE = "editions.sqlite"
EDITIONS_GRAPH = str(GRAPH["editions"])
"""Where each edition is described in the store (PROV, no triples of the data), so that SPARQL
can ask which counties changed when; derived from ``editions.sqlite``."""
SKIPPED_PREFIXES = (str(GRAPH["validation/"]), EDITIONS_GRAPH)
_BPSS = "https://w3id.org/bpss-kg/def#"
_PROV = "http://www.w3.org/ns/prov#"
_DCT = "http://purl.org/dc/terms/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_ID = "https://w3id.org/bpss-kg/id/"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS editions (
  id INTEGER PRIMARY KEY, graph TEXT NOT NULL, number INTEGER NOT NULL, time TEXT NOT NULL,
  token TEXT NOT NULL, label TEXT NOT NULL, scope TEXT NOT NULL, action TEXT NOT NULL,
  kind TEXT NOT NULL, added INTEGER NOT NULL, removed INTEGER NOT NULL,
  triples INTEGER NOT NULL, digest TEXT NOT NULL, patch BLOB NOT NULL,
  UNIQUE (graph, number));
CREATE INDEX IF NOT EXISTS editions_time ON editions (time);
"""
_COLUMNS = "id, graph, number, time, token, label, scope, action, kind, added, removed, triples"

Lines = set[bytes]  # a graph as N-Triples lines


def digest_of(lines: Iterable[bytes]) -> str:
    """An order-independent digest of a graph's N-Triples lines."""
    return hashlib.sha256(b"\n".join(sorted(lines))).hexdigest()


def graph_lines(store: Store, graph: str) -> Lines:
    """A graph's triples as N-Triples lines (empty when the graph does not exist)."""
    target: ox.NamedNode | ox.DefaultGraph = (
        ox.DefaultGraph() if graph == DEFAULT_GRAPH else ox.NamedNode(graph))
    if isinstance(target, ox.NamedNode) and not store.has_graph(target):
        return set()
    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_TRIPLES, target)
    return set(buffer.getvalue().splitlines())


def keeps_editions(graph: str) -> bool:
    return graph != DEFAULT_GRAPH and not graph.startswith(SKIPPED_PREFIXES)


@dataclass(frozen=True)
class Edition:
    id: int  # position in the whole feed
    graph: str
    number: int  # 1, 2, … per graph
    time: str
    token: str
    label: str
    scope: str
    action: str
    kind: str  # "delta" or "snapshot"
    added: int
    removed: int
    triples: int  # the graph's size after it

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Patch:
    """What an edition changed: for a snapshot, ``added`` is the whole graph."""

    edition: Edition
    added: list[bytes]
    removed: list[bytes]

    def rdf_patch(self) -> str:
        """The edition as an RDF Patch (https://afs.github.io/rdf-delta/rdf-patch.html), one
        transaction, quads in the edition's graph. A snapshot carries the header
        ``H replaces <graph>``: clear the graph, then apply."""
        graph = f"<{self.edition.graph}>"
        head = [f"H id <urn:bpss-kg:edition:{self.edition.id}> ."]
        if self.edition.kind == "snapshot":
            head.append(f"H replaces {graph} .")
        body = [f"D {line.decode('utf-8')[:-1].rstrip()} {graph} ." for line in sorted(
            self.removed)] + [f"A {line.decode('utf-8')[:-1].rstrip()} {graph} ."
                              for line in sorted(self.added)]
        return "\n".join([*head, "TX .", *body, "TC ."]) + "\n"


def edition_iri(graph: str, number: int) -> str:
    """``bpssid:edition/county/370502/3``: the third edition of that county's graph."""
    key = graph[len(str(GRAPH)):] if graph.startswith(str(GRAPH)) else \
        hashlib.sha256(graph.encode()).hexdigest()[:16]
    return f"{_ID}edition/{key}/{number}"


def agent_iri(writer_label: str, scope: str) -> str:
    digest = hashlib.sha256(f"{scope}|{writer_label}".encode()).hexdigest()[:12]
    return f"{_ID}agent/{digest}"


def edition_quads(edition: Edition) -> list[ox.Quad]:
    """The edition described in PROV, in ``bpssg:editions`` (who by label and scope; never the
    token or a user name)."""
    g = ox.NamedNode(EDITIONS_GRAPH)
    node = ox.NamedNode(edition_iri(edition.graph, edition.number))
    agent = ox.NamedNode(agent_iri(edition.label, edition.scope))

    def lit(value: object, datatype: str | None = None) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + datatype)) if datatype \
            else ox.Literal(str(value))

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    triples = [
        (node, rdf_type, ox.NamedNode(_BPSS + "GraphEdition")),
        (node, ox.NamedNode(_DCT + "isVersionOf"), ox.NamedNode(edition.graph)),
        (node, ox.NamedNode(_PROV + "generatedAtTime"), lit(edition.time, "dateTime")),
        (node, ox.NamedNode(_BPSS + "editionNumber"), lit(edition.number, "integer")),
        (node, ox.NamedNode(_BPSS + "editionKind"), lit(edition.kind)),
        (node, ox.NamedNode(_BPSS + "addedTriples"), lit(edition.added, "integer")),
        (node, ox.NamedNode(_BPSS + "removedTriples"), lit(edition.removed, "integer")),
        (node, ox.NamedNode(_DCT + "description"), lit(edition.action)),
        (node, ox.NamedNode(_PROV + "wasAttributedTo"), agent),
        (agent, rdf_type, ox.NamedNode(_PROV + "Agent")),
        (agent, label, lit(edition.label)),
        (agent, ox.NamedNode(_BPSS + "writeScope"), lit(edition.scope)),
    ]
    if edition.number > 1:
        triples.append((node, ox.NamedNode(_PROV + "wasRevisionOf"),
                        ox.NamedNode(edition_iri(edition.graph, edition.number - 1))))
    if edition.graph.startswith(COUNTY_PREFIX):
        code = edition.graph[len(COUNTY_PREFIX):].split("/", 1)[0]
        triples.append((node, ox.NamedNode(_DCT + "spatial"),
                        ox.NamedNode(f"{_ID}place/{code}")))
    return [ox.Quad(s, p, o, g) for s, p, o in triples]


def _pack(added: Iterable[bytes], removed: Iterable[bytes]) -> bytes:
    text = b"".join(b"A " + line + b"\n" for line in sorted(added)) + b"".join(
        b"D " + line + b"\n" for line in sorted(removed))
    return zlib.compress(text, 6)


def _unpack(blob: bytes) -> tuple[list[bytes], list[bytes]]:
    added, removed = [], []
    for line in zlib.decompress(blob).splitlines():
        (added if line.startswith(b"A ") else removed).append(line[2:])
    return added, removed


class EditionLog:
    """The editions of a store's graphs (``editions.sqlite`` beside it; a temporary file for
    an in-memory store)."""

    def __init__(self, folder: Path | None) -> None:
        if folder is None:
            import tempfile

            self._tmp = tempfile.TemporaryDirectory(prefix="bpss-editions-")
            folder = Path(self._tmp.name)
        self.path = folder / EDITIONS_FILE
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def __enter__(self) -> EditionLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- recording -----------------------------------------------------------------------------
    def _head(self, graph: str) -> tuple[int, str] | None:
        row = self._db().execute("SELECT number, digest FROM editions WHERE graph = ? "
                                 "ORDER BY number DESC LIMIT 1", (graph,)).fetchone()
        return (row[0], row[1]) if row else None

    def record(self, writer: Writer, action: str, graph: str, before: Lines | None,
               after: Lines) -> Edition | None:
        """Record the write of one graph (``before`` None: not known); None when nothing
        changed or the graph keeps no editions."""
        if not keeps_editions(graph):
            return None
        head = self._head(graph)
        digest = digest_of(after)
        if head is not None and head[1] == digest:
            return None  # the same content (e.g. a PUT of what was there)
        if head is None or before is None or digest_of(before) != head[1]:
            kind, added, removed = "snapshot", after, set()
        else:
            kind, added, removed = "delta", after - before, before - after
        number = 1 if head is None else head[0] + 1
        when = datetime.now(UTC).isoformat(timespec="microseconds")
        cursor = self._db().execute(
            "INSERT INTO editions (graph, number, time, token, label, scope, action, kind, "
            "added, removed, triples, digest, patch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?)", (graph, number, when, writer.token, writer.label, str(writer.scope),
                      action, kind, len(added), len(removed), len(after), digest,
                      _pack(added, removed)))
        return self.edition(int(cursor.lastrowid or 0))

    def record_unknown(self, writer: Writer, action: str, store: Store) -> list[Edition]:
        """After a write whose graphs are unknown: a snapshot of every graph whose content
        differs from its newest edition (dropped graphs become empty)."""
        recorded = []
        present = {g.value for g in store.named_graphs()}
        known = {g for (g,) in self._db().execute("SELECT DISTINCT graph FROM editions")}
        for graph in sorted(present | known):
            if not keeps_editions(graph):
                continue
            after = graph_lines(store, graph)
            head = self._head(graph)
            if head is not None and head[1] == digest_of(after):
                continue
            # the state the newest edition describes, so that the change is kept as a delta
            before = self.state(graph) if head is not None else None
            edition = self.record(writer, action, graph, before, after)
            if edition is not None:
                recorded.append(edition)
        return recorded

    # -- reading -------------------------------------------------------------------------------
    def newest(self, graph: str) -> int | None:
        """The number of the graph's newest edition (None: it has none)."""
        head = self._head(graph)
        return head[0] if head else None

    def edition(self, edition_id: int) -> Edition:
        row = self._db().execute(f"SELECT {_COLUMNS} FROM editions WHERE id = ?",
                                 (edition_id,)).fetchone()
        if row is None:
            raise NotFound(f"no edition {edition_id}")
        return Edition(*row)

    def editions(self, *, graph: str | None = None, after: int = 0, since: str | None = None,
                 limit: int = 1000) -> list[Edition]:
        """Editions in feed order (of one graph; after an edition id; since a time)."""
        clauses, params = ["id > ?"], [after]
        if graph is not None:
            clauses.append("graph = ?")
            params.append(graph)  # type: ignore[arg-type]
        if since is not None:
            clauses.append("time >= ?")
            params.append(since)  # type: ignore[arg-type]
        rows = self._db().execute(
            f"SELECT {_COLUMNS} FROM editions WHERE {' AND '.join(clauses)} ORDER BY id "
            "LIMIT ?", [*params, limit]).fetchall()
        return [Edition(*row) for row in rows]

    def record_quads(self) -> Iterator[ox.Quad]:
        """The whole ``bpssg:editions`` graph as this log describes it (to restore it)."""
        after = 0
        while batch := self.editions(after=after, limit=5000):
            for edition in batch:
                yield from edition_quads(edition)
            after = batch[-1].id

    def graphs_changed_since(self, since: str) -> list[tuple[str, int]]:
        """(graph, editions) of the graphs with an edition at or after ``since``."""
        return [(g, n) for g, n in self._db().execute(
            "SELECT graph, COUNT(*) FROM editions WHERE time >= ? GROUP BY graph ORDER BY graph",
            (since,))]

    def patch(self, edition_id: int) -> Patch:
        edition = self.edition(edition_id)
        (blob,) = self._db().execute("SELECT patch FROM editions WHERE id = ?",
                                     (edition_id,)).fetchone()
        added, removed = _unpack(blob)
        return Patch(edition, added, removed)

    def patches(self, graph: str, upto: int | None = None) -> Iterator[Patch]:
        """The patches that rebuild ``graph`` up to its edition number ``upto`` (default the
        newest): from the newest snapshot at or before it."""
        db = self._db()
        limit = upto if upto is not None else 1 << 62
        start = db.execute("SELECT MAX(number) FROM editions WHERE graph = ? AND number <= ? "
                           "AND kind = 'snapshot'", (graph, limit)).fetchone()[0]
        if start is None:
            return
        for (edition_id,) in db.execute(
                "SELECT id FROM editions WHERE graph = ? AND number BETWEEN ? AND ? "
                "ORDER BY number", (graph, start, limit)).fetchall():
            yield self.patch(edition_id)

    def state(self, graph: str, upto: int | None = None) -> Lines:
        """The graph's triples as of its edition ``upto`` (default: the newest)."""
        if upto is not None and upto < 1:
            return set()
        lines: Lines = set()
        seen = False
        for patch in self.patches(graph, upto):
            seen = True
            if patch.edition.kind == "snapshot":
                lines = set(patch.added)
            else:
                lines -= set(patch.removed)
                lines |= set(patch.added)
        if not seen and upto is not None:
            raise NotFound(f"no edition {upto} of {graph}")
        return lines

    def size(self) -> int:
        """Bytes of the editions file (for the storage benchmark)."""
        return sum(p.stat().st_size for p in self.path.parent.glob(EDITIONS_FILE + "*"))
