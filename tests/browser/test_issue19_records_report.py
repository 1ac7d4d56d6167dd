"""Issue 19 in a real browser, as a county office: the records form (a problem shown at its
field, the record saved with the token, an open action closed) and the county report's charts
(targets beside value and baseline, one history chart per indicator, the edition trend)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from server import create_app
from tests.http_server import running

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
TOKEN = "records-office-token-19"


@pytest.fixture(scope="module")
def office_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("records-office") / "store"
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


def test_an_office_enters_a_record_fixes_a_field_and_closes_an_action(office) -> None:
    office.goto("/county/370503")
    office.get_by_role("link", name="监测评估记录").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("监测评估记录（370503）")
    form = office.locator("#record-form")
    form.get_by_label("记录类型 *").select_option("整改措施")
    form.get_by_label("记录编号 *").fill("B1")
    form.get_by_label("整改内容").fill("增设满意度评价二维码")
    form.get_by_label("提出依据").fill("https://w3id.org/bpss-kg/id/process/370503/assessment/2024")
    form.get_by_label("整改期限").fill("2026-02-30")
    form.get_by_label("整改状态").select_option("未完成")
    form.get_by_label(re.compile("写入令牌")).fill(TOKEN)
    form.get_by_role("button", name="保存").click()
    # the problem is shown at its field, and nothing is written
    expect(office.locator("#e-due_date")).to_have_text("不是存在的日期")
    expect(office.get_by_label("整改期限")).to_have_attribute("aria-invalid", "true")
    expect(office.locator("#stored-records")).not_to_contain_text("B1")
    office.get_by_label("整改期限").fill("2026-02-28")
    office.get_by_label(re.compile("写入令牌")).fill(TOKEN)
    office.locator("#record-form").get_by_role("button", name="保存").click()
    expect(office.get_by_role("status")).to_contain_text("已保存")
    row = office.locator("#stored-records tr", has_text="B1")
    expect(row).to_contain_text("未完成")
    # close it: the stored row comes back into the form, status and date changed, saved
    row.get_by_role("link", name="修改").click()
    expect(office.get_by_label("整改内容")).to_have_value("增设满意度评价二维码")
    office.get_by_label("整改状态").select_option("已完成")
    office.get_by_label("完成日期").fill("2026-01-15")
    office.get_by_label(re.compile("写入令牌")).fill(TOKEN)
    office.locator("#record-form").get_by_role("button", name="保存").click()
    expect(office.locator("#stored-records tr", has_text="B1")).to_contain_text("已完成")
    office.goto("/county/370503/report")
    expect(office.locator("#improvement")).to_contain_text("增设满意度评价二维码")
    expect(office.locator("#improvement")).to_contain_text("已完成 2026-01-15")
    # the two saves are two editions of the county's data: the trend chart draws them
    expect(office.locator("#trend tbody tr")).to_have_count(2)
    expect(office.locator("#edition-trend svg")).to_contain_text("#2")


def test_the_report_draws_targets_histories_and_the_edition_trend(office) -> None:
    office.goto("/county/370502/report")
    legend = office.locator("#indicator-chart svg")
    expect(legend).to_contain_text("县域目标")
    expect(legend).to_contain_text("国家基准")
    rows = office.locator("#indicators table.list tbody tr")
    charts = office.locator("#indicator-history > div svg")
    expect(charts).to_have_count(rows.count())  # one history chart per indicator
    expect(charts.first).to_contain_text("2025")  # the target year beyond the observed ones
    expect(office.locator("#indicators td.target").first).to_contain_text("(2025)")
    expect(office.locator("#trend")).to_contain_text("尚无版本记录")  # nothing written yet
