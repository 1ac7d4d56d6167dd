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
from xml.etree.ElementTree import ParseError

from ..errors import BadInput, Location
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
        return _read_xlsx(data, filename)
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


MAX_XLSX_UNPACKED = 512 * 1024 * 1024
"""Bytes an XLSX file's parts may unpack to (a small zip can unpack to gigabytes)."""


def _refuse_hostile_xlsx(data: bytes, filename: str) -> None:
    """An XLSX that would unpack past ``MAX_XLSX_UNPACKED`` is refused before openpyxl
    reads it; entity declarations are refused by defusedxml inside openpyxl."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # openpyxl only guards against entity bombs with defusedxml
        raise BadInput("XLSX reading is off: defusedxml is not active in openpyxl (is "
                       "OPENPYXL_DEFUSEDXML set to False?)", Location(file=filename))
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    if unpacked > MAX_XLSX_UNPACKED:
        raise BadInput(f"the XLSX file unpacks to {unpacked:,} bytes, more than "
                       f"{MAX_XLSX_UNPACKED:,}: refused", Location(file=filename))


def _read_xlsx(data: bytes, filename: str) -> tuple[list[Sheet], list[Problem]]:
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    _refuse_hostile_xlsx(data, filename)
    sheets = []
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        cause = _xml_cause(error)  # openpyxl wraps the XML error in a ValueError
        if isinstance(cause, DefusedXmlException):
            raise _hostile(filename, cause) from None
        return [], [Problem(None, None, None, None, f"不是有效的 XLSX 文件（{error}）",
                            f"not a valid XLSX file ({error})")]
    except (DefusedXmlException, ParseError) as error:
        raise _hostile(filename, error) from None
    try:
        for worksheet in workbook.worksheets:
            rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
            sheets.append(Sheet(worksheet.title, rows))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        return [], [Problem(None, None, None, None, f"XLSX 文件已损坏（{error}）",
                            f"the XLSX file is damaged ({error})")]
    except (DefusedXmlException, ParseError) as error:
        raise _hostile(filename, error) from None
    finally:
        workbook.close()
    return sheets, []


def _xml_cause(error: BaseException) -> BaseException | None:
    """The XML parser's own exception behind ``error``, if any."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ParseError) or type(seen).__module__.startswith("defusedxml"):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _hostile(filename: str, error: Exception) -> BadInput:
    """An XLSX whose XML declares entities or a DTD (never written by spreadsheet programs)."""
    from defusedxml import DefusedXmlException

    if isinstance(error, DefusedXmlException):
        return BadInput(f"拒绝读取：XLSX 的 XML 含有 DTD 实体声明 / refused: the XLSX file's "
                        f"XML declares entities ({error}); spreadsheet programs never write "
                        "them", Location(file=filename))
    return BadInput(f"拒绝读取：XLSX 的 XML 无效 / refused: the XLSX file's XML is not "
                    f"well-formed ({error})", Location(file=filename))
