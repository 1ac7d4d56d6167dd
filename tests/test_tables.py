"""Standard detail tables (标准明细表): import variants and errors, template, export, round trip,
and the HTTP upload → preview → commit flow."""

from __future__ import annotations

import io
import json
import shutil
import urllib.error
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from bpss_kg import loading
from bpss_kg.cli import app
from bpss_kg.config import Settings
from bpss_kg.namespaces import BPSS, ID
from bpss_kg.service_client import encode_multipart
from bpss_kg.store import OxigraphStore
from bpss_kg.tables import (
    county_table_bytes,
    import_table,
    preview_import,
    table_part,
    template_bytes,
)
from bpss_kg.tables.cells import CellError, a_date, standard_number
from bpss_kg.tables.reference import graph_of
from bpss_kg.tables.vocabulary import vocabulary
from server import create_app
from tests.http_server import running

TABLES = Path(__file__).resolve().parent / "data" / "tables"
SAMPLE_COUNTIES = ("370502", "370503", "370214", "440104", "330424")
COUNTY = "370502"
GRAPH = f"https://w3id.org/bpss-kg/graph/county/{COUNTY}"
TOKEN = "tables-token-7f3a"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # open namespace: no pytest probe warning


def _std(number: str) -> URIRef:
    return ID[f"standard/{number}"]


@pytest.fixture(scope="module")
def national_store(tmp_path_factory) -> Path:
    """A store with the ontology and the national layer (sample national additions), no county."""
    path = tmp_path_factory.mktemp("tables") / "national"
    store = OxigraphStore(path)
    loading.load_sources(store, loading.ontology_sources()
                         + loading.national_sources(with_sample_national=True))
    store.close()
    return path


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tables") / "sample"
    store = OxigraphStore(path)
    loading.load_sample(store)
    store.close()
    return path


def _copy(path: Path, tmp_path: Path) -> OxigraphStore:
    target = tmp_path / f"store-{uuid.uuid4().hex[:6]}"
    shutil.copytree(path, target, symlinks=True)
    return OxigraphStore(target)


@pytest.fixture
def fresh(national_store, tmp_path):
    store = _copy(national_store, tmp_path)
    yield store
    store.close()


@pytest.fixture
def sample(sample_store, tmp_path):
    store = _copy(sample_store, tmp_path)
    yield store
    store.close()


def _dump(store: OxigraphStore) -> bytes:
    import pyoxigraph as ox

    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_QUADS)
    return b"\n".join(sorted(buffer.getvalue().splitlines()))


def _problems(preview) -> list[tuple[str | None, int | None, str | None, str | None]]:
    return [(p.sheet, p.row, p.column, p.value) for p in preview.problems]


# -- cells -------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["DB37/T 4512—2022", "DB37/T 4512-2022", "DB37/T4512–2022",
                                 "DB37/T 4512－2022", "db37/t 4512—2022", " DB37 / T 4512 - 2022",
                                 "ＤＢ３７／Ｔ　４５１２—２０２２", "DB 37/T 4512 — 2022"])
def test_standard_number_variants_are_normalised(raw):
    assert standard_number(raw) == "DB37/T 4512—2022"


@pytest.mark.parametrize("raw,expected", [
    ("GB/T 43507-2023", "GB/T 43507—2023"), ("GB 1.1—2020", "GB 1.1—2020"),
    ("MZ/T 168-2021", "MZ/T 168—2021"), ("T/CAS 115-2018", "T/CAS 115—2018"),
    ("DB4403/T 1-2020", "DB4403/T 1—2020"), ("DJG330424/T 56-2021", "DJG330424/T 56—2021"),
])
def test_standard_numbers_of_every_level(raw, expected):
    assert standard_number(raw) == expected


@pytest.mark.parametrize("raw", ["DB37/X 12", "DB37/T 4512", "4512—2022", "标准", "GB/T—2023"])
def test_bad_standard_numbers(raw):
    with pytest.raises(CellError):
        standard_number(raw)


@pytest.mark.parametrize("raw", ["2023-12-28", "2023/12/28", "2023年12月28日", "20231228",
                                 20231228, 45288, date(2023, 12, 28), "2023.12.28"])
def test_date_variants(raw):
    assert a_date(raw) == date(2023, 12, 28)


@pytest.mark.parametrize("raw", ["2023-13-01", "2023-02-30", "明年", "28/12/2023", "1800-01-01"])
def test_bad_dates(raw):
    with pytest.raises(CellError):
        a_date(raw)


