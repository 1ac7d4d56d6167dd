"""Backups of the whole store: an N-Quads dump (gzip) plus a manifest with the ontology's and
the shapes' versions, the quad count and a content digest; restore checks all of them. The
write tokens (hashed), the audit log (``access.sqlite``) and the graphs' editions
(``editions.sqlite``) kept beside the store travel with it."""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .access import ACCESS_FILE
from .editions import EDITIONS_FILE
from .errors import BadInput, Location, StoreError
from .loading import load_sources
from .store.base import LoadSource, Store
from .validation.shapes import load_shapes

DUMP = "dataset.nq.gz"
MANIFEST = "manifest.json"
ONTOLOGY_VERSION = """
SELECT ?v WHERE { GRAPH <https://w3id.org/bpss-kg/graph/ontology> {
  <https://w3id.org/bpss-kg/def> <http://www.w3.org/2002/07/owl#versionInfo> ?v } }
"""


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def dataset_digest(store: Store) -> str:
    """An order-independent digest of every quad (blank nodes by label, so only for the same
    store's content; restore compares quad counts and graph names instead)."""
    return _digest([str(q) for q in store.quads()])


def backup(store: Store, target: Path) -> dict[str, object]:
    """Write ``target/dataset.nq.gz`` and ``target/manifest.json``; the folder must be new."""
    if target.exists():
        raise BadInput("the backup folder exists already; choose a new one",
                       Location(file=str(target)))
    target.mkdir(parents=True)
    try:
        with gzip.open(target / DUMP, "wb") as handle:
            store.dump(handle, ox.RdfFormat.N_QUADS)
    except OSError as error:
        raise StoreError(f"cannot write the backup: {error}", Location(file=str(target))) \
            from None
    for name in (ACCESS_FILE, EDITIONS_FILE):
        kept = _beside(store, name)
        if kept is not None and kept.is_file():
            _copy_sqlite(kept, target / name)
    versions = [s["v"].value for s in store.query(ONTOLOGY_VERSION)]  # type: ignore[union-attr]
    shapes = load_shapes()
    manifest = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "bpss_kg": __version__,
        "quads": len(store),
        "graphs": sorted(g.value for g in store.named_graphs()),
        "ontology_version": versions[0] if versions else None,
        "shapes_version": shapes.version,
        "shapes_digest": shapes.digest,
        "access": (target / ACCESS_FILE).is_file(),
        "editions": (target / EDITIONS_FILE).is_file(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                   encoding="utf-8")
    return manifest


def restore(store: Store, source: Path) -> dict[str, object]:
    """Load a backup into an empty store, all or nothing, and check it against its manifest."""
    manifest_path = source / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BadInput(f"not a bpss-kg backup: {error}", Location(file=str(manifest_path))) \
            from None
    if len(store) != 0:
        raise BadInput("restore needs an empty store (use a new --store directory)")
    data = gzip.decompress((source / DUMP).read_bytes())
    load_sources(store, [LoadSource(name=str(source / DUMP), format=ox.RdfFormat.N_QUADS,
                                    data=data, own_record=True)])
    graphs = sorted(g.value for g in store.named_graphs())
    if len(store) != manifest["quads"] or graphs != manifest["graphs"]:
        raise StoreError(f"restored {len(store)} quads in {len(graphs)} graphs; the backup "
                         f"lists {manifest['quads']} in {len(manifest['graphs'])}")
    for name, flag in ((ACCESS_FILE, "access"), (EDITIONS_FILE, "editions")):
        kept = _beside(store, name)
        if manifest.get(flag) and kept is not None:
            _copy_sqlite(source / name, kept)
    return manifest


def _beside(store: Store, name: str) -> Path | None:
    """A file kept beside the store (tokens and audit log, editions)."""
    folder = getattr(store, "path", None) or getattr(store, "snapshot_of", None)
    return Path(folder) / name if folder is not None else None


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file that a server may be writing (SQLite's backup)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
