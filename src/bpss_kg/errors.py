"""One exception hierarchy; the CLI and the server map it once to exit codes / HTTP statuses."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Location:
    """Where a problem is: a file and, when known, line/column or sheet/row/column."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    row: int | None = None
    value: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts)


@dataclass
class BpssError(Exception):
    """Base class: a message and, when known, where the problem is."""

    message: str
    where: Location = field(default_factory=Location)

    def __str__(self) -> str:
        where = str(self.where)
        return f"{where}: {self.message}" if where else self.message


class BadInput(BpssError):
    """Malformed files, tables, queries or parameters (CLI exit 2, HTTP 400)."""


class NotFound(BpssError):
    """A named query, graph, county or resource that does not exist (HTTP 404)."""


class StoreError(BpssError):
    """The store could not be opened, read or written (CLI exit 2, HTTP 503)."""


class StoreInUse(StoreError):
    """Another process (usually ``bpss-kg serve``) holds the embedded store's writer lock."""


class QueryTimeout(BpssError):
    """A query ran past its time limit and was stopped."""


class ResultTooLarge(BpssError):
    """A query produced more results than the configured cap."""
