"""Search by label beside the store: a SQLite FTS5 index (trigram tokenizer, so Chinese and
English substrings match), kept in ``<store>/search.sqlite``.

Oxigraph has no full-text index. The index keeps every name (label, title, number, code) with
the graph it was read from, and remembers the store's change-journal number it reflects
(``meta.sequence``). ``refresh_index`` brings it up to date from the journal: the names of the
graphs written since are read again (an import: one county graph, milliseconds) in one SQLite
transaction, so searches see the index before or after, never half-done; when the journal
cannot tell what changed (a bulk load of a quad file, a crash before the journal was read), the
index is built again whole into a new file that replaces the old one atomically. A full build
is the same per-graph step over every graph, so both give the same index. An index behind the
store is never searched: ``search`` raises ``IndexStale`` until it has been brought up to date.

Places are found by their Chinese labels romanised too (``Haiyan County``; see place_names.py:
generated forms, kept in the index only).

Ranking: exact match, then prefix, then substring; then by kind (county, standard, item,
organisation, …); then counties with data (a county graph in the store) before counties
without; then shorter names first. Queries of one or two characters, too short for trigrams,
use ``LIKE`` over the same table.

Facets: every search counts its matches by kind, by province (a place's code, or the DB
prefix of a local standard's number: DB37 → 37xxxx) and by whether a county has data, and can
be narrowed to one kind, one province, or counties with (or without) data.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .background import CoalescingWorker
from .errors import StoreError
from .place_names import romanised_names
from .store.base import Store
from .store.changes import DEFAULT_GRAPH
from .tables.cells import CellError, standard_number

INDEX_FILE = "search.sqlite"
SCHEMA = "3"  # 3: romanised place names
MAX_QUERY_CHARS = 200
INCREMENTAL_MAX_GRAPHS = 300  # more graphs written since the index: build it again whole
BPSS = "https://w3id.org/bpss-kg/def#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("county", (BPSS + "County",)),
    ("standard", (BPSS + "Standard",)),
    ("item", (BPSS + "NationalServiceItem", BPSS + "LocalServiceItem", BPSS + "ServiceItem")),
    ("organisation", (BPSS + "Government", BPSS + "GovernmentDepartment",
                      BPSS + "IndustryAuthority", BPSS + "FinanceDepartment",
                      BPSS + "GrassrootsInstitution", BPSS + "StandardizationBody",
                      ORG + "Organization")),
    ("division", (BPSS + "Province", BPSS + "Prefecture", BPSS + "Nation")),
    ("category", (BPSS + "ServiceArea", BPSS + "ServiceCategory")),
    ("system", (BPSS + "CountyStandardSystem", BPSS + "StandardSystem", BPSS + "SubSystem")),
    ("indicator", (BPSS + "Indicator",)),
    ("agreement", (BPSS + "CoordinationAgreement",)),
)
KIND_RANK = {kind: rank for rank, (kind, _) in enumerate(KINDS)}
OTHER_RANK = len(KINDS)
_KIND_OF_CLASS = {cls: kind for kind, classes in KINDS for cls in classes}

# one index scan per property (a SPARQL pattern over the union graph costs twice as much)
_NAME_PROPERTIES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://purl.org/dc/terms/title",
    BPSS + "standardNumber",
    BPSS + "divisionCode",
)  # skos:prefLabel is left out: the model gives every concept an equal rdfs:label
_PROPERTY_RANK = {prop: rank for rank, prop in enumerate(_NAME_PROPERTIES)}
_LABEL_RANKS = (_PROPERTY_RANK["http://www.w3.org/2000/01/rdf-schema#label"],
                _PROPERTY_RANK["http://purl.org/dc/terms/title"])
_NUMBER_RANK = _PROPERTY_RANK[BPSS + "standardNumber"]
# Romanised forms of places' Chinese labels (place_names.py): searched, never shown.
_ROMANISED_RANK = len(_NAME_PROPERTIES)
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_PLACE_PREFIX = "https://w3id.org/bpss-kg/id/place/"
_CLASS_TERMS = " ".join(f"<{cls}>" for cls in _KIND_OF_CLASS)  # our constants, not user input
_TYPES = f"SELECT DISTINCT ?s ?type WHERE {{ VALUES ?type {{ {_CLASS_TERMS} }} ?s a ?type }}"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resources (iri TEXT PRIMARY KEY, kind TEXT NOT NULL,
                        label_zh TEXT, label_en TEXT, label_other TEXT, number TEXT);
CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL, iri TEXT NOT NULL,
                    graph TEXT NOT NULL, prop INTEGER NOT NULL, lang TEXT NOT NULL,
                    kind_rank INTEGER NOT NULL);
CREATE VIRTUAL TABLE names_fts USING fts5(name, content='names', content_rowid='id',
                                          tokenize='trigram');
"""
# created after a full build's bulk insert, which fills the FTS table in one 'rebuild'
_INDEXES_AND_TRIGGERS = """
CREATE INDEX names_graph ON names (graph);
CREATE INDEX names_iri ON names (iri);
CREATE TRIGGER names_added AFTER INSERT ON names BEGIN
  INSERT INTO names_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER names_removed AFTER DELETE ON names BEGIN
  INSERT INTO names_fts (names_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
"""
# one pass: rank each matching resource by its best name, count all matches with a window;
# ``with_data`` is a temporary table of the county IRIs that have a county graph
_MATCHED = """
WITH matched AS (
  SELECT m.iri, MIN(m.hit) AS best, MIN(m.kind_rank) AS kind_rank,
         MIN(length(m.name)) AS shortest,
         CASE WHEN m.iri IN (SELECT iri FROM with_data) THEN 1 ELSE 0 END AS has_data
  FROM (SELECT n.iri, n.kind_rank, n.name,
               CASE WHEN lower(n.name) = lower(:q) THEN 0
                    WHEN substr(lower(n.name), 1, length(:q)) = lower(:q) THEN 1 ELSE 2 END AS hit
        FROM names n WHERE {where}) AS m
  GROUP BY m.iri),
faceted AS (
  SELECT matched.*, r.kind,
         CASE WHEN matched.iri GLOB :place_glob THEN substr(matched.iri, :code_at, 2)
              WHEN r.number GLOB 'DB[0-9][0-9]*' THEN substr(r.number, 3, 2) END AS province
  FROM matched JOIN resources r ON r.iri = matched.iri)
"""
_RANKED = _MATCHED + """
SELECT iri, best, kind_rank, shortest, COUNT(*) OVER () AS total FROM faceted
WHERE {narrow}
ORDER BY best, kind_rank, has_data DESC, shortest, iri
LIMIT :limit OFFSET :offset
"""
_FACETS = _MATCHED + """
SELECT 'kind', kind, COUNT(*) FROM faceted WHERE {narrow} GROUP BY kind
UNION ALL SELECT 'province', province, COUNT(*) FROM faceted
  WHERE province IS NOT NULL AND {narrow} GROUP BY province
UNION ALL SELECT 'data', has_data, COUNT(*) FROM faceted
  WHERE kind = 'county' AND {narrow} GROUP BY has_data
"""
_MATCH = "n.id IN (SELECT rowid FROM names_fts WHERE names_fts MATCH :phrase)"
_LIKE = r"n.name LIKE :pattern ESCAPE '\'"
_RESOURCES = "SELECT iri, kind, label_zh, label_en, label_other, number FROM resources " \
             "WHERE iri IN ({marks})"




