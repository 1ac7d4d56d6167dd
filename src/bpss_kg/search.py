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

from .namespaces import GRAPH
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

_NAMES = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bpss: <{BPSS}>
SELECT DISTINCT ?s ?p ?name WHERE {{
  GRAPH ?g {{
    VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel dcterms:title bpss:standardNumber
                bpss:divisionCode }}
    ?s ?p ?name .
  }}
  FILTER(isIRI(?s) && isLiteral(?name) && !STRSTARTS(STR(?g), "{GRAPH['validation/']}"))
}}
"""
_CLASS_TERMS = " ".join(f"<{cls}>" for cls in _KIND_OF_CLASS)  # our constants, not user input
_TYPES = f"SELECT DISTINCT ?s ?type WHERE {{ VALUES ?type {{ {_CLASS_TERMS} }} ?s a ?type }}"
_LABEL_PROPERTIES = ("http://www.w3.org/2000/01/rdf-schema#label",
                     "http://www.w3.org/2004/02/skos/core#prefLabel",
                     "http://purl.org/dc/terms/title")

_SCHEMA = """
CREATE TABLE resources (iri TEXT PRIMARY KEY, kind TEXT NOT NULL, kind_rank INTEGER NOT NULL,
                        label_zh TEXT, label_en TEXT, label_other TEXT, number TEXT);
CREATE VIRTUAL TABLE names USING fts5(name, iri UNINDEXED, tokenize='trigram');
"""
_RANKED = """
SELECT r.iri, r.kind, r.label_zh, r.label_en, r.label_other, r.number,
       MIN(CASE WHEN lower(n.name) = lower(:q) THEN 0
                WHEN substr(lower(n.name), 1, length(:q)) = lower(:q) THEN 1 ELSE 2 END) AS hit,
       MIN(length(n.name)) AS shortest
FROM names n JOIN resources r ON r.iri = n.iri
WHERE {where}
GROUP BY r.iri
ORDER BY hit, r.kind_rank, shortest, r.iri
LIMIT :limit OFFSET :offset
"""
_COUNT = "SELECT COUNT(DISTINCT n.iri) FROM names n WHERE {where}"
_MATCH = "n.names MATCH :phrase"
_LIKE = r"n.name LIKE :pattern ESCAPE '\'"


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
    directory = getattr(store, "directory", None)
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
    names: list[tuple[str, str]] = []
    for sol in store.query(_NAMES):
        iri, prop, name = sol["s"].value, sol["p"].value, sol["name"]
        entry = labels.setdefault(iri, {"zh": None, "en": None, "": None, "number": None})
        if prop == BPSS + "standardNumber":
            entry["number"] = entry["number"] or name.value
        elif prop in _LABEL_PROPERTIES:
            lang = _lang(name)
            key = lang if lang in ("zh", "en") else ""
            if entry[key] is None or prop != _LABEL_PROPERTIES[2]:
                entry[key] = name.value if entry[key] is None else entry[key]
        names.append((name.value, iri))
    target = index_path(store)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    db = sqlite3.connect(tmp)
    try:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((iri, kinds.get(iri, "other"), KIND_RANK.get(kinds.get(iri, ""), OTHER_RANK),
              entry["zh"], entry["en"], entry[""], entry["number"])
             for iri, entry in labels.items()))
        db.executemany("INSERT INTO names (name, iri) VALUES (?, ?)", names)
        db.commit()
    finally:
        db.close()
    with _build_lock:
        os.replace(tmp, target)
    return len(labels)


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
        total = db.execute(_COUNT.format(where=where), params).fetchone()[0]
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = db.execute(_RANKED.format(where=where),
                          {**params, "q": query, "limit": per_page,
                           "offset": (page - 1) * per_page}).fetchall()
    finally:
        db.close()
    hits = [Hit(iri, kind, zh, en, other, number, ("exact", "prefix", "substring")[hit])
            for iri, kind, zh, en, other, number, hit, _ in rows]
    return SearchPage(query, hits, total, page, pages)