# -- import: tolerated variants ----------------------------------------------------------------
def test_xlsx_with_merged_title_rows_and_header_variants(fresh):
    preview = import_table(fresh, TABLES / "good-merged-title.xlsx", COUNTY)
    assert preview.ok, [str(p) for p in preview.problems]
    assert (preview.standards, preview.observations) == (5, 2)
    g = graph_of(fresh, GRAPH)
    new = _std("DB37-T-4703-2022")
    assert (new, BPSS.standardNumber, Literal("DB37/T 4703—2022")) in g
    assert (new, BPSS.supersedes, _std("DB37-T-4700-2016")) in g
    assert (_std("DB37-T-4700-2016"), BPSS.replacedBy, new) in g
    assert (new, BPSS.lastReviewDate, Literal("2025-03-01", datatype=XSD.date)) in g
    second = _std("DB37-T-4702-2024")
    assert (second, BPSS.implementationDate, Literal("2024-04-15", datatype=XSD.date)) in g
    assert (second, DCTERMS.issued, Literal("2024-03-15", datatype=XSD.date)) in g
    assert set(g.objects(second, BPSS.implementsItem)) == {
        ID["list/national-2023/item/01"], ID["list/national-2023/item/02"],
        ID["list/national-2023/item/03"]}
    first = _std("DB37-T-4701-2023")
    assert (first, BPSS.implementationDate, Literal("2023-04-15", datatype=XSD.date)) in g
    assert (first, BPSS.issuedBy, ID["org/370000/market-regulator"]) in g
    assert (first, DCTERMS.title, Literal("Terms (test table)", lang="en")) in g
    assert (first, BPSS.level, ID["concept/standard-level/local"]) in g
    # level from the number; sub-system from the kind when the cell is empty
    assert (new, BPSS.level, ID["concept/standard-level/local"]) in g
    old = _std("DB37-T-4700-2016")
    assert (_entry(old), BPSS.inSubSystem, ID["system/county/370502/service-implementation"]) \
        in g
    assert (old, BPSS.inSubSystem, None) not in g  # on the entry, not the standard
    planned = ID["standard/county/370502/JC-301"]
    assert (planned, BPSS.status, ID["concept/standard-status/planned"]) in g
    obs = ID["observation/370502/elderly-health-management-rate/2024"]
    assert (obs, BPSS.observedValue, Literal("71.2", datatype=XSD.decimal)) in g
    assert (ID["system/county/370502"], RDF.type, BPSS.CountyStandardSystem) in g


def test_gbk_csv_with_title_row_equals_utf8_csv(fresh, tmp_path):
    graphs = []
    for name in ("good-utf8.csv", "good-utf8-bom.csv", "good-gbk-title-row.csv"):
        preview = preview_import(fresh, (TABLES / name).read_bytes(), name, COUNTY)
        assert preview.ok, [str(p) for p in preview.problems]
        assert preview.standards == 2
        graphs.append(preview.graph)
    assert isomorphic(graphs[0], graphs[1])
    assert isomorphic(graphs[0], graphs[2])
    g = graphs[2]
    assert (_std("DB37-T-4902-2024"), BPSS.implementationDate,
            Literal("2024-06-01", datatype=XSD.date)) in g
    assert (_entry(_std("DB37-T-4902-2024")), BPSS.inSubSystem,
            ID["system/county/370502/service-implementation"]) in g


def _entry(standard_iri: URIRef) -> URIRef:
    return ID[f"membership/{COUNTY}/{str(standard_iri).rsplit('/standard/', 1)[1]}"]


def test_each_row_becomes_the_standards_entry_in_the_system(fresh):
    """A row is the standard's entry (bpss:SystemMembership) in the county's system: kind,
    sub-system, system number, 纳入方式 (采用 / 自制; empty → nothing guessed) and 纳入日期."""
    preview = import_table(fresh, TABLES / "adoption.csv", COUNTY)
    assert preview.ok, [str(p) for p in preview.problems]
    g = graph_of(fresh, GRAPH)
    system = ID[f"system/county/{COUNTY}"]
    gbt, own, silent = (_std("GB-T-43507-2023"), _std("DB37-T-4901-2023"),
                        _std("DB37-T-4902-2024"))
    entry = _entry(gbt)
    assert set(g.predicate_objects(entry)) == {
        (RDF.type, BPSS.SystemMembership), (BPSS.memberOf, system), (BPSS.memberStandard, gbt),
        (BPSS.standardKind, ID["concept/standard-kind/basic-general"]),
        (BPSS.inSubSystem, ID[f"system/county/{COUNTY}/baseline-indicator"]),
        (BPSS.systemNumber, Literal("BA-15")), (BPSS.adoption, BPSS.AdoptedStandard),
        (BPSS.memberSince, Literal("2024-03-01", datatype=XSD.date))}
    assert (gbt, BPSS.inSystem, system) in g
    assert (_entry(own), BPSS.adoption, BPSS.OwnStandard) in g
    assert (_entry(own), BPSS.memberSince, None) not in g
    assert (_entry(silent), BPSS.adoption, None) not in g
    assert (_entry(silent), BPSS.standardKind, ID["concept/standard-kind/service-provision"]) in g
    for standard_iri in (gbt, own, silent):
        for legacy in (BPSS.standardKind, BPSS.inSubSystem, BPSS.systemNumber):
            assert (standard_iri, legacy, None) not in g


