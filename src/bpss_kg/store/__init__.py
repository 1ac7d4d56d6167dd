"""Stores: the ``Store`` protocol and the embedded Oxigraph store.

Nothing outside this package imports pyoxigraph's ``Store`` or SPARQLWrapper.
"""

from __future__ import annotations

from ..config import Settings
from ..errors import StoreError
from .base import LoadSource, QueryResult, Store, Term
from .oxigraph import OxigraphStore

__all__ = ["LoadSource", "OxigraphStore", "QueryResult", "Store", "Term", "open_store"]


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store that ``settings.store`` names (a directory for the embedded store)."""
    if settings.store_is_remote:
        raise StoreError(f"remote SPARQL stores are not supported yet: {settings.store}")
    return OxigraphStore(settings.store_path, read_only=read_only)
