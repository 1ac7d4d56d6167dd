"""Search by label beside the store: a SQLite FTS5 index (trigram tokenizer, so Chinese and
English substrings match), kept in ``<store>/search.sqlite`` and rebuilt after every load.

Oxigraph has no full-text index. The index is rebuilt whole from two SPARQL queries (labels and
kinds) into a new file that replaces the old one atomically, so searches never see it half
built. Ranking: exact match, then prefix, then substring; then by kind (county, standard, item,
organisation, …); then shorter names first. Queries of one or two characters, too short for
trigrams, use ``LIKE`` over the same table.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .background import CoalescingWorker
from .store.base import Store

INDEX_FILE = "search.sqlite"
MAX_QUERY_CHARS = 200
BPSS = "https://w3id.org/bpss-kg/def#"
ORG = "http://www.w3.org/ns/org#"

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
_CLASS_TERMS = " ".join(f"<{cls}>" for cls in _KIND_OF_CLASS)  # our constants, not user input
_TYPES = f"SELECT DISTINCT ?s ?type WHERE {{ VALUES ?type {{ {_CLASS_TERMS} }} ?s a ?type }}"
_LABEL_PROPERTIES = ("http://www.w3.org/2000/01/rdf-schema#label",
                     "http://purl.org/dc/terms/title")

_SCHEMA = """
CREATE TABLE resources (iri TEXT PRIMARY KEY, kind TEXT NOT NULL,
                        label_zh TEXT, label_en TEXT, label_other TEXT, number TEXT);
CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL, iri TEXT NOT NULL,
                    kind_rank INTEGER NOT NULL);
CREATE VIRTUAL TABLE names_fts USING fts5(name, content='names', content_rowid='id',
                                          tokenize='trigram');
"""
# one pass: rank each matching resource by its best name, count all matches with a window
_RANKED = """
SELECT iri, MIN(hit) AS best, MIN(kind_rank) AS kind_rank, MIN(length(name)) AS shortest,
       COUNT(*) OVER () AS total
FROM (SELECT n.iri, n.kind_rank, n.name,
             CASE WHEN lower(n.name) = lower(:q) THEN 0
                  WHEN substr(lower(n.name), 1, length(:q)) = lower(:q) THEN 1 ELSE 2 END AS hit
      FROM names n WHERE {where})
GROUP BY iri
ORDER BY best, kind_rank, shortest, iri
LIMIT :limit OFFSET :offset
"""
_MATCH = "n.id IN (SELECT rowid FROM names_fts WHERE names_fts MATCH :phrase)"
_LIKE = r"n.name LIKE :pattern ESCAPE '\'"
_RESOURCES = "SELECT iri, kind, label_zh, label_en, label_other, number FROM resources " \
             "WHERE iri IN ({marks})"


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
class SearchPage:
    query: str
    hits: list[Hit]
    total: int
    page: int
    pages: int


_memory_indexes: weakref.WeakKeyDictionary[object, Path] = weakref.WeakKeyDictionary()
_build_lock = threading.Lock()


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


def rebuild_index(store: Store) -> int:
    """Rebuild the search index from the store; return the number of resources indexed."""
    kinds: dict[str, str] = {}
    for sol in store.query(_TYPES):
        iri, kind = sol["s"].value, _KIND_OF_CLASS[sol["type"].value]
        if iri not in kinds or KIND_RANK[kind] < KIND_RANK[kinds[iri]]:
            kinds[iri] = kind
    labels: dict[str, dict[str, str | None]] = {}
    names: set[tuple[str, str]] = set()
    for prop in _NAME_PROPERTIES:
        for subject, name in store.subject_object_pairs(ox.NamedNode(prop)):
            if not isinstance(subject, ox.NamedNode) or not isinstance(name, ox.Literal):
                continue
            iri = subject.value
            entry = labels.get(iri)
            if entry is None:
                entry = labels[iri] = {"zh": None, "en": None, "": None, "number": None}
            if prop == BPSS + "standardNumber":
                entry["number"] = entry["number"] or name.value
            elif prop in _LABEL_PROPERTIES:
                key = _lang(name)
                key = key if key in ("zh", "en") else ""
                if entry[key] is None:  # rdfs:label comes first and wins over dcterms:title
                    entry[key] = name.value
            names.add((name.value, iri))
    target = index_path(store)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    db = sqlite3.connect(tmp)
    try:
        # A new file, renamed into place once complete (and flushed then): no journal needed.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?)",
            ((iri, kinds.get(iri, "other"), entry["zh"], entry["en"], entry[""], entry["number"])
             for iri, entry in labels.items()))
        db.executemany(
            "INSERT INTO names (name, iri, kind_rank) VALUES (?, ?, ?)",
            ((name, iri, KIND_RANK.get(kinds.get(iri, ""), OTHER_RANK))
             for name, iri in names))
        db.execute("INSERT INTO names_fts (names_fts) VALUES ('rebuild')")
        db.commit()
    finally:
        db.close()
    with open(tmp, "rb") as written:
        os.fsync(written.fileno())
    with _build_lock:
        os.replace(tmp, target)
    return len(labels)


class BackgroundRebuilder(CoalescingWorker):
    """Rebuilds the index off the request path (the server's writes). Searches use the
    previous index until the new one replaces it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        super().__init__(lambda: rebuild_index(store), "bpss-kg-search-index",
                         "search index rebuild failed; searches use the previous index")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(store: Store, text: str, page: int = 1, per_page: int = 20) -> SearchPage:
    """Resources whose label, title, number or code contains ``text`` (ranked)."""
    query = " ".join(text.split())[:MAX_QUERY_CHARS]
    if not query:
        return SearchPage(query, [], 0, 1, 1)
    path = index_path(store)
    if not path.exists():
        rebuild_index(store)
    if len(query) >= 3:
        where, params = _MATCH, {"phrase": '"' + query.replace('"', '""') + '"'}
    else:
        where, params = _LIKE, {"pattern": f"%{_escape_like(query)}%"}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        offset = (max(1, page) - 1) * per_page
        ranked = db.execute(_RANKED.format(where=where),
                            {**params, "q": query, "limit": per_page, "offset": offset}
                            ).fetchall()
        if not ranked and page > 1:  # past the last page: show the last one
            first = db.execute(_RANKED.format(where=where), {**params, "q": query, "limit": 1,
                                                              "offset": 0}).fetchone()
            if first is not None:
                return search(store, text, -(-first[4] // per_page), per_page)
        marks = ",".join("?" * len(ranked))
        found = {row[0]: row for row in db.execute(_RESOURCES.format(marks=marks),
                                                   [row[0] for row in ranked])}
    finally:
        db.close()
    total = ranked[0][4] if ranked else 0
    pages = max(1, -(-total // per_page))
    hits = [Hit(iri, *found[iri][1:], ("exact", "prefix", "substring")[best])
            for iri, best, *_ in ranked if iri in found]
    return SearchPage(query, hits, total, min(max(1, page), pages), pages)
