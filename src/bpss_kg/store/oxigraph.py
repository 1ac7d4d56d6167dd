"""The embedded store: Oxigraph on disk, with all-or-nothing loads that survive a crash.

Layout of a store directory::

    bpss-store/
      active -> data-000002      symlink to the live Oxigraph database
      data-000002/               the database (RocksDB)
      changes.json               which graphs each write may have changed (see changes.py)
      snapshots/gen-000007/      immutable checkpoints for readers in other processes
      snapshots/gen-000007.lease   held (shared flock) by every process reading that checkpoint

A load is written into a copy of the live database (``Store.backup``: hard links, cheap) with
Oxigraph's fast bulk loader; only when every document has loaded does ``active`` switch to the
copy, by an atomic rename. A syntax error, a full disk or a ``SIGKILL`` half-way leaves
``active`` pointing at the untouched old database; leftovers are removed at the next open.

Readers in other processes (the server's query workers; CLI commands while ``bpss-kg serve``
holds the store) never open the live database: RocksDB allows one writer, and a read-only open
of a database another process writes is undefined behaviour. They open a checkpoint instead
(``snapshot``: a flush and a directory of hard links, made by the writer after every write) and
hold a shared lock on its lease file while they read; the writer deletes a checkpoint only when
it can take that lock exclusively.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..errors import BadInput, Location, StoreError, StoreInUse
from ..input_bounds import bounded, check_document
from ..namespaces import GRAPH
from .base import GraphName, LoadSource, Progress, QueryResult, Store, Term
from .changes import DEFAULT_GRAPH, ChangeJournal, graphs_written
from .sparql_text import declares_dataset

ACTIVE_LINK = "active"
SNAPSHOTS = "snapshots"
_DATA_DIR = re.compile(r"^data-(\d{6})$")
_SNAPSHOT_DIR = re.compile(r"^gen-(\d{6,})$")
# RocksDB makes a checkpoint in "<target>.tmp" and renames it when complete: a process killed
# meanwhile leaves that folder behind
_LEFTOVER = re.compile(r"^data-\d{6}\.tmp$")
_STAGING = re.compile(r"^(data-\d{6}|\.gen-\d{6,}\.partial)(\.tmp)?$|^gen-\d{6,}\.tmp$")


def lease_file(snapshot: Path) -> Path:
    """The file whose shared lock keeps ``snapshot`` from being deleted."""
    return snapshot.with_name(snapshot.name + ".lease")


def take_lease(snapshot: Path) -> int | None:
    """A shared lock on ``snapshot``'s lease (its file descriptor), or None when the snapshot
    is gone or going (its writer deleted or is deleting it)."""
    try:
        fd = os.open(lease_file(snapshot), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a deleter holds it
    if os.fstat(fd).st_nlink == 0 or not snapshot.is_dir():
        os.close(fd)
        return None
    return fd


def release_lease(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def snapshots_of(root: Path) -> list[Path]:
    """The complete checkpoints under a store directory, newest first."""
    folder = root / SNAPSHOTS
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir()
             if (m := _SNAPSHOT_DIR.match(p.name)) and p.is_dir()]
    return [p for _, p in sorted(found, reverse=True)]


class _CountingReader:
    """A binary file wrapper that reports bytes read, for progress bars."""

    def __init__(self, raw: IO[bytes], progress: Progress) -> None:
        self._raw = raw
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._progress(len(chunk))
        return chunk

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = self._raw.readinto(buffer)
        self._progress(n or 0)
        return n


def _syntax_error(source: LoadSource, error: SyntaxError) -> BadInput:
    """A parser error as ``BadInput`` naming the document, line and column."""
    message = str(error.msg if hasattr(error, "msg") else error)
    message = re.sub(r"^Parser error at line \d+( between columns \d+ and \d+| column \d+)?: ", "",
                     message)
    return BadInput(
        f"RDF syntax error: {message}",
        Location(file=source.name, line=error.lineno, column=error.offset),
    )


def _io_error(root: Path, error: OSError) -> StoreError:
    text = str(error)
    if "lock" in text.lower():
        return StoreInUse(
            "the store is in use by another process (is `bpss-kg serve` running on it?)",
            Location(file=str(root)),
        )
    if "No space left" in text or getattr(error, "errno", None) == 28:
        return StoreError("no space left on the store's disk; nothing was written",
                          Location(file=str(root)))
    if "Read-only" in text or "Permission denied" in text:
        return StoreError(f"the store path is not writable: {text}", Location(file=str(root)))
    return StoreError(f"store I/O error: {text}", Location(file=str(root)))


class OxigraphStore:
    """Oxigraph on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False,
                 union_default_graph: bool = True) -> None:
        self.union_default_graph = union_default_graph
        self.read_only = read_only
        self._root = Path(path) if path is not None else None
        self._lease: int | None = None
        self._snapshot_number = 0
        self.snapshot_of: Path | None = None  # set on checkpoint views: the store they copy
        self.description = f"oxigraph:{self._root}" if self._root else "oxigraph:memory"
        self._db = self._open()
        self.changes = ChangeJournal(self._root)

    @property
    def path(self) -> Path | None:
        """The store directory (None in memory)."""
        return self._root

    @classmethod
    def over(cls, db: ox.Store, *, description: str = "oxigraph:memory") -> OxigraphStore:
        """A read-only store over an in-memory ``ox.Store`` the caller built as a private
        copy (e.g. ``validity.view_as_of``), so it answers queries exactly as a store does."""
        store = cls.__new__(cls)
        store.union_default_graph = True
        store.read_only = True
        store._root = None
        store._lease = None
        store._snapshot_number = 0
        store.snapshot_of = None
        store.description = description
        store.changes = ChangeJournal(None)
        store._db = db
        return store

    @classmethod
    def open_snapshot(cls, path: Path, *, journal: ChangeJournal | None = None,
                      lease: int | None = None) -> OxigraphStore:
        """A read-only view of a checkpoint made by ``snapshot``; ``lease`` (from
        ``take_lease``) is released on ``close``."""
        store = cls.__new__(cls)
        store.union_default_graph = True
        store.read_only = True
        store._root = None
        store._lease = lease
        store.snapshot_of = path.parent.parent
        store.description = f"oxigraph-snapshot:{path}"
        store.changes = journal or ChangeJournal(None)
        try:
            store._db = ox.Store.read_only(str(path))
        except OSError as error:
            release_lease(lease)
            raise _io_error(path, error) from error
        return store

    @classmethod
    def open_latest_snapshot(cls, root: Path) -> OxigraphStore | None:
        """The newest checkpoint that the process holding the store made (``bpss-kg serve``
        makes one after every write), read-only and leased; None when there is none."""
        for candidate in snapshots_of(root):
            lease = take_lease(candidate)
            if lease is not None:
                return cls.open_snapshot(candidate, journal=ChangeJournal(root), lease=lease)
        return None

    # -- opening -----------------------------------------------------------------------------
    def _open(self) -> ox.Store:
        if self._root is None:
            return ox.Store()
        root = self._root
        try:
            if self.read_only:
                return ox.Store.read_only(str(self._active_dir()))
            root.mkdir(parents=True, exist_ok=True)
            link = root / ACTIVE_LINK
            if not link.is_symlink():
                if any(p for p in root.iterdir() if not p.name.startswith(".")):
                    raise StoreError(
                        "not a bpss-kg store (no 'active' link) and not empty; "
                        "choose an empty or new directory",
                        Location(file=str(root)),
                    )
                first = root / "data-000001"
                first.mkdir()
                self._point_active_to(first)
            db = ox.Store(str(self._active_dir()))
        except OSError as error:
            raise _io_error(root, error) from error
        self._remove_leftovers()
        return db

    def _active_dir(self) -> Path:
        assert self._root is not None
        link = self._root / ACTIVE_LINK
        if not link.is_symlink():
            raise StoreError("no bpss-kg store here (no 'active' link)", Location(file=str(link)))
        return self._root / os.readlink(link)

    def _point_active_to(self, target: Path) -> None:
        assert self._root is not None
        tmp = self._root / ".active.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(target.name, tmp)
        os.replace(tmp, self._root / ACTIVE_LINK)
        fd = os.open(self._root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _remove_leftovers(self) -> None:
        """Delete databases other than the active one (an interrupted or replaced load), and
        the checkpoints of an earlier run that no reader holds."""
        assert self._root is not None
        self.prune_snapshots(keep=())
        active = self._active_dir().name
        for entry in self._root.iterdir():
            if (_DATA_DIR.match(entry.name) and entry.name != active) or _LEFTOVER.match(
                    entry.name):
                shutil.rmtree(entry, ignore_errors=True)

    def prune_snapshots(self, keep: Iterable[Path]) -> None:
        """Delete the checkpoints not in ``keep`` that no process holds a lease on."""
        if self._root is None:
            return
        folder = self._root / SNAPSHOTS
        if not folder.is_dir():
            return
        kept = {Path(p) for p in keep}
        for entry in folder.iterdir():
            if _STAGING.match(entry.name):  # a checkpoint whose making was interrupted
                shutil.rmtree(entry, ignore_errors=True)
            elif _SNAPSHOT_DIR.match(entry.name) and entry not in kept:
                _delete_unleased(entry)
            elif entry.name.endswith(".lease") and not (folder / entry.name[:-6]).exists():
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()

    def _next_dir(self) -> Path:
        assert self._root is not None
        current = _DATA_DIR.match(self._active_dir().name)
        number = int(current.group(1)) + 1 if current else 1
        return self._root / f"data-{number:06d}"

    # -- reading -----------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> QueryResult:
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return self._db.query(
                sparql,
                use_default_graph_as_union=self.union_default_graph and not default_graphs
                and not named_graphs and not declares_dataset(sparql),
                default_graph=default_graphs or None,
                named_graphs=named_graphs or None,
                substitutions=substitutions or None,
            )
        except SyntaxError as error:
            raise BadInput(f"SPARQL syntax error: {error}") from error
        except RuntimeError as error:
            # e.g. a bound variable that the query does not project (SEP-0007 substitution)
            raise BadInput(f"SPARQL evaluation error: {error}") from error

    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted((g for g in self._db.named_graphs() if isinstance(g, ox.NamedNode)),
                      key=lambda g: g.value)

    def has_graph(self, graph: ox.NamedNode) -> bool:
        return self._db.contains_named_graph(graph)

    def quads(self, graph: GraphName | None = None) -> Iterable[ox.Quad]:
        return self._db.quads_for_pattern(None, None, None, graph)

    def predicate_quads(self, predicate: ox.NamedNode) -> Iterable[tuple[Term, Term, GraphName]]:
        return ((q.subject, q.object, q.graph_name)
                for q in self._db.quads_for_pattern(None, predicate, None, None))

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: GraphName | None = None) -> None:
        if graph is None:
            self._db.dump(output, fmt)
        else:
            self._db.dump(output, fmt, from_graph=graph)

    def __len__(self) -> int:
        return len(self._db)

    # -- writing -----------------------------------------------------------------------------
    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")

    def update(self, sparql: str) -> None:
        self._check_writable()
        self._update(sparql, graphs_written(sparql))

    def _update(self, sparql: str, graphs: set[str] | None) -> None:
        """Run an update that may write ``graphs`` (None: any), noting them first."""
        self._check_writable()
        with self.changes.writing(graphs):
            try:
                self._db.update(sparql)
            except SyntaxError as error:
                raise BadInput(f"SPARQL Update syntax error: {error}") from error
            except OSError as error:
                raise _io_error(self._root or Path(":memory:"), error) from error

    def add(self, quads: Iterable[ox.Quad]) -> None:
        self._check_writable()
        quads = list(quads)
        with self.changes.writing({_graph_key(q.graph_name) for q in quads}):
            try:
                self._db.extend(quads)
            except OSError as error:
                raise _io_error(self._root or Path(":memory:"), error) from error

    def copy_graph_from(self, source: Store, graph: ox.NamedNode) -> None:
        """Copy one graph of ``source`` into this store, which must be a private working copy
        (in memory: no journal, no transaction). The graph travels as N-Triples bytes, so
        neither side builds a Python object per quad (a third faster on a national store)."""
        if self._root is not None:
            raise StoreError("copy_graph_from is for in-memory working copies")
        buffer = io.BytesIO()
        source.dump(buffer, ox.RdfFormat.N_TRIPLES, graph)
        self._db.bulk_load(buffer.getvalue(), ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def add_document(self, graph: ox.NamedNode, data: bytes, fmt: ox.RdfFormat) -> None:
        self._check_writable()
        with self.changes.writing({graph.value}):
            try:
                self._db.load(data, fmt, to_graph=graph)  # one transaction
            except SyntaxError as error:
                raise BadInput(f"syntax error: {error}") from error
            except OSError as error:
                raise _io_error(self._root or Path(":memory:"), error) from error

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> None:
        """Drop and refill a graph in one update request, so readers never see it half-done."""
        self._check_writable()
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        self._update(
            f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n"
            f"{body.decode('utf-8')}\n}} }}", {graph.value}
        )

    def drop_graph(self, graph: ox.NamedNode) -> bool:
        self._check_writable()
        if not self._db.contains_named_graph(graph):
            return False
        self._update(f"DROP GRAPH {graph}", {graph.value})
        return True

    def load(self, sources: list[LoadSource], progress: Progress | None = None) -> int:
        """Load every source or none (see the module docstring)."""
        self._check_writable()
        with self.changes.writing(_graphs_loaded(sources)):
            return self._load(sources, progress)

    def _load(self, sources: list[LoadSource], progress: Progress | None) -> int:
        if self._root is None:
            self._load_in_transaction(sources, progress)
            return len(self._db)
        target = self._next_dir()
        shutil.rmtree(target, ignore_errors=True)
        try:
            self._db.flush()
            self._db.backup(str(target))
            staging = ox.Store(str(target))
        except OSError as error:
            shutil.rmtree(target, ignore_errors=True)
            raise _io_error(self._root, error) from error
        try:
            for source in sources:
                self._bulk_load_one(staging, source, progress)
            if not any(s.own_record for s in sources):
                self._keep_own_graphs(staging)
            staging.flush()
        except BaseException as error:
            del staging
            shutil.rmtree(target, ignore_errors=True)
            if isinstance(error, SyntaxError):
                raise _syntax_error(source, error) from error
            if isinstance(error, OSError):
                raise _io_error(self._root, error) from error
            if isinstance(error, ValueError):
                raise BadInput(str(error), Location(file=source.name)) from error
            raise
        del staging
        old = self._active_dir()
        self._point_active_to(target)
        self._db = None  # type: ignore[assignment]  # release RocksDB before deleting
        self._db = ox.Store(str(target))
        shutil.rmtree(old, ignore_errors=True)
        return len(self._db)

    @staticmethod
    def _bulk_load_one(db: ox.Store, source: LoadSource, progress: Progress | None) -> None:
        check_document(source.format, source.name, data=source.data, path=source.path)
        graph = source.graph
        if source.data is not None:
            db.bulk_load(source.data, source.format, to_graph=graph, base_iri=source.base_iri)
            if progress:
                progress(len(source.data))
            return
        assert source.path is not None
        with open(source.path, "rb") as raw:
            reader = _CountingReader(raw, progress) if progress else raw
            db.bulk_load(reader, source.format, to_graph=graph, base_iri=source.base_iri)

    def _load_in_transaction(self, sources: list[LoadSource], progress: Progress | None) -> None:
        own = any(s.own_record for s in sources)
        self.add(q for q in parse_sources(sources, progress)
                 if own or q.graph_name not in KEPT_GRAPHS)

    def _keep_own_graphs(self, staging: ox.Store) -> None:
        """Put back the store's own record (``KEPT_GRAPHS``) over whatever a loaded file said
        of it: a dump of another store carries that store's editions, not ours."""
        for graph in KEPT_GRAPHS:
            if staging.contains_named_graph(graph):
                staging.remove_graph(graph)
            own = list(self._db.quads_for_pattern(None, None, None, graph))
            if own:
                staging.extend(own)

    def flush(self) -> None:
        self._db.flush()

    def snapshot(self) -> Path | None:
        """A new immutable checkpoint of the live database, for readers in other processes.

        None for an in-memory store. Checkpoints share unchanged files with the live database
        through hard links, so taking one costs a flush and a directory of links. It is made
        under a staging name and renamed when complete, with its lease file beside it.
        """
        if self._root is None or self.read_only:
            return None
        folder = self._root / SNAPSHOTS
        folder.mkdir(exist_ok=True)
        existing = [int(m.group(1)) for p in folder.iterdir()
                    if (m := _SNAPSHOT_DIR.match(p.name))]
        self._snapshot_number = max([self._snapshot_number, *existing]) + 1
        name = f"gen-{self._snapshot_number:06d}"
        staging, target = folder / f".{name}.partial", folder / name
        try:
            self._db.flush()
            self._db.backup(str(staging))
            lease_file(target).touch()
            os.rename(staging, target)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise _io_error(self._root, error) from error
        return target

    def backup(self, target: Path) -> None:
        """A consistent copy of the live database (Oxigraph checkpoint)."""
        try:
            self._db.backup(str(target))
        except OSError as error:
            raise _io_error(self._root or Path(":memory:"), error) from error

    def close(self) -> None:
        if self._db is not None and not self.read_only:  # read-only instances cannot flush
            with contextlib.suppress(OSError):
                self._db.flush()
        self._db = None  # type: ignore[assignment]
        release_lease(self._lease)
        self._lease = None


def _delete_unleased(snapshot: Path) -> bool:
    """Delete a checkpoint unless a reader holds its lease; True when deleted."""
    lease = lease_file(snapshot)
    try:
        fd = os.open(lease, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        shutil.rmtree(snapshot, ignore_errors=True)
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        # Unlink the lease before the data: a reader waiting for the lock then finds it gone.
        with contextlib.suppress(FileNotFoundError):
            lease.unlink()
        shutil.rmtree(snapshot, ignore_errors=True)
        return True
    finally:
        os.close(fd)


def parse_sources(sources: list[LoadSource], progress: Progress | None = None) -> list[ox.Quad]:
    """Every quad of the sources as parsed (lexical forms as written; the store would
    canonicalise them), triples placed in their source's graph; BadInput names the place."""
    quads: list[ox.Quad] = []
    for source in sources:
        check_document(source.format, source.name, data=source.data, path=source.path)
        try:
            kwargs = {"input": source.data} if source.data is not None else {
                "path": str(source.path)}
            for quad in bounded(ox.parse(format=source.format, rename_blank_nodes=True,
                                         base_iri=source.base_iri, **kwargs), source.name):
                if source.graph is not None and isinstance(quad.graph_name, ox.DefaultGraph):
                    quad = ox.Quad(quad.subject, quad.predicate, quad.object, source.graph)
                quads.append(quad)
        except SyntaxError as error:
            raise _syntax_error(source, error) from error
        if progress:
            progress(source.size)
    return quads


_TRIPLE_FORMATS = {ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML,
                   ox.RdfFormat.N3}


def _graph_key(graph: GraphName) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else DEFAULT_GRAPH


# Graphs the store keeps for itself: the description of its editions (bpss_kg.editions). A
# load never takes them from a file, and the write gate refuses writes that name them.
KEPT_GRAPHS = (ox.NamedNode(str(GRAPH["editions"])),)


def _graphs_loaded(sources: list[LoadSource]) -> set[str] | None:
    """The graphs a load writes: known for triple syntaxes, unknown for quad syntaxes (their
    graphs are only known once the whole file has been read)."""
    graphs: set[str] = set()
    for source in sources:
        if source.format not in _TRIPLE_FORMATS:
            return None
        graphs.add(source.graph.value if source.graph is not None else DEFAULT_GRAPH)
    return graphs
