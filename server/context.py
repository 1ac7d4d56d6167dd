"""What every request handler needs: the settings, the store and the query service, held once
per app."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from bpss_kg.config import Settings
from bpss_kg.search import BackgroundRebuilder
from bpss_kg.store import Store
from bpss_kg.store.query_service import QueryService
from bpss_kg.summaries import BackgroundRefresher, summaries_for


@dataclass
class ServerContext:
    settings: Settings
    store: Store
    queries: QueryService
    search_index: BackgroundRebuilder = field(init=False)
    summaries: BackgroundRefresher = field(init=False)

    def __post_init__(self) -> None:
        self.search_index = BackgroundRebuilder(self.store)
        self.summaries = BackgroundRefresher(summaries_for(self.store))
        self.summaries.schedule()  # up to date at start (a no-op when they already are)

    def after_write(self) -> None:
        """Make a write visible to the query workers, and (soon after) to search and to the
        library queries' summaries."""
        self.queries.after_write()
        self.search_index.schedule()
        self.summaries.schedule()


def context() -> ServerContext:
    return current_app.extensions["bpss_kg"]
