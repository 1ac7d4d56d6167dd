"""The web UI in a real browser: Debian's chromium, headless, driven by Playwright, against a
real server on 127.0.0.1 with the sample data. Assertions are on what a person sees."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from bpss_kg.validation import validate
from server import create_app

from ..http_server import running

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE = "<script>window.__pwned = 1</script>恶意标签测试"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("ui") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    store.update(
        "INSERT DATA { GRAPH <https://w3id.org/bpss-kg/graph/county/370502> { "
        "<https://w3id.org/bpss-kg/id/standard/county/370502/XSS> a "
        "<https://w3id.org/bpss-kg/def#Standard> ; <http://www.w3.org/2000/01/rdf-schema#label> "
        f"\"{HOSTILE}\"@zh }} }}")
    validate(store, as_of=date(2026, 6, 30))
    app = create_app(Settings(store=str(path), query_workers=1), store)
    with running(app) as url:
        yield url
    app.extensions["bpss_kg"].queries.close()
    store.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Only loopback: any other request is refused before it leaves the browser.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "data:", "blob:")) else route.abort())
    page.base = base  # type: ignore[attr-defined]
    yield page
    context.close()


def test_search_then_county_then_standard(page):
    page.goto(page.base + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "基本公共服务标准化知识图谱"
    page.get_by_placeholder("搜索县、标准、服务项目、机构……").fill("东营区")
    page.keyboard.press("Enter")
    page.locator("a.hit", has_text="东营区").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "东营区"
    page.get_by_role("link", name="标准体系", exact=True).click()
    assert "东营区" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text("已命名项目覆盖").is_visible()
    page.locator("a.standard", has_text="东营区预防接种服务规范（合成示例）").click()
    assert page.get_by_role("heading", level=1).inner_text() == "东营区预防接种服务规范（合成示例）"
    assert page.get_by_text("DB37/T 4604—2022").first.is_visible()


def test_compare_two_counties(page):
    page.goto(page.base + "/compare")
    page.get_by_label("输入 2 至 4 个县级代码，用逗号分隔").fill("370502,370503")
    page.get_by_role("button", name="对比").click()
    row = page.locator("tr", has_text="严重精神障碍患者健康管理")
    assert row.locator("td").nth(3).inner_text() == "0"  # 河口区 has no standard for item 12
    page.locator("#compare-chart canvas").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").click()
    assert download.value.suggested_filename == "compare.csv"


def test_run_a_library_query_in_the_editor(page):
    page.goto(page.base + "/query")
    page.get_by_label("查询库").select_option("coverage-by-county")
    page.locator(".yasqe_queryButton").click()
    results = page.locator(".yasr")
    results.get_by_text("河口区").first.wait_for(timeout=15000)
    assert results.get_by_text("92.9").first.is_visible()


def test_switch_language(page):
    page.goto(page.base + "/county/370503")
    assert page.get_by_role("link", name="国家清单").is_visible()
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("link", name="National list").is_visible()
    assert page.get_by_text("named items covered").is_visible()
    page.get_by_role("link", name="National list").click()
    assert "lang=en" in page.url


def test_markup_in_labels_is_shown_as_text(page):
    page.goto(page.base + "/search?q=恶意标签")
    assert page.get_by_text(HOSTILE).first.is_visible()
    assert page.evaluate("window.__pwned") is None
    page.goto(page.base + "/resource?iri=https://w3id.org/bpss-kg/id/standard/county/370502/XSS")
    assert page.get_by_role("heading", level=1).inner_text() == HOSTILE
    assert page.evaluate("window.__pwned") is None


def test_county_dashboard_shows_findings_and_chart(page):
    page.goto(page.base + "/county/370502")
    page.locator("#indicator-chart canvas").wait_for()
    assert page.get_by_text("县域指标值未达到国家基准").first.is_visible()
