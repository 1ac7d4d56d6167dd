"""Importing a table over HTTP: preview with problems or validation report, token-guarded
commit, the template download, the plain upload page (labels escaped)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from server import create_app

TABLES = Path(__file__).resolve().parent / "data" / "tables"
TOKEN = "import-token-7d2"


@pytest.fixture
def client(tmp_path):
    path = tmp_path / "store"
    store = OxigraphStore(path)
    load_sample(store)
    app = create_app(Settings(store=str(path), update_token=TOKEN, query_workers=1), store)
    with app.test_client() as test_client:
        yield test_client, store
    app.extensions["bpss_kg"].queries.close()
    store.close()


def upload(name: str, county: str = "370502", **extra: str) -> dict:
    return {"county": county, "file": (io.BytesIO((TABLES / name).read_bytes()), name)} | extra


def test_preview_lists_problems_by_row_and_column(client):
    http, _ = client
    response = http.post("/api/import/preview", data=upload("bad-rows.csv"),
                         content_type="multipart/form-data")
    body = json.loads(response.data)
    assert response.status_code == 200 and body["ok"] is False
    expected = {"sheet": "bad-rows.csv", "row": 3, "column": "实施日期", "value": "2024/02/30"}
    assert expected.items() <= body["problems"][0].items()


def test_preview_of_a_clean_table_carries_the_validation_report(client):
    http, _ = client
    body = json.loads(http.post("/api/import/preview", data=upload("good-utf8.csv"),
                                content_type="multipart/form-data").data)
    assert body["ok"] and body["standards"] == 2
    faults = {f["fault"] for f in body["validation"]["findings"]}
    assert "uncovered-item" in faults  # two standards cannot cover the declared items


def test_commit_needs_the_token_and_then_writes(client):
    http, store = client
    assert http.post("/api/import/commit", data=upload("good-utf8.csv"),
                     content_type="multipart/form-data").status_code == 401
    response = http.post("/api/import/commit", data=upload("good-utf8.csv"),
                         content_type="multipart/form-data",
                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and json.loads(response.data)["imported"]
    numbers = {s["n"].value for s in store.query(
        "SELECT ?n WHERE { GRAPH <https://w3id.org/bpss-kg/graph/county/370502> "
        "{ ?s <https://w3id.org/bpss-kg/def#standardNumber> ?n } }")}
    assert "DB37/T 4902—2024" in numbers


def test_template_download(client):
    http, _ = client
    response = http.get("/api/template.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"


def test_upload_page_shows_problems_escaped(client, tmp_path):
    http, _ = client
    assert "导入标准明细表" in http.get("/import").get_data(as_text=True)
    hostile = tmp_path / "x.csv"
    hostile.write_text("标准名称,标准编号,子体系,标准类别,状态\n"
                       "<script>alert(1)</script>,DB37/T 1—2020,服务实施,<b>坏</b>,现行\n",
                       encoding="utf-8")
    page = http.post("/import", data={"county": "370502", "action": "check",
                                      "file": (io.BytesIO(hostile.read_bytes()), "x.csv")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "&lt;b&gt;坏&lt;/b&gt;" in page and "<b>坏</b>" not in page
