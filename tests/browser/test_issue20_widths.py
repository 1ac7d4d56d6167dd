"""Issue 20 on a phone: no page of the site is wider than a 390 px screen, in either language
(wide tables scroll inside themselves), and the English coverage grid names items in their
marked working translations."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = ["/", "/search?q=%E6%B5%B7", "/county/370502", "/county/370502/editions",
         "/compare?counties=370502,370503,330424", "/national-list",
         "/id/standard/DB37-T-4604-2022", "/id/place/370502", "/query", "/import", "/catalog",
         "/void", "/sparql", "/ontology", "/county/370502/feedback", "/county/370502/report",
         "/county/370502/records", "/nope"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_is_wider_than_a_phone(browser, base_url, lang) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    too_wide = {}
    for path in PAGES:
        page.goto(path + (("&" if "?" in path else "?") + "lang=en" if lang == "en" else ""))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    context.close()
    assert too_wide == {}


def test_the_english_coverage_grid_marks_translations_as_unofficial(page) -> None:
    page.goto("/county/370502?lang=en")
    cell = page.locator("ol.coverage li", has_text="Vaccination")
    assert "(unofficial translation)" in cell.first.get_attribute("title")


def test_a_place_page_in_english_names_the_place_in_english_beside_the_chinese(page) -> None:
    page.goto("/id/place/370502?lang=en")
    assert page.locator("h1").inner_text() == "Dongying District (东营区)"
    page.goto("/id/place/370502")
    assert page.locator("h1").inner_text() == "东营区"
