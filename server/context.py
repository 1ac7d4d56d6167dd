"""What every request handler needs: the settings, the store, the query service and the write
gate, held once per app."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from bpss_kg.access import AccessRegistry
from bpss_kg.config import Settings
from bpss_kg.editions import EditionLog
from bpss_kg.feedback import FeedbackBox
from bpss_kg.search import BackgroundRebuilder, refresh_index
from bpss_kg.store import RemoteStore, Store
from bpss_kg.store.query_service import QueryService
from bpss_kg.summaries import BackgroundRefresher, summaries_for
from bpss_kg.writes import WriteGate

log = logging.getLogger(__name__)


@dataclass
class ServerContext:
    settings: Settings
    store: Store
    queries: QueryService
    access: AccessRegistry = field(init=False)
    editions: EditionLog = field(init=False)
    feedback: FeedbackBox = field(init=False)
    gate: WriteGate = field(init=False)
    search_index: BackgroundRebuilder = field(init=False)
    summaries: BackgroundRefresher = field(init=False)

    def __post_init__(self) -> None:
        folder = state_dir(self.settings, self.store)
        self.access = AccessRegistry(folder)
        self.editions = EditionLog(folder)
        self.feedback = FeedbackBox(folder)  # public opinions on standards, outside the store
        self.gate = WriteGate(self.store, self.access, self.after_write, self.editions)
        self.search_index = BackgroundRebuilder(self.store)
        self.summaries = BackgroundRefresher(summaries_for(self.store))
        # Up to date at start (no-ops when they already are): a server started after a
        # killed write catches up here; until then stale files are not served.
        self.search_index.schedule()
        self.summaries.schedule()

    @property
    def writes_enabled(self) -> bool:
        return bool(self.settings.update_token) or self.access.has_tokens()

    def after_write(self) -> None:
        """Make a write visible: a new checkpoint for the query workers, the written graphs'
        names in the search index (milliseconds; a whole rebuild, when the write's graphs are
        unknown, runs in the background meanwhile searches say so); then, soon after, the
        library queries' summaries (stale ones are bypassed until then)."""
        self.queries.after_write()
        try:
            if not refresh_index(self.store, allow_full=False, wait=0.5):
                self.search_index.schedule()
        except Exception:  # the write itself has succeeded; the index catches up later
            log.exception("search index update failed; it is rebuilt in the background")
            self.search_index.schedule()
        self.summaries.schedule()


def state_dir(settings: Settings, store: Store) -> Path | None:
    """Where tokens and the audit log live: beside an on-disk store; ``settings.state_dir``
    for a remote one; a temporary folder (None) for an in-memory store."""
    if isinstance(store, RemoteStore):
        return settings.state_dir
    return getattr(store, "path", None)


def context() -> ServerContext:
    return current_app.extensions["bpss_kg"]
