"""Standard detail tables (标准明细表): tolerant import, exact problem locations, nothing written
on failure, XLSX round trip of the sample counties, the template, random faults."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS
from typer.testing import CliRunner

from bpss_kg.cli import app
from bpss_kg.errors import BadInput
from bpss_kg.loading import load_sample, load_sources, national_sources, ontology_sources
from bpss_kg.namespaces import BPSS
from bpss_kg.store import OxigraphStore
from bpss_kg.tables import county_table_bytes, import_table, preview_import, template_bytes

TABLES = Path(__file__).resolve().parent / "data" / "tables"
COUNTY = "https://w3id.org/bpss-kg/graph/county/370502"


@pytest.fixture(scope="module")
def base_store(tmp_path_factory):
    """Ontology and national layer only: the state of a county that has not imported yet."""
    store = OxigraphStore(tmp_path_factory.mktemp("tables") / "store")
    load_sources(store, ontology_sources() + national_sources(with_sample_national=True))
    yield store
    store.close()


def county_quads(store) -> list[str]:
    return sorted(str(q) for q in store.quads(ox.NamedNode(COUNTY)))


@pytest.mark.parametrize("name", ["good-utf8.csv", "good-gbk-title-row.csv",
                                  "good-merged-title.xlsx"])
def test_tolerated_variants_give_the_same_standards(base_store, name):
    preview = import_table(base_store, TABLES / name, "370502", dry_run=True)
    assert preview.ok, [str(p) for p in preview.problems]
    graph = preview.graph
    numbers = sorted(str(o) for o in graph.objects(None, BPSS.standardNumber))
    assert numbers == ["DB37/T 9501—2024", "DB37/T 9502—2024", "DB37/T 9503—2025"]
    vaccination = URIRef("https://w3id.org/bpss-kg/id/standard/DB37-T-9502-2024")
    assert {str(o) for o in graph.objects(vaccination, BPSS.implementationDate)} == {"2024-06-01"}
    assert {str(o) for o in graph.objects(vaccination, DCTERMS.issued)} == {"2024-05-01"}
    assert {str(o).rsplit("/", 1)[1] for o in graph.objects(vaccination, BPSS.implementsItem)} \
        == {"02", "10"}
    assert (vaccination, BPSS.supersedes,
            URIRef("https://w3id.org/bpss-kg/id/standard/DB37-T-9400-2016")) in graph


def test_excel_dates_and_the_indicator_sheet(base_store):
    preview = import_table(base_store, TABLES / "good-merged-title.xlsx", "370502", dry_run=True)
    first = URIRef("https://w3id.org/bpss-kg/id/standard/DB37-T-9501-2024")
    assert {str(o) for o in preview.graph.objects(first, BPSS.implementationDate)} == {
        "2024-05-01"}
    assert preview.observations == 1
    assert Literal("95.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")) in set(
        preview.graph.objects(None, BPSS.observedValue))


def test_every_problem_named_by_row_and_column(base_store):
    preview = import_table(base_store, TABLES / "bad-rows.csv", "370502", dry_run=True)
    got = sorted((p.row, p.column, p.value) for p in preview.problems)
    assert got == [
        (2, "标准编号", "DB37/X 12"),
        (3, "实施日期", "2024-13-45"),
        (4, "标准类别", "服务提供标准"),
        (5, "标准名称", None),
        (6, "实施的国家基本公共服务项目", "不存在的项目"),
        (7, "标准类别", "神秘标准"),
    ]
    assert all(p.sheet == "bad-rows" and p.zh and p.en for p in preview.problems)


def test_missing_required_columns(base_store):
    preview = import_table(base_store, TABLES / "missing-column.csv", "370502", dry_run=True)
    assert {(p.row, p.column) for p in preview.problems if "column" in p.en} == {
        (1, "子体系"), (1, "标准类别")}


def test_failed_import_changes_nothing(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    before = county_quads(store)
    preview = import_table(store, TABLES / "bad-rows.csv", "370502")
    assert not preview.ok
    assert county_quads(store) == before
    store.close()


def test_import_replaces_the_system_and_keeps_other_records(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    preview = import_table(store, TABLES / "good-utf8.csv", "370502")
    assert preview.ok
    standards = list(store.query(
        "SELECT ?g ?s WHERE { GRAPH ?g { ?s a <https://w3id.org/bpss-kg/def#Standard> } }",
        bindings={"g": ox.NamedNode(COUNTY)}))
    assert len(standards) == 3
    agreements = store.query(
        "ASK { GRAPH <" + COUNTY + "> { ?a a "
        "<https://w3id.org/bpss-kg/def#CoordinationAgreement> } }")
    assert bool(agreements)  # organisations, agreements, process records stay
    store.close()


TABLE_PREDICATES = {DCTERMS.title, BPSS.standardNumber, BPSS.systemNumber, BPSS.level,
                    BPSS.status, DCTERMS.issued, BPSS.implementationDate, BPSS.lastReviewDate,
                    BPSS.inSystem, BPSS.inSubSystem, BPSS.standardKind, BPSS.supersedes}


def table_part(graph: Graph) -> Graph:
    """What the table carries for standards: the predicates above, national items, issuer
    names (issuing bodies are matched by name)."""
    part = Graph()
    for standard in set(graph.subjects(RDF.type, BPSS.Standard)) & set(
            graph.subjects(BPSS.inSystem, None)):
        part.add((standard, RDF.type, BPSS.Standard))
        for predicate, value in graph.predicate_objects(standard):
            if predicate in TABLE_PREDICATES:
                part.add((standard, predicate, value))
            if predicate == BPSS.implementsItem and "/national-2023/" in str(value):
                part.add((standard, predicate, value))
    return part


def as_graph(store, graph: str) -> Graph:
    data = ox.serialize([q.triple for q in store.quads(ox.NamedNode(graph))],
                        format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


@pytest.mark.parametrize("code", ["330424", "370214", "370502", "370503", "440104"])
def test_sample_counties_round_trip_through_xlsx(tmp_path, code):
    source = OxigraphStore(tmp_path / "source")
    load_sample(source)
    table = county_table_bytes(source, code)
    target = OxigraphStore(tmp_path / "target")
    load_sources(target, ontology_sources() + national_sources(with_sample_national=True))
    preview = preview_import(target, table, f"{code}.xlsx", code)
    if code == "370214":  # its planted fault: a standard with two kinds, which a row cannot hold
        assert [(p.column, p.en) for p in preview.problems] == [
            ("标准类别", "a standard has exactly one kind of standard")]
        return
    assert preview.ok, [str(p) for p in preview.problems]
    graph = f"https://w3id.org/bpss-kg/graph/county/{code}"
    original = as_graph(source, graph)
    assert isomorphic(table_part(original), table_part(preview.graph))
    issuers = {str(label) for o in original.objects(None, BPSS.issuedBy)
               for label in original.objects(o, RDFS.label) if label.language == "zh"}
    source.close()
    target.close()
    assert issuers <= {str(o) for o in preview.graph.objects(None, RDFS.label)} | {
        "山东省市场监督管理局", "广东省市场监督管理局", "浙江省市场监督管理局"}


def test_template_has_lists_and_instructions():
    workbook = load_workbook(io.BytesIO(template_bytes()))
    assert workbook.sheetnames == ["标准明细表", "指标", "说明"]
    sheet = workbook["标准明细表"]
    assert [c.value for c in sheet[2]][:3] == ["序号", "标准体系编号", "标准名称"]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("基准指标" in f and "监测改进" in f for f in lists)
    assert any("服务提供标准" in f for f in lists)
    assert any("现行" in f and "废止" in f for f in lists)


def test_cli_import_exit_codes(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["load", "--sample", "--store", store]).exit_code == 0
    result = runner.invoke(app, ["import", str(TABLES / "bad-rows.csv"), "--county", "370502",
                                 "--store", store])
    assert result.exit_code == 2 and "row 2, column 标准编号" in result.output
    result = runner.invoke(app, ["import", str(TABLES / "good-utf8.csv"), "--county", "370502",
                                 "--store", store])
    assert result.exit_code == 0, result.output
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["export", "--county", "370502", "--format", "xlsx", "--out",
                                 str(out), "--store", store])
    assert result.exit_code == 0 and out.stat().st_size > 0
    result = runner.invoke(app, ["template", str(tmp_path / "blank.xlsx")])
    assert result.exit_code == 0
    result = runner.invoke(app, ["import", str(TABLES / "good-utf8.csv"), "--county", "3705",
                                 "--store", store])
    assert result.exit_code == 2


def test_unreadable_files_are_bad_input(base_store, tmp_path):
    with pytest.raises(BadInput, match="not a readable XLSX"):
        preview_import(base_store, b"PK\x03\x04 not really a zip", "broken.xlsx", "370502")
    with pytest.raises(BadInput, match="unsupported table type"):
        preview_import(base_store, b"x", "table.ods", "370502")


CELL = st.one_of(st.none(), st.text(max_size=12), st.integers(-10, 99999),
                 st.sampled_from(["DB37/T 1—2024", "服务实施", "服务提供标准", "现行", "2024-01-01",
                                  "10", "基准指标", "2024/13/01", "DB37/X", "神秘标准"]))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=14, max_size=14), min_size=1, max_size=6),
       shuffle=st.randoms(use_true_random=False))
def test_random_tables_never_crash_and_never_write_partially(base_store, rows, shuffle):
    import csv

    header = ["序号", "标准体系编号", "标准名称", "标准编号", "宜定级别", "实施日期",
              "被代替标准号", "备注", "子体系", "标准类别", "实施的国家基本公共服务项目", "状态",
              "发布机构", "发布日期"]
    order = list(range(14))
    shuffle.shuffle(order)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header[i] for i in order])
    for row in rows:
        writer.writerow(["" if row[i] is None else row[i] for i in order])
    before = county_quads(base_store)
    try:
        preview = preview_import(base_store, buffer.getvalue().encode("utf-8"), "random.csv",
                                 "370502")
    except BadInput:
        return
    assert county_quads(base_store) == before
    if preview.ok:
        assert len(preview.graph) > 0
