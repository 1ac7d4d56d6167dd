"""The standard detail table (标准明细表, GB/T 13016—2018) as bpss-kg reads and writes it.

GB/T 13016 columns (the 2009-era layout counties use, and the 2018 one; our reference could not
verify the annex, so both are accepted) plus the columns bpss-kg needs. Header matching is
tolerant: full-width punctuation, spaces and common synonyms are normalised first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header bpss-kg writes
    english: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


STANDARD_COLUMNS = (
    Column("row", "序号", "No."),
    Column("system_number", "标准体系编号", "system number",
           ("标准体系表编号", "体系编号", "体系表编号")),
    Column("title", "标准名称", "title", ("名称", "标准名"), required=True),
    Column("title_en", "英文名称", "English title", ("标准英文名称", "英文标准名称")),
    Column("number", "标准编号", "standard number", ("标准号", "引用标准编号", "编号")),
    Column("level", "宜定级别", "level", ("级别", "标准级别", "宜定层级")),
    Column("issued", "发布日期", "issue date", ("发布时间",)),
    Column("implemented", "实施日期", "implementation date", ("实施时间",)),
    Column("reviewed", "复审日期", "last review date", ("复审时间", "修订年度")),
    Column("supersedes", "被代替标准号", "superseded standard(s)",
           ("被代替标准号或作废", "代替标准号", "被代替标准")),
    Column("subsystem", "子体系", "sub-system", ("子体系名称", "所属子体系"), required=True),
    Column("kind", "标准类别", "kind of standard", ("类别", "标准类型", "标准分类"), required=True),
    Column("items", "实施的国家基本公共服务项目", "national items implemented",
           ("服务项目", "实施项目", "对应服务项目", "国家基本公共服务项目", "对应国家项目")),
    Column("status", "状态", "status", ("标准状态", "实施状态")),
    Column("issuer", "发布机构", "issuing body", ("发布单位", "归口部门")),
    Column("notes", "备注", "notes", ("说明",)),
)
INDICATOR_COLUMNS = (
    Column("indicator", "指标", "indicator", ("指标名称", "服务指标"), required=True),
    Column("year", "年度", "year", ("年份",), required=True),
    Column("value", "数值", "value", ("指标值", "取值", "值"), required=True),
    Column("unit", "单位", "unit", ("计量单位",)),
)
STANDARDS_SHEET = "标准明细表"
INDICATORS_SHEET = "指标"
INSTRUCTIONS_SHEET = "说明"

_PUNCTUATION = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "、": ",",
                              "　": " "})


def normalise_header(text: object) -> str:
    """Header text compared loosely: NFKC, no spaces, no trailing marks like '*' or '(必填)'."""
    value = unicodedata.normalize("NFKC", str(text or "")).translate(_PUNCTUATION)
    value = re.sub(r"\s+", "", value)
    value = re.sub(r"\((必填|选填|可选|required|optional)\)$", "", value, flags=re.I)
    return value.strip("*").lower()


def header_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    index = {}
    for column in columns:
        for name in (column.header, *column.synonyms, column.english):
            index[normalise_header(name)] = column
    return index
