"""Issue 20 over a real HTTP server: library queries run from the query page bind their typed
parameters (defaults filled) as variables on /sparql and answer what /api/queries answers."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.queries import library_query
from bpss_kg.store import OxigraphStore
from server import create_app
from tests.http_server import running


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("issue20") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    app = create_app(Settings(store=str(path), query_workers=1), store)
    with running(app) as url:
        yield url
    app.extensions["bpss_kg"].queries.close()
    store.close()


def sparql(base: str, fields: dict[str, str]) -> tuple[int, dict]:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(base + "/sparql", data=body, headers={
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read().decode()}


def api_rows(base: str, name: str, query: str = "") -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/queries/{name}{query}", timeout=30) as response:
        answer = json.loads(response.read())
    return answer["results"]["bindings"] if "results" in answer else answer["rows"]


@pytest.mark.parametrize("name", ["agreements-expiring", "standards-due-for-review"])
def test_library_defaults_are_bound_on_sparql(base: str, name: str) -> None:
    text = library_query(name).text
    unbound = sparql(base, {"query": text})[1]["results"]["bindings"]
    status, bound = sparql(base, {"query": text, "library": name})
    rows = bound["results"]["bindings"]
    assert status == 200 and len(unbound) == 0 < len(rows)
    assert len(rows) == len(api_rows(base, name))


def test_library_values_are_typed_and_bound(base: str) -> None:
    text = library_query("compare-counties").text
    status, answer = sparql(base, {"query": text, "library": "compare-counties",
                                   "param.county1": "370502", "param.county2": "370503"})
    rows = answer["results"]["bindings"]
    assert status == 200 and rows
    assert len(rows) == len(api_rows(base, "compare-counties", "?county1=370502&county2=370503"))
    # A value that is not of the parameter's type is refused, not pasted into the text.
    status, refused = sparql(base, {"query": text, "library": "compare-counties",
                                    "param.county1": "370502} ; DROP ALL #",
                                    "param.county2": "370503"})
    assert status == 400 and "county1" in refused["error"]
    assert sparql(base, {"query": text, "param.county1": "370502"})[0] == 400
    assert sparql(base, {"query": text, "library": "no-such-query"})[0] in (400, 404)


@pytest.mark.parametrize("typed", ["DB37/T4601-2023", "db37/t 4601-2023",
                                   "ＤＢ３７／Ｔ４６０１－２０２３"])
def test_search_finds_a_compactly_typed_standard_number(base: str, typed: str) -> None:
    url = f"{base}/search?" + urllib.parse.urlencode({"q": typed})
    with urllib.request.urlopen(url, timeout=30) as response:
        html = response.read().decode()
    assert "东营区基本公共服务术语与分类（合成示例）" in html
    assert "DB37/T 4601—2023" in html


def test_search_hits_show_prefecture_and_province(base: str) -> None:
    url = f"{base}/search?" + urllib.parse.urlencode({"q": "海州区"})
    with urllib.request.urlopen(url, timeout=30) as response:
        html = response.read().decode()
    assert '<span class="place">阜新市，辽宁省</span>' in html
    assert '<span class="place">连云港市，江苏省</span>' in html


@pytest.mark.parametrize("typed", ["Haiyan", "Haiyan County", "haiyan"])
def test_search_finds_a_place_by_pinyin_or_english_suffix(base: str, typed: str) -> None:
    url = f"{base}/search?" + urllib.parse.urlencode({"q": typed, "lang": "en"})
    with urllib.request.urlopen(url, timeout=30) as response:
        html = response.read().decode()
    assert "海盐县" in html and "嘉兴市" in html


def _status_type_body(url: str, accept: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_an_unknown_address_is_a_page_in_the_site_frame_for_people(base: str) -> None:
    status, media, html = _status_type_body(f"{base}/no/such/page", "text/html")
    assert status == 404 and media.startswith("text/html")
    assert "基本公共服务标准化知识图谱" in html and "本站没有地址为 /no/such/page 的页面" in html
    assert 'href="/"' in html  # the way home, in the frame's navigation
    status, _, html = _status_type_body(f"{base}/no/such/page?lang=en", "text/html")
    assert status == 404 and "There is no page at /no/such/page" in html
    # protocol and API addresses, and clients that do not ask for HTML, keep a plain answer
    status, _, body = _status_type_body(f"{base}/api/no-such", "text/html")
    assert status == 404 and "知识图谱" not in body
    status, _, body = _status_type_body(f"{base}/no/such/page", "application/json")
    assert status == 404 and "知识图谱" not in body
