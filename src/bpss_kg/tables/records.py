"""The sheet of monitoring and improvement records (监测评估, issue 19) → records of a county.

One row per record: an effect assessment (效果评估) or a satisfaction survey (满意度调查) of the
county's standard system, with its period, method, scores per national item, findings and (for
a survey) sample size and respondent groups; a monitoring warning (监测预警: the indicator, the
threshold it crossed, the value, the date); or an improvement action (整改措施: what is to be
done, the record that asked for it, the due date, open or closed). The same checks and error
reporting as the standards sheet: every problem names sheet, row, column and value, and nothing
is written while there is one. The work guide's and GB/T 43507's completeness rules on these
records stay with SHACL (shapes/monitoring.ttl), so a county sees them in its report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..editions import edition_iri
from ..namespaces import BPSS, ID, county_graph, county_system
from .building import (
    _IRI,
    Built,
    _Header,
    _indicator,
    _is_blank,
    _item,
    _numbers,
    _Row,
    _sources,
)
from .cells import (
    CellError,
    a_date,
    a_decimal,
    canonical_decimal,
    is_empty,
    loose,
    split_list,
    text,
    yes_no,
)
from .reference import Reference


@dataclass(frozen=True)
class RecordKind:
    cls: URIRef
    slug: str  # IRI segment: process/{code}/{slug}/{id}
    zh: str
    en: str
    columns: frozenset[str]  # the type's own columns (the common ones aside)


_EVALUATION = frozenset({"period_start", "period_end", "method", "scores", "scale", "finding"})
KINDS = (
    RecordKind(BPSS.EffectAssessment, "assessment", "效果评估", "effect assessment", _EVALUATION),
    RecordKind(BPSS.SatisfactionSurvey, "satisfaction-survey", "满意度调查",
               "satisfaction survey", _EVALUATION | {"sample_size", "groups"}),
    RecordKind(BPSS.MonitoringWarning, "monitoring-warning", "监测预警", "monitoring warning",
               frozenset({"indicator", "threshold", "warning_value", "raised_on"})),
    RecordKind(BPSS.ImprovementAction, "improvement", "整改措施", "improvement action",
               frozenset({"action_text", "required_by", "due_date", "action_status",
                          "closed_on", "under_standard", "carried_out_in"})),
)
_KIND_NAMES = {
    **{loose(k.zh): k for k in KINDS}, **{loose(k.en): k for k in KINDS},
    **{loose(k.slug): k for k in KINDS},
    "评估": KINDS[0], "实施效果评估": KINDS[0], "效果评价": KINDS[0], "评估评价": KINDS[0],
    "满意度评价": KINDS[1], "满意度测评": KINDS[1], "满意度": KINDS[1],
    "预警": KINDS[2], "监测": KINDS[2],
    "整改": KINDS[3], "服务改进": KINDS[3], "改进措施": KINDS[3],
}
_TYPE_COLUMNS = frozenset().union(*(k.columns for k in KINDS))
_STATUS = {"未完成": "open", "进行中": "open", "整改中": "open", "open": "open",
           "已完成": "closed", "完成": "closed", "已整改": "closed", "closed": "closed"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SCORE = re.compile(r"^(?P<item>[^:=：]+)[:=：](?P<score>.+)$")
RECORD_CLASSES = tuple(k.cls for k in KINDS)


def record_iri(code: str, kind: RecordKind, record_id: str) -> URIRef:
    return ID[f"process/{code}/{kind.slug}/{record_id}"]


def record_id_of(code: str, iri: object, cls: object) -> str | None:
    """The 记录编号 of a record the sheet can carry (its IRI is ``record_iri``'s), else None."""
    kind = next((k for k in KINDS if k.cls == cls), None)
    if kind is None:
        return None
    prefix = str(record_iri(code, kind, ""))
    rest = str(iri)[len(prefix):] if str(iri).startswith(prefix) else ""
    return rest if _ID.match(rest) else None


def _kind(value: object) -> RecordKind:
    found = _KIND_NAMES.get(loose(text(value)))
    if found is None:
        raise CellError("应为 效果评估、满意度调查、监测预警 或 整改措施",
                        "expected 效果评估, 满意度调查, 监测预警 or 整改措施")
    return found


def _record_id(value: object) -> str:
    raw = text(value)
    if not _ID.match(raw):
        raise CellError("记录编号只能由字母、数字、点、连字符和下划线组成（如 2024、A1）",
                        "a record id has letters, digits, dots, hyphens and underscores only "
                        "(e.g. 2024, A1)")
    return raw


def _status(value: object) -> URIRef:
    found = _STATUS.get(loose(text(value)))
    if found is None:
        raise CellError("应填“未完成”或“已完成”", "expected 未完成 (open) or 已完成 (closed)")
    return ID[f"concept/action-status/{found}"]


def _count(value: object) -> int:
    number = a_decimal(value)
    if number != number.to_integral_value() or number < 1:
        raise CellError("应为正整数", "expected a positive whole number")
    return int(number)


def build_records(header: _Header, ref: Reference, built: Built) -> None:
    """Check every row of the records sheet and add its records to ``built.graph``."""
    code = ref.county
    g = built.graph
    seen: dict[URIRef, int] = {}
    by_id: dict[str, list[URIRef]] = {}
    asks: list[tuple[_Row, URIRef, str]] = []  # action, the 提出依据 cell to resolve
    for number, cells in enumerate(header.sheet.rows[header.row:], start=header.row + 1):
        if _is_blank(cells, header):
            continue
        row = _Row(header, number, cells, built)
        kind = row.parse("record_type", _kind) if row.required("record_type") else None
        record_id = row.parse("record_id", _record_id) if row.required("record_id") else None
        if kind is not None:
            for key in sorted(_TYPE_COLUMNS - kind.columns):
                if not is_empty(row.raw(key)):
                    row.problem(key, row.raw(key), f"此列不适用于{kind.zh}记录",
                                f"this column does not apply to a {kind.en}")
        sources = _sources(row)
        synthetic = row.parse("synthetic", yes_no)
        if kind is None:
            continue
        if record_id is None:  # the row's other cells are checked all the same
            _row_triples(row, kind, record_iri(code, kind, "unnamed"), ref)
            continue
        record = record_iri(code, kind, record_id)
        if record in seen:
            row.problem("record_id", record_id, f"该{kind.zh}编号已在第{seen[record]}行填写",
                        f"this {kind.en} id is already given in row {seen[record]}")
            continue
        seen[record] = number
        by_id.setdefault(record_id, []).append(record)
        triples = _row_triples(row, kind, record, ref)
        if kind.cls == BPSS.ImprovementAction and not is_empty(row.raw("required_by")):
            asks.append((row, record, text(row.raw("required_by"))))
        if row.failed:
            continue
        built.rows[str(record)] = (header.sheet.name, number)
        for triple in triples:
            g.add(triple)
        for subject in {s for s, _, _ in triples}:
            for source_iri in sources:
                g.add((subject, DCTERMS.source, source_iri))
            if synthetic is not None:
                g.add((subject, BPSS.isSynthetic, Literal(synthetic)))
    for row, action, cell in asks:
        targets = _asked_by(cell, by_id, action)
        if len(targets) == 1:
            g.add((action, BPSS.requiredBy, targets[0]))
        elif targets:
            row.problem("required_by", cell, "本表中有多条记录使用此编号，请填写该记录的 IRI",
                        "several records of this sheet have this id; give the record's IRI")
        else:
            row.problem("required_by", cell, "不是本表中的其他记录编号或 IRI",
                        "not the id of another record in this sheet, nor an IRI")
    built.records = len(seen)


def _asked_by(cell: str, by_id: dict[str, list[URIRef]], action: URIRef) -> list[URIRef]:
    if _IRI.match(cell):
        return [URIRef(cell)]
    return [r for r in by_id.get(cell, []) if r != action]


def _row_triples(row: _Row, kind: RecordKind, record: URIRef, ref: Reference
                 ) -> list[tuple[URIRef, URIRef, object]]:
    out: list[tuple[URIRef, URIRef, object]] = [(record, RDF.type, kind.cls)]
    name = text(row.raw("record_name"))
    label = name or f"{kind.zh} {text(row.raw('record_id'))}"
    out.append((record, RDFS.label, Literal(label, lang="zh")))

    def date_of(key: str, predicate: URIRef) -> None:
        value = row.parse(key, a_date)
        if value is not None:
            out.append((record, predicate, Literal(value.isoformat(), datatype=XSD.date)))

    def zh(key: str, predicate: URIRef) -> None:
        value = text(row.raw(key))
        if not is_empty(value):
            out.append((record, predicate, Literal(value, lang="zh")))

    def decimal(key: str, predicate: URIRef) -> Decimal | None:
        value = row.parse(key, a_decimal)
        if value is not None:
            out.append((record, predicate, Literal(canonical_decimal(value),
                                                   datatype=XSD.decimal)))
        return value

    date_of("record_date", DCTERMS.date)
    if kind.cls != BPSS.ImprovementAction:  # an evaluation activity of the county's system
        out.append((record, BPSS.evaluates, county_system(ref.county)))
    if kind.cls in (BPSS.EffectAssessment, BPSS.SatisfactionSurvey):
        date_of("period_start", BPSS.periodStart)
        date_of("period_end", BPSS.periodEnd)
        zh("method", BPSS.method)
        zh("finding", BPSS.finding)
        size = row.parse("sample_size", _count)
        if size is not None:
            out.append((record, BPSS.sampleSize, Literal(size, datatype=XSD.integer)))
        for group in split_list(row.raw("groups")):
            out.append((record, BPSS.respondentGroup, Literal(group, lang="zh")))
        out += _scores(row, record, ref)
    elif kind.cls == BPSS.MonitoringWarning:
        if not is_empty(row.raw("indicator")):
            indicator = _indicator(row, ref)
            if indicator is not None:
                out.append((record, BPSS.warningIndicator, indicator))
        decimal("threshold", BPSS.threshold)
        decimal("warning_value", BPSS.warningValue)
        date_of("raised_on", BPSS.raisedOn)
    else:
        zh("action_text", BPSS.actionText)
        date_of("due_date", BPSS.dueDate)
        date_of("closed_on", BPSS.closedOn)
        status = row.parse("action_status", _status)
        if status is not None:
            out.append((record, BPSS.actionStatus, status))
        for target in _numbers(row, "under_standard"):  # the 8.4 improvement standard(s)
            out.append((record, BPSS.underStandard, target))
        edition = row.parse("carried_out_in", lambda v: _edition(v, ref.county))
        if edition is not None:
            out.append((record, BPSS.carriedOutIn, edition))
    return out


def _edition(value: object, county: str) -> URIRef:
    """An edition number of the county's graph (``bpss-kg history``) or an edition's IRI."""
    raw = text(value)
    if _IRI.match(raw):
        return URIRef(raw)
    try:
        number = _count(raw)
    except CellError:
        raise CellError("应为本县数据的版本号（bpss-kg history 列出的正整数）或版本 IRI",
                        "expected an edition number of the county's data (a positive whole "
                        "number, as bpss-kg history lists them) or an edition's IRI") from None
    return URIRef(edition_iri(str(county_graph(county)), number))


def _scores(row: _Row, record: URIRef, ref: Reference) -> list[tuple[URIRef, URIRef, object]]:
    """``02:85.5；06:90`` (item number or name, a colon, the score) → AssessmentScore nodes."""
    scale = row.parse("scale", a_decimal)
    if scale is not None and scale <= 0:
        row.problem("scale", row.raw("scale"), "满分应大于 0", "the scale must be above 0")
        return []
    top = scale if scale is not None else Decimal(100)
    out: list[tuple[URIRef, URIRef, object]] = []
    for part in split_list(row.raw("scores")):
        match = _SCORE.match(part)
        item = _item(match["item"].strip(), ref) if match else None
        try:
            score = a_decimal(match["score"].strip()) if match else None
        except CellError:
            score = None
        if item is None or score is None or not 0 <= score <= top:
            most = canonical_decimal(top)
            row.problem("scores", part, f"应写作“项目编号:得分”（得分 0–{most}），"
                        "多项用“；”分隔，如 02:85.5；06:90",
                        f"expected item:score (0–{most}), several separated by ；, "
                        "e.g. 02:85.5；06:90")
            continue
        node = URIRef(f"{record}/score-{str(item).rsplit('/', 1)[-1]}")
        out += [(node, RDF.type, BPSS.AssessmentScore), (node, BPSS.scoreOf, record),
                (node, BPSS.scoredItem, item),
                (node, BPSS.scoreValue, Literal(canonical_decimal(score), datatype=XSD.decimal)),
                (node, BPSS.scoreScale, Literal(canonical_decimal(top), datatype=XSD.decimal))]
    return out