class IndexStale(StoreError):
    """The search index is behind the store and being brought up to date."""


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    label_zh: str | None
    label_en: str | None
    label_other: str | None
    number: str | None
    match: str  # exact, prefix or substring

    def label(self, lang: str) -> str:
        first, second = (self.label_en, self.label_zh) if lang == "en" else (
            self.label_zh, self.label_en)
        return first or second or self.label_other or self.number or self.iri


@dataclass(frozen=True)
class Facets:
    """Counts of the matches (after any narrowing) by kind, by two-digit province code
    (``37``) and, for counties, with and without data."""

    kinds: dict[str, int] = field(default_factory=dict)
    provinces: dict[str, int] = field(default_factory=dict)
    with_data: int = 0
    without_data: int = 0


@dataclass(frozen=True)
class Narrowing:
    """What a search is narrowed to: one kind, one province (two-digit code), counties with
    (True) or without (False) data; None leaves a facet open."""

    kind: str | None = None
    province: str | None = None
    has_data: bool | None = None

    def sql(self) -> tuple[str, dict[str, object]]:
        clauses, params = ["1"], {}
        if self.kind:
            clauses.append("kind = :kind")
            params["kind"] = self.kind
        if self.province:
            clauses.append("province = :province")
            params["province"] = self.province
        if self.has_data is not None:
            clauses.append("kind = 'county' AND has_data = :has_data")
            params["has_data"] = 1 if self.has_data else 0
        return " AND ".join(clauses), params


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: Facets = field(default_factory=Facets)
    narrowing: Narrowing = field(default_factory=Narrowing)


