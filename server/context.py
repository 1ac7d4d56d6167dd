"""What every request handler needs: the settings, the store and the query service, held once
per app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from bpss_kg.config import Settings
from bpss_kg.store import Store
from bpss_kg.store.query_service import QueryService


@dataclass
class ServerContext:
    settings: Settings
    store: Store
    queries: QueryService

    def after_write(self) -> None:
        """Make a write visible to the query workers and to search (rebuilt on next use)."""
        from bpss_kg.browse.search import forget_index

        self.queries.after_write()
        forget_index(self.store)


def context() -> ServerContext:
    return current_app.extensions["bpss_kg"]
