"""XLSX workbooks: the blank template and a county's exported table (same layout).

Sheet 标准明细表: a title row, the header row (GB/T 13016 columns first, then bpss-kg's), data;
drop-down lists for 子体系, 标准类别, 状态, 宜定级别 and 合成数据 (labels from the ontology).
Sheet 指标: indicator values. Sheet 监测评估: assessments, surveys, warnings and improvement
actions (tables/records.py). Sheet 说明: instructions in Chinese and English.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..store.base import Store
from .columns import (
    INDICATOR_COLUMNS,
    INDICATORS_SHEET,
    INSTRUCTIONS_SHEET,
    RECORD_COLUMNS,
    RECORDS_SHEET,
    STANDARD_COLUMNS,
    STANDARDS_SHEET,
    Column,
)
from .vocabulary import vocabulary

GBT13016_KEYS = ("row_no", "system_number", "title", "number", "level", "implemented",
                 "supersedes", "notes")
BPSS_KEYS = ("subsystem", "kind", "items", "status", "issuer", "issuer_iri", "issued",
             "reviewed", "title_en", "references", "source", "synthetic", "iri", "adoption",
             "member_since")
_BY_KEY = {c.key: c for c in STANDARD_COLUMNS}
STANDARD_LAYOUT: tuple[Column, ...] = tuple(_BY_KEY[k] for k in (*GBT13016_KEYS, *BPSS_KEYS))
DATE_KEYS = {"implemented", "issued", "reviewed", "member_since"}
DATA_ROWS = 2000
"""Rows the drop-down lists cover."""

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BPSS_FILL = PatternFill("solid", fgColor="E2EFDA")
_WIDTHS = {"title": 40, "title_en": 40, "items": 24, "issuer": 26, "issuer_iri": 30,
           "notes": 24, "kind": 16, "number": 22, "supersedes": 22, "references": 22}


def _header(sheet: Worksheet, columns: tuple[Column, ...], title: str, bpss_from: int) -> None:
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=position, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = _BPSS_FILL if position > bpss_from else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(position)].width = _WIDTHS.get(column.key, 14)
    sheet.freeze_panes = "A3"


def _validation(sheet: Worksheet, columns: tuple[Column, ...], key: str, values: list[str],
                strict: bool, prompt: str) -> None:
    position = next(i for i, c in enumerate(columns, start=1) if c.key == key)
    letter = get_column_letter(position)
    rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                          showDropDown=False, showErrorMessage=True,
                          errorStyle="stop" if strict else "warning",
                          promptTitle=columns[position - 1].header, prompt=prompt)
    rule.showInputMessage = True
    sheet.add_data_validation(rule)
    rule.add(f"{letter}3:{letter}{DATA_ROWS + 2}")


def _synthetic_list(sheet: Worksheet, columns: tuple[Column, ...]) -> None:
    _validation(sheet, columns, "synthetic", ["是", "否"], True,
                "合成（示例）数据填“是” / 是 for synthetic sample data")


def _write_rows(sheet: Worksheet, columns: tuple[Column, ...], rows: list[dict[str, object]]
                ) -> None:
    for offset, row in enumerate(rows):
        for position, column in enumerate(columns, start=1):
            value = row.get(column.key, "")
            if value in ("", None):
                continue
            cell = sheet.cell(row=3 + offset, column=position, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif column.key in ("number", "system_number", "supersedes", "references",
                                "items", "record_id", "scores", "required_by"):
                cell.number_format = "@"


def workbook_bytes(standards: list[dict[str, object]] | None = None,
                   indicators: list[dict[str, object]] | None = None,
                   title: str = "基本公共服务标准明细表",
                   records: list[dict[str, object]] | None = None) -> bytes:
    """The XLSX file: empty lists give the blank template."""
    vocab = vocabulary()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = STANDARDS_SHEET
    _header(sheet, STANDARD_LAYOUT, f"{title}（GB/T 13016—2018 标准明细表）",
            len(GBT13016_KEYS))
    _validation(sheet, STANDARD_LAYOUT, "subsystem", [c.zh for c in vocab.subsystems], True,
                "GB/T 43507—2023 的三个子体系 / one of the three sub-systems")
    _validation(sheet, STANDARD_LAYOUT, "kind", [c.zh for c in vocab.kinds], False,
                "十类标准之一；多个用“；”分隔 / one of the ten kinds; several separated by ；")
    _validation(sheet, STANDARD_LAYOUT, "status", [c.zh for c in vocab.statuses], True,
                "标准状态 / status of the standard")
    _validation(sheet, STANDARD_LAYOUT, "level", [c.zh for c in vocab.levels], False,
                "宜定级别；留空则按标准编号判断 / level; empty = from the number")
    _synthetic_list(sheet, STANDARD_LAYOUT)
    _validation(sheet, STANDARD_LAYOUT, "adoption", ["采用", "自制"], True,
                "采用已有标准或自制；不知道则留空 / adopted or own; leave empty if unknown")
    _write_rows(sheet, STANDARD_LAYOUT, standards or [])

    values = book.create_sheet(INDICATORS_SHEET)
    _header(values, INDICATOR_COLUMNS, "指标数值 / indicator values", len(INDICATOR_COLUMNS))
    _synthetic_list(values, INDICATOR_COLUMNS)
    _write_rows(values, INDICATOR_COLUMNS, indicators or [])

    kept = book.create_sheet(RECORDS_SHEET)
    _header(kept, RECORD_COLUMNS, "监测评估记录 / monitoring and improvement records",
            len(RECORD_COLUMNS))
    _validation(kept, RECORD_COLUMNS, "record_type", ["效果评估", "满意度调查", "监测预警",
                                                      "整改措施"], True,
                "记录类型 / record type")
    _validation(kept, RECORD_COLUMNS, "action_status", ["未完成", "已完成"], True,
                "整改措施的状态 / status of an improvement action")
    _synthetic_list(kept, RECORD_COLUMNS)
    _write_rows(kept, RECORD_COLUMNS, records or [])

    notes = book.create_sheet(INSTRUCTIONS_SHEET)
    _instructions(notes)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_bytes() -> bytes:
    """The blank template: header rows, drop-down lists, instructions, indicator sheet."""
    return workbook_bytes()


def _instructions(sheet: Worksheet) -> None:
    vocab = vocabulary()
    lines: list[tuple[str, str]] = [
        ("填表说明", "How to fill in the table"),
        ("“标准明细表”工作表：每行一项标准；第2行为表头，请勿改动列名（可调整列的顺序）。",
         "Sheet 标准明细表: one standard per row; row 2 is the header — keep the column names "
         "(the order may change)."),
        ("蓝色列为 GB/T 13016—2018 标准明细表的列；绿色列为 bpss-kg 需要的列。",
         "Blue columns are those of the GB/T 13016—2018 detail table; green ones are what "
         "bpss-kg needs."),
        ("必填：标准名称、标准类别、状态；标准编号与标准体系编号至少填一项（未编号的标准用标准体系编号标识）。",
         "Required: 标准名称 (title), 标准类别 (kind), 状态 (status); and the standard number or, "
         "for an unnumbered standard, the system number."),
        ("标准编号写作 DB37/T 4512—2022；“-”“—”“–”“－”和空格的差异会自动统一。",
         "Standard numbers as DB37/T 4512—2022; dashes and spaces are normalised."),
        ("日期可写 2023-12-28、2023/12/28、2023年12月28日、20231228，或使用 Excel 日期。",
         "Dates as 2023-12-28, 2023/12/28, 2023年12月28日, 20231228 or Excel dates."),
        ("子体系：" + "、".join(c.zh for c in vocab.subsystems) + "（留空则由标准类别推出）。",
         "Sub-system: " + ", ".join(c.en for c in vocab.subsystems)
         + " (empty: taken from the kind)."),
        ("标准类别：" + "、".join(c.zh for c in vocab.kinds) + "（多个用“；”分隔）。",
         "Kind: " + ", ".join(c.en for c in vocab.kinds) + " (several separated by ；)."),
        ("状态：" + "、".join(c.zh for c in vocab.statuses) + "。",
         "Status: " + ", ".join(c.en for c in vocab.statuses) + "."),
        ("实施的国家基本公共服务项目：项目序号（1–81）或项目名称；本县增补项目写“地方1”等；多个用“；”或“、”分隔。",
         "Service items: item number (1–81) or name; local additions as 地方1 …; several "
         "separated by ； or 、."),
        ("被代替标准号、规范性引用文件：标准编号，多个用“；”分隔。",
         "Superseded standards, normative references: standard numbers separated by ；."),
        ("发布机构：机构名称（按名称查找）；“发布机构标识”可填 IRI 以指定机构，通常留空。",
         "Issuing body: its name (looked up by name); 发布机构标识 may pin it by IRI, usually "
         "empty."),
        ("纳入方式：“采用”（采用已有的国家、行业、地方或团体标准）或“自制”（本地制定）；不清楚则留空。纳入日期：标准纳入本体系的日期（可空）。"
         "同一国家标准在不同县的体系中可有不同的类别、子体系和体系编号：这些记在本表的这一行上。",
         "纳入方式 (adoption): 采用 (an existing national, sector, local or group standard "
         "adopted) or 自制 (made locally); leave empty if unknown. 纳入日期: the date the "
         "standard entered this system (optional). The same national standard may have another "
         "kind, sub-system and system number in another county's system: they belong to this "
         "row."),
        ("来源：来源标识（如 synthetic）；合成数据：示例或合成数据填“是”。",
         "Source: a source id (e.g. synthetic); 合成数据: 是 for sample or synthetic data."),
        ("“指标”工作表：指标名称、年度、数值、单位，每行一个县域指标值。",
         "Sheet 指标: indicator name, year, value, unit — one county value per row."),
        ("“监测评估”工作表（可不填）：每行一条记录，记录类型为 效果评估、满意度调查、"
         "监测预警 或 整改措施，记录编号（如 2024）在同一类型内唯一。"
         "评估与调查填开始日期、结束日期、方法、评分（项目编号:得分，多项用“；”分隔，"
         "满分默认 100）；调查另填样本量与调查对象；"
         "预警填预警指标、阈值、预警值、预警日期；"
         "整改措施填整改内容、提出依据（本表中评估、调查或预警的记录编号）、"
         "整改期限、整改状态（未完成或已完成）和完成日期，可填依据标准（服务改进标准编号）"
         "与落实版本（本县数据的版本号）。"
         "填了此表，则本县的这些记录以此表为准；不含此表或此表为空的导入保留已有记录。",
         "Sheet 监测评估 (optional): one record per row, of type 效果评估 (effect assessment), "
         "满意度调查 (satisfaction survey), 监测预警 (monitoring warning) or 整改措施 "
         "(improvement action), with an id (e.g. 2024) unique within its type. Assessments and "
         "surveys: period, method, scores (item:score separated by ；, out of 100 unless 满分 "
         "says otherwise); surveys also sample size and respondent groups; warnings: indicator, "
         "threshold, value, date; actions: what is to be done, the id of the assessment, survey "
         "or warning that asked for it, due date, status (未完成 open / 已完成 closed) and the "
         "date closed, optionally the improvement standard it follows (依据标准) and the "
         "edition of the county's data that carried it out (落实版本). With this sheet, the "
         "county's records are those of the sheet; an import "
         "without it, or with it empty, keeps the records already stored."),
        ("导入时检查每个单元格；有任何错误则不导入任何内容，并列出工作表、行、列、值和原因。",
         "Every cell is checked on import; with any error nothing is imported and each "
         "problem is listed by sheet, row, column, value and reason."),
        ("命令：bpss-kg import 表格.xlsx --county 370502 [--dry-run]",
         "Command: bpss-kg import TABLE.xlsx --county 370502 [--dry-run]"),
    ]
    sheet.column_dimensions["A"].width = 90
    sheet.column_dimensions["B"].width = 90
    for number, (zh, en) in enumerate(lines, start=1):
        sheet.cell(row=number, column=1, value=zh).alignment = Alignment(wrap_text=True)
        sheet.cell(row=number, column=2, value=en).alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["B1"].font = Font(bold=True, size=14)


def county_standard_rows(store: Store, county: str) -> list[list[object]]:
    """The county's standards as rows in ``STANDARD_COLUMNS`` order (CSV dumps use these)."""
    from .columns import STANDARD_COLUMNS
    from .exporting import county_rows

    standards, _indicators, _reference = county_rows(store, county)
    return [[row.get(column.key, "") for column in STANDARD_COLUMNS] for row in standards]
