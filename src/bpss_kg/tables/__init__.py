"""标准明细表 (GB/T 13016—2018 standard detail tables): import, template and export."""

from __future__ import annotations

from ..store.base import Store
from .exporting import county_record_rows, county_rows
from .importing import ImportPreview, commit_import, import_table, preview_import
from .problems import Problem, TableProblems
from .tablepart import table_part
from .writing import template_bytes, workbook_bytes

__all__ = ["ImportPreview", "Problem", "TableProblems", "commit_import", "county_table_bytes",
           "import_table", "preview_import", "table_part", "template_bytes"]


def county_table_bytes(store: Store, county: str) -> bytes:
    """A county's standard detail table, indicator values and monitoring records as an XLSX
    file."""
    from ..errors import NotFound
    from .importing import check_county

    check_county(county)
    standards, indicators, ref = county_rows(store, county)
    if len(ref.current) == 0:
        raise NotFound(f"no graph for county {county} in the store")
    name = ref.county_name or county
    return workbook_bytes(standards, indicators, f"{name}基本公共服务标准明细表",
                          county_record_rows(store, county))
