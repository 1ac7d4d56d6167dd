"""What is derived from the store, brought up to date after a write, in one place.

Beside an embedded store live files computed from it: the search index (``search.sqlite``)
and the library queries' summaries (``summaries.sqlite``). Each remembers the change-journal
number it reflects and brings itself up to date from the journal when it is behind (see
``changes.py``): the graphs written since are read again, or everything when the journal
cannot tell. So a write killed half-way, or a write by another process, leaves them behind,
never wrong: the next ``bring_up_to_date`` (every writing command, and the server at start)
catches up, and until then a search refuses to answer from a stale index and a library query
is evaluated directly instead of read from a stale summary.

Not here: the server's query checkpoints and its answer cache, which belong to one running
server and are renewed by it after every write (``QueryService.after_write``).
"""

from __future__ import annotations

import logging

from .search import refresh_index
from .store.base import Store

log = logging.getLogger(__name__)


def bring_up_to_date(store: Store, *, summaries: bool = True) -> None:
    """Bring the search index and (with ``summaries``) the summaries up to date."""
    refresh_index(store)
    if summaries:
        from .summaries import summaries_for

        kept = summaries_for(store)
        if kept is not None:
            kept.refresh()
