"""Rows of a standard detail table → checked records → the county's RDF, with every problem
named by sheet, row, column, value and reason."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from .. import resources
from ..namespaces import BPSS, ID, normalise_standard_number
from .columns import Column
from .reading import Problem, Sheet, as_text

CONCEPT = "https://w3id.org/bpss-kg/id/concept/"
_NUMBER = re.compile(
    r"^(GB/T|GB/Z|GB|DB\d{2}(?:\d{2})?/T|DB\d{2}(?:\d{2})?|[A-Z]{2}/T|T/[A-Z0-9]+|Q/[A-Z0-9]+|"
    r"DJG\d{6}/T)\s*(\d+(?:\.\d+)?)\s*[-—–－―]+\s*(\d{4})$")
_DATE_CN = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_DATE_SEP = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
STATUS_SYNONYMS = {"有效": "in-force", "在编": "draft", "待制定": "planned", "作废": "withdrawn",
                   "已废止": "withdrawn", "拟制定": "planned", "制修订": "draft", "修订中": "draft"}
LEVEL_SYNONYMS = {"国家": "national-recommended", "国标": "national-recommended",
                  "国家标准": "national-recommended", "行业": "industry", "地方": "local",
                  "省级": "local", "团体": "group", "企业": "enterprise"}


@dataclass
class StandardRecord:
    row: int
    title: str
    title_en: str = ""
    number: str = ""
    system_number: str = ""
    level: str = "local"
    status: str = "planned"
    issued: date | None = None
    implemented: date | None = None
    reviewed: date | None = None
    supersedes: list[str] = field(default_factory=list)
    subsystem: str = ""
    kind: str = ""
    items: list[str] = field(default_factory=list)  # item IRIs
    issuer: str = ""
    notes: str = ""


@dataclass
class ObservationRecord:
    row: int
    indicator: str  # IRI
    year: str
    value: Decimal


def _clean(text: str) -> str:
    """A key compared loosely (full-width forms folded): for codes, labels and lookups."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _text(text: str) -> str:
    """Free text kept as written, spaces tidied (titles keep their full-width punctuation)."""
    return re.sub(r"\s+", " ", text).strip()


@cache
def concept_labels() -> dict[str, dict[str, str]]:
    """zh (and en) label → slug, per scheme, read from the bundled ontology."""
    graph = Graph()
    for path in resources.ontology_dir().glob("*.ttl"):
        graph.parse(path, format="turtle")
    schemes: dict[str, dict[str, str]] = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        text = str(concept)
        if not text.startswith(CONCEPT):
            continue
        scheme, slug = text[len(CONCEPT):].split("/", 1)
        for label in graph.objects(concept, SKOS.prefLabel):
            names = schemes.setdefault(scheme, {})
            names[_clean(str(label)).lower()] = slug
            short = re.sub(r"(标准|标准子体系|子体系)$", "", _clean(str(label)))
            names.setdefault(short.lower(), slug)
    return schemes


def kind_subsystem(kind: str) -> str:
    from ..generate import KINDS

    return KINDS[kind][0]


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 10_000 < value < 80_000:  # an Excel serial day
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = _clean(as_text(value))
    for pattern in (_DATE_SEP, _DATE_CN, _DATE_COMPACT):
        match = pattern.match(text)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    if text.isdigit() and 10_000 < int(text) < 80_000:
        return date(1899, 12, 30) + timedelta(days=int(text))
    raise ValueError(text)


def parse_number(value: object) -> str:
    """``DB37/T4512-2022`` and friends → ``DB37/T 4512—2022``; ValueError when malformed."""
    text = _clean(as_text(value)).upper().replace(" /", "/").replace("/ ", "/")
    match = _NUMBER.match(text)
    if not match:
        raise ValueError(text)
    return f"{match[1]} {match[2]}—{match[3]}"


