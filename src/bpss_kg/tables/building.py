"""Sheets of a standard detail table → the table part of a county graph, or the problems.

Every cell is checked and every problem collected (sheet, row, column, value, reason); the
graph is only used when there are none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, QB, RDF, RDFS, XSD

from ..namespaces import BPSS, ID, county_system, membership, national_item, place, standard
from .cells import (
    CellError,
    a_date,
    a_decimal,
    a_year,
    canonical_decimal,
    is_empty,
    loose,
    split_list,
    standard_number,
    text,
    yes_no,
)
from .columns import (
    INDICATOR_HEADERS,
    INDICATOR_SHEET_NAMES,
    RECORD_HEADERS,
    RECORD_SHEET_NAMES,
    STANDARD_HEADERS,
    Column,
    normalise_header,
)
from .problems import Problem
from .reading import Sheet
from .reference import Reference
from .vocabulary import LEVEL_SYNONYMS, STATUS_SYNONYMS, Concept, match, vocabulary

T = TypeVar("T")
HEADER_SCAN_ROWS = 15
_SAFE_SYSTEM_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_LOCAL_ITEM = re.compile(r"^(?:地方|L)(\d{1,4})$", re.IGNORECASE)
_IRI = re.compile(r"^https?://\S+$")


ADOPTION_VALUES = {
    "采用": BPSS.AdoptedStandard, "采用标准": BPSS.AdoptedStandard, "引用": BPSS.AdoptedStandard,
    "adopted": BPSS.AdoptedStandard, "adoptedstandard": BPSS.AdoptedStandard,
    "自制": BPSS.OwnStandard, "自制标准": BPSS.OwnStandard, "自行制定": BPSS.OwnStandard,
    "自定": BPSS.OwnStandard, "own": BPSS.OwnStandard, "ownstandard": BPSS.OwnStandard,
}
"""Values of 纳入方式 (loosely compared); an empty cell writes no adoption (not guessed)."""


def adoption_of(value: object) -> URIRef | None:
    """采用 / 自制 (or a synonym) → bpss:AdoptedStandard / bpss:OwnStandard; None when empty."""
    if is_empty(value):
        return None
    found = ADOPTION_VALUES.get(loose(text(value)).replace(" ", ""))
    if found is None:
        raise CellError("应填“采用”或“自制”", "expected 采用 (adopted) or 自制 (own)")
    return found


@dataclass
class Built:
    graph: Graph = field(default_factory=Graph)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    standards: int = 0
    observations: int = 0
    subsystems: set[URIRef] = field(default_factory=set)
    has_indicators: bool = False
    """False when no indicator sheet or file was given: the county's values are then kept."""
    records: int = 0
    has_records: bool = False
    """False when the table has no 监测评估 sheet: the county's records are then kept."""
    minted_orgs: set[URIRef] = field(default_factory=set)
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Standard and observation IRI → (sheet, spreadsheet row) it was built from (for the
    validation report; not stored)."""


@dataclass
class _Header:
    sheet: Sheet
    row: int
    """Spreadsheet row number of the header."""
    columns: dict[str, tuple[int, str]]
    """Column key → (0-based position, header text as written)."""


def find_header(sheet: Sheet, index: dict[str, Column], anchor: str,
                built: Built) -> _Header | None:
    """The header row (title rows above it are skipped); None when the sheet has none."""
    for number, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS], start=1):
        found: dict[str, tuple[int, str]] = {}
        duplicates = []
        for position, cell in enumerate(cells):
            column = index.get(normalise_header(cell)) if not is_empty(cell) else None
            if column is None:
                continue
            if column.key in found:
                duplicates.append((column, text(cell)))
                continue
            found[column.key] = (position, text(cell))
        if anchor in found and len(found) >= 2:
            for column, written in duplicates:
                built.problems.append(Problem(
                    sheet.name, number, written, None,
                    f"与“{found[column.key][1]}”列重复", f"repeats column {found[column.key][1]}"))
            for cell in cells:
                if not is_empty(cell) and normalise_header(cell) not in index:
                    built.warnings.append(Problem(
                        sheet.name, number, text(cell), None,
                        "不识别的列，已忽略", "unknown column, ignored"))
            return _Header(sheet, number, found)
    return None


class _Row:
    """One data row: cell access by column key, problems recorded against it."""

    def __init__(self, header: _Header, number: int, cells: list[object], built: Built) -> None:
        self.header = header
        self.number = number
        self.cells = cells
        self.built = built
        self.failed = False

    def raw(self, key: str) -> object:
        where = self.header.columns.get(key)
        if where is None or where[0] >= len(self.cells):
            return None
        return self.cells[where[0]]

    def column(self, key: str) -> str:
        where = self.header.columns.get(key)
        if where is not None:
            return where[1]
        return next(c.header for c in (*STANDARD_HEADERS.values(), *INDICATOR_HEADERS.values(),
                                       *RECORD_HEADERS.values()) if c.key == key)

    def problem(self, key: str, value: object, zh: str, en: str) -> None:
        self.failed = True
        shown = text(value)
        self.built.problems.append(Problem(self.header.sheet.name, self.number, self.column(key),
                                           shown[:200] if shown else None, zh, en))

    def parse(self, key: str, parser: Callable[[object], T]) -> T | None:
        """The parsed cell, None when empty; a problem is recorded when it cannot be read."""
        value = self.raw(key)
        if is_empty(value):
            return None
        try:
            return parser(value)
        except CellError as error:
            self.problem(key, value, error.zh, error.en)
            return None

    def required(self, key: str) -> bool:
        if is_empty(self.raw(key)):
            self.problem(key, None, "必填，不能为空", "required, must not be empty")
            return False
        return True


def _is_blank(cells: list[object], header: _Header) -> bool:
    row_no = header.columns.get("row_no", (-1, ""))[0]
    return all(is_empty(cell) for i, cell in enumerate(cells) if i != row_no)


def _require_columns(header: _Header, columns: dict[str, Column], built: Built) -> bool:
    missing = [c for c in {c.key: c for c in columns.values()}.values()
               if c.required and c.key not in header.columns]
    for column in missing:
        built.problems.append(Problem(header.sheet.name, header.row, column.header, None,
                                      "缺少必需的列", "required column is missing"))
    return not missing


# -- the standards sheet -----------------------------------------------------------------------
@dataclass
class _Standard:
    row: _Row
    iri: URIRef
    supersedes: list[URIRef]


def build(sheets: list[Sheet], ref: Reference, indicator_sheets: list[Sheet] | None = None
          ) -> Built:
    """The table part of the county graph built from the sheets (check ``problems`` first)."""
    built = Built()
    standards_header = None
    indicator_header = None
    record_names = {normalise_header(n) for n in RECORD_SHEET_NAMES}
    record_sheets = [s for s in sheets if normalise_header(s.name) in record_names]
    candidates = [s for s in sheets if normalise_header(s.name) != normalise_header("说明")
                  and s not in record_sheets]
    for sheet in candidates:
        if standards_header is None:
            standards_header = find_header(sheet, STANDARD_HEADERS, "title", built)
            if standards_header is not None:
                continue
        if indicator_header is None and indicator_sheets is None:
            indicator_header = find_header(sheet, INDICATOR_HEADERS, "indicator", built)
    if standards_header is None:
        built.problems.append(Problem(
            sheets[0].name if sheets else None, None, None, None,
            "找不到表头行（应含“标准名称”等列，见模板）",
            "no header row found (it must have 标准名称 and the other columns; see the template)"))
        return built
    for sheet in indicator_sheets or []:
        indicator_header = find_header(sheet, INDICATOR_HEADERS, "indicator", built)
        if indicator_header is None:
            built.problems.append(Problem(sheet.name, None, None, None,
                                          "找不到指标表头行（应含 指标、年度、数值 列）",
                                          "no indicator header row (指标, 年度, 数值)"))
    if indicator_header is None and indicator_sheets is None:
        for sheet in candidates:
            if normalise_header(sheet.name) in {normalise_header(n) for n in INDICATOR_SHEET_NAMES}\
                    and sheet is not standards_header.sheet:
                built.problems.append(Problem(sheet.name, None, None, None,
                                              "找不到指标表头行（应含 指标、年度、数值 列）",
                                              "no indicator header row (指标, 年度, 数值)"))
    if _require_columns(standards_header, STANDARD_HEADERS, built):
        _build_standards(standards_header, ref, built)
    built.has_indicators = indicator_header is not None
    if indicator_header is not None and _require_columns(indicator_header, INDICATOR_HEADERS,
                                                         built):
        _build_observations(indicator_header, ref, built)
    from .records import build_records

    for sheet in record_sheets[:1]:
        header = find_header(sheet, RECORD_HEADERS, "record_type", built)
        if header is None:
            built.problems.append(Problem(sheet.name, None, None, None,
                                          "找不到监测评估表头行（应含 记录类型、记录编号 列）",
                                          "no records header row (记录类型, 记录编号)"))
        elif _require_columns(header, RECORD_HEADERS, built):
            # a sheet without a record (the template's) keeps the stored records
            built.has_records = any(not _is_blank(cells, header)
                                    for cells in sheet.rows[header.row:])
            build_records(header, ref, built)
    for sheet in record_sheets[1:]:
        built.problems.append(Problem(sheet.name, None, None, None,
                                      f"监测评估记录只能在一张工作表中（已读“{record_sheets[0].name}”）",
                                      f"records go in one sheet (read {record_sheets[0].name!r})"))
    return built


def _build_standards(header: _Header, ref: Reference, built: Built) -> None:
    vocab = vocabulary()
    code = ref.county
    system = county_system(code)
    g = built.graph
    seen: dict[URIRef, int] = {}
    rows: list[_Standard] = []
    for number, cells in enumerate(header.sheet.rows[header.row:], start=header.row + 1):
        if _is_blank(cells, header):
            continue
        row = _Row(header, number, cells, built)
        title_ok = row.required("title")
        number_value = row.parse("number", standard_number)
        system_number = text(row.raw("system_number"))
        if is_empty(system_number):
            system_number = ""
        iri: URIRef | None = None
        if number_value:
            iri = URIRef(standard(number_value))
        elif system_number and not is_empty(row.raw("number")):
            pass  # the bad number is already reported
        elif system_number:
            if _SAFE_SYSTEM_NUMBER.match(system_number):
                iri = ID[f"standard/county/{code}/{system_number}"]
            else:
                row.problem("system_number", system_number,
                            "未编号标准的标准体系编号只能含字母、数字、“.”“-”“_”",
                            "the system number of an unnumbered standard may hold only letters, "
                            "digits, '.', '-' and '_'")
        elif is_empty(row.raw("number")):
            row.problem("number", None, "标准编号与标准体系编号不能都为空",
                        "give the standard number or, for an unnumbered standard, the system "
                        "number")
        pinned = text(row.raw("iri"))
        if not is_empty(pinned):
            if _IRI.match(pinned):
                iri = URIRef(pinned)
            else:
                row.problem("iri", pinned, "不是 IRI（应以 https:// 开头）",
                            "not an IRI (should start with https://)")
        if iri is not None and iri in seen:
            key = "number" if number_value else "system_number"
            row.problem(key, row.raw(key), f"与第{seen[iri]}行是同一标准（重复）",
                        f"the same standard as row {seen[iri]} (duplicate)")
            iri = None
        kinds = _concepts(row, "kind", vocab.kinds, ("标准类别", "kind of standard"),
                          required=True)
        subsystem = row.parse("subsystem", lambda v: match(vocab.subsystems, text(v), None,
                                                            ("子体系", "sub-system")))
        status = row.parse("status", lambda v: match(vocab.statuses, text(v), STATUS_SYNONYMS,
                                                      ("状态", "status")))
        row.required("status")
        level = row.parse("level", partial(_level, number=number_value))
        if level is None and number_value and is_empty(row.raw("level")):
            level = _level_of_number(number_value)
        if subsystem is None and is_empty(row.raw("subsystem")) and kinds:
            parents = {k.broader for k in kinds}
            if len(parents) == 1:
                subsystem = next(c for c in vocab.subsystems if c.iri in parents)
            else:
                row.problem("subsystem", None, "标准类别分属不同子体系，请填写子体系",
                            "the kinds belong to different sub-systems; fill in 子体系")
        dates = {key: row.parse(key, a_date)
                 for key in ("issued", "implemented", "reviewed", "member_since")}
        adoption = row.parse("adoption", adoption_of)
        items = _items(row, ref)
        supersedes = _numbers(row, "supersedes")
        references = _numbers(row, "references")
        issuer = _issuer(row, ref, built)
        sources = _sources(row)
        synthetic = row.parse("synthetic", yes_no)
        if row.failed or iri is None or not title_ok or status is None or not kinds:
            continue
        seen[iri] = number
        built.rows[str(iri)] = (header.sheet.name, number)
        s = iri
        g.add((s, RDF.type, BPSS.Standard))
        title = text(row.raw("title"))
        g.add((s, DCTERMS.title, Literal(title, lang="zh")))
        g.add((s, RDFS.label, Literal(title, lang="zh")))
        if not is_empty(row.raw("title_en")):
            g.add((s, DCTERMS.title, Literal(text(row.raw("title_en")), lang="en")))
        if number_value:
            g.add((s, BPSS.standardNumber, Literal(number_value)))
        # the row itself: the standard's entry in this system (kind, sub-system, number, …)
        entry = membership(code, s)
        g.add((entry, RDF.type, BPSS.SystemMembership))
        g.add((entry, BPSS.memberOf, system))
        g.add((entry, BPSS.memberStandard, s))
        g.add((s, BPSS.inSystem, system))
        if system_number:
            g.add((entry, BPSS.systemNumber, Literal(system_number)))
        if subsystem is not None:
            sub = ID[f"system/county/{code}/{subsystem.slug}"]
            g.add((entry, BPSS.inSubSystem, sub))
            if sub not in built.subsystems:
                built.subsystems.add(sub)
                g.add((system, BPSS.hasSubSystem, sub))
                g.add((sub, RDF.type, BPSS.SubSystem))
                g.add((sub, BPSS.subSystemType, subsystem.iri))
        for kind in kinds:
            g.add((entry, BPSS.standardKind, kind.iri))
        if adoption is not None:
            g.add((entry, BPSS.adoption, adoption))
        if dates["member_since"] is not None:
            g.add((entry, BPSS.memberSince,
                   Literal(dates["member_since"].isoformat(), datatype=XSD.date)))
        # an entry already in the store keeps its provenance (not a table column); a new one
        # takes the row's
        if (entry, DCTERMS.source, None) not in ref.current \
                and (entry, BPSS.isSynthetic, None) not in ref.current:
            for source_iri in sources:
                g.add((entry, DCTERMS.source, source_iri))
            if synthetic is not None:
                g.add((entry, BPSS.isSynthetic, Literal(synthetic)))
        g.add((s, BPSS.status, status.iri))
        if level is not None:
            g.add((s, BPSS.level, level.iri))
        for key, predicate in (("issued", DCTERMS.issued), ("implemented",
                               BPSS.implementationDate), ("reviewed", BPSS.lastReviewDate)):
            if dates[key] is not None:
                g.add((s, predicate, Literal(dates[key].isoformat(), datatype=XSD.date)))
        for item in items:
            g.add((s, BPSS.implementsItem, item))
        for target in references:
            g.add((s, BPSS.normativeReference, target))
        if issuer is not None:
            g.add((s, BPSS.issuedBy, issuer))
        if not is_empty(row.raw("notes")):
            g.add((s, RDFS.comment, Literal(text(row.raw("notes")), lang="zh")))
        for source_iri in sources:
            g.add((s, DCTERMS.source, source_iri))
        if synthetic is not None:
            g.add((s, BPSS.isSynthetic, Literal(synthetic)))
        rows.append(_Standard(row, iri, supersedes))
    in_table = {entry.iri for entry in rows}
    for entry in rows:
        for old in entry.supersedes:
            g.add((entry.iri, BPSS.supersedes, old))
            if old in in_table:
                g.add((old, BPSS.replacedBy, entry.iri))
    built.standards = len(rows)
    if rows:
        g.add((system, RDF.type, BPSS.CountyStandardSystem))
        g.add((system, BPSS.forDivision, place(code)))
        g.add((system, BPSS.systemLayer, ID["concept/system-layer/county"]))
    elif not built.problems:
        built.problems.append(Problem(header.sheet.name, header.row + 1, None, None,
                                      "表中没有任何标准", "the table lists no standards"))


def _concepts(row: _Row, key: str, concepts: tuple[Concept, ...], what: tuple[str, str],
              required: bool = False) -> list[Concept]:
    if is_empty(row.raw(key)):
        if required:
            row.required(key)
        return []
    found = []
    for part in split_list(row.raw(key)):
        try:
            concept = match(concepts, part, None, what)
        except CellError as error:
            row.problem(key, part, error.zh, error.en)
            continue
        if concept not in found:
            found.append(concept)
    return found


def _level(cell: object, number: str | None) -> Concept:
    value = text(cell)
    levels = vocabulary().levels
    if loose(value) in ("国家标准", "国家", "national") and number:
        return _level_of_number(number) or match(levels, value, LEVEL_SYNONYMS)
    if loose(value) in ("国家标准", "国家", "national"):
        raise CellError("“国家标准”需写明强制性或推荐性（或填写标准编号）",
                        "say 强制性国家标准 or 推荐性国家标准 (or give the number)")
    return match(levels, value, LEVEL_SYNONYMS, ("宜定级别", "level"))


_LEVEL_PREFIXES = (("GB/T ", "national-recommended"), ("GB/Z ", "national-guidance"),
                   ("GB ", "national-mandatory"), ("DJG", "county-spec"), ("DB", "local"),
                   ("T/", "group"), ("Q/", "enterprise"))


def _level_of_number(number: str) -> Concept | None:
    slug = next((s for prefix, s in _LEVEL_PREFIXES if number.startswith(prefix)), None)
    if slug is None and re.match(r"^[A-Z]{2}/T ", number):
        slug = "industry"
    return next((c for c in vocabulary().levels if c.slug == slug), None)


def _items(row: _Row, ref: Reference) -> list[URIRef]:
    found: list[URIRef] = []
    for part in split_list(row.raw("items")):
        item = _item(part, ref)
        if item is None:
            row.problem("items", part, "不是国家基本公共服务标准中的项目序号（1–81）或已知项目名称",
                        "not an item number (1–81) or the name of a known service item")
        elif item not in found:
            found.append(item)
    return found


def _item(part: str, ref: Reference) -> URIRef | None:
    from ..national_list import ITEM_COUNT

    raw = loose(part)
    if re.fullmatch(r"\d{1,3}", raw):
        return national_item(int(raw)) if 1 <= int(raw) <= ITEM_COUNT else None
    local = _LOCAL_ITEM.match(raw)
    if local:
        return ID[f"list/county/{ref.county}/item/{int(local.group(1))}"]
    if _IRI.match(part):
        return URIRef(part)
    named = ref.find("item", part) | ref.find("local-item", part)
    return next(iter(named)) if len(named) == 1 else None


def _numbers(row: _Row, key: str) -> list[URIRef]:
    found: list[URIRef] = []
    for part in split_list(row.raw(key)):
        if _IRI.match(part):
            found.append(URIRef(part))
            continue
        try:
            found.append(URIRef(standard(standard_number(part))))
        except CellError as error:
            row.problem(key, part, error.zh, error.en)
    return found


def _issuer(row: _Row, ref: Reference, built: Built) -> URIRef | None:
    iri = text(row.raw("issuer_iri"))
    if not is_empty(iri):
        if _IRI.match(iri):
            return URIRef(iri)
        row.problem("issuer_iri", iri, "不是 IRI（应以 https:// 开头）",
                    "not an IRI (should start with https://)")
        return None
    name = text(row.raw("issuer"))
    if is_empty(name):
        return None
    if _IRI.match(name):
        return URIRef(name)
    found = ref.find("org", name)
    if len(found) == 1:
        return next(iter(found))
    if len(found) > 1:
        row.problem("issuer", name, "有多个同名机构，请在“发布机构标识”列写明 IRI",
                    "several organisations have this name; give the IRI in 发布机构标识")
        return None
    digest = hashlib.sha1(loose(name).encode("utf-8")).hexdigest()[:10]
    minted = ID[f"org/{ref.county}/issuer-{digest}"]
    if minted not in built.minted_orgs:
        built.minted_orgs.add(minted)
        built.graph.add((minted, RDF.type, ORG.Organization))
        built.graph.add((minted, RDFS.label, Literal(name, lang="zh")))
    return minted


def _sources(row: _Row) -> list[URIRef]:
    found = []
    for part in split_list(row.raw("source")):
        if _IRI.match(part):
            found.append(URIRef(part))
        elif _SOURCE_ID.match(part):
            found.append(ID[f"source/{part}"])
        else:
            row.problem("source", part, "不是来源标识（如 synthetic、S1）或 IRI",
                        "not a source id (e.g. synthetic, S1) or an IRI")
    return found


# -- the indicator sheet -----------------------------------------------------------------------
def _build_observations(header: _Header, ref: Reference, built: Built) -> None:
    code = ref.county
    g = built.graph
    dataset = ID[f"dataset/indicators/{code}"]
    seen: dict[URIRef, int] = {}
    for number, cells in enumerate(header.sheet.rows[header.row:], start=header.row + 1):
        if _is_blank(cells, header):
            continue
        row = _Row(header, number, cells, built)
        indicator = None
        if row.required("indicator"):
            indicator = _indicator(row, ref)
        year = row.parse("year", a_year) if row.required("year") else None
        value = row.parse("value", a_decimal) if row.required("value") else None
        unit = text(row.raw("unit"))
        if indicator is not None and not is_empty(unit) and indicator in ref.units \
                and loose(unit) != loose(ref.units[indicator]):
            row.problem("unit", unit, f"与该指标的单位“{ref.units[indicator]}”不符",
                        f"does not match the indicator's unit {ref.units[indicator]!r}")
        sources = _sources(row)
        synthetic = row.parse("synthetic", yes_no)
        if row.failed or indicator is None or year is None or value is None:
            continue
        slug = str(indicator).rsplit("/", 1)[-1]
        obs = ID[f"observation/{code}/{slug}/{year}"]
        if obs in seen:
            row.problem("year", year, f"该指标该年度已在第{seen[obs]}行填写",
                        f"this indicator and year are already given in row {seen[obs]}")
            continue
        seen[obs] = number
        built.rows[str(obs)] = (header.sheet.name, number)
        g.add((obs, RDF.type, QB.Observation))
        g.add((obs, RDF.type, BPSS.IndicatorObservation))
        g.add((obs, QB.dataSet, dataset))
        g.add((obs, BPSS.indicator, indicator))
        g.add((obs, BPSS.observedValue, Literal(canonical_decimal(value),
                                                datatype=XSD.decimal)))
        g.add((obs, BPSS.refArea, place(code)))
        g.add((obs, BPSS.refYear, Literal(str(year), datatype=XSD.gYear)))
        for source_iri in sources:
            g.add((obs, DCTERMS.source, source_iri))
        if synthetic is not None:
            g.add((obs, BPSS.isSynthetic, Literal(synthetic)))
    built.observations = len(seen)
    if seen:
        g.add((dataset, RDF.type, QB.DataSet))
        g.add((dataset, QB.structure, BPSS.indicatorStructure))
        g.add((dataset, BPSS.forDivision, place(code)))


def _indicator(row: _Row, ref: Reference) -> URIRef | None:
    name = text(row.raw("indicator"))
    if _IRI.match(name):
        return URIRef(name)
    found = ref.find("indicator", name)
    if not found and re.fullmatch(r"[a-z0-9-]+", name):
        candidate = ID[f"indicator/{name}"]
        found = {candidate} if candidate in ref.labels else set()
    if len(found) == 1:
        return next(iter(found))
    row.problem("indicator", name, "不是已知的指标（国家层指标名称）",
                "not a known indicator (name of a national-layer indicator)")
    return None