_memory_indexes: weakref.WeakKeyDictionary[object, Path] = weakref.WeakKeyDictionary()


def index_path(store: Store) -> Path:
    """``<store>/search.sqlite`` for an on-disk store; a temporary file for any other store."""
    directory = getattr(store, "path", None)
    if directory is not None:
        return Path(directory) / INDEX_FILE
    if store not in _memory_indexes:
        handle, name = tempfile.mkstemp(prefix="bpss-search-", suffix=".sqlite")
        os.close(handle)
        os.unlink(name)
        _memory_indexes[store] = Path(name)
        weakref.finalize(store, _remove, Path(name))
    return _memory_indexes[store]


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _lang(term: ox.Literal) -> str:
    return (term.language or "").split("-")[0].lower()


def _graph_key(graph: object) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else DEFAULT_GRAPH


NameRow = tuple[str, str, str, int, str]  # name, iri, graph, property rank, language


_UNSEARCHED = ("https://w3id.org/bpss-kg/graph/editions",)  # who wrote when: not content


def _name_rows(triples: Iterable[tuple[object, object, object]], prop: str) -> list[NameRow]:
    """Index rows of (subject, name, graph) triples of one name property."""
    rank = _PROPERTY_RANK[prop]
    rows = [(name.value, subject.value, _graph_key(graph), rank, _lang(name))
            for subject, name, graph in triples
            if isinstance(subject, ox.NamedNode) and isinstance(name, ox.Literal)
            and _graph_key(graph) not in _UNSEARCHED]
    if prop == _LABEL:
        rows += [(form, iri, graph, _ROMANISED_RANK, "zh-latn")
                 for name, iri, graph, _, lang in list(rows)
                 if lang == "zh" and iri.startswith(_PLACE_PREFIX)
                 for form in romanised_names(name)]
    return rows


def _kinds(store: Store, iris: list[str] | None) -> dict[str, str]:
    """The search kind of each resource (of ``iris``, or of every typed resource)."""
    kinds: dict[str, str] = {}

    def keep(iri: str, cls: str) -> None:
        kind = _KIND_OF_CLASS.get(cls)
        if kind is not None and (iri not in kinds or KIND_RANK[kind] < KIND_RANK[kinds[iri]]):
            kinds[iri] = kind

    if iris is None:
        for sol in store.query(_TYPES):
            keep(sol["s"].value, sol["type"].value)
        return kinds
    for start in range(0, len(iris), 500):
        # the IRIs come from the store and are written as terms by pyoxigraph
        terms = " ".join(str(ox.NamedNode(i)) for i in iris[start:start + 500])
        for sol in store.query(f"SELECT ?s ?type WHERE {{ VALUES ?s {{ {terms} }} ?s a ?type }}"):
            keep(sol["s"].value, sol["type"].value)
    return kinds


def _resource_rows(rows: Iterable[tuple[str, str, int, str]],
                   kinds: dict[str, str]) -> list[tuple[object, ...]]:
    """One ``resources`` row per IRI from its names (iri, name, property rank, language),
    which must come ordered by IRI, property rank, graph and name: rdfs:label before
    dcterms:title, the first name of each language wins."""
    out: list[tuple[object, ...]] = []
    current: str | None = None
    entry: dict[str, str | None] = {}

    def flush() -> None:
        if current is not None:
            out.append((current, kinds.get(current, "other"), entry["zh"], entry["en"],
                        entry[""], entry["number"]))

    for iri, name, rank, lang in rows:
        if iri != current:
            flush()
            current, entry = iri, {"zh": None, "en": None, "": None, "number": None}
        if rank == _NUMBER_RANK:
            entry["number"] = entry["number"] or name
        elif rank in _LABEL_RANKS:
            key = lang if lang in ("zh", "en") else ""
            if entry[key] is None:
                entry[key] = name
    flush()
    return out


def _kind_rank(iri: str, kinds: dict[str, str]) -> int:
    return KIND_RANK.get(kinds.get(iri, ""), OTHER_RANK)


def _insert_names(db: sqlite3.Connection, rows: Iterable[NameRow], kinds: dict[str, str]) -> None:
    db.executemany("INSERT INTO names (name, iri, graph, prop, lang, kind_rank) "
                   "VALUES (?, ?, ?, ?, ?, ?)", ((*r, _kind_rank(r[1], kinds)) for r in rows))


_ORDERED_NAMES = ("SELECT iri, name, prop, lang FROM names {where} "
                  "ORDER BY iri, prop, graph, name")
_refresh_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _refresh_lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _refresh_locks.setdefault(path, threading.Lock())