def test_bad_adoption_and_member_since_are_reported(fresh):
    before = _dump(fresh)
    preview = import_table(fresh, TABLES / "adoption-bad.csv", COUNTY)
    assert not preview.ok
    where = {(p.row, p.column, p.value) for p in preview.problems}
    assert where == {(2, "纳入方式", "借用"), (2, "纳入日期", "2024-13-01")}
    assert _dump(fresh) == before


def test_indicators_from_a_second_file(fresh):
    preview = import_table(fresh, TABLES / "good-utf8.csv", COUNTY,
                           indicators=TABLES / "indicators.csv")
    assert preview.ok and preview.observations == 1
    obs = ID["observation/370502/child-vaccination-rate/2024"]
    assert (obs, BPSS.observedValue, Literal("97.5", datatype=XSD.decimal)) in graph_of(
        fresh, GRAPH)


# -- import: errors ----------------------------------------------------------------------------
def test_every_error_kind_is_reported_by_sheet_row_column_and_value(fresh):
    before = _dump(fresh)
    preview = import_table(fresh, TABLES / "bad-cells.xlsx", COUNTY)
    assert _problems(preview) == [
        ("标准明细表", 4, "标准编号", "DB37/X 12"),
        ("标准明细表", 5, "实施日期", "2023-13-45"),
        ("标准明细表", 6, "标准类别", "基础设施"),
        ("标准明细表", 7, "标准名称", None),
        ("标准明细表", 8, "状态", "已过期"),
        ("标准明细表", 9, "实施的国家基本公共服务项目", "99"),
        ("标准明细表", 10, "标准编号", "DB37/T 4801-2023"),
        ("标准明细表", 11, "子体系", "基本指标"),
        ("标准明细表", 12, "标准编号", None),
        ("标准明细表", 13, "合成数据", "也许"),
        ("指标", 3, "指标", "不存在的指标"),
        ("指标", 4, "年度", "24"),
        ("指标", 5, "数值", "很高"),
        ("指标", 6, "单位", "天"),
    ]
    assert str(preview.problems[0]).startswith(
        "工作表 标准明细表 第4行 标准编号 列: 'DB37/X 12' 不是有效的标准编号")
    assert "/ sheet 标准明细表, row 4, column 标准编号: not a valid standard number" in str(
        preview.problems[0])
    assert _dump(fresh) == before


def test_failed_import_leaves_an_existing_county_unchanged(sample):
    before = _dump(sample)
    preview = import_table(sample, TABLES / "bad-rows.csv", COUNTY)
    assert _problems(preview) == [("bad-rows.csv", 3, "实施日期", "2024/02/30"),
                                  ("bad-rows.csv", 4, "实施的国家基本公共服务项目", "不存在的服务")]
    assert _dump(sample) == before


def test_missing_required_column_is_reported_at_the_header_row(fresh):
    preview = import_table(fresh, TABLES / "missing-column.xlsx", COUNTY)
    assert _problems(preview) == [("标准明细表", 1, "标准类别", None)]


def test_unreadable_files(fresh):
    cases = {"table.xlsx": b"not a zip", "table.xls": b"\xd0\xcf", "table.csv": b"\xff\xfe\x00\x81"
             b"\x00\xff"}
    for name, data in cases.items():
        preview = preview_import(fresh, data, name, COUNTY)
        assert not preview.ok and len(preview.problems) == 1, name


