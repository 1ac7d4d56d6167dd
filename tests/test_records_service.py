"""Monitoring and improvement records written through the service (issue 19): one record at a
time, checked as a row of the 监测评估 sheet, written through the write gate with a county
token — by ``POST /api/county/<code>/records`` and by the county office's form."""

from __future__ import annotations

import pytest

from bpss_kg.access import Scope
from bpss_kg.config import Settings
from bpss_kg.editions import graph_lines
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from bpss_kg.tables import commit_import
from bpss_kg.tables.exporting import county_record_rows
from bpss_kg.tables.record_entry import preview_record
from server import create_app

COUNTY = "370502"
GRAPH = f"https://w3id.org/bpss-kg/graph/county/{COUNTY}"
PROCESS = f"https://w3id.org/bpss-kg/id/process/{COUNTY}"
BPSS = "https://w3id.org/bpss-kg/def#"
ADMIN = "records-admin-token"
ACTION = {"record_type": "整改措施", "record_id": "A9", "action_text": "补充公示服务流程",
          "required_by": f"{PROCESS}/assessment/2024", "due_date": "2026-03-31",
          "action_status": "未完成", "source": "synthetic", "synthetic": "是"}


@pytest.fixture
def service(tmp_path):
    path = tmp_path / "store"
    store = OxigraphStore(path)
    load_sample(store)
    app = create_app(Settings(store=str(path), update_token=ADMIN, query_workers=1), store)
    ctx = app.extensions["bpss_kg"]
    _, own = ctx.access.add(Scope("county", COUNTY), "东营区 office")
    _, other = ctx.access.add(Scope("county", "370503"), "河口区 office")
    with app.test_client() as client:
        yield client, store, ctx, own, other
    ctx.queries.close()
    store.close()


def _lines(store) -> set[bytes]:
    return graph_lines(store, GRAPH)


def _post(client, body, token=None, query=""):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/county/{COUNTY}/records{query}", json=body, headers=headers)


def test_a_new_record_adds_exactly_its_own_triples(service):
    _, store, _, _, _ = service
    before = _lines(store)
    entry = preview_record(store, COUNTY, ACTION)
    assert entry.ok, entry.problems()
    assert _lines(store) == before  # a check writes nothing
    commit_import(store, entry.preview)
    after = _lines(store)
    action = f"<{PROCESS}/improvement/A9>".encode()
    assert before - after == set()  # the rest of the county's data as it was
    added = after - before
    assert added and all(line.startswith(action) for line in added)
    assert f"{action.decode()} <{BPSS}requiredBy> <{PROCESS}/assessment/2024> .".encode() in added
    assert any("补充公示服务流程".encode() in line for line in added)


def test_the_api_needs_a_county_token_and_writes_an_edition(service):
    client, store, ctx, own, other = service
    before = _lines(store)
    assert _post(client, ACTION).status_code == 401
    refused = _post(client, ACTION, token=other)
    assert refused.status_code == 403 and _lines(store) == before
    dry = _post(client, ACTION, token=own, query="?dry_run=true")
    assert dry.status_code == 200 and dry.get_json()["written"] is False
    assert _lines(store) == before
    editions = len(ctx.editions.editions(graph=GRAPH))
    written = _post(client, ACTION, token=own)
    assert written.status_code == 201, written.get_data(as_text=True)
    assert written.get_json()["written"] is True
    assert len(ctx.editions.editions(graph=GRAPH)) == editions + 1
    report = client.get(f"/county/{COUNTY}/report").get_data(as_text=True)
    assert "补充公示服务流程" in report  # readers see it in the county report


def test_closing_a_stored_action_changes_only_its_status(service):
    client, store, _, own, _ = service
    open_action = f"{PROCESS}/improvement/elderly-followup"
    page = client.get(f"/county/{COUNTY}/records?edit=整改措施:elderly-followup")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "补齐老年人健康管理随访记录" in html  # the form filled in
    before = _lines(store)
    # the stored row as the export gives it (a record is replaced by the whole row again)
    (row,) = [r for r in county_record_rows(store, COUNTY) if r["record_id"] == "elderly-followup"]
    closing = {k: str(v) for k, v in row.items() if k != "row_no" and v not in ("", None)}
    closing |= {"action_status": "已完成", "closed_on": "2025-03-20"}
    assert _post(client, closing, token=own).status_code == 201
    after = _lines(store)
    status = f"<{open_action}> <{BPSS}actionStatus> ".encode()
    assert {line for line in before - after} == {
        f"<{open_action}> <{BPSS}actionStatus> "
        "<https://w3id.org/bpss-kg/id/concept/action-status/open> .".encode()}
    assert {line.split(b" ")[1] for line in after - before} == {
        f"<{BPSS}actionStatus>".encode(), f"<{BPSS}closedOn>".encode()}
    assert any(line.startswith(status) and b"closed" in line for line in after)


