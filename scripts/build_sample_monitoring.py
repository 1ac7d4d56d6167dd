"""Build data/sample/monitoring-sample.trig: SYNTHETIC details of 监测改进 for the sample counties.

The sample counties' files (scripts/build_sample_data.py) hold a 2024 effect assessment,
satisfaction survey and monitoring warning per county, with label, date, performer, result,
period, method and sample size. This file adds, in the same county graphs (issue 19), what a
county would report beside them: findings, respondent groups, scores per item, the indicator,
threshold and value of a raised warning, and the improvement actions (整改) they asked for. Everything is
invented for demonstration and testing, flagged ``bpss:isSynthetic true`` with
``dcterms:source <…/source/synthetic>``; the organisations named are the sample's own synthetic
ones. The values are chosen so that the library's questions have answers: satisfaction by item
across 山东省 (two counties), and open actions older than a year on 2026-06-30.

Run: python scripts/build_sample_monitoring.py   (rewrites the file; the output is deterministic)
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from bpss_kg.namespaces import BPSS, GRAPH, ID, PREFIXES, SYNTHETIC_SOURCE

OUT = Path(__file__).resolve().parents[1] / "data" / "sample" / "monitoring-sample.trig"
FAULTS = OUT.with_name("FAULTS-monitoring.md")
HEADER = """# SYNTHETIC SAMPLE DATA (合成示例数据，非官方) — built by scripts/build_sample_monitoring.py.
# Records of 监测改进 (assessments, satisfaction surveys, warnings, improvement actions) of three
# sample counties. Real: the place codes. Everything else is invented and flagged bpss:isSynthetic.
"""
OPEN, CLOSED = ID["concept/action-status/open"], ID["concept/action-status/closed"]


def item(n: int) -> URIRef:
    return ID[f"list/national-2023/item/{n:02d}"]


def date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


def dec(value: str) -> Literal:
    return Literal(value, datatype=XSD.decimal)


# county: (name, assessment scores by item, survey sample size (written by build_sample_data.py), survey scores by item,
#          warning (indicator slug, threshold, value, date) or None,
#          actions [(slug, text zh, text en, due, closed on or None)])
COUNTIES = {
    "370502": ("东营区", {10: "86", 13: "78"}, 1200, {10: "88.5", 13: "81.0", 2: "90.2"},
               ("elderly-health-management-rate", "72", "70.3", "2024-11-20"),
               [("elderly-followup", "补齐老年人健康管理随访记录", "Complete the follow-up records of elderly health management", "2025-03-31", None),
                ("vaccination-notice", "公开预防接种服务流程", "Publish the vaccination service procedure", "2025-01-31", "2025-01-20")]),
    "370503": ("河口区", {10: "82", 13: "80"}, 800, {10: "84.0", 13: "79.5", 2: "87.0"},
               None,
               [("facility-signs", "完善基层服务设施标识", "Improve the signs of grassroots service facilities", "2026-03-31", None)]),
    "370214": ("城阳区", {10: "84", 13: "83"}, None, {10: "86.0", 13: "84.5", 2: "88.0"},
               None, []),
    "330424": ("海盐县", {10: "91", 13: "88"}, 1500, {10: "92.1", 13: "89.4", 2: "93.0"},
               ("health-literacy-rate", None, "34.4", "2024-11-25"),
               [("survey-channel", "开通线上满意度评价渠道", "Open an online satisfaction channel", "2025-06-30", "2025-05-15")]),
    "440104": ("越秀区", {10: "90", 13: "87"}, 2000, {10: "91.0", 13: "88.0", 2: "92.5"},
               None,
               [("service-hours", "延长社区卫生服务中心服务时间", "Extend the opening hours of community health centres", None, None)]),
}
# Planted faults of this file (judged like FAULTS.md), written to FAULTS-monitoring.md.
PLANTED = [
    ("330424", "warning-undocumented", "process/330424/monitoring-warning/2024", "a warning raised on 2024-11-25 names its indicator and value but no threshold"),
    ("440104", "action-incomplete", "process/440104/improvement/service-hours", "an open improvement action without a due date"),
]


def record(g, node: URIRef, kind: URIRef, zh: str, en: str) -> None:  # type: ignore[no-untyped-def]
    g.add((node, RDF.type, kind))
    g.add((node, RDFS.label, Literal(zh, lang="zh")))
    g.add((node, RDFS.label, Literal(en, lang="en")))
    g.add((node, DCTERMS.source, SYNTHETIC_SOURCE))
    g.add((node, BPSS.isSynthetic, Literal(True)))


def scores(g, code: str, activity: URIRef, slug: str, values: dict[int, str]) -> None:  # type: ignore[no-untyped-def]
    for n, value in values.items():
        score = ID[f"process/{code}/{slug}/score-{n:02d}"]
        g.add((score, RDF.type, BPSS.AssessmentScore))
        g.add((score, BPSS.scoreOf, activity))
        g.add((score, BPSS.scoredItem, item(n)))
        g.add((score, BPSS.scoreValue, dec(value)))
        g.add((score, BPSS.scoreScale, dec("100")))
        g.add((score, DCTERMS.source, SYNTHETIC_SOURCE))
        g.add((score, BPSS.isSynthetic, Literal(True)))


def build() -> Dataset:
    ds = Dataset()
    for prefix, namespace in PREFIXES.items():
        ds.bind(prefix, namespace)
    for code, (name, assessed, _size, surveyed, warning, actions) in COUNTIES.items():
        g = ds.graph(GRAPH[f"county/{code}"])

        # the records of the county file, extended
        assessment = ID[f"process/{code}/assessment/2024"]
        g.add((assessment, BPSS.finding, Literal("部分服务记录不完整（合成示例）", lang="zh")))
        scores(g, code, assessment, "assessment/2024", assessed)

        survey = ID[f"process/{code}/satisfaction-survey/2024"]
        for group in ("老年人", "学生家长"):
            g.add((survey, BPSS.respondentGroup, Literal(group, lang="zh")))
        scores(g, code, survey, "satisfaction-survey/2024", surveyed)

        asked_by = assessment
        if warning is not None:
            slug, threshold, value, raised = warning
            alert = ID[f"process/{code}/monitoring-warning/2024"]
            g.add((alert, BPSS.warningIndicator, ID[f"indicator/{slug}"]))
            if threshold is not None:
                g.add((alert, BPSS.threshold, dec(threshold)))
            g.add((alert, BPSS.warningValue, dec(value)))
            g.add((alert, BPSS.raisedOn, date(raised)))
            asked_by = alert
        # new: the improvement actions they asked for
        for slug, zh, en, due, closed in actions:
            action = ID[f"process/{code}/improvement/{slug}"]
            record(g, action, BPSS.ImprovementAction, f"{name}：{zh}（合成示例）",
                   f"{name}: {en} (synthetic sample)")
            g.add((action, BPSS.requiredBy, asked_by))
            g.add((action, BPSS.actionText, Literal(zh, lang="zh")))
            g.add((action, BPSS.actionText, Literal(en, lang="en")))
            if due is not None:
                g.add((action, BPSS.dueDate, date(due)))
            g.add((action, BPSS.actionStatus, CLOSED if closed else OPEN))
            if closed:
                g.add((action, BPSS.closedOn, date(closed)))
    return ds


def main() -> None:
    import pyoxigraph as ox

    nquads = build().serialize(format="nquads", encoding="utf-8")
    quads = sorted(ox.parse(nquads, format=ox.RdfFormat.N_QUADS),
                   key=lambda q: (q.graph_name.value, str(q.subject), str(q.predicate),
                                  str(q.object)))  # one order, so the file is deterministic
    text = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes={
        "bpss": str(BPSS), "dcterms": str(DCTERMS), "rdfs": str(RDFS), "xsd": str(XSD)})
    OUT.write_text(HEADER + (text or b"").decode("utf-8"), encoding="utf-8")
    rows = "".join(f"| {county} | `{fault}` | `{ID[focus]}` | {what} |\n"
                   for county, fault, focus, what in PLANTED)
    FAULTS.write_text(
        "# Planted faults in the sample's monitoring records\n\n"
        "Built by scripts/build_sample_monitoring.py with data/sample/monitoring-sample.trig; "
        "judged as of 2026-06-30 like FAULTS.md, and found by a validator together with them.\n\n"
        "| county | fault | focus node | what |\n|---|---|---|---|\n" + rows, encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
