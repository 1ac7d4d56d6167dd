"""A county's standard detail table (标准明细表, GB/T 13016) as CSV with CSVW metadata.

The columns are those of the XLSX import/export (``bpss_kg.tables.columns.STANDARD_COLUMNS``),
so a CSV dump can be filled in and imported back.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from ..namespaces import BPSS
from ..store.base import Store
from ..tables.columns import STANDARD_COLUMNS
from ..tables.writing import county_standard_rows

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
_DATATYPES = {"row_no": "integer", "issued": "date", "implemented": "date", "reviewed": "date",
              "member_since": "date"}
# A row is the standard's entry in the county's system (bpss:SystemMembership): systemNumber and
# memberSince are the entry's properties; title, number and dates are its standard's.
_PROPERTIES = {
    "member_since": str(BPSS.memberSince),
    "system_number": str(BPSS.systemNumber),
    "title": "http://purl.org/dc/terms/title",
    "number": str(BPSS.standardNumber),
    "issued": "http://purl.org/dc/terms/issued",
    "implemented": str(BPSS.implementationDate),
    "reviewed": str(BPSS.lastReviewDate),
}


def county_csv(store: Store, county: str) -> bytes:
    """The table as UTF-8 CSV without a byte-order mark, the one rule for every CSV bpss-kg
    serves (docs/data-sharing.md); the county's XLSX is the download for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in STANDARD_COLUMNS])
    for row in county_standard_rows(store, county):
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in row])
    return out.getvalue().encode("utf-8")


def county_csv_metadata(county: str, csv_url: str) -> dict[str, object]:
    """CSVW metadata (W3C Metadata Vocabulary for Tabular Data) describing ``county_csv``."""
    columns = []
    for column in STANDARD_COLUMNS:
        entry: dict[str, object] = {
            "name": column.key,
            "titles": {"zh": column.header, "en": column.english},
            "datatype": _DATATYPES.get(column.key, "string"),
            "required": column.required,
        }
        if column.key in _PROPERTIES:
            entry["propertyUrl"] = _PROPERTIES[column.key]
        columns.append(entry)
    return {
        "@context": [CSVW_CONTEXT, {"@language": "zh"}],
        "url": csv_url,
        "dc:title": [{"@value": f"{county} 县域基本公共服务标准明细表", "@language": "zh"},
                     {"@value": f"Standard detail table of county {county}",
                      "@language": "en"}],
        "dc:conformsTo": "GB/T 13016—2018 标准明细表",
        "dialect": {"encoding": "utf-8", "header": True, "headerRowCount": 1},
        "tableSchema": {"columns": columns, "primaryKey": "row_no"},
    }
