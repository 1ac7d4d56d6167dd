"""Issue 20 in a real browser: the compare form from a dashboard and the query page's library
parameters and permalinks, asserting on what a researcher sees."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_compare_from_a_dashboard_then_add_counties(page) -> None:
    page.goto("/county/370502")
    page.get_by_role("link", name="与其他县对比").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("县域对比")
    expect(page.get_by_role("status")).to_contain_text("已选 1 个县；请再输入一到三个县的代码")
    box = page.get_by_label(re.compile("输入两到四个县的代码"))
    expect(box).to_have_value("370502 ")
    box.press("End")
    box.type("370503, 330424")
    box.press("Enter")
    expect(page.locator("#compare-coverage th", has_text="海盐县")).to_be_visible()
    expect(page.locator("#compare-coverage th", has_text="河口区")).to_be_visible()


def test_five_ticked_counties_come_back_to_the_form(page) -> None:
    page.goto("/")
    boxes = page.locator("input[name=counties]")
    for index in range(5):
        boxes.nth(index).check()
    page.get_by_role("button", name=re.compile("对比")).first.click()
    expect(page.get_by_role("status")).to_contain_text("已选 5 个县；一次最多对比四个县")
    expect(page.get_by_role("heading", level=1)).to_have_text("县域对比")


def _api_count(base_url: str, name: str) -> int:
    with urllib.request.urlopen(f"{base_url}/api/queries/{name}", timeout=30) as response:
        answer = json.loads(response.read())
    return len(answer["results"]["bindings"] if "results" in answer else answer["rows"])


def test_library_query_defaults_fill_a_form_and_give_rows(page, base_url: str) -> None:
    page.goto("/query")
    page.get_by_label("选择一个查询载入编辑器：").select_option("agreements-expiring")
    before = page.get_by_label(re.compile(r"\?before"))
    expect(before).to_have_value("2027-01-01")
    page.get_by_role("button", name="用这些参数运行").click()
    expected = _api_count(base_url, "agreements-expiring")
    assert expected > 0
    expect(page.locator(".yasr")).to_contain_text(f"of {expected} entries",
                                                  timeout=15_000)
    # Literals read as values; the graph's own IRIs open the local resource page.
    table = page.locator(".yasr table.dataTable")
    expect(table).to_contain_text("2027-01-01")
    expect(table).not_to_contain_text("^^")
    agreement = table.locator("a.iri", has_text=re.compile("agreement")).first
    href = agreement.get_attribute("href")
    assert href is not None and href.startswith("/resource?iri=https%3A%2F%2Fw3id.org%2F")
    agreement.click()
    expect(page).to_have_url(re.compile(r"/resource\?iri="))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "w3id.org" not in page.url.split("?")[0]


def test_permalinks_and_share_links_open_the_shared_query(page) -> None:
    page.goto("/query")
    page.get_by_label("选择一个查询载入编辑器：").select_option("agreements-expiring")
    page.get_by_label(re.compile(r"\?before")).fill("2026-03-01")
    href = page.get_by_role("link", name="本查询的永久链接").get_attribute("href")
    assert href is not None and "library=agreements-expiring" in href
    assert "param.before=2026-03-01" in href
    page.goto("/query")  # a fresh visit opens the first query of the library
    page.goto(href)
    expect(page.get_by_label("选择一个查询载入编辑器：")).to_have_value("agreements-expiring")
    expect(page.get_by_label(re.compile(r"\?before"))).to_have_value("2026-03-01")
    shared = "SELECT ?shared WHERE { BIND(42 AS ?shared) }"
    page.goto("/query#" + urllib.parse.urlencode({"query": shared}))
    expect(page.locator(".CodeMirror")).to_contain_text("BIND(42 AS ?shared)")
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr")).to_contain_text("42", timeout=15_000)


def test_query_page_fits_a_phone(browser, base_url: str) -> None:
    """At 390 px the results scroll inside their box, not the page, and the run button does not
    sit over the query text."""
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 800},
                                  locale="zh-CN")
    page = context.new_page()
    page.goto("/query?library=agreements-expiring")
    page.get_by_role("button", name="用这些参数运行").click()
    expect(page.locator(".yasr table.dataTable")).to_be_visible(timeout=15_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    button = page.locator(".yasqe_queryButton").bounding_box()
    text = page.locator(".CodeMirror-line").first.bounding_box()
    assert button is not None and text is not None
    assert text["x"] + text["width"] <= button["x"] + 1
    context.close()


def test_search_results_name_the_place(page) -> None:
    """Two 海州区 are told apart by prefecture and province."""
    page.goto("/search?q=海州区")
    hits = page.locator("ol.hits > li", has_text="海州区")
    expect(hits).to_have_count(2)
    expect(hits.filter(has_text="阜新市，辽宁省")).to_have_count(1)
    expect(hits.filter(has_text="连云港市，江苏省")).to_have_count(1)


def test_compare_fits_a_phone(browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 800},
                                  locale="zh-CN")
    page = context.new_page()
    page.goto("/compare?counties=370502,370503,330424")
    expect(page.locator("#compare-coverage")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Row headers keep whole words on a line: not one character per line.
    head = page.locator("#compare-coverage th[scope=row]").first.bounding_box()
    assert head is not None and head["width"] >= 100
    context.close()


def test_pages_load_without_a_missing_icon(page) -> None:
    """/favicon.ico was a 404 (a console error) on every page."""
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/")
    page.goto("/favicon.ico")
    expect(page.locator("svg")).to_be_visible()
    assert failed == [] and errors == []