def level_of_number(number: str) -> str:
    prefix = number.split(" ", 1)[0]
    if prefix == "GB":
        return "national-mandatory"
    if prefix == "GB/T":
        return "national-recommended"
    if prefix == "GB/Z":
        return "national-guidance"
    if prefix.startswith("DJG"):
        return "county-spec"
    if prefix.startswith("DB"):
        return "local"
    if prefix.startswith("T/"):
        return "group"
    if prefix.startswith("Q/"):
        return "enterprise"
    return "industry"


class RowReader:
    """Checks one sheet's rows; collects problems instead of stopping at the first."""

    def __init__(self, sheet: Sheet, columns: tuple[Column, ...], problems: list[Problem],
                 items: dict[str, str], indicators: dict[str, str]) -> None:
        self.sheet, self.problems = sheet, problems
        self.headers = {c.key: sheet.columns.get(c.key, c.header) for c in columns}
        self.items, self.indicators = items, indicators

    def problem(self, row: int, key: str | None, value: object, zh: str, en: str) -> None:
        self.problems.append(Problem(self.sheet.name, row, self.headers.get(key or "", key),
                                     as_text(value) if value is not None else None, zh, en))

    def standards(self) -> list[StandardRecord]:
        labels = concept_labels()
        records = []
        numbers: dict[str, int] = {}
        for row, cells in self.sheet.rows:
            title = _text(as_text(cells.get("title")))
            if not title:
                self.problem(row, "title", None, "标准名称不能为空", "the title is empty")
                continue
            record = StandardRecord(row, title, _text(as_text(cells.get("title_en"))),
                                    system_number=_clean(as_text(cells.get("system_number"))),
                                    issuer=_text(as_text(cells.get("issuer"))),
                                    notes=_text(as_text(cells.get("notes"))))
            raw_number = as_text(cells.get("number"))
            if raw_number:
                try:
                    record.number = parse_number(raw_number)
                except ValueError:
                    self.problem(row, "number", raw_number,
                                 "不是有效的标准编号（如 DB37/T 1234—2023）",
                                 "not a valid standard number (e.g. DB37/T 1234—2023)")
                else:
                    if record.number in numbers:
                        self.problem(row, "number", raw_number,
                                     f"与第{numbers[record.number]}行的标准编号重复",
                                     f"same number as row {numbers[record.number]}")
                    numbers[record.number] = row
            for key in ("issued", "implemented", "reviewed"):
                raw = cells.get(key)
                if as_text(raw):
                    try:
                        setattr(record, key, parse_date(raw))
                    except ValueError:
                        self.problem(row, key, raw, "不是有效的日期（如 2023-12-28）",
                                     "not a valid date (e.g. 2023-12-28)")
            record.level = self._concept(row, "level", cells.get("level"), "standard-level",
                                         LEVEL_SYNONYMS) or (
                level_of_number(record.number) if record.number else "local")
            if as_text(cells.get("level")) in ("国家标准", "国家", "国标") and record.number:
                record.level = level_of_number(record.number)
            record.status = self._concept(row, "status", cells.get("status"), "standard-status",
                                          STATUS_SYNONYMS) or (
                "in-force" if record.number and record.issued else "planned")
            if len(re.split(r"[、;,，；]", _text(as_text(cells.get("kind"))))) > 1:
                self.problem(row, "kind", cells.get("kind"), "一项标准只能属于一个标准类别",
                             "a standard has exactly one kind of standard")
                record.kind = ""
            else:
                record.kind = self._concept(row, "kind", cells.get("kind"), "standard-kind", {},
                                            required=True) or ""
            record.subsystem = self._concept(row, "subsystem", cells.get("subsystem"),
                                             "standard-kind", {}, required=True) or ""
            if record.kind and record.kind not in labels.get("standard-kind", {}).values():
                record.kind = ""
            if record.kind and record.subsystem:
                if record.subsystem not in ("baseline-indicator", "service-implementation",
                                            "monitoring-improvement"):
                    self.problem(row, "subsystem", cells.get("subsystem"), "不是三个子体系之一",
                                 "not one of the three sub-systems")
                elif kind_subsystem(record.kind) != record.subsystem:
                    self.problem(row, "kind", cells.get("kind"), "标准类别不属于所填子体系",
                                 "the kind of standard does not belong to the sub-system given")
            for raw in re.split(r"[;,，；、\n]+", as_text(cells.get("supersedes"))):
                if raw.strip():
                    try:
                        record.supersedes.append(parse_number(raw))
                    except ValueError:
                        self.problem(row, "supersedes", raw, "不是有效的标准编号",
                                     "not a valid standard number")
            for raw in re.split(r"[;,，；、\n]+", as_text(cells.get("items"))):
                key = _clean(raw)
                if not key:
                    continue
                item = self.items.get(key.zfill(2) if key.isdigit() else key)
                if item is None:
                    self.problem(row, "items", raw, "不是国家清单中的项目（序号或名称）",
                                 "not an item of the national list (number or name)")
                else:
                    record.items.append(item)
            records.append(record)
        return records

    def _concept(self, row: int, key: str, value: object, scheme: str,
                 synonyms: dict[str, str], required: bool = False) -> str | None:
        text = _clean(as_text(value))
        if not text:
            if required:
                self.problem(row, key, None, "不能为空", "must not be empty")
            return None
        labels = concept_labels().get(scheme, {})
        slug = labels.get(text.lower()) or synonyms.get(text)
        if slug is None:
            subsystems = ("baseline-indicator", "service-implementation", "monitoring-improvement")
            fitting = {k for k, v in labels.items() if not k.isascii()
                       and (key != "subsystem" or v in subsystems)
                       and (key != "kind" or (v not in subsystems and k.endswith("标准")))}
            choices = "、".join(sorted(fitting))
            self.problem(row, key, text, f"不是可选值（可选：{choices}）",
                         "not one of the allowed values")
        return slug

    def observations(self) -> list[ObservationRecord]:
        records = []
        for row, cells in self.sheet.rows:
            name = _clean(as_text(cells.get("indicator")))
            indicator = self.indicators.get(name)
            if indicator is None:
                self.problem(row, "indicator", name, "不是已知的指标", "not a known indicator")
            year = as_text(cells.get("year"))
            if not re.fullmatch(r"\d{4}", year):
                self.problem(row, "year", year, "年度应为四位数字",
                             "the year must have four digits")
            try:
                value = Decimal(as_text(cells.get("value")).replace(",", ""))
            except InvalidOperation:
                self.problem(row, "value", cells.get("value"), "不是数值", "not a number")
                continue
            if indicator and re.fullmatch(r"\d{4}", year):
                records.append(ObservationRecord(row, indicator, year, value))
        return records


