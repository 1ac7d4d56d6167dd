"""Read an XLSX workbook or a CSV file into plain sheets of cell values.

CSV: UTF-8 (with or without BOM), then GB18030 (a superset of GBK, what Chinese Excel writes);
comma, tab or semicolon separated. XLSX: openpyxl, values (not formulas), Excel dates as dates.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from .problems import Problem


@dataclass
class Sheet:
    name: str
    rows: list[list[object]] = field(default_factory=list)
    """Cell values; ``rows[i]`` is spreadsheet row ``i + 1``."""


def read_sheets(data: bytes, filename: str) -> tuple[list[Sheet], list[Problem]]:
    """The sheets of a table file, or the problem that stops it being read."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(data, PurePath(filename).name)
    if suffix == ".xls":
        reason = ("旧版 .xls 格式不受支持，请另存为 .xlsx 或 .csv",
                  "the old .xls format is not supported; save as .xlsx or .csv")
    else:
        reason = (f"不支持的文件类型 {suffix or '(无扩展名)'}，请使用 .xlsx 或 .csv",
                  f"unsupported file type {suffix or '(no extension)'}; use .xlsx or .csv")
    return [], [Problem(None, None, None, filename, *reason)]


def decode_text(data: bytes) -> str | None:
    """Text of a CSV file in UTF-8 (BOM or not) or GB18030/GBK; None when neither fits."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(data: bytes, name: str) -> tuple[list[Sheet], list[Problem]]:
    text = decode_text(data)
    if text is None:
        return [], [Problem(None, None, None, None,
                            "无法识别文件编码（应为 UTF-8 或 GBK）",
                            "cannot decode the file (expected UTF-8 or GBK)")]
    if "\x00" in text:
        return [], [Problem(None, None, None, None, "文件含有二进制内容，不是 CSV 文本",
                            "the file holds binary data, not CSV text")]
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""),
                                                delimiter=delimiter)]
    except csv.Error as error:
        return [], [Problem(None, None, None, None, f"CSV 格式错误：{error}",
                            f"malformed CSV: {error}")]
    return [Sheet(name, rows)], []


def _read_xlsx(data: bytes) -> tuple[list[Sheet], list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        return [], [Problem(None, None, None, None, f"不是有效的 XLSX 文件（{error}）",
                            f"not a valid XLSX file ({error})")]
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
            sheets.append(Sheet(worksheet.title, rows))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        return [], [Problem(None, None, None, None, f"XLSX 文件已损坏（{error}）",
                            f"the XLSX file is damaged ({error})")]
    finally:
        workbook.close()
    return sheets, []
