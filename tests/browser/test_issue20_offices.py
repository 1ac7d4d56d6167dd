"""Issue 20 in a real browser, as a county standardization office and a data-sharing engineer:
the import page in the site frame, its two separate checks, the readable validation report
(number + label, rule label, fix, spreadsheet row), the synthetic-data banner after an import,
and the links and downloads an engineer looks for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from server import create_app
from tests.http_server import running

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

TABLES = Path(__file__).resolve().parent.parent / "data" / "tables"
TOKEN = "office-token-20"
SYNTHETIC_TABLE = (
    "序号,标准体系编号,标准名称,标准编号,实施日期,子体系,标准类别,实施的国家基本公共服务项目,状态,合成数据\n"
    "1,A-1,东城区预防接种服务规范（合成示例）,,2024-01-01,服务实施,服务提供,10,现行,是\n")


@pytest.fixture(scope="module")
def office_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample data on a server that accepts writes with one token."""
    path = tmp_path_factory.mktemp("office") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    app = create_app(Settings(store=str(path), update_token=TOKEN, query_workers=1,
                              query_timeout=20), store)
    with running(app) as url:
        yield url
    app.extensions["bpss_kg"].queries.close()
    store.close()


@pytest.fixture
def office(browser, office_url: str) -> Iterator[object]:
    context = browser.new_context(base_url=office_url, viewport={"width": 1280, "height": 900},
                                  locale="zh-CN")
    yield context.new_page()
    context.close()


def _upload(page, table: Path, county: str, token: str, action: str) -> None:
    page.get_by_label(re.compile("县级行政区划代码")).fill(county)
    page.get_by_label(re.compile("^标准明细表")).set_input_files(str(table))
    page.get_by_label(re.compile("写入令牌")).fill(token)
    page.get_by_role("button", name=action, exact=True).click()


def test_import_page_is_in_the_site_frame_and_linked(office) -> None:
    office.goto("/")
    office.get_by_role("navigation", name="main").get_by_role("link", name="导入明细表").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("导入标准明细表")
    assert office.locator("meta[name=viewport]").count() == 1
    expect(office.locator("header.top .brand")).to_be_visible()
    office.goto("/")
    office.get_by_role("main").get_by_role("link", name="县级标准化办公室：导入标准明细表").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("导入标准明细表")
    office.goto("/county/370502")
    office.get_by_role("link", name="导入本县明细表").click()
    expect(office.get_by_label(re.compile("县级行政区划代码"))).to_have_value("370502")


def test_empty_token_is_reported_apart_from_the_table_check(office) -> None:
    office.goto("/import")
    _upload(office, TABLES / "good-utf8.csv", "370502", "", "导入")
    check = office.locator("#table-check")
    expect(check).to_contain_text("表格无误：2 项标准")
    result = office.locator("#import-result")
    expect(result).to_contain_text("请填写令牌。")
    expect(result).to_contain_text("未导入任何数据。")
    expect(check).not_to_contain_text("令牌")
    # The county code stays; the file must be chosen again, and the page says so.
    expect(office.get_by_label(re.compile("县级行政区划代码"))).to_have_value("370502")
    expect(office.locator("#choose-again")).to_contain_text("请重新选择文件")


def test_validation_report_names_items_rules_fixes_and_rows(office) -> None:
    office.goto("/import")
    _upload(office, TABLES / "good-utf8.csv", "370502", "", "检查")
    rows = office.locator("#validation table.findings tbody tr")
    item = rows.filter(has_text="04 义务教育阶段免除学杂费")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("国家项目均有县域标准或说明")
    expect(item).to_contain_text("制定实施该项目的标准，或给出注明日期的未覆盖说明。")
    standard = rows.filter(has_text="DB37/T 4901")
    expect(standard.filter(has_text="现行标准有发布日期")).to_contain_text(
        "good-utf8.csv 第 2 行")
    expect(standard.filter(has_text="现行标准有发布日期")).to_contain_text("补充标准的发布日期")
    report = office.locator("#validation").inner_text()
    assert "https://" not in report and "InForceHasIssueDate" not in report
    # One row per finding: no two rows read the same.
    texts = rows.all_inner_texts()
    assert len(texts) == len(set(texts)) > 10


def test_validation_report_in_english(office) -> None:
    office.goto("/import?lang=en")
    office.get_by_label(re.compile("County code")).fill("370502")
    office.get_by_label(re.compile("^Standard detail table")).set_input_files(
        str(TABLES / "good-utf8.csv"))
    office.get_by_role("button", name="Check", exact=True).click()
    standard = office.locator("#validation tbody tr", has_text="DB37/T 4901").filter(
        has_text="A standard in force has an issue date")
    expect(standard).to_contain_text("good-utf8.csv, row 2")
    expect(office.locator("#table-check")).to_contain_text("The table reads cleanly")


def test_imported_synthetic_table_shows_the_banner(office, tmp_path: Path) -> None:
    office.goto("/county/110101")
    expect(office.locator("p.synthetic")).to_have_count(0)
    table = tmp_path / "dongcheng.csv"
    table.write_text(SYNTHETIC_TABLE, encoding="utf-8")
    office.goto("/import")
    _upload(office, table, "110101", TOKEN, "导入")
    expect(office.locator("#import-result")).to_contain_text("已导入")
    office.locator("#import-result").get_by_role("link", name="查看县域看板").click()
    expect(office.locator("p.synthetic")).to_contain_text("合成示例数据")
    office.locator("ul.standards a", has_text="东城区预防接种服务规范").click()
    expect(office.locator("p.synthetic")).to_contain_text("合成示例数据")


def test_engineer_finds_catalog_void_dumps_and_downloads(office) -> None:
    office.goto("/county/370502")
    footer = office.locator("footer")
    for name in ("数据目录 (DCAT)", "VoID 描述", "全部数据下载 (TriG)", "导入明细表",
                 "SPARQL 端点"):
        expect(footer.get_by_role("link", name=name)).to_be_visible()
    for name, suffix in (("明细表 CSV", ".csv"), ("明细表 XLSX", ".xlsx"),
                         ("RDF Turtle", ".ttl")):
        with office.expect_download() as download:
            office.locator(".downloads").get_by_role("link", name=name).click()
        assert download.value.suggested_filename == f"county-370502{suffix}"
        assert Path(download.value.path()).stat().st_size > 200
    footer.get_by_role("link", name="数据目录 (DCAT)").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("数据目录")
    row = office.locator("table.catalog tr", has_text="county-370502.ttl")
    expect(row).to_contain_text(re.compile(r"county-370502\.ttl\s+[\d.]+ (KB|kB|Bytes)"))
    office.get_by_role("link", name="VoID", exact=True).click()
    expect(office.get_by_role("heading", level=1)).to_have_text("VoID 数据集统计")
    expect(office.locator("table.void")).to_contain_text("graph/county/370502")


def test_sparql_in_a_browser_is_a_page_with_the_editor(office) -> None:
    office.goto("/")
    office.locator("footer").get_by_role("link", name="SPARQL 端点").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("SPARQL 1.1 端点")
    expect(office.locator("table.props")).to_contain_text("/sparql")
    office.get_by_role("link", name="打开查询编辑器").click()
    expect(office).to_have_url(re.compile(r"/query(\?|$)"))
    expect(office.get_by_role("heading", level=1)).to_have_text("SPARQL 查询")
