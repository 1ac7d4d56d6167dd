"""Property-based tests: tables with random faults never crash the import (only problem
reports) and never write part of a table."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from rdflib.compare import isomorphic

from bpss_kg import loading
from bpss_kg.store import OxigraphStore
from bpss_kg.tables import import_table, preview_import
from bpss_kg.tables.reference import graph_of

COUNTY = "370502"
GRAPH = f"https://w3id.org/bpss-kg/graph/county/{COUNTY}"
HEADER = ["序号", "标准体系编号", "标准名称", "标准编号", "宜定级别", "实施日期", "被代替标准号",
          "备注", "子体系", "标准类别", "实施的国家基本公共服务项目", "状态", "发布机构",
          "发布日期"]
GOOD = ["1", "X-1", "测试标准", "DB37/T 5001—2023", "地方标准", "2023-05-01", "", "", "服务实施",
        "服务提供", "10", "现行", "山东省市场监督管理局", "2023-04-01"]
INDICATOR_HEADER = ["指标", "年度", "数值", "单位"]
INDICATOR_GOOD = ["适龄儿童国家免疫规划疫苗接种率", "2024", "95.5", "%"]

cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
any_cell = st.one_of(cell_text, st.none(), st.integers(-10**9, 10**9),
                     st.floats(allow_nan=False, allow_infinity=False), st.booleans())
FAULTS = {
    3: st.one_of(cell_text, st.sampled_from(["DB37/X 12", "GB/T", "DB37/T 1—", "Q/ 1—2020"])),
    5: st.one_of(cell_text, st.sampled_from(["2023-02-30", "2023年13月1日", "99999999", "0"])),
    9: st.one_of(cell_text, st.sampled_from(["基础设施", "服务；", "；；"])),
    11: st.one_of(cell_text, st.sampled_from(["过期", ""])),
    2: st.just(""),
    10: st.one_of(cell_text, st.sampled_from(["0", "82", "地方", "1；99"])),
}


@st.composite
def faulty_tables(draw):
    rows = []
    for index in range(draw(st.integers(1, 6))):
        row = list(GOOD)
        row[3] = f"DB37/T {5001 + index}—2023"
        row[1] = f"X-{index + 1}"
        for column in draw(st.lists(st.sampled_from(sorted(FAULTS)), max_size=3)):
            row[column] = draw(FAULTS[column])
        if draw(st.booleans()):
            row[draw(st.integers(0, len(row) - 1))] = draw(any_cell)
        rows.append(row)
    order = draw(st.permutations(range(len(HEADER))))
    header = [HEADER[i] for i in order]
    rows = [[row[i] for i in order] for row in rows]
    indicators = [list(INDICATOR_GOOD)]
    if draw(st.booleans()):
        indicators.append([draw(any_cell) for _ in INDICATOR_HEADER])
    fmt = draw(st.sampled_from(["xlsx", "csv"]))
    return fmt, header, rows, indicators


def _bytes(fmt: str, header, rows, indicators) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    book = Workbook()
    sheet = book.active
    sheet.title = "标准明细表"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    values = book.create_sheet("指标")
    values.append(INDICATOR_HEADER)
    for row in indicators:
        values.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def prop_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("props") / "store"
    store = OxigraphStore(path)
    loading.load_sample(store)
    yield store
    store.close()


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(table=faulty_tables())
def test_random_faults_never_crash_and_never_write_part(prop_store, table, tmp_path_factory):
    fmt, header, rows, indicators = table
    data = _bytes(fmt, header, rows, indicators)
    before = graph_of(prop_store, GRAPH)
    preview = preview_import(prop_store, data, f"table.{fmt}", COUNTY)
    for problem in preview.problems:
        assert problem.reason_zh and problem.reason_en and str(problem)
    path = tmp_path_factory.mktemp("t") / f"table.{fmt}"
    path.write_bytes(data)
    result = import_table(prop_store, path, COUNTY)
    after = graph_of(prop_store, GRAPH)
    assert result.ok == preview.ok
    if result.ok:
        assert isomorphic(after, result.graph)
        # restore the county for the next example
        prop_store.replace_graph(*_as_ox(before))
    else:
        assert isomorphic(after, before)
    shutil.rmtree(path.parent, ignore_errors=True)


def _as_ox(graph):
    import pyoxigraph as ox

    from bpss_kg.tables.reference import oxigraph_triples

    return ox.NamedNode(GRAPH), oxigraph_triples(graph)


def test_random_bytes_never_crash(prop_store):
    @settings(max_examples=40, deadline=None)
    @given(data=st.binary(max_size=400), name=st.sampled_from(["t.csv", "t.xlsx", "t.txt"]))
    def check(data: bytes, name: str) -> None:
        preview = preview_import(prop_store, data, name, COUNTY)
        assert preview.ok or preview.problems

    check()
