"""A member of the public leaves an opinion on a standard's page in chromium; the county office
reads it on its page and answers; the answer appears on the standard's page (issue 19)."""

from __future__ import annotations

import urllib.parse

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
STANDARD = "https://w3id.org/bpss-kg/id/standard/DB37-T-4605-2023"


def test_leave_an_opinion_then_the_office_answers(page, base_url) -> None:
    page.goto("/resource?iri=" + urllib.parse.quote(STANDARD))
    section = page.locator("#feedback")
    expect(section.get_by_role("heading", name="意见建议")).to_be_visible()
    expect(section).to_contain_text("已收到 0 条")
    trap = page.locator(".hp").bounding_box()  # the honeypot lies off screen for people
    assert trap is not None and trap["x"] + trap["width"] <= 0
    section.get_by_label("您的意见或建议").fill("<i>服务时间</i>能否延长到晚上？")
    section.get_by_label("联系方式").fill("13900000000")
    page.wait_for_timeout(3300)  # a person takes longer than the form's minimum
    section.get_by_role("button", name="提交").click()
    expect(page.get_by_role("status")).to_contain_text("意见已提交")
    expect(section).to_contain_text("已收到 1 条")
    expect(section).not_to_contain_text("13900000000")

    # the office, with a county token (the tokens live beside the served store)
    token = _office_token(base_url)
    page.goto("/county/370502/feedback")
    page.get_by_label("县级机构令牌").fill(token)
    page.get_by_role("button", name="查看意见").click()
    row = page.locator("table.feedback-office tbody tr").filter(has_text="服务时间")
    expect(row).to_contain_text("13900000000")
    expect(row).to_contain_text("<i>服务时间</i>")  # markup stays text
    row.get_by_label("答复").fill("自下月起延长至 20:00（合成示例）")
    row.get_by_role("button", name="保存").click()
    page.goto("/resource?iri=" + urllib.parse.quote(STANDARD))
    expect(page.locator("#feedback")).to_contain_text("自下月起延长至 20:00")


def _office_token(base_url: str) -> str:
    from bpss_kg.access import AccessRegistry, Scope

    from .conftest import SERVED_STORE

    return AccessRegistry(SERVED_STORE[base_url]).add(Scope.of("county", "370502"),
                                                      "东营区 office (browser test)")[1]
