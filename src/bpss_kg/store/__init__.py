"""Stores: the ``Store`` protocol, the embedded Oxigraph store and a remote SPARQL store.

Nothing outside this package imports pyoxigraph's ``Store`` or SPARQLWrapper.
"""

from __future__ import annotations

from ..config import Settings
from .base import LoadSource, QueryResult, Store, Term
from .oxigraph import OxigraphStore
from .remote import RemoteStore

__all__ = ["LoadSource", "OxigraphStore", "QueryResult", "RemoteStore", "Store", "Term",
           "open_store"]


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store that ``settings.store`` names: a directory for the embedded store, an
    ``http(s)://`` SPARQL 1.1 endpoint for a remote one (``read_only`` does not apply there:
    the server's permissions decide)."""
    if settings.store_is_remote:
        return RemoteStore(settings.store, update_endpoint=settings.store_update,
                           graph_store=settings.store_graph_store, user=settings.store_user,
                           password=settings.store_password, token=settings.store_token,
                           timeout=settings.query_timeout)
    return OxigraphStore(settings.store_path, read_only=read_only)
