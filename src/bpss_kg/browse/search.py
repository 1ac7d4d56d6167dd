"""Full-text search beside the store: SQLite FTS5 (trigram tokenizer, so Chinese substrings
match), rebuilt from the store's labels after every load. Oxigraph has no text index."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..store import Store

TYPES = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?s ?kind WHERE {
  VALUES (?type ?kind) {
    (bpss:County "county") (bpss:Province "province") (bpss:Prefecture "prefecture")
    (bpss:Standard "standard") (bpss:NationalServiceItem "item") (bpss:LocalServiceItem "item")
    (bpss:Indicator "indicator") (bpss:CountyStandardSystem "system")
    (org:Organization "organisation") (bpss:Government "organisation")
    (bpss:IndustryAuthority "organisation") (bpss:FinanceDepartment "organisation")
    (bpss:StandardizationBody "organisation") (bpss:GrassrootsInstitution "organisation")
  }
  ?s a ?type .
}
"""
LABEL_PREDICATES = ("http://www.w3.org/2000/01/rdf-schema#label",
                    "http://purl.org/dc/terms/title",
                    "http://www.w3.org/2004/02/skos/core#prefLabel",
                    "https://w3id.org/bpss-kg/def#standardNumber")
KIND_ORDER = {"county": 0, "standard": 1, "item": 2, "system": 3, "organisation": 4,
              "indicator": 5, "province": 6, "prefecture": 7}


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    label: str
    rank: int


def index_path(store_path: Path | None) -> Path:
    return (store_path / "search.sqlite") if store_path else Path(":memory:")


def rebuild_index(store: Store, path: Path) -> int:
    """Write a fresh index next to the store (atomically replacing the old one)."""
    kinds = {s["s"].value: s["kind"].value for s in store.query(TYPES)}  # type: ignore[union-attr]
    rows = set()
    for predicate in LABEL_PREDICATES:
        for solution in store.query(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):  # type: ignore[union-attr]
            kind = kinds.get(solution["s"].value)
            if kind is not None:
                rows.add((solution["s"].value, kind, solution["o"].value))
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(tmp) as db:
        db.execute("CREATE VIRTUAL TABLE labels USING fts5(iri UNINDEXED, kind UNINDEXED, "
                   "label, tokenize='trigram')")
        db.executemany("INSERT INTO labels VALUES (?, ?, ?)", sorted(rows))
    tmp.replace(path)
    return len(rows)


def search(path: Path, text: str, limit: int = 20, offset: int = 0) -> tuple[list[Hit], int]:
    """Hits ranked exact > prefix > substring, then by kind and length; and the total."""
    text = text.strip()
    if not text or not path.exists():
        return [], 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        order = ("ORDER BY CASE WHEN label = :q THEN 0 WHEN label LIKE :prefix ESCAPE '\\' "
                 "THEN 1 ELSE 2 END, length(label) LIMIT 2000")
        params = {"q": text, "prefix": _like(text) + "%", "any": "%" + _like(text) + "%",
                  "phrase": '"' + text.replace('"', '""') + '"'}
        where = ("labels MATCH :phrase" if len(text) >= 3  # trigram needs three characters
                 else "label LIKE :any ESCAPE '\\'")
        rows = db.execute(f"SELECT iri, kind, label FROM labels WHERE {where} {order}",
                          params).fetchall()
        total_rows = db.execute(f"SELECT count(DISTINCT iri) FROM labels WHERE {where}",
                                params).fetchone()[0]
    lowered = text.lower()
    best: dict[str, Hit] = {}
    for iri, kind, label in rows:
        name = label.lower()
        rank = 0 if name == lowered else 1 if name.startswith(lowered) else 2
        hit = Hit(iri, kind, label, rank)
        if iri not in best or (rank, len(label)) < (best[iri].rank, len(best[iri].label)):
            best[iri] = hit
    ordered = sorted(best.values(), key=lambda h: (h.rank, KIND_ORDER.get(h.kind, 9),
                                                   len(h.label), h.label))
    return ordered[offset:offset + limit], max(total_rows, len(ordered))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def refresh_index(store: Store) -> Path | None:
    """Rebuild the index of an on-disk store after a load (no-op in memory)."""
    folder = getattr(store, "path", None)
    if folder is None:
        return None
    path = index_path(folder)
    rebuild_index(store, path)
    return path


def forget_index(store: Store) -> None:
    """Drop the index after a write; the next search rebuilds it."""
    folder = getattr(store, "path", None)
    if folder is not None:
        index_path(folder).unlink(missing_ok=True)