def _stored_sequence(path: Path) -> int | None:
    """The journal number an index file reflects; None when missing or of another schema."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        finally:
            db.close()
    except sqlite3.Error:
        return None
    if meta.get("schema") != SCHEMA or "sequence" not in meta:
        return None
    return int(meta["sequence"])


def index_is_fresh(store: Store) -> bool:
    """True when the index reflects every finished write of the store."""
    changes = getattr(store, "changes", None)
    stored = _stored_sequence(index_path(store))
    if stored is None:
        return False
    return changes is None or changes.changed_since(stored) == set()


def refresh_index(store: Store, *, allow_full: bool = True, wait: float | None = None) -> bool:
    """Bring the index up to date with the store (see the module docstring); False when only
    a full build would do and ``allow_full`` is off, or when another thread is refreshing it
    for longer than ``wait`` seconds (None: as long as it takes)."""
    path = index_path(store)
    lock = _refresh_lock(path)
    if not lock.acquire(timeout=-1 if wait is None else wait):
        return False
    try:
        changes = getattr(store, "changes", None)
        sequence = changes.sequence if changes is not None else 0
        stored = _stored_sequence(path)
        changed = None if stored is None or changes is None else changes.changed_since(stored)
        if changed is not None and not changed:
            return True
        if changed is None or len(changed) > INCREMENTAL_MAX_GRAPHS:
            if not allow_full:
                return False
            _build(store, path, sequence)
        else:
            _update(store, path, sorted(changed), sequence)
        return True
    finally:
        lock.release()


def rebuild_index(store: Store) -> int:
    """Build the index again whole; return the number of resources indexed."""
    path = index_path(store)
    with _refresh_lock(path):
        changes = getattr(store, "changes", None)
        return _build(store, path, changes.sequence if changes is not None else 0)


def _build(store: Store, target: Path, sequence: int) -> int:
    kinds = _kinds(store, None)
    rows: list[NameRow] = []
    for prop in _NAME_PROPERTIES:
        rows += _name_rows(store.predicate_quads(ox.NamedNode(prop)), prop)
    rows = sorted(set(rows), key=lambda r: (r[1], r[3], r[2], r[0]))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    db = sqlite3.connect(tmp)
    try:
        # A new file, renamed into place once complete (and flushed then): no journal needed.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(_SCHEMA)
        resources = _resource_rows(((r[1], r[0], r[3], r[4]) for r in rows), kinds)
        db.executemany("INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?)", resources)
        _insert_names(db, rows, kinds)
        db.execute("INSERT INTO names_fts (names_fts) VALUES ('rebuild')")
        db.executescript(_INDEXES_AND_TRIGGERS)
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [("schema", SCHEMA), ("sequence", str(sequence))])
        db.commit()
        db.execute("PRAGMA journal_mode = WAL")  # later incremental updates beside readers
    finally:
        db.close()
    with open(tmp, "rb") as written:
        os.fsync(written.fileno())
    os.replace(tmp, target)
    return len(resources)


def _update(store: Store, path: Path, graphs: list[str], sequence: int) -> None:
    """Read the names of ``graphs`` again and recompute the resources they name."""
    fresh: list[NameRow] = []
    for graph in graphs:
        if graph != DEFAULT_GRAPH and not store.has_graph(ox.NamedNode(graph)):
            continue  # dropped: its names go
        target = ox.DefaultGraph() if graph == DEFAULT_GRAPH else ox.NamedNode(graph)
        by_prop: dict[str, list[tuple[object, object, object]]] = {}
        for quad in store.quads(target):
            if quad.predicate.value in _PROPERTY_RANK:
                by_prop.setdefault(quad.predicate.value, []).append(
                    (quad.subject, quad.object, quad.graph_name))
        for prop, triples in by_prop.items():
            fresh += _name_rows(triples, prop)
    fresh = sorted(set(fresh))
    db = sqlite3.connect(path, timeout=30)
    try:
        marks = ",".join("?" * len(graphs))
        before = [iri for (iri,) in db.execute(
            f"SELECT DISTINCT iri FROM names WHERE graph IN ({marks})", graphs)]
        affected = sorted(set(before) | {row[1] for row in fresh})
        kinds = _kinds(store, affected)
        with db:  # one transaction: searches see the index before or after
            db.execute(f"DELETE FROM names WHERE graph IN ({marks})", graphs)
            _insert_names(db, fresh, kinds)
            for start in range(0, len(affected), 500):
                batch = affected[start:start + 500]
                batch_marks = ",".join("?" * len(batch))
                db.execute(f"DELETE FROM resources WHERE iri IN ({batch_marks})", batch)
                db.executemany(
                    "UPDATE names SET kind_rank = ? WHERE iri = ?",
                    ((_kind_rank(iri, kinds), iri) for iri in batch))
                rows = db.execute(_ORDERED_NAMES.format(where=f"WHERE iri IN ({batch_marks})"),
                                  batch).fetchall()
                db.executemany("INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?)",
                               _resource_rows(rows, kinds))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('sequence', ?)", (str(sequence),))
    finally:
        db.close()


class BackgroundRebuilder(CoalescingWorker):
    """Brings the index up to date off the request path (a server starting on a store whose
    index is behind). Searches answer ``IndexStale`` until it is."""

    def __init__(self, store: Store) -> None:
        self.store = store
        super().__init__(lambda: refresh_index(store), "bpss-kg-search-index",
                         "search index refresh failed; searches answer 'stale' until it works")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _printed_number(query: str) -> str:
    """A standard number typed compactly (``DB37/T4644-2022``, full-width, any dash), as the
    importer accepts it, becomes its printed form (``DB37/T 4644—2022``), the form the index
    holds; any other text is left as typed."""
    try:
        return standard_number(query)
    except CellError:
        return query


PLACE_PREFIX = "https://w3id.org/bpss-kg/id/place/"
_COUNTY_GRAPH_PREFIX = "https://w3id.org/bpss-kg/graph/county/"


def counties_with_data(store: Store) -> list[str]:
    """IRIs of the counties that have a county graph in the store."""
    return [PLACE_PREFIX + g.value[len(_COUNTY_GRAPH_PREFIX):] for g in store.named_graphs()
            if g.value.startswith(_COUNTY_GRAPH_PREFIX)]


def search(store: Store, text: str, page: int = 1, per_page: int = 20,
           narrowing: Narrowing | None = None) -> SearchPage:
    """Resources whose label, title, number or code contains ``text`` (ranked), with facet
    counts, narrowed to a kind, a province or counties with or without data if asked."""
    narrowing = narrowing or Narrowing()
    query = _printed_number(" ".join(text.split())[:MAX_QUERY_CHARS])
    if not query:
        return SearchPage(query, [], 0, 1, 1, narrowing=narrowing)
    path = index_path(store)
    if not index_is_fresh(store) and not refresh_index(
            store, allow_full=getattr(store, "path", None) is None, wait=2.0):
        raise IndexStale("the search index is being brought up to date after a write; "
                         "try again in a moment")
    if len(query) >= 3:
        where, params = _MATCH, {"phrase": '"' + query.replace('"', '""') + '"'}
    else:
        where, params = _LIKE, {"pattern": f"%{_escape_like(query)}%"}
    narrow, narrow_params = narrowing.sql()
    params |= narrow_params | {"q": query, "place_glob": PLACE_PREFIX + "[0-9]*",
                               "code_at": len(PLACE_PREFIX) + 1}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        db.execute("CREATE TEMP TABLE with_data (iri TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO with_data VALUES (?)",
                       [(iri,) for iri in counties_with_data(store)])
        ranked_sql = _RANKED.format(where=where, narrow=narrow)
        offset = (max(1, page) - 1) * per_page
        ranked = db.execute(ranked_sql, {**params, "limit": per_page, "offset": offset}
                            ).fetchall()
        if not ranked and page > 1:  # past the last page: show the last one
            first = db.execute(ranked_sql, {**params, "limit": 1, "offset": 0}).fetchone()
            if first is not None:
                return search(store, text, -(-first[4] // per_page), per_page, narrowing)
        marks = ",".join("?" * len(ranked))
        found = {row[0]: row for row in db.execute(_RESOURCES.format(marks=marks),
                                                   [row[0] for row in ranked])}
        counts = db.execute(_FACETS.format(where=where, narrow=narrow), params).fetchall()
    finally:
        db.close()
    total = ranked[0][4] if ranked else 0
    pages = max(1, -(-total // per_page))
    hits = [Hit(iri, *found[iri][1:], ("exact", "prefix", "substring")[best])
            for iri, best, *_ in ranked if iri in found]
    facets = Facets(
        kinds={k: n for facet, k, n in counts if facet == "kind"},
        provinces={k: n for facet, k, n in counts if facet == "province"},
        with_data=sum(n for facet, k, n in counts if facet == "data" and k == 1),
        without_data=sum(n for facet, k, n in counts if facet == "data" and k == 0))
    return SearchPage(query, hits, total, min(max(1, page), pages), pages, facets, narrowing)
