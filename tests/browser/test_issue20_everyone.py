"""Issue 20 in a real browser, for everyone and for researchers: phone layouts, English mode,
errors in the page's language, contrast, labelled editor inputs, search facets, the standard's
neighbourhood graph and a 5,000-row result paged in the editor."""

from __future__ import annotations

import re
import urllib.parse

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

PHONE = {"width": 390, "height": 800}
CONTRAST = """(el) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const v = c.map((x) => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const s = getComputedStyle(el);
  const a = lum(rgb(s.color)), b = lum(rgb(s.backgroundColor));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture
def phone(browser, base_url: str):
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["/compare?counties=370502,370503,330424",
                                  "/compare?counties=370502,370503,330424&lang=en",
                                  "/county/370502?lang=en", "/county/370502",
                                  "/ontology?lang=en", "/import?lang=en", "/catalog",
                                  "/search?q=%E6%B5%B7&lang=en"])
def test_no_page_is_wider_than_a_phone(phone, path: str) -> None:
    phone.goto(path)
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_phone_headers_and_chart_labels_do_not_collide(phone) -> None:
    phone.goto("/county/370502")
    phone.wait_for_load_state("networkidle")
    # 是否达标 stays on one line instead of one character per line.
    header = phone.locator("#indicators th", has_text="是否达标").bounding_box()
    line = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('#indicators th'))"
                          ".lineHeight)")
    assert header is not None and header["height"] < 2 * line + 12
    boxes = phone.evaluate("""() => [...document.querySelectorAll('#indicator-chart svg text')]
        .map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0)
        .map((r) => [r.left, r.top, r.right, r.bottom])""")
    # Lines of one wrapped label touch by a pixel or two (line boxes); collisions are more.
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if a[0] < b[2] - 3 and b[0] < a[2] - 3 and a[1] < b[3] - 3 and b[1] < a[3] - 3]
    # Labels side by side on one line (the value axis) keep a gap between them.
    crowded = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if abs((a[1] + a[3]) - (b[1] + b[3])) < 8
               and max(a[0], b[0]) - min(a[2], b[2]) < 4]
    assert len(boxes) > 10 and overlapping == [] and crowded == []


def test_english_mode_names_places_units_and_partners(page) -> None:
    page.goto("/county/370502?lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Dongying District (东营区): county dashboard")
    expect(page.locator("#indicators table")).to_contain_text("at most 30 days")
    expect(page.locator("#agreements td").nth(1)).to_contain_text("Hekou District (河口区)")
    page.goto("/compare?counties=370502,370503&lang=en")
    expect(page.locator("#compare-coverage thead")).to_contain_text("Hekou District (河口区)")


def test_chinese_mode_shows_chinese_parameter_help(page) -> None:
    page.goto("/query?library=agreements-expiring")
    form = page.locator("#library-params")
    expect(form).to_contain_text("截止日期早于此日期的协议")
    expect(form).to_contain_text("?before (日期)")
    expect(form).not_to_contain_text("agreements ending before")


def test_errors_speak_the_page_language(page) -> None:
    page.goto("/search?q=x&province=3")
    expect(page.locator("p.error")).to_have_text("省份代码应为两位数字（如 37），而不是“3”。")
    page.goto("/search?q=x&province=3&lang=en")
    expect(page.locator("p.error")).to_have_text(
        "A province code has two digits (e.g. 37), not “3”.")


def test_in_force_badge_meets_wcag_aa(page) -> None:
    page.goto("/county/370502")
    badge = page.locator(".status-in-force").first
    expect(badge).to_have_text("现行")
    assert badge.evaluate(CONTRAST) >= 4.5


def test_every_editor_input_has_a_name(page) -> None:
    page.goto("/query?library=agreements-expiring")
    page.get_by_role("button", name="用这些参数运行").click()
    expect(page.locator(".yasr table.dataTable")).to_be_visible(timeout=15_000)
    unnamed = page.evaluate("""() => [...document.querySelectorAll(
        '#yasgui input, #yasgui textarea, #yasgui select')].filter((el) => el.type !== 'hidden'
        && !el.getAttribute('aria-label') && !(el.id && document.querySelector(
        "label[for='" + el.id + "']"))).map((el) => el.outerHTML.slice(0, 80))""")
    assert unnamed == []
    expect(page.get_by_label("SPARQL 查询文本")).to_have_count(1)


def test_search_facets_narrow_the_hits(page) -> None:
    page.goto("/search?q=" + urllib.parse.quote("海"))
    first = page.locator("ol.hits > li").first
    expect(first).to_contain_text("海盐县")  # the county with data comes first
    page.locator("#facet-data").get_by_role("link", name=re.compile("有标准体系数据")).click()
    expect(page.locator("ol.hits > li")).to_have_count(1)
    expect(page.locator("#facet-data a[aria-current]")).to_contain_text("有标准体系数据")
    page.locator("#facet-data").get_by_role("link", name="全部").click()
    page.locator("#facet-province").get_by_role("link", name=re.compile("浙江省")).click()
    places = page.locator("ol.hits .place").all_inner_texts()
    assert places and all(p.endswith("浙江省") for p in places)
    page.locator("#facet-kind").get_by_role("link", name=re.compile("标准 ")).first.click()
    expect(page.locator("ol.hits .kind").first).to_have_text("标准")
    assert set(page.locator("ol.hits .kind").all_inner_texts()) == {"标准"}


def test_a_standards_neighbourhood_graph(page) -> None:
    page.goto("/id/standard/DB37-T-4604-2022")
    section = page.locator("#neighbourhood")
    chart = section.locator("#neighbourhood-chart svg")
    expect(chart).to_be_visible()
    for name in ("10 预防接种", "DB37/T 4600—2016", "GB/T 43507—2023"):
        expect(chart.locator("text", has_text=name).first).to_be_visible()
    for relation, name in (("代替", "DB37/T 4600—2016"), ("规范性引用", "GB/T 43507—2023"),
                           ("实施项目", "10 预防接种"), ("所属体系", "东营区基本公共服务标准体系")):
        expect(section.locator("ul.neighbours li", has_text=relation).filter(
            has_text=name)).to_have_count(1)
    chart.locator("text", has_text="10 预防接种").first.click()
    expect(page).to_have_url(re.compile(r"item%2F10|item/10"))
    page.goto("/id/standard/DB37-T-4600-2016")
    expect(page.locator("#neighbourhood ul.neighbours")).to_contain_text("被代替为")


def test_five_thousand_rows_are_paged_in_the_editor(page) -> None:
    """The editor draws one page of a 5,000-row result (time: docs/performance.md, UI)."""
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5000"
    page.goto("/query#" + urllib.parse.urlencode({"query": query}))
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr")).to_contain_text("of 5,000 entries", timeout=30_000)
    assert page.locator(".yasr table.dataTable tbody tr").count() <= 100
