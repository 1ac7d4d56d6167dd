"""The columns of the standard detail table (标准明细表) and of the indicator sheet.

The GB/T 13016 columns come in two layouts (the 2009 one most counties still use and the 2018
one; the reference could not verify the 2018 annex, so both are read), plus the columns bpss-kg
needs. Headers are matched loosely: full-width and half-width punctuation and brackets, spaces,
trailing marks such as ``*`` or ``（必填）``, and the synonyms listed here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    """The header bpss-kg writes."""
    english: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    carried: bool = True
    """False for GB/T 13016 columns that bpss-kg reads past (kept nowhere)."""


STANDARD_COLUMNS: tuple[Column, ...] = (
    Column("row_no", "序号", "No.", ("编号序号", "no")),
    Column("system_number", "标准体系编号", "system number",
           ("标准体系表编号", "体系编号", "体系表编号", "标准体系表序号")),
    Column("title", "标准名称", "title", ("标准中文名称", "名称"), required=True),
    Column("title_en", "英文名称", "English title", ("标准英文名称", "英文标准名称", "title(en)")),
    Column("number", "标准编号", "standard number", ("标准号", "引用标准编号", "标准代号")),
    Column("level", "宜定级别", "level", ("级别", "标准级别", "宜定层级", "标准层级")),
    Column("implemented", "实施日期", "implementation date", ("实施时间",)),
    Column("supersedes", "被代替标准号", "superseded standards",
           ("被代替标准号或作废", "被代替标准", "代替标准号", "被替代标准号")),
    Column("notes", "备注", "notes", ("说明",)),
    Column("subsystem", "子体系", "sub-system", ("子体系名称", "所属子体系", "标准子体系")),
    Column("kind", "标准类别", "kind of standard", ("类别", "标准类型", "标准分类"),
           required=True),
    Column("adoption", "纳入方式", "adoption",
           ("采用或自制", "采用/自制", "纳入类型", "标准来源类型")),
    Column("member_since", "纳入日期", "member since", ("纳入时间", "纳入体系日期")),
    Column("items", "实施的国家基本公共服务项目", "service items implemented",
           ("实施的基本公共服务项目", "国家基本公共服务项目", "对应服务项目", "服务项目",
            "实施项目", "对应国家基本公共服务项目")),
    Column("status", "状态", "status", ("标准状态", "实施状态"), required=True),
    Column("issuer", "发布机构", "issuing body", ("发布单位", "发布部门")),
    Column("issuer_iri", "发布机构标识", "issuing body IRI"),
    Column("issued", "发布日期", "issue date", ("发布时间",)),
    Column("reviewed", "复审日期", "last review date", ("复审时间", "最近复审日期")),
    Column("references", "规范性引用文件", "normative references",
           ("规范性引用", "引用文件", "引用标准")),
    Column("source", "来源", "source", ("数据来源",)),
    Column("synthetic", "合成数据", "synthetic", ("是否合成数据", "合成示例")),
    Column("iri", "标准标识", "standard IRI"),
    Column("administrator", "归口部门", "administering department", carried=False),
    Column("adopted", "国际国外标准号及采用关系", "adopted international standard",
           ("采用关系", "国际国外标准号"), carried=False),
)

INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("row_no", "序号", "No."),
    Column("indicator", "指标", "indicator", ("指标名称", "服务指标"), required=True),
    Column("year", "年度", "year", ("年份",), required=True),
    Column("value", "数值", "value", ("指标值", "取值", "值"), required=True),
    Column("unit", "单位", "unit", ("计量单位",)),
    Column("source", "来源", "source", ("数据来源",)),
    Column("synthetic", "合成数据", "synthetic", ("是否合成数据", "合成示例")),
)

RECORD_COLUMNS: tuple[Column, ...] = (
    Column("row_no", "序号", "No."),
    Column("record_type", "记录类型", "record type", ("记录类别",), required=True),
    Column("record_id", "记录编号", "record id", ("记录标识",), required=True),
    Column("record_name", "记录名称", "record name", ("记录标题",)),
    Column("record_date", "记录日期", "date", ("评估日期", "调查日期", "填报日期")),
    Column("period_start", "开始日期", "period start", ("周期开始", "起始日期")),
    Column("period_end", "结束日期", "period end", ("周期结束", "截止日期")),
    Column("method", "方法", "method", ("评估方法", "调查方法", "评价方法")),
    Column("sample_size", "样本量", "sample size", ("样本数", "有效样本量")),
    Column("groups", "调查对象", "respondent groups", ("受访群体", "调查群体")),
    Column("scores", "评分", "scores", ("各项目得分", "项目得分")),
    Column("scale", "满分", "scale", ("总分",)),
    Column("finding", "发现问题", "findings", ("主要问题", "评估结论")),
    Column("indicator", "预警指标", "warning indicator", ("监测指标",)),
    Column("threshold", "阈值", "threshold", ("预警阈值",)),
    Column("warning_value", "预警值", "value", ("监测值", "触发值")),
    Column("raised_on", "预警日期", "raised on", ("触发日期",)),
    Column("action_text", "整改内容", "action", ("整改措施内容", "改进措施")),
    Column("required_by", "提出依据", "required by", ("整改依据", "依据记录")),
    Column("due_date", "整改期限", "due date", ("完成期限",)),
    Column("action_status", "整改状态", "status", ("完成情况",)),
    Column("closed_on", "完成日期", "closed on", ("整改完成日期",)),
    Column("under_standard", "依据标准", "under standard", ("改进标准", "整改依据标准")),
    Column("carried_out_in", "落实版本", "carried out in edition", ("落实版本号",)),
    Column("source", "来源", "source", ("数据来源",)),
    Column("synthetic", "合成数据", "synthetic", ("是否合成数据", "合成示例")),
)
"""The sheet of monitoring and improvement records (监测评估; issue 19), one row per record."""

STANDARDS_SHEET = "标准明细表"
INDICATORS_SHEET = "指标"
INSTRUCTIONS_SHEET = "说明"
INDICATOR_SHEET_NAMES = ("指标", "指标数据", "服务指标", "indicators")
RECORDS_SHEET = "监测评估"
RECORD_SHEET_NAMES = ("监测评估", "监测改进", "评估与整改", "监测评估记录", "records")

_PUNCTUATION = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")",
                              "：": ":", "，": ",", "；": ";", "、": ",", "　": " "})
_MARKS = re.compile(r"\((必填|选填|可选|可填|required|optional)\)$", re.IGNORECASE)
_ENGLISH_TAIL = re.compile(r"(?<=[\u4e00-\u9fff])[/(]?[a-z][a-z0-9 .'()/-]*$")


def normalise_header(text: object) -> str:
    """Header text compared loosely: NFKC, no spaces, no required marks, no English tail."""
    value = unicodedata.normalize("NFKC", str(text or "")).translate(_PUNCTUATION)
    value = re.sub(r"\s+", "", value).strip("*＊").lower()
    value = _MARKS.sub("", value).strip("*")
    value = _ENGLISH_TAIL.sub("", value)  # "标准编号(standard number)" → "标准编号"
    return value


def header_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.synonyms, column.english):
            key = normalise_header(name)
            if index.setdefault(key, column) is not column:
                raise ValueError(f"header {name!r} names two columns")
    return index


STANDARD_HEADERS = header_index(STANDARD_COLUMNS)
INDICATOR_HEADERS = header_index(INDICATOR_COLUMNS)
RECORD_HEADERS = header_index(RECORD_COLUMNS)
