"""One monitoring and improvement record entered through the service (issue 19): a row of the
监测评估 sheet given as fields (a form or JSON) instead of a spreadsheet.

The row is checked exactly as an uploaded table's row is: the county's table is exported from
the store, the row put into its records sheet (replacing the stored record of the same type and
记录编号, so closing an action is the same row given again with 已完成 and a date), and the whole
table checked by ``preview_import``. A record entered here is therefore the same graph a county
gets by downloading its table, adding the row and uploading it, with the same problems reported
(sheet 监测评估, the row, the column, the value), and nothing is written while there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import BadInput, NotFound
from ..store.base import Store
from .cells import loose
from .columns import RECORD_COLUMNS, RECORDS_SHEET
from .exporting import county_record_rows, county_rows
from .importing import ImportPreview, check_county, preview_import
from .problems import Problem
from .records import _KIND_NAMES
from .writing import workbook_bytes

FIELDS = tuple(c for c in RECORD_COLUMNS if c.key != "row_no")
"""The fields of one record: the records sheet's columns (keys as in ``columns.py``)."""
_KEYS = {c.key for c in FIELDS}
ENTRY_FILE = "record-entry.xlsx"  # the checked table is made here, not uploaded


def _same_record(row: Mapping[str, object], kind: object, record_id: str) -> bool:
    return (_KIND_NAMES.get(loose(str(row.get("record_type") or ""))) is kind
            and str(row.get("record_id") or "").strip() == record_id)


@dataclass
class RecordEntry:
    """One entered record checked in its county's table."""

    county: str
    fields: dict[str, str]
    preview: ImportPreview
    row: int  # the records sheet's row the entry took in the checked table

    @property
    def ok(self) -> bool:
        return self.preview.ok

    def problems(self) -> list[tuple[str | None, Problem]]:
        """(field key or None, problem): a problem of the entry's row names its field; any
        other (the stored table no longer passing today's checks) is given as it is."""
        by_header = {c.header: c.key for c in FIELDS}
        return [(by_header.get(p.column or "") if p.sheet == RECORDS_SHEET and p.row == self.row
                 else None, p) for p in self.preview.problems]

    def to_dict(self) -> dict[str, object]:
        return {"county": self.county, "ok": self.ok, "record": self.fields,
                "problems": [p.to_dict() | {"field": key} for key, p in self.problems()],
                "triples": len(self.preview.graph)}


def preview_record(store: Store, county: str, fields: Mapping[str, object]) -> RecordEntry:
    """Check one record (``fields`` by column key) against the county's table as stored;
    the would-be county graph or the problems. Writes nothing."""
    check_county(county)
    unknown = sorted(set(fields) - _KEYS)
    if unknown:
        raise BadInput(f"unknown record field(s) {', '.join(unknown)}; the fields are "
                       f"{', '.join(c.key for c in FIELDS)}")
    entry = {k: str(v).strip() for k, v in fields.items() if v is not None and str(v).strip()}
    standards, indicators, ref = county_rows(store, county)
    if len(ref.current) == 0:
        raise NotFound(f"no graph for county {county} in the store: import its table first")
    kind = _KIND_NAMES.get(loose(entry.get("record_type", "")))
    record_id = entry.get("record_id", "")
    kept = [r for r in county_record_rows(store, county)
            if not (kind is not None and record_id and _same_record(r, kind, record_id))]
    row: dict[str, object] = {**entry, "row_no": len(kept) + 1}
    book = workbook_bytes(standards, indicators,
                          f"{ref.county_name or county}基本公共服务标准明细表", [*kept, row])
    preview = preview_import(store, book, ENTRY_FILE, county)
    return RecordEntry(county, entry, preview, len(kept) + 3)  # rows 1–2 are the header
