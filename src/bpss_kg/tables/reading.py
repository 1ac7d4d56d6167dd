"""Read a table (XLSX or CSV) into rows of cells keyed by column, finding the header row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .columns import Column, header_index

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


@dataclass(frozen=True)
class Problem:
    """One problem in a table, named by sheet, row, column and value, in Chinese and English."""

    sheet: str
    row: int | None
    column: str | None
    value: str | None
    zh: str
    en: str

    def __str__(self) -> str:
        where_zh = f"工作表 {self.sheet}" + (f" 第{self.row}行" if self.row else "") + (
            f" {self.column} 列" if self.column else "")
        where_en = f"sheet {self.sheet}" + (f", row {self.row}" if self.row else "") + (
            f", column {self.column}" if self.column else "")
        value = f" {self.value!r}" if self.value not in (None, "") else ""
        return f"{where_zh}{value}: {self.zh} / {where_en}: {self.en}"


@dataclass
class Sheet:
    name: str
    header_row: int
    columns: dict[str, str]  # column key → header text as written
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)


def _cells_from_csv(data: bytes) -> list[list[object]]:
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnicodeDecodeError("gb18030", data, 0, 1, "neither UTF-8 nor GBK/GB18030")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _cells_from_xlsx(data: bytes) -> dict[str, list[list[object]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        sheets[sheet.title] = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return sheets


def read_workbook(data: bytes, filename: str) -> dict[str, list[list[object]]]:
    """Every sheet's cells (a CSV is one sheet named after the file)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return {Path(filename).stem: _cells_from_csv(data)}
    if suffix in (".xlsx", ".xlsm"):
        return _cells_from_xlsx(data)
    raise ValueError(f"unsupported table type {suffix or '(none)'}; use .xlsx or .csv")


def find_sheet(name: str, cells: list[list[object]], columns: tuple[Column, ...],
               problems: list[Problem]) -> Sheet | None:
    """The header row is the first of the first 10 rows naming at least two known columns
    (title rows above it, merged or not, are skipped)."""
    index = header_index(columns)
    for number, row in enumerate(cells[:10], start=1):
        found: dict[str, str] = {}
        positions: dict[int, str] = {}
        for position, cell in enumerate(row):
            column = index.get(_header_key(cell))
            if column is not None and column.key not in found:
                found[column.key] = str(cell).strip()
                positions[position] = column.key
        if len(found) >= 2:
            missing = [c for c in columns if c.required and c.key not in found]
            for column in missing:
                problems.append(Problem(name, number, column.header, None,
                                        "缺少必需的列", "required column missing"))
            sheet = Sheet(name, number, found)
            for row_number, values in enumerate(cells[number:], start=number + 1):
                record = {key: values[pos] if pos < len(values) else None
                          for pos, key in positions.items()}
                if any(_blank(v) is False for v in record.values()):
                    sheet.rows.append((row_number, record))
            return sheet
    problems.append(Problem(name, None, None, None, "找不到表头行（前10行中应有列名）",
                            "no header row found in the first 10 rows"))
    return None


def _header_key(cell: object) -> str:
    from .columns import normalise_header

    return normalise_header(cell)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
