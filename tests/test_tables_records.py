"""The 监测评估 sheet of a county's table (issue 19): assessments, surveys, warnings and
improvement actions imported with the same checks and error reporting as the standards; the
records validated by shapes/monitoring.ttl; export and import round-trip them."""

from __future__ import annotations

import io
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from bpss_kg import loading
from bpss_kg.namespaces import BPSS, ID
from bpss_kg.store import OxigraphStore
from bpss_kg.tables import county_table_bytes, preview_import
from bpss_kg.tables.importing import commit_import
from bpss_kg.tables.reference import graph_of

COUNTY = "370502"
GRAPH = f"https://w3id.org/bpss-kg/graph/county/{COUNTY}"
HEADER = ["记录类型", "记录编号", "记录名称", "开始日期", "结束日期", "方法", "样本量", "调查对象",
          "评分", "满分", "发现问题", "预警指标", "阈值", "预警值", "预警日期", "整改内容",
          "提出依据", "整改期限", "整改状态", "完成日期", "来源", "合成数据"]
GOOD = [
    {"记录类型": "效果评估", "记录编号": "2025", "开始日期": "2025-01-01",
     "结束日期": "2025-10-31", "方法": "自评与实地核查", "评分": "02:88.5；10:91",
     "发现问题": "服务记录不完整", "来源": "synthetic", "合成数据": "是"},
    {"记录类型": "满意度调查", "记录编号": "2025", "开始日期": "2025-03-01",
     "结束日期": "2025-04-30", "方法": "问卷调查", "样本量": "420", "调查对象": "老年人；学生家长",
     "评分": "6=80", "满分": "90", "来源": "synthetic", "合成数据": "是"},
    {"记录类型": "监测预警", "记录编号": "2025-1", "预警指标": "孕产妇系统管理率",
     "阈值": "85", "预警值": "83.5", "预警日期": "2025年11月20日", "来源": "synthetic",
     "合成数据": "是"},
    {"记录类型": "整改措施", "记录编号": "A1", "整改内容": "补齐孕产妇建档记录",
     "提出依据": "2025-1", "整改期限": "2026/3/31", "整改状态": "已完成",
     "完成日期": "2026-03-02", "来源": "synthetic", "合成数据": "是"},
]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("records") / "sample"
    store = OxigraphStore(path)
    loading.load_sample(store)
    store.close()
    return path


@pytest.fixture
def sample(sample_store, tmp_path):
    target = tmp_path / f"store-{uuid.uuid4().hex[:6]}"
    shutil.copytree(sample_store, target, symlinks=True)
    store = OxigraphStore(target)
    yield store
    store.close()