def standard_iri(code: str, record: StandardRecord) -> URIRef:
    if record.number:
        return ID[f"standard/{normalise_standard_number(record.number)}"]
    position = record.system_number or f"row-{record.row}"
    return ID[f"standard/county/{code}/{re.sub(r'[^A-Za-z0-9.-]+', '-', position)}"]


def county_graph_of(code: str, county_name: str, standards: list[StandardRecord],
                    observations: list[ObservationRecord],
                    issuers: dict[str, URIRef]) -> Graph:
    """The county's standard system (and observations) as RDF."""
    graph = Graph()
    place = ID[f"place/{code}"]
    system = ID[f"system/county/{code}"]
    graph.add((system, RDF.type, BPSS.CountyStandardSystem))
    graph.add((system, RDFS.label, Literal(f"{county_name}基本公共服务标准体系", lang="zh")))
    graph.add((system, BPSS.systemLayer, ID["concept/system-layer/county"]))
    graph.add((system, BPSS.forDivision, place))
    for slug in sorted({r.subsystem for r in standards if r.subsystem}):
        sub = ID[f"system/county/{code}/{slug}"]
        graph.add((sub, RDF.type, BPSS.SubSystem))
        graph.add((sub, BPSS.subSystemType, ID[f"concept/standard-kind/{slug}"]))
        graph.add((system, BPSS.hasSubSystem, sub))
        for label in concept_label_pair(slug):
            graph.add((sub, RDFS.label, label))
    for record in standards:
        iri = standard_iri(code, record)
        graph.add((iri, RDF.type, BPSS.Standard))
        graph.add((iri, DCTERMS.title, Literal(record.title, lang="zh")))
        graph.add((iri, RDFS.label, Literal(record.title, lang="zh")))
        if record.title_en:
            graph.add((iri, DCTERMS.title, Literal(record.title_en, lang="en")))
        if record.number:
            graph.add((iri, BPSS.standardNumber, Literal(record.number)))
        if record.system_number:
            graph.add((iri, BPSS.systemNumber, Literal(record.system_number)))
        graph.add((iri, BPSS.level, ID[f"concept/standard-level/{record.level}"]))
        graph.add((iri, BPSS.status, ID[f"concept/standard-status/{record.status}"]))
        graph.add((iri, BPSS.inSystem, system))
        if record.subsystem:
            graph.add((iri, BPSS.inSubSystem, ID[f"system/county/{code}/{record.subsystem}"]))
        if record.kind:
            graph.add((iri, BPSS.standardKind, ID[f"concept/standard-kind/{record.kind}"]))
        for key, predicate in (("issued", DCTERMS.issued), ("implemented",
                               BPSS.implementationDate), ("reviewed", BPSS.lastReviewDate)):
            value = getattr(record, key)
            if value is not None:
                graph.add((iri, predicate, Literal(value.isoformat(), datatype=XSD.date)))
        for item in record.items:
            graph.add((iri, BPSS.implementsItem, URIRef(item)))
            graph.add((system, BPSS.declaresItem, URIRef(item)))
        for old in record.supersedes:
            old_iri = ID[f"standard/{normalise_standard_number(old)}"]
            graph.add((iri, BPSS.supersedes, old_iri))
            graph.add((old_iri, BPSS.replacedBy, iri))
        if record.issuer:
            graph.add((iri, BPSS.issuedBy, issuers[record.issuer]))
        if record.notes:
            graph.add((iri, RDFS.comment, Literal(record.notes, lang="zh")))
    for name, org in issuers.items():
        if str(org).startswith(str(ID[f"org/{code}/issuer-"])):
            graph.add((org, RDF.type, ORG.Organization))
            graph.add((org, RDFS.label, Literal(name, lang="zh")))
    if observations:
        dataset = ID[f"dataset/indicators/{code}"]
        graph.add((dataset, RDF.type, URIRef("http://purl.org/linked-data/cube#DataSet")))
        graph.add((dataset, BPSS.forDivision, place))
        graph.add((dataset, RDFS.label, Literal(f"{county_name}基本公共服务指标", lang="zh")))
        for obs in observations:
            slug = obs.indicator.rsplit("/", 1)[1]
            node = ID[f"observation/{code}/{slug}/{obs.year}"]
            graph.add((node, RDF.type, BPSS.IndicatorObservation))
            graph.add((node, RDF.type, URIRef("http://purl.org/linked-data/cube#Observation")))
            graph.add((node, URIRef("http://purl.org/linked-data/cube#dataSet"), dataset))
            graph.add((node, BPSS.refArea, place))
            graph.add((node, BPSS.refYear, Literal(obs.year, datatype=XSD.gYear)))
            graph.add((node, BPSS.indicator, URIRef(obs.indicator)))
            graph.add((node, BPSS.observedValue, Literal(obs.value, datatype=XSD.decimal)))
    return graph


def concept_label_pair(slug: str) -> list[Literal]:
    labels = {"baseline-indicator": ("基准指标标准子体系", "baseline-indicator sub-system"),
              "service-implementation": ("服务实施标准子体系", "service-implementation sub-system"),
              "monitoring-improvement": ("监测改进标准子体系", "monitoring-improvement sub-system")}
    zh, en = labels[slug]
    return [Literal(zh, lang="zh"), Literal(en, lang="en")]


def issuer_iri(code: str, name: str) -> URIRef:
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return ID[f"org/{code}/issuer-{digest}"]
