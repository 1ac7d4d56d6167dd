"""Build the bundled sample data: data/sample/*.trig and data/sample/FAULTS.md.

The five sample counties are real places (GB/T 2260 codes, MCA 2024). Their standard systems,
standards, numbers, organisations' records, indicator values and baselines are SYNTHETIC: made up
here to demonstrate and test bpss-kg, flagged ``bpss:isSynthetic true`` with
``dcterms:source <…/source/synthetic>``. The one real county document is DJG330424/T 56—2021 of
海盐县 (shared/reference/county-examples.md). Faults are planted on purpose (see ``FAULTS``) so
the validator has something real to find; everything else is meant to be clean as of 2026-06-30.

Run: python scripts/build_sample_data.py   (rewrites the files; the output is deterministic)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, XSD

from bpss_kg.namespaces import (
    BPSS,
    GRAPH,
    ID,
    NATIONAL_GRAPH,
    PREFIXES,
    SYNTHETIC_SOURCE,
    membership,
)

OUT = Path(__file__).resolve().parents[1] / "data" / "sample"
QB = URIRef("http://purl.org/linked-data/cube#")
QB_OBS = URIRef(str(QB) + "Observation")
QB_DATASET = URIRef(str(QB) + "dataSet")
QB_DS = URIRef(str(QB) + "DataSet")
QB_STRUCTURE = URIRef(str(QB) + "structure")


def item(n: int) -> URIRef:
    return ID[f"list/national-2023/item/{n:02d}"]


def kind(slug: str) -> URIRef:
    return ID[f"concept/standard-kind/{slug}"]


def status(slug: str) -> URIRef:
    return ID[f"concept/standard-status/{slug}"]


def level(slug: str) -> URIRef:
    return ID[f"concept/standard-level/{slug}"]


def d(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


SUBSYSTEM_OF = {
    "basic-general": "baseline-indicator", "service-item": "baseline-indicator",
    "service-indicator": "baseline-indicator", "service-provision": "service-implementation",
    "service-guarantee": "service-implementation", "service-coordination": "service-implementation",
    "digital-support": "service-implementation", "monitoring-warning": "monitoring-improvement",
    "assessment-evaluation": "monitoring-improvement", "service-improvement": "monitoring-improvement",
}
SAMPLE_SIZES = {"370502": 1200, "370503": 800, "440104": 2000, "330424": 1500}  # 370214: planted survey-sample
NAMED_ITEMS = range(1, 15)  # positions of the 14 items our sources name
GBT_43507 = ID["standard/GB-T-43507-2023"]
# Counties whose systems adopt GB/T 43507—2023, each placing it differently (synthetic):
# county → (kind, sub-system, system number, member since).
ADOPTS_43507 = {
    "370502": ("basic-general", "baseline-indicator", "BA-15", "2024-03-01"),
    "370214": ("assessment-evaluation", "monitoring-improvement", "MO-15", "2024-06-01"),
}

# (kinds, title zh stem, title en stem, items implemented)
TOPICS = [
    (["basic-general"], "基本公共服务术语与分类", "Basic public services: terms and classification", []),
    (["service-item"], "基本公共服务项目清单", "List of basic public service items", list(NAMED_ITEMS)),
    (["service-indicator"], "基本公共服务指标体系", "Indicator system of basic public services", [2, 6, 10, 13]),
    (["service-provision"], "预防接种服务规范", "Vaccination service specification", [10]),
    (["service-provision"], "孕产妇健康服务规范", "Maternal health service specification", [1, 2]),
    (["service-provision"], "老年人健康管理服务规范", "Elderly health management service specification", [13, 14]),
    (["service-provision"], "农村义务教育学生营养膳食补助实施规范", "Rural compulsory-education nutrition subsidy specification", [4, 5]),
    (["service-guarantee"], "基层公共服务设施配置规范", "Grassroots public service facilities specification", [11, 12]),
    (["service-guarantee"], "特殊群体集中供养机构管理规范", "Management of centralised care institutions for special groups", [7, 8, 9]),
    (["service-coordination"], "跨区域生育保险结算协同规范", "Cross-region maternity insurance settlement coordination", [3]),
    (["digital-support"], "基本公共服务数据共享规范", "Basic public service data sharing specification", []),
    (["monitoring-warning"], "基本公共服务监测预警规范", "Monitoring and early warning of basic public services", []),
    (["assessment-evaluation"], "基本公共服务满意度评价规范", "Satisfaction evaluation of basic public services", []),
    (["service-improvement"], "基本公共服务投诉处理与改进规范", "Complaint handling and improvement of basic public services", []),
]

INDICATORS = [
    # slug, zh, en, unit, baseline, direction, item
    ("child-vaccination-rate", "适龄儿童国家免疫规划疫苗接种率", "Vaccination rate of eligible children", "%", "90", "at-least", 10),
    ("maternal-management-rate", "孕产妇系统管理率", "Systematic management rate of pregnant women", "%", "85", "at-least", 2),
    ("elderly-health-management-rate", "65岁及以上老年人健康管理率", "Health management rate of people aged 65+", "%", "65", "at-least", 13),
    ("health-literacy-rate", "居民健康素养水平", "Residents' health literacy level", "%", "25", "at-least", 6),
    ("housing-renovation-approval-days", "农村危房改造审批办理时限", "Approval time of rural dangerous-housing renovation", "天", "30", "at-most", 8),
]


@dataclass
class County:
    code: str
    name: str
    prefecture: str
    province_code: str
    db_prefix: str
    first_number: int
    partner: str
    values: dict[str, tuple[str, str]]  # indicator → (2023, 2024)
    local_items: list[tuple[str, str, str | None]]  # zh, en, fiscal basis (None = missing)
    faults: set[str] = field(default_factory=set)


COUNTIES = [
    County("370502", "东营区", "东营市", "37", "DB37/T", 4601, "370503",
           {"child-vaccination-rate": ("91.5", "88.5"), "maternal-management-rate": ("88.0", "89.2"),
            "elderly-health-management-rate": ("68.1", "70.3"), "health-literacy-rate": ("27.4", "29.0"),
            "housing-renovation-approval-days": ("25", "22")},
           [("城区老年人助餐服务", "Meal assistance for urban elderly residents", "区财政预算安排，经财政承受能力评估")],
           {"below-baseline", "dangling-reference", "proposal-incomplete", "missing-label-zh"}),
    County("370503", "河口区", "东营市", "37", "DB37/T", 4621, "370502",
           {"child-vaccination-rate": ("95.0", "95.6"), "maternal-management-rate": ("86.3", "87.0"),
            "elderly-health-management-rate": ("66.0", "67.5"), "health-literacy-rate": ("25.5", "26.1"),
            "housing-renovation-approval-days": ("28", "26")},
           [("渔民家庭健康随访服务", "Health follow-up for fishing households", "区级财政专项，经财政承受能力评估")],
           {"missing-subsystem", "uncovered-item", "review-overdue", "date-range"}),
    County("370214", "城阳区", "青岛市", "37", "DB37/T", 4641, "370211",
           {"child-vaccination-rate": ("96.2", "96.8"), "maternal-management-rate": ("90.1", "91.0"),
            "elderly-health-management-rate": ("72.4", "73.0"), "health-literacy-rate": ("31.2", "32.5"),
            "housing-renovation-approval-days": ("20", "18")},
           [("社区嵌入式托育服务", "Community-embedded childcare", "区财政与社会资本合作，经财政承受能力评估"),
            ("民声诉求快速响应服务", "Rapid response to residents' requests", "区级财政预算")],
           {"standard-kind", "local-number", "cites-withdrawn", "superseded-no-replacement",
            "agreement-parties", "survey-sample"}),
    County("440104", "越秀区", "广州市", "44", "DB44/T", 2601, "440103",
           {"child-vaccination-rate": ("97.0", "97.4"), "maternal-management-rate": ("92.5", "93.1"),
            "elderly-health-management-rate": ("70.2", "71.8"), "health-literacy-rate": ("35.0", "36.2"),
            "housing-renovation-approval-days": ("15", "15")},
           [("历史街区长者友好改造服务", "Elder-friendly renovation in historic quarters", None)],
           {"empty-subsystem", "missing-issue-date", "local-addition", "drafting-incomplete",
            "evaluation-undocumented"}),
    County("330424", "海盐县", "嘉兴市", "33", "DB33/T", 3101, "330481",
           {"child-vaccination-rate": ("96.0", "96.3"), "maternal-management-rate": ("91.0", "91.4"),
            "elderly-health-management-rate": ("74.0", "75.1"), "health-literacy-rate": ("33.0", "34.4"),
            "housing-renovation-approval-days": ("28", "45")},
           [("城乡公交一体化出行服务", "Integrated urban–rural bus service", "县财政补贴，经财政承受能力评估")],
           {"no-declared-items", "division-code", "below-baseline", "process-order"}),
]
PARTNER_NAMES = {"370503": "河口区", "370502": "东营区", "370211": "黄岛区", "440103": "荔湾区",
                 "330481": "海宁市"}
PROVINCE_REGULATOR = {
    "37": ("山东省市场监督管理局", "Shandong Provincial Administration for Market Regulation",
           "gbt43507-2023"),
    "44": ("广东省市场监督管理局", "Guangdong Provincial Administration for Market Regulation", None),
    "33": ("浙江省市场监督管理局", "Zhejiang Provincial Administration for Market Regulation", None),
}


class Builder:
    """Adds triples to one named graph, marking every subject it creates as synthetic."""

    def __init__(self, dataset: Dataset, graph: URIRef) -> None:
        self.g = dataset.graph(graph)
        self.faults: list[tuple[str, URIRef, str]] = []

    def synthetic(self, subject: URIRef, *types: URIRef) -> URIRef:
        for t in types:
            self.g.add((subject, RDF.type, t))
        self.g.add((subject, BPSS.isSynthetic, Literal(True)))
        self.g.add((subject, DCTERMS.source, SYNTHETIC_SOURCE))
        return subject

    def label(self, subject: URIRef, zh: str | None, en: str | None,
              predicate: URIRef = RDFS.label) -> None:
        if zh:
            self.g.add((subject, predicate, Literal(zh, lang="zh")))
        if en:
            self.g.add((subject, predicate, Literal(en, lang="en")))

    def fault(self, kind_id: str, focus: URIRef, what: str) -> None:
        self.faults.append((kind_id, focus, what))


def build_county(ds: Dataset, c: County) -> Builder:
    b = Builder(ds, GRAPH[f"county/{c.code}"])
    g = b.g
    county = ID[f"place/{c.code}"]
    full = f"{c.prefecture}{c.name}"

    # organisations (names follow the usual naming of county bodies; the records are synthetic)
    def org(slug: str, zh: str, en: str, cls: URIRef) -> URIRef:
        iri = b.synthetic(ID[f"org/{c.code}/{slug}"], cls, ORG.Organization)
        b.label(iri, zh, en)
        g.add((iri, BPSS.jurisdiction, county))
        return iri

    gov = org("government", f"{full}人民政府", f"People's Government of {c.name} (sample)", BPSS.Government)
    g.add((gov, BPSS.governmentLevel, ID["concept/system-layer/county"]))
    finance = org("finance-bureau", f"{full}财政局", f"{c.name} Finance Bureau (sample)", BPSS.FinanceDepartment)
    health = org("health-bureau", f"{full}卫生健康局", f"{c.name} Health Bureau (sample)", BPSS.IndustryAuthority)
    education = org("education-bureau", f"{full}教育局", f"{c.name} Education Bureau (sample)", BPSS.IndustryAuthority)
    regulator = org("market-regulator", f"{full}市场监督管理局", f"{c.name} Market Regulation Bureau (sample)",
                    BPSS.StandardizationBody)
    for dept in (finance, health, education, regulator):
        g.add((dept, ORG.subOrganizationOf, gov))
    centre = b.synthetic(ID[f"org/{c.code}/service-centre"], BPSS.GrassrootsInstitution, ORG.Organization)
    g.add((centre, BPSS.jurisdiction, county))
    if "missing-label-zh" in c.faults:
        b.label(centre, None, f"{c.name} community service centre (sample)")
        b.fault("missing-label-zh", centre, "grassroots institution with an English label only")
    else:
        b.label(centre, f"{full}社区综合服务中心", f"{c.name} community service centre (sample)")

    # the standard system and its sub-systems
    system = b.synthetic(ID[f"system/county/{c.code}"], BPSS.CountyStandardSystem)
    b.label(system, f"{full}基本公共服务标准体系（合成示例）", f"{c.name} basic public service standard system (synthetic sample)")
    g.add((system, BPSS.systemLayer, ID["concept/system-layer/county"]))
    g.add((system, BPSS.forDivision, county))
    g.add((system, BPSS.ownedBy, gov))
    subsystems = {}
    for slug, zh, en in (("baseline-indicator", "基准指标", "baseline and indicator"),
                         ("service-implementation", "服务实施", "service implementation"),
                         ("monitoring-improvement", "监测改进", "monitoring and improvement")):
        if slug == "monitoring-improvement" and "missing-subsystem" in c.faults:
            b.fault("missing-subsystem", system, "no 监测改进 (monitoring-improvement) sub-system")
            continue
        sub = b.synthetic(ID[f"system/county/{c.code}/{slug}"], BPSS.SubSystem)
        b.label(sub, f"{c.name}{zh}标准子体系", f"{c.name} {en} sub-system")
        g.add((sub, BPSS.subSystemType, kind(slug)))
        g.add((system, BPSS.hasSubSystem, sub))
        subsystems[slug] = sub

    def member(std: URIRef, sub_slug: str | None, kinds: list[str], number: str | None,
               adoption: URIRef = BPSS.OwnStandard, since: str | None = None) -> URIRef:
        """The standard's entry in the county's table (GB/T 13016 明细表 row) and the
        materialised bpss:inSystem shortcut."""
        row = b.synthetic(membership(c.code, std), BPSS.SystemMembership)
        g.add((row, BPSS.memberOf, system))
        g.add((row, BPSS.memberStandard, std))
        g.add((std, BPSS.inSystem, system))
        if sub_slug:
            g.add((row, BPSS.inSubSystem, subsystems[sub_slug]))
        for k in kinds:
            g.add((row, BPSS.standardKind, kind(k)))
        if number:
            g.add((row, BPSS.systemNumber, Literal(number)))
        g.add((row, BPSS.adoption, adoption))
        if since:
            g.add((row, BPSS.memberSince, d(since)))
        return row

    if "no-declared-items" in c.faults:
        b.fault("no-declared-items", system, "the system declares no national items")
    else:
        for n in NAMED_ITEMS:
            g.add((system, BPSS.declaresItem, item(n)))

    # local standards
    number = c.first_number
    standards: list[URIRef] = []
    rows: list[URIRef] = []
    for index, (kinds, zh, en, items) in enumerate(TOPICS, start=1):
        sub_slug = SUBSYSTEM_OF[kinds[0]]
        if sub_slug not in subsystems and "missing-subsystem" in c.faults:
            continue
        items = list(items)
        if "uncovered-item" in c.faults:
            items = [i for i in items if i != 12]
        year = 2022 + index % 4
        if "review-overdue" in c.faults and index == 6:
            year = 2019  # planted: never reviewed since
        num = f"{c.db_prefix} {number}—{year}"
        number += 1
        std_status = "in-force"
        if "empty-subsystem" in c.faults and sub_slug == "monitoring-improvement":
            std_status = "draft" if index % 2 else "planned"
        std = b.synthetic(ID[f"standard/{c.db_prefix.replace('/', '-')}-{number - 1}-{year}"]
                          if std_status != "planned" else
                          ID[f"standard/county/{c.code}/{sub_slug[:2].upper()}-{index:02d}"],
                          BPSS.Standard)
        if std_status != "planned":
            g.add((std, BPSS.standardNumber, Literal(num)))
        b.label(std, f"{c.name}{zh}（合成示例）", f"{c.name}: {en} (synthetic sample)", DCTERMS.title)
        b.label(std, f"{c.name}{zh}（合成示例）", None)
        g.add((std, BPSS.level, level("local")))
        g.add((std, BPSS.status, status(std_status)))
        rows.append(member(std, sub_slug, kinds, f"{sub_slug[:2].upper()}-{index:02d}",
                           since=f"{year}-04-15" if std_status == "in-force" else None))
        for n in items:
            g.add((std, BPSS.implementsItem, item(n)))
        g.add((std, BPSS.servesPrinciple, ID["concept/principle/target-clarity"]))
        g.add((std, BPSS.issuedBy, ID[f"org/{c.province_code}0000/market-regulator"]))
        if std_status == "in-force":
            g.add((std, DCTERMS.issued, d(f"{year}-03-15")))
            g.add((std, BPSS.implementationDate, d(f"{year}-04-15")))
            g.add((std, BPSS.normativeReference, ID["standard/GB-T-43507-2023"]))
        standards.append(std)
    provision = standards[3]

    # planted faults on standards
    if "missing-issue-date" in c.faults:
        std = standards[4]
        g.remove((std, DCTERMS.issued, None))
        b.fault("missing-issue-date", std, "in-force standard without an issue date")
    if "review-overdue" in c.faults:
        std = standards[5]
        b.fault("review-overdue", std, "issued 2019-03-15 and never reviewed (over five years before 2026-06-30)")
    if "standard-kind" in c.faults:
        g.add((rows[7], BPSS.standardKind, kind("service-provision")))
        b.fault("standard-kind", rows[7], "the entry of the 服务保障 standard has two kinds: 服务保障 and 服务提供")
    if "local-number" in c.faults:
        std = standards[6]
        g.set((std, BPSS.standardNumber, Literal("DB32/T 4647—2025")))
        b.fault("local-number", std, "number DB32/T (Jiangsu) on a Shandong county's local standard")
    if "dangling-reference" in c.faults:
        g.add((provision, BPSS.normativeReference, ID["standard/DB37-T-9999-2020"]))
        b.fault("dangling-reference", provision, "cites DB37/T 9999—2020, described nowhere")
    old_year = 2016
    old = b.synthetic(ID[f"standard/{c.db_prefix.replace('/', '-')}-{c.first_number - 1}-{old_year}"], BPSS.Standard)
    g.add((old, BPSS.standardNumber, Literal(f"{c.db_prefix} {c.first_number - 1}—{old_year}")))
    b.label(old, f"{c.name}预防接种服务规范（旧版，合成示例）", f"{c.name}: vaccination service specification, old edition (synthetic sample)", DCTERMS.title)
    b.label(old, f"{c.name}预防接种服务规范（旧版，合成示例）", None)
    g.add((old, BPSS.level, level("local")))
    g.add((old, BPSS.status, status("superseded")))
    g.add((old, DCTERMS.issued, d(f"{old_year}-05-01")))
    member(old, "service-implementation", ["service-provision"], None, since=f"{old_year}-06-01")
    g.add((old, BPSS.issuedBy, ID[f"org/{c.province_code}0000/market-regulator"]))
    if "superseded-no-replacement" in c.faults:
        b.fault("superseded-no-replacement", old, "superseded standard naming no replacement")
    else:
        g.add((old, BPSS.replacedBy, provision))
        g.add((provision, BPSS.supersedes, old))
    if "cites-withdrawn" in c.faults:
        withdrawn = b.synthetic(ID[f"standard/{c.db_prefix.replace('/', '-')}-{c.first_number - 2}-2015"], BPSS.Standard)
        g.add((withdrawn, BPSS.standardNumber, Literal(f"{c.db_prefix} {c.first_number - 2}—2015")))
        b.label(withdrawn, f"{c.name}社区卫生服务站设置规范（已废止，合成示例）", "Community health station setup (withdrawn, synthetic sample)", DCTERMS.title)
        b.label(withdrawn, f"{c.name}社区卫生服务站设置规范（已废止，合成示例）", None)
        g.add((withdrawn, BPSS.level, level("local")))
        g.add((withdrawn, BPSS.status, status("withdrawn")))
        g.add((withdrawn, DCTERMS.issued, d("2015-03-01")))
        member(withdrawn, "service-implementation", ["service-guarantee"], None, since="2015-04-01")
        g.add((standards[8], BPSS.normativeReference, withdrawn))
        b.fault("cites-withdrawn", standards[8], f"cites the withdrawn {c.db_prefix} {c.first_number - 2}—2015")
    if c.code in ADOPTS_43507:  # an adopted national standard, placed by this county
        k, sub_slug, number_in_system, since = ADOPTS_43507[c.code]
        member(GBT_43507, sub_slug, [k], number_in_system, BPSS.AdoptedStandard, since)
        # the row of the county's table describes the adopted standard as a table import does
        # (its real facts, as in the national graph)
        for p, o in national_43507():
            g.add((GBT_43507, p, o))
    if "empty-subsystem" in c.faults:
        b.fault("empty-subsystem", subsystems["monitoring-improvement"], "only draft and planned standards")
    if "uncovered-item" in c.faults:
        b.fault("uncovered-item", system, "national item 12 (严重精神障碍患者健康管理) implemented by no standard, no justification")

    if c.code == "330424":  # the one real county document
        real = ID["standard/DJG330424-T-56-2021"]
        g.add((real, RDF.type, BPSS.Standard))
        g.add((real, BPSS.standardNumber, Literal("DJG330424/T 56—2021")))
        g.add((real, DCTERMS.title, Literal("县域基本公共服务均等化实现度评价指标体系", lang="zh")))
        g.add((real, DCTERMS.title, Literal("Evaluation index system of realization degree of equalization of basic public services at county level", lang="en")))
        g.add((real, RDFS.label, Literal("县域基本公共服务均等化实现度评价指标体系", lang="zh")))
        g.add((real, BPSS.level, level("county-spec")))
        g.add((real, BPSS.status, status("in-force")))
        g.add((real, DCTERMS.issued, d("2021-10-28")))
        g.add((real, BPSS.implementationDate, d("2021-11-15")))
        g.add((real, BPSS.issuedBy, regulator))
        real_row = member(real, "monitoring-improvement", ["assessment-evaluation"], None,
                          since="2021-11-15")
        g.add((real_row, RDFS.comment, Literal("归入评估评价类及纳入日期为本项目的合成分类。", lang="zh")))
        g.add((real_row, RDFS.comment, Literal("The classification as assessment-evaluation and the date are bpss-kg's (synthetic).", lang="en")))
        g.add((real, DCTERMS.source, ID["source/book118-djg330424"]))
        g.add((real, RDFS.comment, Literal("真实的县级地方标准规范；归入评估评价类为本项目的分类。", lang="zh")))
        g.add((real, RDFS.comment, Literal("A real county-level document; its classification as assessment-evaluation is bpss-kg's.", lang="en")))
        g.add((real, BPSS.isSynthetic, Literal(False)))
        if "division-code" in c.faults:
            partner = ID[f"place/{c.partner}"]
            g.add((partner, BPSS.divisionCode, Literal(c.partner + "1")))
            b.fault("division-code", partner, f"division code typed as {c.partner}1 (seven digits)")

    # local list and local additions
    local_list = b.synthetic(ID[f"list/county/{c.code}"], BPSS.LocalServiceList)
    b.label(local_list, f"{full}基本公共服务实施标准清单（合成示例）", f"{c.name} local service list (synthetic sample)")
    g.add((local_list, BPSS.extendsList, ID["list/national-2023"]))
    g.add((local_list, BPSS.forDivision, county))
    for n, (zh, en, basis) in enumerate(c.local_items, start=1):
        local = b.synthetic(ID[f"list/county/{c.code}/item/{n}"], BPSS.LocalServiceItem)
        b.label(local, f"{zh}（合成示例）", f"{en} (synthetic sample)")
        g.add((local, BPSS.inList, local_list))
        g.add((local, BPSS.isLocalAddition, Literal(True)))
        if basis:
            g.add((local, BPSS.fiscalBasis, Literal(basis, lang="zh")))
        else:
            b.fault("local-addition", local, "local addition without a fiscal basis")
        g.add((standards[1], BPSS.implementsItem, local))

    # indicator observations (Data Cube)
    dataset = b.synthetic(ID[f"dataset/indicators/{c.code}"], QB_DS)
    b.label(dataset, f"{c.name}基本公共服务指标（合成示例）", f"{c.name} service indicators (synthetic sample)")
    g.add((dataset, QB_STRUCTURE, BPSS.indicatorStructure))
    g.add((dataset, BPSS.forDivision, county))
    for slug, zh, _en, _unit, baseline, direction, _item in INDICATORS:
        for year, value in zip(("2023", "2024"), c.values[slug], strict=True):
            obs = b.synthetic(ID[f"observation/{c.code}/{slug}/{year}"], BPSS.IndicatorObservation, QB_OBS)
            g.add((obs, QB_DATASET, dataset))
            g.add((obs, BPSS.refArea, county))
            g.add((obs, BPSS.refYear, Literal(year, datatype=XSD.gYear)))
            g.add((obs, BPSS.indicator, ID[f"indicator/{slug}"]))
            g.add((obs, BPSS.observedValue, Literal(value, datatype=XSD.decimal)))
            low = float(value) < float(baseline) if direction == "at-least" else float(value) > float(baseline)
            if low:
                b.fault("below-baseline", obs, f"{zh} {year} = {value} against baseline {baseline} ({direction})")

    # coordination agreement with the partner county
    agreement = b.synthetic(ID[f"agreement/{c.code}/maternity-settlement-{c.partner}"], BPSS.CoordinationAgreement)
    b.label(agreement, f"{c.name}与{PARTNER_NAMES[c.partner]}生育保险跨区域结算协同协议（合成示例）",
            f"{c.name}–{PARTNER_NAMES[c.partner]} maternity insurance settlement agreement (synthetic sample)")
    g.add((agreement, BPSS.party, county))
    g.add((agreement, BPSS.party, ID[f"place/{c.partner}"]))
    g.add((agreement, BPSS.coordinatesItem, item(3)))
    g.add((agreement, BPSS.scope, Literal("生育医疗费用跨区域直接结算", lang="zh")))
    g.add((agreement, BPSS.validFrom, d("2024-01-01")))
    g.add((agreement, BPSS.validUntil, d("2026-12-31")))
    if "date-range" in c.faults:
        bad = b.synthetic(ID[f"agreement/{c.code}/elderly-care-{c.partner}"], BPSS.CoordinationAgreement)
        b.label(bad, f"{c.name}与{PARTNER_NAMES[c.partner]}老年人健康管理协同协议（合成示例）",
                f"{c.name}–{PARTNER_NAMES[c.partner]} elderly health management agreement (synthetic sample)")
        g.add((bad, BPSS.party, county))
        g.add((bad, BPSS.party, ID[f"place/{c.partner}"]))
        g.add((bad, BPSS.coordinatesItem, item(13)))
        g.add((bad, BPSS.validFrom, d("2025-07-01")))
        g.add((bad, BPSS.validUntil, d("2025-06-30")))
        b.fault("date-range", bad, "valid from 2025-07-01 until 2025-06-30")
    if "agreement-parties" in c.faults:
        single = b.synthetic(ID[f"agreement/{c.code}/childcare-{c.partner}"], BPSS.CoordinationAgreement)
        b.label(single, f"{c.name}托育服务协同协议（合成示例，仅列一方）",
                f"{c.name} childcare coordination agreement (synthetic sample, one party listed)")
        g.add((single, BPSS.party, county))
        g.add((single, BPSS.coordinatesItem, item(1)))
        g.add((single, BPSS.validFrom, d("2024-01-01")))
        g.add((single, BPSS.validUntil, d("2026-12-31")))
        b.fault("agreement-parties", single, "names one party only")

    # the work guide's process: proposal, drafting, evaluation
    proposal = b.synthetic(ID[f"process/{c.code}/proposal/vaccination"], BPSS.StandardProposal)
    b.label(proposal, f"{c.name}预防接种服务规范立项（合成示例）", f"Proposal of {c.name} vaccination specification (synthetic sample)")
    g.add((proposal, BPSS.forStandard, provision))
    g.add((proposal, BPSS.proposedBy, health))
    g.add((proposal, BPSS.targetsItem, item(10)))
    # 立项 → 研制 → 发布: approved 2021-06, drafted 2021-09, the standard issued 2022-03-15
    g.add((proposal, BPSS.approvalDate, d("2022-11-20" if "process-order" in c.faults else "2021-06-20")))
    if "process-order" in c.faults:
        b.fault("process-order", proposal, "立项 approved 2022-11-20, after 研制 (2021-09-10) and the issue (2022-03-15)")
    if "proposal-incomplete" in c.faults:
        b.fault("proposal-incomplete", proposal, "no supporting measure")
    else:
        measure = b.synthetic(ID[f"process/{c.code}/proposal/vaccination/measure"], BPSS.SupportingMeasure)
        b.label(measure, "接种门诊人员与冷链设备保障措施（合成示例）", "Staff and cold-chain measures (synthetic sample)")
        g.add((proposal, BPSS.hasSupportingMeasure, measure))
    drafting = b.synthetic(ID[f"process/{c.code}/drafting/vaccination"], BPSS.StandardDrafting)
    b.label(drafting, f"{c.name}预防接种服务规范研制（合成示例）", f"Drafting of {c.name} vaccination specification (synthetic sample)")
    g.add((drafting, BPSS.forStandard, provision))
    g.add((drafting, BPSS.followsProcedure, Literal("地方标准制定程序", lang="zh")))
    survey = b.synthetic(ID[f"process/{c.code}/drafting/vaccination/survey"], BPSS.DemandSurvey)
    b.label(survey, "预防接种服务公众需求调查（合成示例）", "Public demand survey (synthetic sample)")
    estimate = b.synthetic(ID[f"process/{c.code}/drafting/vaccination/cost"], BPSS.FiscalCostEstimate)
    b.label(estimate, "预防接种服务财政投入测算（合成示例）", "Fiscal cost estimate (synthetic sample)")
    g.add((estimate, BPSS.amount, Literal("1850000", datatype=XSD.decimal)))
    consult = b.synthetic(ID[f"process/{c.code}/drafting/vaccination/finance"], BPSS.FinanceConsultation)
    b.label(consult, "征求区财政局意见（合成示例）", "Finance bureau consultation (synthetic sample)")
    g.add((consult, BPSS.consultedDepartment, finance))
    result = "pending" if "drafting-incomplete" in c.faults else "agreed"
    g.add((consult, BPSS.consultationResult, ID[f"concept/consultation-result/{result}"]))
    if result != "agreed":
        b.fault("drafting-incomplete", drafting, "finance consultation still pending")
    for predicate, obj in ((BPSS.hasDemandSurvey, survey), (BPSS.hasFiscalCostEstimate, estimate),
                           (BPSS.hasFinanceConsultation, consult)):
        g.add((drafting, predicate, obj))
    g.add((drafting, BPSS.approvalDate, d("2021-09-10")))
    for slug, cls, zh, en in (("assessment", BPSS.EffectAssessment, "实施效果评估", "effect assessment"),
                              ("satisfaction-survey", BPSS.SatisfactionSurvey, "公众满意度调查", "satisfaction survey"),
                              ("monitoring-warning", BPSS.MonitoringWarning, "服务水平监测预警", "monitoring and warning"),
                              ("joint-inspection", BPSS.JointInspection, "标准实施联合督察", "joint inspection")):
        act = b.synthetic(ID[f"process/{c.code}/{slug}/2024"], cls)
        b.label(act, f"{c.name}2024年{zh}（合成示例）", f"{c.name} 2024 {en} (synthetic sample)")
        g.add((act, BPSS.evaluates, system))
        g.add((act, BPSS.performedBy, gov if slug != "satisfaction-survey" else centre))
        g.add((act, DCTERMS.date, d("2024-11-30")))
        g.add((act, BPSS.result, Literal("总体达标（合成示例）", lang="zh")))
        if slug in ("assessment", "satisfaction-survey"):  # what shapes/monitoring.ttl asks
            survey = slug == "satisfaction-survey"
            g.add((act, BPSS.periodStart, d("2024-10-01" if survey else "2024-01-01")))
            g.add((act, BPSS.periodEnd, d("2024-10-31")))
            if not survey and "evaluation-undocumented" in c.faults:
                b.fault("evaluation-undocumented", act, "the 2024 effect assessment names no method")
            else:
                method = "问卷调查（合成示例）" if survey else "第三方评估与实地核查（合成示例）"
                g.add((act, BPSS.method, Literal(method, lang="zh")))
            if survey and "survey-sample" in c.faults:
                b.fault("survey-sample", act, "the 2024 satisfaction survey gives no sample size")
            elif survey:
                g.add((act, BPSS.sampleSize, Literal(SAMPLE_SIZES[c.code])))

    # responsibility for items in the county (issue 17 point 2; no source names these duties for
    # the sample counties, so every assignment is synthetic)
    for n, body in ((10, health), (4, education)):
        duty = b.synthetic(ID[f"responsibility/{c.code}/{n:02d}"], BPSS.ResponsibilityAssignment)
        b.label(duty, f"{c.name}第{n}项服务责任分工（合成示例）",
                f"{c.name} responsibility for item {n} (synthetic sample)")
        g.add((duty, BPSS.responsibleFor, item(n)))
        g.add((duty, BPSS.responsibleBody, body))
        g.add((duty, BPSS.responsibilityArea, county))
        g.add((duty, BPSS.expenditureShare, Literal("县级按规定承担相应支出责任（合成示例）", lang="zh")))

    # the county's own targets for 2025 (point 3), kept apart from the observed values
    for slug, _zh, _en, _unit, baseline, direction, _item in INDICATORS:
        latest = float(c.values[slug][1])
        goal = (max(latest + 1.0, float(baseline)) if direction == "at-least"
                else min(latest, float(baseline)))
        target = b.synthetic(ID[f"target/{c.code}/{slug}/2025"], BPSS.IndicatorTarget)
        b.label(target, f"{c.name}{_zh}2025年目标（合成示例）", f"{c.name} {_en} target 2025 (synthetic sample)")
        g.add((target, BPSS.targetIndicator, ID[f"indicator/{slug}"]))
        g.add((target, BPSS.targetValue, Literal(f"{goal:.1f}", datatype=XSD.decimal)))
        g.add((target, BPSS.refArea, county))
        g.add((target, BPSS.refYear, Literal("2025", datatype=XSD.gYear)))

    # implementation of the vaccination specification by grassroots institutions (point 4)
    clinic = b.synthetic(ID[f"org/{c.code}/township-clinic"], BPSS.GrassrootsInstitution, ORG.Organization)
    b.label(clinic, f"{full}街道社区卫生服务中心（合成示例）", f"{c.name} community health centre (sample)")
    g.add((clinic, BPSS.jurisdiction, county))
    implementation = b.synthetic(ID[f"process/{c.code}/implementation/vaccination"], BPSS.Implementation)
    b.label(implementation, f"{c.name}预防接种服务规范实施（合成示例）",
            f"Implementation of {c.name} vaccination specification (synthetic sample)")
    g.add((implementation, BPSS.implementedStandard, provision))
    g.add((implementation, BPSS.implementationArea, county))
    g.add((implementation, BPSS.implementingInstitution, centre))
    g.add((implementation, BPSS.implementingInstitution, clinic))
    g.add((implementation, BPSS.implementationTier, ID["concept/system-layer/institution"]))
    channels = ("政府网站", "新媒体平台") + (("政府公报",) if c.province_code == "37" else ())
    for channel in channels:
        g.add((implementation, BPSS.publicationChannel, Literal(channel, lang="zh")))
    g.add((implementation, BPSS.onNationalPlatform, Literal(c.province_code != "44")))
    return b


def national_43507() -> list[tuple[URIRef, object]]:
    """The real facts of GB/T 43507—2023 that a table row carries."""
    return [(RDF.type, BPSS.Standard), (BPSS.standardNumber, Literal("GB/T 43507—2023")),
            (DCTERMS.title, Literal("县域基本公共服务标准体系建设指南", lang="zh")),
            (DCTERMS.title, Literal("Guidelines for the construction of county basic public service standard system", lang="en")),
            (RDFS.label, Literal("县域基本公共服务标准体系建设指南", lang="zh")),
            (BPSS.level, level("national-recommended")), (BPSS.status, status("in-force")),
            (DCTERMS.issued, d("2023-12-28")), (BPSS.implementationDate, d("2023-12-28")),
            (DCTERMS.source, ID["source/gbt43507-2023"])]


def build_national(ds: Dataset) -> None:
    g = ds.graph(NATIONAL_GRAPH)
    for number, zh, en, issued, source_id in (
            ("GB/T 43507—2023", "县域基本公共服务标准体系建设指南",
             "Guidelines for the construction of county basic public service standard system",
             "2023-12-28", "gbt43507-2023"),
            ("GB/T 13016—2018", "标准体系构建原则和要求",
             "Principles and requirements for constructing standard system", "2018-02-06",
             "gbt13016-2018")):
        iri = ID[f"standard/{number.replace('/', '-').replace(' ', '-').replace('—', '-')}"]
        g.add((iri, RDF.type, BPSS.Standard))
        g.add((iri, BPSS.standardNumber, Literal(number)))
        g.add((iri, DCTERMS.title, Literal(zh, lang="zh")))
        g.add((iri, DCTERMS.title, Literal(en, lang="en")))
        g.add((iri, RDFS.label, Literal(zh, lang="zh")))
        g.add((iri, BPSS.level, level("national-recommended")))
        g.add((iri, BPSS.status, status("in-force")))
        g.add((iri, DCTERMS.issued, d(issued)))
        g.add((iri, DCTERMS.source, ID[f"source/{source_id}"]))
    g.add((ID["standard/GB-T-43507-2023"], BPSS.normativeReference, ID["standard/GB-T-13016-2018"]))
    g.add((ID["standard/GB-T-43507-2023"], BPSS.implementationDate, d("2023-12-28")))
    g.add((ID["standard/GB-T-13016-2018"], BPSS.implementationDate, d("2018-09-01")))
    # GB/T 13016—2018 was issued more than five years before 2026-06-30; it is a national
    # standard, outside the county rules, so no review date is invented for it.
    for code, (zh, en, source_id) in PROVINCE_REGULATOR.items():
        iri = ID[f"org/{code}0000/market-regulator"]
        g.add((iri, RDF.type, BPSS.StandardizationBody))
        g.add((iri, RDF.type, ORG.Organization))
        g.add((iri, RDFS.label, Literal(zh, lang="zh")))
        g.add((iri, RDFS.label, Literal(en, lang="en")))
        g.add((iri, BPSS.jurisdiction, ID[f"place/{code}0000"]))
        if source_id:
            g.add((iri, DCTERMS.source, ID[f"source/{source_id}"]))
        g.add((iri, RDFS.comment, Literal(
            "A real provincial body; its role as issuer of the sample standards is synthetic.",
            lang="en")))
        g.add((iri, DCTERMS.source, SYNTHETIC_SOURCE))
    for slug, zh, en, unit, baseline, direction, item_no in INDICATORS:
        iri = ID[f"indicator/{slug}"]
        g.add((iri, RDF.type, BPSS.Indicator))
        g.add((iri, RDFS.label, Literal(zh, lang="zh")))
        g.add((iri, RDFS.label, Literal(en, lang="en")))
        g.add((iri, BPSS.unit, Literal(unit)))
        g.add((iri, BPSS.nationalBaseline, Literal(baseline, datatype=XSD.decimal)))
        g.add((iri, BPSS.baselineDirection, ID[f"concept/baseline-direction/{direction}"]))
        g.add((iri, BPSS.forItem, item(item_no)))
        g.add((iri, BPSS.isPlaceholder, Literal(True)))
        g.add((iri, BPSS.isSynthetic, Literal(True)))
        g.add((iri, DCTERMS.source, SYNTHETIC_SOURCE))
        g.add((iri, RDFS.comment, Literal("示例指标与基线（合成，非官方）：来源未给出国家基准值。", lang="zh")))
        g.add((iri, RDFS.comment, Literal("Sample indicator and baseline (synthetic, not official): no source gives a national baseline.", lang="en")))
    build_baselines(g)


# Dated national baselines (issue 17 point 3), all synthetic like the indicators: the 2023 edition's
# value for every indicator, and an earlier (2021) value for two of them that the 2023 edition raised.
EARLIER_BASELINES = {"child-vaccination-rate": "85", "maternal-management-rate": "80"}


def build_baselines(g) -> None:  # type: ignore[no-untyped-def]
    for slug, zh, en, _unit, baseline, _direction, _item in INDICATORS:
        editions = [("2023", baseline, ID["list/national-2023"])]
        if slug in EARLIER_BASELINES:
            editions.insert(0, ("2021", EARLIER_BASELINES[slug], None))
        for year, value, edition in editions:
            iri = ID[f"baseline/{slug}/{year}"]
            g.add((iri, RDF.type, BPSS.NationalBaseline))
            g.add((iri, RDFS.label, Literal(f"{zh}国家基准（{year}年起，合成示例）", lang="zh")))
            g.add((iri, RDFS.label, Literal(f"{en}: national baseline from {year} (synthetic sample)", lang="en")))
            g.add((iri, BPSS.baselineFor, ID[f"indicator/{slug}"]))
            g.add((iri, BPSS.baselineValue, Literal(value, datatype=XSD.decimal)))
            g.add((iri, BPSS.validFromYear, Literal(year, datatype=XSD.gYear)))
            if edition is not None:
                g.add((iri, BPSS.baselineEdition, edition))
            g.add((iri, BPSS.isSynthetic, Literal(True)))
            g.add((iri, DCTERMS.source, SYNTHETIC_SOURCE))


HEADER = """# SYNTHETIC SAMPLE DATA (合成示例数据，非官方) — built by scripts/build_sample_data.py.
# {what}
# Real: the place codes and names (MCA 2024){real}. Everything else is invented for demonstration
# and testing and flagged bpss:isSynthetic true; faults are planted on purpose (FAULTS.md).
"""


def render_all() -> dict[str, str]:
    """Every sample file's name and text (deterministic)."""
    files: dict[str, str] = {}
    rows = []
    for county in COUNTIES:
        ds = Dataset()
        for prefix, iri in PREFIXES.items():
            ds.bind(prefix, iri)
        builder = build_county(ds, county)
        real = ", and DJG330424/T 56—2021" if county.code == "330424" else ""
        what = f"County {county.code} {county.prefecture}{county.name}."
        files[f"county-{county.code}.trig"] = (HEADER.format(what=what, real=real)
                                               + ds.serialize(format="trig"))
        rows += [(county.code, f, str(focus), what) for f, focus, what in builder.faults]
    ds = Dataset()
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri)
    build_national(ds)
    files["national-sample.trig"] = HEADER.format(
        what="National layer additions: two real national standards, provincial regulators, "
             "sample indicators with synthetic baselines.",
        real=", GB/T 43507—2023 and GB/T 13016—2018") + ds.serialize(format="trig")
    lines = ["# Planted faults in the sample counties", "",
             "Judged as of 2026-06-30. A validator run on the sample data must find exactly these "
             "(fault ids: docs/faults.md).", "",
             "| county | fault | focus node | what |", "|---|---|---|---|"]
    lines += [f"| {c} | `{f}` | `{focus}` | {what} |" for c, f, focus, what in rows]
    files["FAULTS.md"] = "\n".join(lines) + "\n"
    return files


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in render_all().items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(COUNTIES)} counties to {OUT}")


if __name__ == "__main__":
    main()
