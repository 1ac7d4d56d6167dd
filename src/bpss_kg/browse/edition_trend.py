"""How a county's standard system grew edition by edition (the county report's trend chart):
for every recorded edition of the county graph, the standards of its table, those in force and
the national items they cover — read with ``system_diff.system_state``, the same reading as
``bpss-kg diff``, from the edition log (system time), not from the store as it is now."""

from __future__ import annotations

from dataclasses import dataclass

from ..editions import EditionLog, Lines
from ..system_diff import system_state

TREND_LIMIT = 60  # editions shown; the oldest beyond it are left out (the log keeps them)


@dataclass(frozen=True)
class EditionPoint:
    number: int
    time: str  # ISO date-time of the edition
    label: str  # who wrote it
    action: str
    standards: int
    in_force: int
    covered: int
    added: int
    removed: int
    triples: int


def edition_trend(log: EditionLog, graph: str, limit: int = TREND_LIMIT) -> list[EditionPoint]:
    """One point per edition of ``graph``, oldest first (at most the newest ``limit``)."""
    editions = log.editions(graph=graph, limit=100_000)
    points: list[EditionPoint] = []
    lines: Lines = set()
    first = max(0, len(editions) - limit)
    for position, edition in enumerate(editions):
        patch = log.patch(edition.id)
        if edition.kind == "snapshot":
            lines = set(patch.added)
        else:
            lines = (lines - set(patch.removed)) | set(patch.added)
        if position < first:
            continue
        state = system_state(lines)
        in_force = sum(1 for row in state.rows.values() if not row.gone)
        points.append(EditionPoint(edition.number, edition.time, edition.label, edition.action,
                                   len(state.rows), in_force, len(state.covered), edition.added,
                                   edition.removed, edition.triples))
    return points