def _with_records(store: OxigraphStore, rows: list[dict[str, str]]) -> bytes:
    """The county's own export with its 监测评估 sheet replaced by ``rows``."""
    book = load_workbook(io.BytesIO(county_table_bytes(store, COUNTY)))
    sheet = book["监测评估"]
    sheet.delete_rows(3, sheet.max_row)
    written = [c.value for c in sheet[2]]
    assert set(HEADER) <= set(written)
    for offset, row in enumerate(rows):
        for key, value in row.items():
            sheet.cell(row=3 + offset, column=written.index(key) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _record(kind: str, record_id: str) -> URIRef:
    return ID[f"process/{COUNTY}/{kind}/{record_id}"]


def test_the_sheet_writes_the_four_kinds_of_record(sample):
    preview = preview_import(sample, _with_records(sample, GOOD), "t.xlsx", COUNTY)
    assert preview.ok, [str(p) for p in preview.problems]
    assert preview.records == 4
    commit_import(sample, preview)
    g = graph_of(sample, GRAPH)
    assessment = _record("assessment", "2025")
    assert (assessment, RDF.type, BPSS.EffectAssessment) in g
    assert (assessment, BPSS.evaluates, ID[f"system/county/{COUNTY}"]) in g
    assert (assessment, BPSS.periodEnd, Literal("2025-10-31", datatype=XSD.date)) in g
    scores = {(g.value(s, BPSS.scoredItem), g.value(s, BPSS.scoreValue).toPython(),
               g.value(s, BPSS.scoreScale).toPython())
              for s in g.subjects(BPSS.scoreOf, assessment)}
    assert {(str(i).rsplit("/", 1)[1], float(v), float(m)) for i, v, m in scores} == {
        ("02", 88.5, 100.0), ("10", 91.0, 100.0)}
    survey = _record("satisfaction-survey", "2025")
    assert g.value(survey, BPSS.sampleSize).toPython() == 420
    assert {str(o) for o in g.objects(survey, BPSS.respondentGroup)} == {"老年人", "学生家长"}
    assert {float(g.value(s, BPSS.scoreScale)) for s in g.subjects(BPSS.scoreOf, survey)} == {90.0}
    warning = _record("monitoring-warning", "2025-1")
    assert g.value(warning, BPSS.warningIndicator) == ID["indicator/maternal-management-rate"]
    assert str(g.value(warning, BPSS.raisedOn)) == "2025-11-20"
    action = _record("improvement", "A1")
    assert g.value(action, BPSS.requiredBy) == warning
    assert g.value(action, BPSS.actionStatus) == ID["concept/action-status/closed"]
    assert str(g.value(action, BPSS.dueDate)) == "2026-03-31"
    # the sheet is the county's list: the sample's earlier records it does not name are gone,
    # what the sheet does not carry of the records it names stays
    assert (_record("assessment", "2024"), None, None) not in g
    assert all(g.value(s, BPSS.isSynthetic) == Literal(True)
               for s in (assessment, survey, warning, action))


def test_the_monitoring_shapes_accept_complete_records_and_name_a_gap(sample):
    from bpss_kg.validation import validate

    rows = [dict(r) for r in GOOD]
    del rows[3]["完成日期"]  # closed without a date: the shapes' finding, not an import error
    preview = preview_import(sample, _with_records(sample, rows), "t.xlsx", COUNTY)
    assert preview.ok, [str(p) for p in preview.problems]
    commit_import(sample, preview)
    run = validate(sample, county=COUNTY, as_of=date(2026, 6, 30), record=False)
    record_rules = {"action-incomplete", "evaluation-undocumented", "survey-sample",
                    "warning-undocumented"}
    monitoring = {(f.focus.strip("<>"), run.shapes.info(f.shape).fault) for f in run.findings
                  if run.shapes.info(f.shape).fault in record_rules}
    assert monitoring == {(str(_record("improvement", "A1")), "action-incomplete")}


@pytest.mark.parametrize(("target", "change", "column", "reason"), [
    (0, {"记录类型": "年度总结"}, "记录类型", "应为 效果评估"),
    (0, {"记录编号": "2025 第一次"}, "记录编号", "记录编号只能"),
    (0, {"开始日期": "明年"}, "开始日期", "日期"),
    (0, {"评分": "02:120"}, "评分", "项目编号:得分"),
    (0, {"评分": "99:80"}, "评分", "项目编号:得分"),
    (1, {"样本量": "12.5"}, "样本量", "正整数"),
    (2, {"预警指标": "不存在的指标"}, "预警指标", "不是已知的指标"),
    (3, {"整改状态": "差不多"}, "整改状态", "未完成"),
])
def test_a_bad_cell_names_sheet_row_and_column_and_nothing_is_written(
        sample, target, change, column, reason):
    rows = [dict(r) for r in GOOD]
    rows[target].update(change)
    before = graph_of(sample, GRAPH)
    preview = preview_import(sample, _with_records(sample, rows), "t.xlsx", COUNTY)
    assert not preview.ok
    problem = preview.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("监测评估", 3 + target, column)
    assert reason in problem.reason_zh, problem.reason_zh
    assert len(graph_of(sample, GRAPH) ^ before) == 0


def test_cross_row_problems_duplicates_references_and_misplaced_columns(sample):
    rows = [dict(r) for r in GOOD] + [dict(GOOD[0])]
    rows[3]["提出依据"] = "no-such-record"
    rows[2]["整改期限"] = "2026-01-01"  # an action's column on a warning
    preview = preview_import(sample, _with_records(sample, rows), "t.xlsx", COUNTY)
    found = {(p.row, p.column) for p in preview.problems}
    assert found == {(7, "记录编号"), (6, "提出依据"), (5, "整改期限")}, \
        [str(p) for p in preview.problems]
    messages = {p.column: p.reason_zh for p in preview.problems}
    assert "已在第3行填写" in messages["记录编号"]
    assert "不适用于监测预警记录" in messages["整改期限"]


def test_an_ambiguous_id_asks_for_the_iri(sample):
    rows = [dict(r) for r in GOOD]
    rows[3]["提出依据"] = "2025"  # both the assessment and the survey are 2025
    preview = preview_import(sample, _with_records(sample, rows), "t.xlsx", COUNTY)
    assert [(p.column, "IRI" in p.reason_zh) for p in preview.problems] == [("提出依据", True)]
    rows[3]["提出依据"] = str(_record("assessment", "2025"))
    assert preview_import(sample, _with_records(sample, rows), "t.xlsx", COUNTY).ok


@pytest.mark.parametrize("sheet", ["removed", "empty"])
def test_without_the_sheet_or_with_an_empty_one_the_records_stay(sample, sheet):
    """A table without the sheet, or with the template's empty one, keeps the records."""
    book = load_workbook(io.BytesIO(county_table_bytes(sample, COUNTY)))
    if sheet == "removed":
        del book["监测评估"]
    else:
        book["监测评估"].delete_rows(3, book["监测评估"].max_row)
    out = io.BytesIO()
    book.save(out)
    before = graph_of(sample, GRAPH)
    preview = preview_import(sample, out.getvalue(), "t.xlsx", COUNTY)
    assert preview.ok and preview.records == 0
    commit_import(sample, preview)
    after = graph_of(sample, GRAPH)
    assessment = _record("assessment", "2024")
    assert set(before.predicate_objects(assessment)) == set(after.predicate_objects(assessment))
    assert len(after ^ before) == 0


def test_the_export_lists_the_sample_records(sample):
    sheet = load_workbook(io.BytesIO(county_table_bytes(sample, COUNTY)))["监测评估"]
    header = [c.value for c in sheet[2]]
    rows = [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=3)]
    kinds = sorted((r["记录类型"], r["记录编号"]) for r in rows)
    assert ("效果评估", "2024") in kinds and ("满意度调查", "2024") in kinds
    actions = [r for r in rows if r["记录类型"] == "整改措施"]
    assert actions and all(r["提出依据"] and r["整改状态"] in ("未完成", "已完成")
                           for r in actions)
