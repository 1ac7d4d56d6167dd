"""A deterministic synthetic national dataset, for tests and benchmarks.

``generate(counties=N, seed=S, out=FILE)`` writes N county standard systems on the real county
codes and names of the MCA 2024 table (all 2,846 at N ≥ 2,846), in the shape of the sample
counties, plus the ontology and the national layer, as N-Quads or TriG. Faults of every kind in
docs/faults.md are injected at a known rate and listed, with their focus nodes, in a manifest
(``FILE.manifest.json``). Everything generated is flagged ``bpss:isSynthetic true`` with
``dcterms:source <…/source/synthetic>``; invented titles say 合成. Each county also gets the
monitoring records of issue 19: a 2024 effect assessment and satisfaction survey (period,
method, sample size, respondent groups, scores for items 02, 06 and 10), a monitoring warning
where an observation lies below its national baseline (the ``below-baseline`` fault: indicator,
threshold, value, date), and one improvement action (整改) asked for by that warning or else by
the assessment, open or closed; these records are complete, so they add no findings (the
monitoring fault kinds are planted in the sample, data/sample/FAULTS-monitoring.md).

Quads are streamed line by line (never one big in-memory graph), in a stable order: the same
(N, seed) gives byte-identical output.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import BadInput, Location
from .loading import ontology_sources
from .namespaces import BPSS, GRAPH, ID, NATIONAL_GRAPH, SYNTHETIC_SOURCE, membership
from .national_list import ITEM_COUNT, build_divisions, build_national_list

FAULT_KINDS = (
    "missing-subsystem", "standard-kind", "empty-subsystem", "no-declared-items",
    "uncovered-item", "local-addition", "below-baseline", "local-number", "dangling-reference",
    "missing-issue-date", "review-overdue", "superseded-no-replacement", "cites-withdrawn",
    "proposal-incomplete", "drafting-incomplete", "division-code", "date-range",
    "missing-label-zh",
)
ADOPTED_43507_KINDS = ("basic-general", "assessment-evaluation", "service-improvement")
"""Kinds a county may give the adopted GB/T 43507—2023 in its system (synthetic)."""
FAULT_RATE = 0.02
"""Share of counties that receive each fault kind (each faulty county gets exactly one)."""

KINDS = {
    "basic-general": ("baseline-indicator", "基础通用"),
    "service-item": ("baseline-indicator", "服务项目"),
    "service-indicator": ("baseline-indicator", "服务指标"),
    "service-provision": ("service-implementation", "服务提供"),
    "service-guarantee": ("service-implementation", "服务保障"),
    "service-coordination": ("service-implementation", "服务协同"),
    "digital-support": ("service-implementation", "数字支撑"),
    "monitoring-warning": ("monitoring-improvement", "监测预警"),
    "assessment-evaluation": ("monitoring-improvement", "评估评价"),
    "service-improvement": ("monitoring-improvement", "服务改进"),
}
SUBSYSTEMS = ("baseline-indicator", "service-implementation", "monitoring-improvement")
NAMED_ITEMS = tuple(range(1, 15))
INDICATORS = (  # slug, zh, en, unit, baseline, direction, item
    ("child-vaccination-rate", "适龄儿童国家免疫规划疫苗接种率",
     "Vaccination rate of eligible children", "%", 90.0, "at-least", 10),
    ("maternal-management-rate", "孕产妇系统管理率", "Systematic management rate of pregnant women",
     "%", 85.0, "at-least", 2),
    ("elderly-health-management-rate", "65岁及以上老年人健康管理率",
     "Health management rate of people aged 65+", "%", 65.0, "at-least", 13),
    ("health-literacy-rate", "居民健康素养水平", "Residents' health literacy level", "%", 25.0,
     "at-least", 6),
    ("housing-renovation-approval-days", "农村危房改造审批办理时限",
     "Approval time of rural dangerous-housing renovation", "天", 30.0, "at-most", 8),
)
YEARS = ("2022", "2023", "2024")
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
ORG = "http://www.w3.org/ns/org#"


@dataclass(frozen=True)
class InjectedFault:
    fault: str
    county: str
    focus: str


@dataclass
class Manifest:
    seed: int
    counties: int
    fault_rate: float
    quads: int = 0
    county_codes: list[str] = field(default_factory=list)
    faults: list[InjectedFault] = field(default_factory=list)

    def to_json(self) -> str:
        data = asdict(self)
        data["faults_per_kind"] = {k: sum(1 for f in self.faults if f.fault == k)
                                   for k in FAULT_KINDS}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


def default_divisions_csv() -> Path:
    return resources.data_dir() / "divisions-mca2024.csv"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _b(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def _date(value: str) -> ox.Literal:
    return _typed(value, "date")


TRUE = _typed("true", "boolean")


class _CountyWriter:
    """Quads of one generated county, with the faults it was given."""

    def __init__(self, row: dict[str, str], partner: str, rng: random.Random,
                 fault: str | None, number_base: int) -> None:
        self.row, self.partner, self.rng, self.fault = row, partner, rng, fault
        self.code = row["code"]
        self.graph = _b(GRAPH[f"county/{self.code}"])
        self.number = number_base
        self.quads: list[ox.Quad] = []
        self.focus: str | None = None

    def add(self, s: ox.NamedNode, p: object, o: object) -> None:
        self.quads.append(ox.Quad(s, p if isinstance(p, ox.NamedNode) else _b(p), o, self.graph))

    def thing(self, iri: object, *types: object) -> ox.NamedNode:
        node = _b(iri)
        for t in types:
            self.add(node, RDF_TYPE, _b(t))
        self.add(node, BPSS.isSynthetic, TRUE)
        self.add(node, DCT + "source", _b(SYNTHETIC_SOURCE))
        return node

    def labels(self, node: ox.NamedNode, zh: str | None, en: str) -> None:
        if zh is not None:
            self.add(node, RDFS_LABEL, _zh(zh))
        self.add(node, RDFS_LABEL, _en(en))

    def mark(self, focus: ox.NamedNode) -> None:
        self.focus = focus.value

    def member(self, std: ox.NamedNode, system: ox.NamedNode, sub: ox.NamedNode, kind: str,
               position: str | None, adoption: object = BPSS.OwnStandard,
               since: str | None = None) -> ox.NamedNode:
        """The standard's entry in the county's table (GB/T 13016 明细表 row), holding kind,
        sub-system and system number, and the materialised ``bpss:inSystem`` shortcut."""
        row = self.thing(membership(self.code, std.value), BPSS.SystemMembership)
        self.add(row, BPSS.memberOf, system)
        self.add(row, BPSS.memberStandard, std)
        self.add(std, BPSS.inSystem, system)
        self.add(row, BPSS.inSubSystem, sub)
        self.add(row, BPSS.standardKind, _b(ID[f"concept/standard-kind/{kind}"]))
        if position is not None:
            self.add(row, BPSS.systemNumber, _typed(position, "string"))
        self.add(row, BPSS.adoption, _b(adoption))
        if since is not None:
            self.add(row, BPSS.memberSince, _date(since))
        return row

    def _monitoring_records(self, code: str, name: str, acts: dict[str, ox.NamedNode],
                            low: tuple[str, float, float, str] | None) -> None:
        """What the 2024 assessment and survey scored and found, the warning raised by an
        observation below its baseline, and the improvement action (整改) asked for; all
        synthetic, drawn from a generator of the county's own (the rest of the data does not
        move when these change)."""
        rng = random.Random(f"monitoring-{code}")
        self.add(acts["assessment"], BPSS.finding, _zh("部分服务记录不完整（合成）"))
        for group in ("老年人", "学生家长"):
            self.add(acts["satisfaction-survey"], BPSS.respondentGroup, _zh(group))
        for slug, act in acts.items():
            for number in (2, 6, 10):  # items with indicators in this data
                score = self.thing(ID[f"process/{code}/{slug}/2024/score-{number:02d}"],
                                   BPSS.AssessmentScore)
                self.add(score, BPSS.scoreOf, act)
                self.add(score, BPSS.scoredItem, _b(ID[f"list/national-2023/item/{number:02d}"]))
                self.add(score, BPSS.scoreValue, _typed(f"{rng.uniform(70, 98):.1f}", "decimal"))
                self.add(score, BPSS.scoreScale, _typed("100", "decimal"))
        asked_by = acts["assessment"]
        if low is not None:
            slug, baseline, value, year = low
            warning = self.thing(ID[f"process/{code}/monitoring-warning/{year}"],
                                 BPSS.MonitoringWarning)
            self.labels(warning, f"{name}{year}年指标预警（合成）",
                        f"{name} indicator warning {year} (synthetic)")
            self.add(warning, BPSS.warningIndicator, _b(ID[f"indicator/{slug}"]))
            self.add(warning, BPSS.threshold, _typed(f"{baseline:.1f}", "decimal"))
            self.add(warning, BPSS.warningValue, _typed(f"{value:.1f}", "decimal"))
            self.add(warning, BPSS.raisedOn, _date(f"{year}-12-15"))
            asked_by = warning
        action = self.thing(ID[f"process/{code}/improvement/2025-1"], BPSS.ImprovementAction)
        self.labels(action, f"{name}整改措施（合成）", f"{name} improvement action (synthetic)")
        self.add(action, BPSS.requiredBy, asked_by)
        self.add(action, BPSS.actionText, _zh("补齐服务记录并按季度复核（合成）"))
        self.add(action, BPSS.actionText, _en("Complete the service records and review them "
                                              "quarterly (synthetic)"))
        self.add(action, BPSS.dueDate, _date("2025-06-30"))
        if rng.random() < 0.5:
            self.add(action, BPSS.actionStatus, _action_status("closed"))
            self.add(action, BPSS.closedOn, _date("2025-05-20"))
        else:
            self.add(action, BPSS.actionStatus, _action_status("open"))

    def build(self) -> list[ox.Quad]:
        code, name, fault, rng = self.code, self.row["name"], self.fault, self.rng
        county = _b(ID[f"place/{code}"])
        province = self.row["province_code"][:2]
        # organisations
        orgs = {}
        for slug, zh, en, cls in (
                ("government", "人民政府", "People's Government", BPSS.Government),
                ("finance-bureau", "财政局", "Finance Bureau", BPSS.FinanceDepartment),
                ("health-bureau", "卫生健康局", "Health Bureau", BPSS.IndustryAuthority),
                ("education-bureau", "教育局", "Education Bureau", BPSS.IndustryAuthority),
                ("market-regulator", "市场监督管理局", "Market Regulation Bureau",
                 BPSS.StandardizationBody),
                ("service-centre", "社区综合服务中心", "community service centre",
                 BPSS.GrassrootsInstitution)):
            org = self.thing(ID[f"org/{code}/{slug}"], cls, ORG + "Organization")
            if fault == "missing-label-zh" and slug == "service-centre":
                self.labels(org, None, f"{name} {en} (synthetic)")
                self.mark(org)
            else:
                self.labels(org, f"{name}{zh}（合成）", f"{name} {en} (synthetic)")
            self.add(org, BPSS.jurisdiction, county)
            if slug != "government":
                self.add(org, ORG + "subOrganizationOf", _b(ID[f"org/{code}/government"]))
            orgs[slug] = org
        # system and sub-systems
        system = self.thing(ID[f"system/county/{code}"], BPSS.CountyStandardSystem)
        self.labels(system, f"{name}基本公共服务标准体系（合成）",
                    f"{name} basic public service standard system (synthetic)")
        self.add(system, BPSS.systemLayer, _b(ID["concept/system-layer/county"]))
        self.add(system, BPSS.forDivision, county)
        self.add(system, BPSS.ownedBy, orgs["government"])
        subs = {}
        for slug in SUBSYSTEMS:
            if fault == "missing-subsystem" and slug == "monitoring-improvement":
                self.mark(system)
                continue
            sub = self.thing(ID[f"system/county/{code}/{slug}"], BPSS.SubSystem)
            self.labels(sub, f"{name}{slug}子体系（合成）", f"{name} {slug} sub-system (synthetic)")
            self.add(sub, BPSS.subSystemType, _b(ID[f"concept/standard-kind/{slug}"]))
            self.add(system, BPSS.hasSubSystem, sub)
            subs[slug] = sub
        if fault == "no-declared-items":
            self.mark(system)
        else:
            for n in range(1, ITEM_COUNT + 1):
                self.add(system, BPSS.declaresItem, _b(ID[f"list/national-2023/item/{n:02d}"]))
        # standards: every kind at least twice, more at random
        extra = rng.choices(list(KINDS), k=rng.randint(4, 14))
        kinds = [k for k in KINDS for _ in range(2)] + extra
        kinds = [k for k in kinds if KINDS[k][0] in subs]
        standards: list[tuple[ox.NamedNode, str, str]] = []
        rows: dict[str, ox.NamedNode] = {}
        uncovered = 12 if fault == "uncovered-item" else None
        for index, kind in enumerate(sorted(kinds, key=list(KINDS).index), start=1):
            sub_slug, kind_zh = KINDS[kind]
            year = rng.choice((2022, 2023, 2024, 2025))
            planned = fault == "empty-subsystem" and sub_slug == "monitoring-improvement"
            number = f"DB{province}/T {self.number}—{year}"
            iri = (ID[f"standard/county/{code}/S-{index:03d}"] if planned
                   else ID[f"standard/DB{province}-T-{self.number}-{year}"])
            self.number += 1
            std = self.thing(iri, BPSS.Standard)
            title = f"{name}{kind_zh}标准第{index}号（合成）"
            self.add(std, DCT + "title", _zh(title))
            self.add(std, DCT + "title", _en(f"{name} {kind} standard no. {index} (synthetic)"))
            self.add(std, RDFS_LABEL, _zh(title))
            self.add(std, BPSS.level, _b(ID["concept/standard-level/local"]))
            position = f"{sub_slug[:2].upper()}-{index:03d}"
            rows[std.value] = self.member(std, system, subs[sub_slug], kind, position,
                                          since=None if planned else f"{year}-04-15")
            self.add(std, BPSS.issuedBy, _b(ID[f"org/{province}0000/market-regulator"]))
            if planned:
                self.add(std, BPSS.status, _b(ID["concept/standard-status/planned"]))
            else:
                self.add(std, BPSS.standardNumber, _typed(number, "string"))
                self.add(std, BPSS.status, _b(ID["concept/standard-status/in-force"]))
                self.add(std, DCT + "issued", _date(f"{year}-03-15"))
                self.add(std, BPSS.implementationDate, _date(f"{year}-04-15"))
                self.add(std, BPSS.normativeReference, _b(ID["standard/GB-T-43507-2023"]))
            items = (list(range(1, ITEM_COUNT + 1)) if kind == "service-item"
                     else rng.sample(range(1, ITEM_COUNT + 1), rng.randint(0, 4)))
            if index <= len(NAMED_ITEMS):  # the named items are covered one by one
                items.append(NAMED_ITEMS[index - 1])
            for n in sorted(set(items)):
                if n != uncovered:
                    self.add(std, BPSS.implementsItem,
                             _b(ID[f"list/national-2023/item/{n:02d}"]))
            standards.append((std, kind, number))
        if fault == "uncovered-item":
            self.mark(system)
        if fault == "empty-subsystem":
            self.mark(subs["monitoring-improvement"])
        provision = next(s for s, k, _ in standards if k == "service-provision")
        guarantee = next(s for s, k, _ in standards if k == "service-guarantee")
        in_force = [s for s, k, _ in standards if KINDS[k][0] != "monitoring-improvement"]
        if fault == "standard-kind":
            second_kind = _b(ID["concept/standard-kind/service-provision"])
            self.add(rows[guarantee.value], BPSS.standardKind, second_kind)
            self.mark(rows[guarantee.value])
        elif fault == "local-number":
            target = in_force[2]
            self.quads = [q for q in self.quads if not (
                q.subject == target and q.predicate.value == str(BPSS.standardNumber))]
            self.add(target, BPSS.standardNumber, _typed(f"DB{province}/X {self.number}", "string"))
            self.mark(target)
        elif fault == "dangling-reference":
            self.add(provision, BPSS.normativeReference,
                     _b(ID[f"standard/DB{province}-T-9999-2020"]))
            self.mark(provision)
        elif fault in ("missing-issue-date", "review-overdue"):
            target = in_force[3]
            self.quads = [q for q in self.quads if not (
                q.subject == target and q.predicate.value == DCT + "issued")]
            if fault == "review-overdue":
                self.add(target, DCT + "issued", _date("2019-03-15"))
            self.mark(target)
        # a superseded predecessor, and a withdrawn standard when the fault asks for one
        old = self.thing(ID[f"standard/DB{province}-T-{self.number}-2016"], BPSS.Standard)
        self.add(old, BPSS.standardNumber, _typed(f"DB{province}/T {self.number}—2016", "string"))
        self.number += 1
        self.add(old, DCT + "title", _zh(f"{name}服务提供标准旧版（合成）"))
        self.add(old, RDFS_LABEL, _zh(f"{name}服务提供标准旧版（合成）"))
        self.add(old, BPSS.level, _b(ID["concept/standard-level/local"]))
        self.add(old, BPSS.status, _b(ID["concept/standard-status/superseded"]))
        self.add(old, DCT + "issued", _date("2016-05-01"))
        self.member(old, system, subs["service-implementation"], "service-provision", None,
                    since="2016-06-01")
        if fault == "superseded-no-replacement":
            self.mark(old)
        else:
            self.add(old, BPSS.replacedBy, provision)
            self.add(provision, BPSS.supersedes, old)
        if fault == "cites-withdrawn":
            gone = self.thing(ID[f"standard/DB{province}-T-{self.number}-2015"], BPSS.Standard)
            self.add(gone, BPSS.standardNumber,
                     _typed(f"DB{province}/T {self.number}—2015", "string"))
            self.number += 1
            self.add(gone, DCT + "title", _zh(f"{name}已废止标准（合成）"))
            self.add(gone, RDFS_LABEL, _zh(f"{name}已废止标准（合成）"))
            self.add(gone, BPSS.level, _b(ID["concept/standard-level/local"]))
            self.add(gone, BPSS.status, _b(ID["concept/standard-status/withdrawn"]))
            self.add(gone, DCT + "issued", _date("2015-03-01"))
            self.member(gone, system, subs["service-implementation"], "service-guarantee", None,
                        since="2015-04-01")
            self.add(guarantee, BPSS.normativeReference, gone)
            self.mark(guarantee)
        # every county adopts GB/T 43507—2023 and places it its own way (kind and number differ
        # between counties; chosen from the code, so no random draw shifts the rest)
        kind_43507 = ADOPTED_43507_KINDS[int(code) % len(ADOPTED_43507_KINDS)]
        sub_43507 = KINDS[kind_43507][0]
        if sub_43507 not in subs or (fault == "empty-subsystem"
                                     and sub_43507 == "monitoring-improvement"):
            kind_43507, sub_43507 = "basic-general", "baseline-indicator"
        gbt = _b(ID["standard/GB-T-43507-2023"])
        self.member(gbt, system, subs[sub_43507], kind_43507,
                    f"{sub_43507[:2].upper()}-{len(standards) + 1:03d}", BPSS.AdoptedStandard,
                    "2024-03-01")
        for p, o in _gbt43507_facts():  # the county's table row describes it, as import writes
            self.add(gbt, p, o)
        # local list
        local_list = self.thing(ID[f"list/county/{code}"], BPSS.LocalServiceList)
        self.labels(local_list, f"{name}基本公共服务清单（合成）",
                    f"{name} local service list (synthetic)")
        self.add(local_list, BPSS.extendsList, _b(ID["list/national-2023"]))
        self.add(local_list, BPSS.forDivision, county)
        service_item_std = next(s for s, k, _ in standards if k == "service-item")
        for n in range(1, rng.randint(1, 2) + 1):
            local = self.thing(ID[f"list/county/{code}/item/{n}"], BPSS.LocalServiceItem)
            self.labels(local, f"{name}地方增补项目{n}（合成）",
                        f"{name} local item {n} (synthetic)")
            self.add(local, BPSS.inList, local_list)
            self.add(local, BPSS.isLocalAddition, TRUE)
            if fault == "local-addition" and n == 1:
                self.mark(local)
            else:
                self.add(local, BPSS.fiscalBasis, _zh("县级财政预算，经财政承受能力评估（合成）"))
            self.add(service_item_std, BPSS.implementsItem, local)
        # indicators
        dataset = self.thing(ID[f"dataset/indicators/{code}"], QB + "DataSet")
        self.labels(dataset, f"{name}基本公共服务指标（合成）", f"{name} indicators (synthetic)")
        self.add(dataset, QB + "structure", _b(BPSS.indicatorStructure))
        self.add(dataset, BPSS.forDivision, county)
        low_one = (rng.randrange(len(INDICATORS)), rng.randrange(len(YEARS)))
        low: tuple[str, float, float, str] | None = None  # the observation below its baseline
        for i, indicator in enumerate(INDICATORS):
            slug, baseline, direction = indicator[0], indicator[4], indicator[5]
            for y, year in enumerate(YEARS):
                margin = rng.uniform(0.5, 12.0)
                below = fault == "below-baseline" and (i, y) == low_one
                if direction == "at-least":
                    value = baseline - margin if below else baseline + margin
                else:
                    value = baseline + margin if below else max(1.0, baseline - margin)
                obs = self.thing(ID[f"observation/{code}/{slug}/{year}"],
                                 BPSS.IndicatorObservation, QB + "Observation")
                self.add(obs, QB + "dataSet", dataset)
                self.add(obs, BPSS.refArea, county)
                self.add(obs, BPSS.refYear, _typed(year, "gYear"))
                self.add(obs, BPSS.indicator, _b(ID[f"indicator/{slug}"]))
                self.add(obs, BPSS.observedValue, _typed(f"{value:.1f}", "decimal"))
                if below:
                    self.mark(obs)
                    low = (slug, baseline, value, year)
        # coordination agreement with a county of the same prefecture
        agreement = self.thing(ID[f"agreement/{code}/settlement-{self.partner}"],
                               BPSS.CoordinationAgreement)
        self.labels(agreement, f"{name}跨区域结算协同协议（合成）",
                    f"{name} cross-region settlement agreement (synthetic)")
        self.add(agreement, BPSS.party, county)
        self.add(agreement, BPSS.party, _b(ID[f"place/{self.partner}"]))
        self.add(agreement, BPSS.coordinatesItem, _b(ID["list/national-2023/item/03"]))
        self.add(agreement, BPSS.scope, _zh("跨区域直接结算（合成）"))
        start, end = ("2025-07-01", "2025-06-30") if fault == "date-range" else (
            "2024-01-01", "2026-12-31")
        self.add(agreement, BPSS.validFrom, _date(start))
        self.add(agreement, BPSS.validUntil, _date(end))
        if fault == "date-range":
            self.mark(agreement)
        if fault == "division-code":
            partner = _b(ID[f"place/{self.partner}"])
            self.add(partner, BPSS.divisionCode, _typed(self.partner + "1", "string"))
            self.mark(partner)
        # process records
        proposal = self.thing(ID[f"process/{code}/proposal/p1"], BPSS.StandardProposal)
        self.labels(proposal, f"{name}标准立项（合成）", f"{name} standard proposal (synthetic)")
        self.add(proposal, BPSS.forStandard, provision)
        self.add(proposal, BPSS.proposedBy, orgs["health-bureau"])
        self.add(proposal, BPSS.targetsItem, _b(ID["list/national-2023/item/10"]))
        if fault == "proposal-incomplete":
            self.mark(proposal)
        else:
            measure = self.thing(ID[f"process/{code}/proposal/p1/measure"], BPSS.SupportingMeasure)
            self.labels(measure, "配套保障措施（合成）", "supporting measure (synthetic)")
            self.add(proposal, BPSS.hasSupportingMeasure, measure)
        drafting = self.thing(ID[f"process/{code}/drafting/d1"], BPSS.StandardDrafting)
        self.labels(drafting, f"{name}标准研制（合成）", f"{name} standard drafting (synthetic)")
        self.add(drafting, BPSS.forStandard, provision)
        self.add(drafting, BPSS.followsProcedure, _zh("地方标准制定程序"))
        for slug, cls, prop in (("survey", BPSS.DemandSurvey, BPSS.hasDemandSurvey),
                                ("cost", BPSS.FiscalCostEstimate, BPSS.hasFiscalCostEstimate),
                                ("finance", BPSS.FinanceConsultation,
                                 BPSS.hasFinanceConsultation)):
            part = self.thing(ID[f"process/{code}/drafting/d1/{slug}"], cls)
            self.labels(part, f"研制材料 {slug}（合成）", f"drafting evidence {slug} (synthetic)")
            self.add(drafting, prop, part)
            if slug == "cost":
                self.add(part, BPSS.amount, _typed(str(rng.randrange(200_000, 5_000_000)),
                                                   "decimal"))
            if slug == "finance":
                self.add(part, BPSS.consultedDepartment, orgs["finance-bureau"])
                result = "pending" if fault == "drafting-incomplete" else "agreed"
                self.add(part, BPSS.consultationResult,
                         _b(ID[f"concept/consultation-result/{result}"]))
        if fault == "drafting-incomplete":
            self.mark(drafting)
        acts = {}
        for slug, cls in (("assessment", BPSS.EffectAssessment),
                          ("satisfaction-survey", BPSS.SatisfactionSurvey)):
            act = acts[slug] = self.thing(ID[f"process/{code}/{slug}/2024"], cls)
            self.labels(act, f"{name}{slug}（合成）", f"{name} {slug} (synthetic)")
            self.add(act, BPSS.evaluates, system)
            self.add(act, BPSS.performedBy, orgs["government"])
            self.add(act, DCT + "date", _date("2024-11-30"))
            # what shapes/monitoring.ttl asks of such a record (issue 19)
            self.add(act, BPSS.periodStart, _date("2024-01-01"))
            self.add(act, BPSS.periodEnd, _date("2024-10-31"))
            survey = cls == BPSS.SatisfactionSurvey
            method = "问卷调查（合成）" if survey else "自评与实地核查（合成）"
            self.add(act, BPSS.method, _zh(method))
            if survey:
                self.add(act, BPSS.sampleSize, _typed(str(300 + int(code) % 700), "integer"))
        self._monitoring_records(code, name, acts, low)
        # responsibility, targets and implementation (issue 17 points 2-4), all synthetic
        duty = self.thing(ID[f"responsibility/{code}/10"], BPSS.ResponsibilityAssignment)
        self.labels(duty, f"{name}第10项服务责任分工（合成）",
                    f"{name} responsibility for item 10 (synthetic)")
        self.add(duty, BPSS.responsibleFor, _b(ID["list/national-2023/item/10"]))
        self.add(duty, BPSS.responsibleBody, orgs["health-bureau"])
        self.add(duty, BPSS.responsibilityArea, county)
        self.add(duty, BPSS.expenditureShare, _zh("县级按规定承担相应支出责任（合成）"))
        for indicator in INDICATORS:
            slug, baseline, direction = indicator[0], indicator[4], indicator[5]
            goal = baseline + 2.0 if direction == "at-least" else max(1.0, baseline - 2.0)
            target = self.thing(ID[f"target/{code}/{slug}/2025"], BPSS.IndicatorTarget)
            self.labels(target, f"{name}{indicator[1]}2025年目标（合成）",
                        f"{name} {slug} target 2025 (synthetic)")
            self.add(target, BPSS.targetIndicator, _b(ID[f"indicator/{slug}"]))
            self.add(target, BPSS.targetValue, _typed(f"{goal:.1f}", "decimal"))
            self.add(target, BPSS.refArea, county)
            self.add(target, BPSS.refYear, _typed("2025", "gYear"))
        implementation = self.thing(ID[f"process/{code}/implementation/i1"], BPSS.Implementation)
        self.labels(implementation, f"{name}标准实施（合成）",
                    f"{name} standard implementation (synthetic)")
        self.add(implementation, BPSS.implementedStandard, provision)
        self.add(implementation, BPSS.implementationArea, county)
        self.add(implementation, BPSS.implementingInstitution, orgs["service-centre"])
        self.add(implementation, BPSS.implementationTier,
                 _b(ID["concept/system-layer/institution"]))
        self.add(implementation, BPSS.publicationChannel, _zh("政府网站"))
        self.add(implementation, BPSS.onNationalPlatform, TRUE)
        return self.quads


def _action_status(slug: str) -> ox.NamedNode:
    return _b(ID[f"concept/action-status/{slug}"])


def _read_divisions(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        raise BadInput("no such divisions table", Location(file=str(path))) from None


def _pick(rows: list[dict[str, str]], n: int, rng: random.Random) -> list[dict[str, str]]:
    """N counties spread over the provinces, in code order (all of them when N ≥ the table)."""
    if n >= len(rows):
        return rows
    by_province: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_province[row["province_code"]].append(row)
    for group in by_province.values():
        rng.shuffle(group)
    chosen: list[dict[str, str]] = []
    while len(chosen) < n:
        for code in sorted(by_province):
            if by_province[code] and len(chosen) < n:
                chosen.append(by_province[code].pop())
    return sorted(chosen, key=lambda r: r["code"])


def _partner(row: dict[str, str], rows: list[dict[str, str]]) -> str:
    """A county of the same prefecture (or province), for the coordination agreement."""
    key = row["prefecture_code"] or row["province_code"]
    same = [r["code"] for r in rows if (r["prefecture_code"] or r["province_code"]) == key
            and r["code"] != row["code"]]
    return same[0] if same else row["code"]


def _national_quads() -> Iterator[ox.Quad]:
    """Ontology, national list, divisions, and the generated indicators and regulators."""
    blank: dict[str, ox.BlankNode] = {}

    def stable(term: object) -> object:
        # Parsers name blank nodes at random; renumber them so the output is reproducible.
        if isinstance(term, ox.BlankNode):
            return blank.setdefault(term.value, ox.BlankNode(f"o{len(blank)}"))
        return term

    for source in ontology_sources():
        for quad in ox.parse(path=str(source.path), format=source.format):
            yield ox.Quad(stable(quad.subject), quad.predicate, stable(quad.object),
                          _b(GRAPH["ontology"]))
    national = _b(NATIONAL_GRAPH)
    data = resources.data_dir()
    for graph in (build_national_list(data / "national-list-2023.csv"),
                  build_divisions(default_divisions_csv())):
        # rdflib serializes in hash order (it changes from run to run): sort the lines
        lines = sorted(graph.serialize(format="nt", encoding="utf-8").splitlines())
        for line in ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(stable(line.subject), line.predicate, stable(line.object), national)
    std = _b(ID["standard/GB-T-43507-2023"])
    for p, o in _gbt43507_facts():
        yield ox.Quad(std, p, o, national)
    for slug, zh, en, unit, baseline, direction, item in INDICATORS:
        ind = _b(ID[f"indicator/{slug}"])
        for p, o in ((RDF_TYPE, _b(BPSS.Indicator)), (RDFS_LABEL, _zh(zh)), (RDFS_LABEL, _en(en)),
                     (_b(BPSS.unit), ox.Literal(unit)),
                     (_b(BPSS.nationalBaseline), _typed(f"{baseline:.1f}", "decimal")),
                     (_b(BPSS.baselineDirection),
                      _b(ID[f"concept/baseline-direction/{direction}"])),
                     (_b(BPSS.forItem), _b(ID[f"list/national-2023/item/{item:02d}"])),
                     (_b(BPSS.isPlaceholder), TRUE), (_b(BPSS.isSynthetic), TRUE),
                     (_n(DCT + "source"), _b(SYNTHETIC_SOURCE))):
            yield ox.Quad(ind, p, o, national)
        # the 2023 edition's baseline as a dated NationalBaseline (issue 17 point 3)
        dated = _b(ID[f"baseline/{slug}/2023"])
        for p, o in ((RDF_TYPE, _b(BPSS.NationalBaseline)),
                     (RDFS_LABEL, _zh(f"{zh}国家基准（2023年起，合成）")),
                     (_b(BPSS.baselineFor), ind),
                     (_b(BPSS.baselineValue), _typed(f"{baseline:.1f}", "decimal")),
                     (_b(BPSS.baselineEdition), _b(ID["list/national-2023"])),
                     (_b(BPSS.validFromYear), _typed("2023", "gYear")),
                     (_b(BPSS.isSynthetic), TRUE), (_n(DCT + "source"), _b(SYNTHETIC_SOURCE))):
            yield ox.Quad(dated, p, o, national)


def _gbt43507_facts() -> list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]]:
    """The real facts of GB/T 43507—2023 (national graph, and each adopting county's row)."""
    zh = "县域基本公共服务标准体系建设指南"
    return [(RDF_TYPE, _b(BPSS.Standard)), (_b(BPSS.standardNumber), ox.Literal("GB/T 43507—2023")),
            (_n(DCT + "title"), _zh(zh)), (RDFS_LABEL, _zh(zh)),
            (_b(BPSS.status), _b(ID["concept/standard-status/in-force"])),
            (_b(BPSS.level), _b(ID["concept/standard-level/national-recommended"])),
            (_n(DCT + "issued"), _date("2023-12-28")),
            (_n(DCT + "source"), _b(ID["source/gbt43507-2023"]))]


def _regulator_quads(provinces: list[tuple[str, str]]) -> Iterator[ox.Quad]:
    national = _b(NATIONAL_GRAPH)
    for code, name in provinces:
        reg = _b(ID[f"org/{code}0000/market-regulator"])
        for p, o in ((RDF_TYPE, _b(BPSS.StandardizationBody)), (RDF_TYPE, _n(ORG + "Organization")),
                     (RDFS_LABEL, _zh(f"{name}市场监督管理局")),
                     (_b(BPSS.jurisdiction), _b(ID[f"place/{code}0000"])),
                     (_b(BPSS.isSynthetic), TRUE), (_n(DCT + "source"), _b(SYNTHETIC_SOURCE))):
            yield ox.Quad(reg, p, o, national)


def generate(counties: int, seed: int, out: Path, divisions_csv: Path | None = None) -> Manifest:
    """Write the dataset to ``out`` (``.nq`` or ``.trig``) and its manifest; return the manifest."""
    out = Path(out)
    formats = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
    if out.suffix.lower() not in formats:
        raise BadInput(f"output must end in .nq or .trig, got {out.name!r}")
    if counties < 1:
        raise BadInput("--counties must be at least 1")
    rows = _read_divisions(divisions_csv or default_divisions_csv())
    rng = random.Random(seed)
    chosen = _pick(rows, counties, rng)
    per_kind = max(1, round(FAULT_RATE * len(chosen)))
    order = list(range(len(chosen)))
    rng.shuffle(order)
    assigned: dict[int, str] = {}
    slots = iter(order)
    for kind in FAULT_KINDS:
        for _ in range(per_kind):
            index = next(slots, None)
            if index is not None:
                assigned[index] = kind
    manifest = Manifest(seed=seed, counties=len(chosen), fault_rate=FAULT_RATE,
                        county_codes=[r["code"] for r in chosen])
    provinces = sorted({(r["province_code"][:2], r["province"]) for r in chosen})

    def quads() -> Iterator[ox.Quad]:
        yield from _national_quads()
        yield from _regulator_quads(provinces)
        base: dict[str, int] = defaultdict(lambda: 5000)
        for index, row in enumerate(chosen):
            county_rng = random.Random(f"{seed}:{row['code']}")
            province = row["province_code"][:2]
            writer = _CountyWriter(row, _partner(row, rows), county_rng, assigned.get(index),
                                   base[province])
            yield from writer.build()
            base[province] = writer.number + 1
            if writer.fault:
                manifest.faults.append(InjectedFault(writer.fault, row["code"], writer.focus or ""))

    counted = 0

    def counting() -> Iterator[ox.Quad]:
        nonlocal counted
        for quad in quads():
            counted += 1
            yield quad

    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb") as handle:
        ox.serialize(counting(), handle, formats[out.suffix.lower()])
    tmp.replace(out)
    manifest.quads = counted
    Path(str(out) + ".manifest.json").write_text(manifest.to_json() + "\n", encoding="utf-8")
    return manifest
