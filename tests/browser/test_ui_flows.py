"""The main flows of the web UI, in a real browser, asserting on what a person sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
XSS_TITLE = "<script>window.__xss=1;alert('xss')</script>标准"


def test_search_then_county_then_standard(page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("基本公共服务标准化知识图谱")
    page.get_by_role("searchbox").fill("东营区")
    page.get_by_role("searchbox").press("Enter")
    expect(page.get_by_text("“东营区”的搜索结果")).to_be_visible()
    first = page.locator("ol.hits > li").first
    expect(first).to_contain_text("县（区）")
    expect(first).to_contain_text("完全匹配")
    first.get_by_role("link", name="东营区").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("东营区 县域看板 370502")
    expect(page.get_by_text("注意：本县数据为合成示例数据，非官方数据。")).to_be_visible()
    for subsystem in ("基准指标", "服务实施", "监测改进"):
        expect(page.locator(".subsystem h3", has_text=subsystem)).to_be_visible()
    expect(page.get_by_text("已命名项目覆盖 14 / 14")).to_be_visible()
    expect(page.locator("ol.coverage li.placeholder").first).to_contain_text("待补")
    expect(page.locator("#indicator-chart svg")).to_be_visible()
    vaccination = page.locator("#indicators tr", has_text="适龄儿童国家免疫规划疫苗接种率")
    expect(vaccination).to_contain_text("未达标")

    title = "东营区基本公共服务术语与分类（合成示例）"
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("table.props tr", has_text="标准编号")).to_contain_text("DB37/T 4601—2023")
    expect(page.locator("table.props tr", has_text="标准状态")).to_contain_text("现行")


def test_compare_two_counties_with_chart_and_csv(page) -> None:
    page.goto("/")
    page.get_by_role("checkbox", name="东营区").check()
    page.get_by_role("checkbox", name="河口区").check()
    page.get_by_role("button", name="对比所选县").click()

    expect(page).to_have_url(re.compile(r"/compare\?.*counties=370502.*counties=370503"))
    expect(page.get_by_role("heading", level=1)).to_have_text("县域对比")
    coverage = page.locator("#compare-coverage")
    expect(coverage.locator("tr", has_text="已命名项目覆盖数")).to_contain_text("14 / 14")
    expect(coverage.locator("tr", has_text="已命名项目覆盖数")).to_contain_text("13 / 14")
    row = page.locator("#compare-indicators tr", has_text="孕产妇系统管理率")
    expect(row).to_contain_text("89.2 %")
    expect(row).to_contain_text("87 %")
    expect(page.locator("#compare-chart svg")).to_be_visible()
    expect(page.locator("#compare-chart")).to_contain_text("河口区")
    expect(page.locator("#compare-items tr", has_text="生育保险")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载指标对比 CSV").click()
    download = download_info.value
    assert download.suggested_filename == "compare-indicators-370502-370503.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("指标,单位,国家基准,方向,东营区 370502 数值,")
    assert "孕产妇系统管理率,%,85,不低于,89.2,2024,是,87,2024,是" in text


def test_run_a_library_query_in_the_editor(page) -> None:
    page.goto("/query")
    expect(page.locator(".CodeMirror")).to_be_visible()
    page.get_by_label("选择一个查询载入编辑器：").select_option("national-list-tree")
    expect(page.locator(".CodeMirror")).to_contain_text("COUNT(DISTINCT ?county) AS ?counties")
    expect(page.locator("#library-description")).to_contain_text("国家清单的领域、大类和81个项目位置")
    page.locator(".yasqe_queryButton").click()
    results = page.locator(".yasr")
    expect(results).to_contain_text("增补叶酸预防神经管缺陷服务", timeout=15_000)
    expect(results).to_contain_text("待补（第20项）")


def test_switch_language(page) -> None:
    page.goto("/county/370502")
    expect(page.locator(".subsystem h3").first).to_have_text("基准指标")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"lang=en"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dongying District (东营区): county dashboard 370502")
    expect(page.locator(".subsystem h3").first).to_have_text("Baseline and indicators")
    expect(page.get_by_role("heading", name="Indicators against national baselines")
           ).to_be_visible()
    page.get_by_role("link", name="National list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "National basic public service list (2023)")
    expect(page.get_by_role("heading", name="Childcare")).to_be_visible()
    page.get_by_role("link", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "国家基本公共服务标准（2023年版）清单")
    expect(page.get_by_role("heading", name="幼有所育")).to_be_visible()


def test_a_label_with_markup_shows_as_text(page) -> None:
    page.goto("/search?q=" + "<script>")
    hit = page.locator("ol.hits > li").first
    expect(hit.get_by_role("link")).to_have_text(XSS_TITLE)
    hit.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(XSS_TITLE)
    page.goto("/county/370502")
    expect(page.locator("#system")).to_contain_text(XSS_TITLE)
    assert page.evaluate("typeof window.__xss") == "undefined"