def test_cli_exit_codes_and_dry_run(national_store, tmp_path, runner):
    store = tmp_path / "s"
    shutil.copytree(national_store, store, symlinks=True)
    result = runner.invoke(app, ["import", str(TABLES / "bad-cells.xlsx"), "--county", COUNTY,
                                 "--store", str(store)])
    assert result.exit_code == 2
    assert "第4行 标准编号 列: 'DB37/X 12' 不是有效的标准编号" in result.output
    assert "14 个问题，未导入任何内容" in result.output
    result = runner.invoke(app, ["import", str(TABLES / "good-utf8.csv"), "--county", COUNTY,
                                 "--dry-run", "--turtle", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "would write 2 standard(s)" in result.output
    assert "DB37/T 4901—2023" in result.output
    handle = OxigraphStore(store)
    assert len(graph_of(handle, GRAPH)) == 0
    handle.close()
    result = runner.invoke(app, ["import", str(TABLES / "good-utf8.csv"), "--county", COUNTY,
                                 "--store", str(store)])
    assert result.exit_code == 0 and "imported 2 standard(s)" in result.output
    result = runner.invoke(app, ["import", str(TABLES / "good-utf8.csv"), "--county", "3705",
                                 "--store", str(store)])
    assert result.exit_code == 2


# -- template ----------------------------------------------------------------------------------
def test_template_has_headers_lists_from_the_ontology_and_instructions(tmp_path, runner, fresh):
    out = tmp_path / "template.xlsx"
    assert runner.invoke(app, ["template", str(out)]).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["标准明细表", "指标", "监测评估", "说明"]
    sheet = book["标准明细表"]
    headers = [c.value for c in sheet[2]]
    assert headers[:8] == ["序号", "标准体系编号", "标准名称", "标准编号", "宜定级别", "实施日期",
                           "被代替标准号", "备注"]
    assert {"子体系", "标准类别", "实施的国家基本公共服务项目", "状态", "发布机构"} <= set(headers)
    lists = {str(rule.sqref).split(":")[0].rstrip("0123456789"): rule.formula1
             for rule in sheet.data_validations.dataValidation}
    vocab = vocabulary()
    column = {h: chr(ord("A") + i) for i, h in enumerate(headers)}
    assert lists[column["子体系"]] == '"' + ",".join(c.zh for c in vocab.subsystems) + '"'
    assert lists[column["标准类别"]] == '"' + ",".join(c.zh for c in vocab.kinds) + '"'
    assert lists[column["状态"]] == '"' + ",".join(c.zh for c in vocab.statuses) + '"'
    assert "基础通用标准" in lists[column["标准类别"]]
    assert "填表说明" in book["说明"]["A1"].value
    assert [c.value for c in book["指标"][2]][:5] == ["序号", "指标", "年度", "数值", "单位"]
    # the blank template imports as "no standards", not as a crash
    preview = preview_import(fresh, template_bytes(), "template.xlsx", COUNTY)
    assert [p.reason_en for p in preview.problems] == ["the table lists no standards"]


# -- export and round trip ---------------------------------------------------------------------
def test_export_cli_writes_the_table(sample_store, tmp_path, runner):
    out = tmp_path / "370502.xlsx"
    result = runner.invoke(app, ["export", "--county", COUNTY, "--format", "xlsx", "--out",
                                 str(out), "--store", str(sample_store)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["标准明细表"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    numbers = {row[3] for row in rows}
    # 14 local standards, the superseded one and the adopted GB/T 43507—2023
    assert {"DB37/T 4604—2022", "GB/T 43507—2023"} <= numbers and len(rows) == 16
    header = [c.value for c in sheet[2]]
    gbt = next(row for row in rows if row[3] == "GB/T 43507—2023")
    assert (gbt[header.index("标准体系编号")], gbt[header.index("标准类别")],
            gbt[header.index("纳入方式")]) == ("BA-15", "基础通用标准", "采用")
    assert runner.invoke(app, ["export", "--format", "xlsx", "--out", str(out), "--store",
                               str(sample_store)]).exit_code == 2
    ttl = tmp_path / "c.ttl"
    assert runner.invoke(app, ["export", "--county", COUNTY, "--out", str(ttl), "--store",
                               str(sample_store)]).exit_code == 0
    assert "DB37/T 4604—2022" in ttl.read_text()


@pytest.mark.parametrize("county", SAMPLE_COUNTIES)
def test_round_trip_sample_counties(county, sample_store, national_store, tmp_path):
    """Export → import into a store without the county: the table parts are isomorphic;
    import back into the store holding the county: the whole county graph is unchanged."""
    graph = f"https://w3id.org/bpss-kg/graph/county/{county}"
    source = _copy(sample_store, tmp_path)
    original = graph_of(source, graph)
    data = county_table_bytes(source, county)
    target = _copy(national_store, tmp_path)
    assert preview_import(target, data, f"{county}.xlsx", county).ok
    import_table_bytes(target, data, county)
    assert isomorphic(table_part(graph_of(target, graph), county),
                      table_part(original, county))
    import_table_bytes(source, data, county)
    assert isomorphic(graph_of(source, graph), original)
    source.close()
    target.close()


def import_table_bytes(store, data: bytes, county: str) -> None:
    from bpss_kg.tables import commit_import

    preview = preview_import(store, data, "table.xlsx", county)
    assert preview.ok, [str(p) for p in preview.problems[:5]]
    commit_import(store, preview)


def test_import_keeps_what_the_table_does_not_carry(sample):
    """A smaller table replaces the standards; agreements, process records, organisations
    stay; standards no longer listed are gone."""
    before = graph_of(sample, GRAPH)
    import_table(sample, TABLES / "good-utf8.csv", COUNTY)
    after = graph_of(sample, GRAPH)
    agreement = ID["agreement/370502/maternity-settlement-370503"]
    assert set(before.predicate_objects(agreement)) == set(after.predicate_objects(agreement))
    assert (ID["process/370502/assessment/2024"], None, None) in after
    assert (_std("DB37-T-4601-2023"), None, None) not in after
    assert len(set(after.subjects(RDF.type, BPSS.Standard))) == 2
    assert (ID["system/county/370502"], BPSS.declaresItem, ID["list/national-2023/item/01"]) \
        in after
    # no indicator sheet in the upload: the county's indicator values stay
    observations = set(before.subjects(RDF.type, BPSS.IndicatorObservation))
    assert len(observations) == 10
    assert observations == set(after.subjects(RDF.type, BPSS.IndicatorObservation))


# -- HTTP --------------------------------------------------------------------------------------
def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    return encode_multipart(fields, files)


def _post(url: str, fields, files, token: str | None = None) -> tuple[int, dict]:
    body, content_type = _multipart(fields, files)
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        try:
            return error.code, json.loads(text)
        except json.JSONDecodeError:
            return error.code, {"text": text}


def test_http_preview_commit_and_template(national_store, tmp_path):
    path = tmp_path / "served"
    shutil.copytree(national_store, path, symlinks=True)
    store = OxigraphStore(path)
    settings = Settings(store=str(path), update_token=TOKEN, query_workers=1,
                        max_upload_bytes=200_000)
    flask_app = create_app(settings, store)
    good = ("good.csv", (TABLES / "good-utf8.csv").read_bytes())
    bad = ("bad.xlsx", (TABLES / "bad-cells.xlsx").read_bytes())
    try:
        with running(flask_app) as url:
            status, body = _post(f"{url}/api/import/preview", {"county": COUNTY}, {"file": bad})
            assert status == 200 and body["ok"] is False
            assert body["problems"][0]["row"] == 4 and body["problems"][0]["column"] == "标准编号"
            status, body = _post(f"{url}/api/import/preview", {"county": COUNTY}, {"file": good})
            assert status == 200 and body["ok"] is True and body["standards"] == 2
            assert len(graph_of(store, GRAPH)) == 0
            assert _post(f"{url}/api/import/commit", {"county": COUNTY}, {"file": good})[0] == 401
            assert _post(f"{url}/api/import/commit", {"county": COUNTY}, {"file": good},
                         token="wrong")[0] == 403
            status, body = _post(f"{url}/api/import/commit", {"county": COUNTY}, {"file": bad},
                                 token=TOKEN)
            assert status == 400 and len(body["problems"]) == 14
            assert len(graph_of(store, GRAPH)) == 0
            status, body = _post(f"{url}/api/import/commit", {"county": COUNTY}, {"file": good},
                                 token=TOKEN)
            assert status == 200 and body["imported"] is True
            assert len(graph_of(store, GRAPH)) == body["triples"]
            status, _ = _post(f"{url}/api/import/preview", {"county": COUNTY},
                              {"file": ("big.csv", b"x" * 300_000)})
            assert status == 413
            status, body = _post(f"{url}/api/import/preview", {"county": "12"}, {"file": good})
            assert status == 400
            with urllib.request.urlopen(f"{url}/api/template.xlsx", timeout=30) as response:
                assert response.headers["Content-Type"].startswith(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                assert load_workbook(io.BytesIO(response.read())).sheetnames[0] == "标准明细表"
    finally:
        flask_app.extensions["bpss_kg"].queries.close()
        store.close()