def test_problems_name_the_field_and_nothing_is_written(service):
    client, store, _, own, _ = service
    before = _lines(store)
    bad = ACTION | {"due_date": "2026-02-30", "action_status": "maybe", "record_id": ""}
    response = _post(client, bad, token=own)
    body = response.get_json()
    assert response.status_code == 400 and body["written"] is False
    assert {p["field"] for p in body["problems"]} == {"due_date", "action_status", "record_id"}
    assert all(p["sheet"] == "监测评估" for p in body["problems"])
    assert _lines(store) == before
    unknown = _post(client, {"record_type": "整改措施", "colour": "red"}, token=own)
    assert unknown.status_code == 400 and "colour" in unknown.get_data(as_text=True)
    not_json = client.post(f"/api/county/{COUNTY}/records", data="x",
                           headers={"Authorization": f"Bearer {own}"})
    assert not_json.status_code == 400 and _lines(store) == before


def test_the_form_checks_then_saves_with_the_token(service):
    client, store, _, own, _ = service
    before = _lines(store)
    form = ACTION | {"due_date": "2026-13-01", "action": "save", "token": own}
    page = client.post(f"/county/{COUNTY}/records", data=form).get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="e-due_date"' in page
    assert "不是存在的日期" in page and "未写入任何数据" in page and _lines(store) == before
    no_token = client.post(f"/county/{COUNTY}/records", data=ACTION | {"action": "save"})
    assert "请填写本县的写入令牌" in no_token.get_data(as_text=True)
    assert _lines(store) == before
    saved = client.post(f"/county/{COUNTY}/records?lang=en",
                        data=ACTION | {"action": "save", "token": own})
    text = saved.get_data(as_text=True)
    assert "Saved: the record is part of the county" in text and "A9" in text
    assert _lines(store) != before
    listed = client.get(f"/county/{COUNTY}/records").get_data(as_text=True)
    assert "补充公示服务流程" not in listed or "A9" in listed
    assert ">A9<" in listed  # the stored records now list it


def test_an_action_names_its_improvement_standard_and_the_edition_that_carried_it_out(
        service):
    client, store, ctx, own, _ = service
    assert _post(client, ACTION, token=own).status_code == 201  # edition 1 of the county graph
    editions = ctx.editions.editions(graph=GRAPH)
    carried = ACTION | {"action_status": "已完成", "closed_on": "2026-01-10",
                        "under_standard": "DB37/T 4604—2022",
                        "carried_out_in": str(editions[-1].number)}
    assert _post(client, carried, token=own).status_code == 201
    action = f"<{PROCESS}/improvement/A9>"
    lines = _lines(store)
    assert (f"{action} <{BPSS}underStandard> "
            "<https://w3id.org/bpss-kg/id/standard/DB37-T-4604-2022> .").encode() in lines
    edition = f"https://w3id.org/bpss-kg/id/edition/county/{COUNTY}/{editions[-1].number}"
    assert f"{action} <{BPSS}carriedOutIn> <{edition}> .".encode() in lines
    (row,) = [r for r in county_record_rows(store, COUNTY) if r["record_id"] == "A9"]
    assert (row["under_standard"], row["carried_out_in"]) == (
        "DB37/T 4604—2022", str(editions[-1].number))  # the export names them as entered
    report = client.get(f"/county/{COUNTY}/report").get_data(as_text=True)
    assert "依据标准（8.4）" in report and f"第 {editions[-1].number} 版" in report
    bad = _post(client, carried | {"carried_out_in": "latest"}, token=own).get_json()
    assert [p["field"] for p in bad["problems"]] == ["carried_out_in"]
