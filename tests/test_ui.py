"""The web UI's pages over HTTP (no browser): what they show, content negotiation, escaping,
pagination, errors, CSV, validation findings and response times on the sample data."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef

from bpss_kg.config import Settings
from bpss_kg.loading import load_sources, sample_sources, source_for_file
from bpss_kg.publish.jsonld import with_local_context
from bpss_kg.store import OxigraphStore
from bpss_kg.validation import validate
from server import create_app
from server.messages import MESSAGES
from tests.conftest import TEST_DATA
from tests.http_server import running

ONTOLOGY_FILE = Path(__file__).parent.parent / "ontology" / "bpss.ttl"

COUNTY = "https://w3id.org/bpss-kg/id/place/370502"
XSS = "<script>window.__xss=1;alert('xss')</script>标准"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("ui") / "store"
    store = OxigraphStore(path)
    load_sources(store, [*sample_sources(), source_for_file(TEST_DATA / "xss-standard.trig")])
    validate(store, as_of=date(2025, 6, 1))
    app = create_app(Settings(store=str(path), query_workers=1), store)
    with running(app) as url:
        yield url
    app.extensions["bpss_kg"].queries.close()
    store.close()


def get(base: str, path: str, accept: str = BROWSER_ACCEPT) -> tuple[int, str, str]:
    url = base + urllib.parse.quote(path, safe="/?=&%,")
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def text_of(html: str) -> str:
    """The visible text, roughly: tags dropped, whitespace collapsed, entities kept."""
    body = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def test_every_message_has_chinese_and_english() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key


def test_home_tells_what_the_graph_holds(base: str) -> None:
    status, _, html = get(base, "/")
    text = text_of(html)
    assert status == 200
    assert "5 县域标准体系" in text
    assert "81 国家清单项目位置 其中待补 67 项" in text
    assert re.search(r"最近一次校验 \S+ \S+：6 个单元，5 个不符合", text)
    assert "东营区" in text and "越秀区" in text
    assert "5 County standard systems" in text_of(get(base, "/?lang=en")[2])


@pytest.mark.parametrize("path", [
    "/", "/?lang=en", "/search?q=东营", "/search?q=区", f"/resource?iri={q(COUNTY)}",
    "/id/place/370502", "/ontology", "/national-list", "/county/370502",
    "/county/370502?lang=en", "/compare?counties=370502,370503,330424,440104", "/query",
])
def test_pages_answer_well_under_a_second(base: str, path: str) -> None:
    get(base, path)  # warm caches (templates, the search index)
    started = time.perf_counter()
    status, media, _ = get(base, path)
    assert (status, media) == (200, "text/html; charset=utf-8")
    assert time.perf_counter() - started < 0.5


def test_resource_negotiates_turtle_jsonld_and_html(base: str) -> None:
    path = f"/resource?iri={q(COUNTY)}"
    status, media, body = get(base, path, accept="text/turtle")
    assert (status, media) == (200, "text/turtle; charset=utf-8")
    graph = Graph().parse(data=body, format="turtle")
    assert (URIRef(COUNTY), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("东营区", lang="zh")) in graph
    status, media, body = get(base, "/id/place/370502", accept="application/ld+json")
    assert media == "application/ld+json; charset=utf-8"
    document = json.loads(body)
    # Compacted with the published context (issue 20), and the same triples as the Turtle.
    assert document["@id"] == COUNTY and document["@context"] == f"{base}/context.jsonld"
    assert "bpss:divisionCode" in document
    expanded = Graph().parse(data=with_local_context(body, f"{base}/context.jsonld"),
                             format="json-ld")
    assert expanded.isomorphic(graph)
    _, media, html = get(base, "/id/place/370502")
    assert media == "text/html; charset=utf-8"
    text = text_of(html)
    assert "东营区" in text and "类型: 县级行政区" in text and "查看县域看板" in text
    assert "所属省 山东省" in text


def test_resource_incoming_links_are_paginated(base: str) -> None:
    iri = q("https://w3id.org/bpss-kg/id/concept/standard-status/in-force")
    first = text_of(get(base, f"/resource?iri={iri}")[2])
    match = re.search(r"被引用（(\d+)）", first)
    assert match and int(match.group(1)) > 50
    assert "第 1 / 2 页" in first and "下一页" in first
    second = text_of(get(base, f"/resource?iri={iri}&page=2")[2])
    assert "第 2 / 2 页" in second and "上一页" in second


def test_unknown_and_malformed_requests_get_a_readable_page(base: str) -> None:
    status, media, html = get(base, "/resource?iri=" + q("https://w3id.org/bpss-kg/id/nothing"))
    assert (status, media) == (404, "text/html; charset=utf-8")
    assert "nothing in the graph about https://w3id.org/bpss-kg/id/nothing" in text_of(html)
    assert get(base, "/resource?iri=not%20an%20iri")[0] == 400
    status, _, html = get(base, "/county/999999")
    assert status == 404 and "no county with code 999999 in the graph" in text_of(html)
    assert get(base, "/county/abc")[0] == 400
    assert get(base, "/compare?counties=370502,abc")[0] == 400


def test_compare_reads_typed_lists_and_asks_for_more_or_fewer_counties(base: str) -> None:
    """Issue 20: the dashboard's link (one county, once with a trailing comma), a typed list with
    spaces and commas, and five ticked counties all get the compare form back, not a bare 400."""
    for path in ("/compare?counties=370502,", "/compare?counties=370502"):
        status, _, html = get(base, path)
        assert status == 200, path
        assert "已选 1 个县；请再输入一到三个县的代码" in text_of(html)
        assert re.search(r'<input id="counties" name="counties" value="370502 "', html)
    dashboard = get(base, "/county/370502")[2]
    link = re.search(r'href="([^"]*compare[^"]*)"', dashboard)
    assert link is not None and get(base, link.group(1).replace("&amp;", "&"))[0] == 200
    status, _, html = get(base, "/compare?counties=370502, 370503 330424")
    assert status == 200 and 'id="compare-coverage"' in html
    assert all(name in text_of(html) for name in ("东营区", "河口区", "海盐县"))
    ticked = "&".join(f"counties={c}" for c in ("370502", "370503", "330424", "440104", "370214"))
    status, _, html = get(base, "/compare?" + ticked)
    assert status == 400 and "已选 5 个县；一次最多对比四个县" in text_of(html)
    assert 'value="370502 370503 330424 440104 370214 "' in html
    english = get(base, "/compare?counties=370502&lang=en")[2]
    assert "1 county chosen; add one to three more county codes" in text_of(english)


def test_labels_from_the_data_are_escaped(base: str) -> None:
    pages = ["/search?q=" + q("<script>"), "/county/370502",
             "/resource?iri=" + q("https://w3id.org/bpss-kg/id/standard/county/370502/XSS-1")]
    for path in pages:
        html = get(base, path)[2]
        assert "&lt;script&gt;window.__xss=1;alert(&#39;xss&#39;)&lt;/script&gt;标准" in html
        assert "<script>window.__xss" not in html


def test_county_dashboard_shows_tree_coverage_indicators_agreements_findings(base: str) -> None:
    text = text_of(get(base, "/county/370502")[2])
    assert "东营区 县域看板 370502" in text
    # 3 local standards, the adopted GB/T 43507—2023 (issue 17) and the draft XSS test standard
    assert "基准指标 5 项标准，4 项现行" in text
    assert "服务实施 9 项标准，8 项现行" in text
    assert "7.2 服务提供标准 5" in text
    assert "东营区预防接种服务规范（旧版，合成示例） DB37/T 4600—2016 被代替" in text
    assert "已命名项目覆盖 14 / 14；全部 81 个位置中有标准实施的 14 个。" in text
    assert "20 待补" in text
    assert "适龄儿童国家免疫规划疫苗接种率 2024 88.5 % 不低于 90 % ✗ 未达标" in text
    assert "东营区与河口区生育保险跨区域结算协同协议（合成示例） 河口区 生育保险 " \
           "2024-01-01 – 2026-12-31" in text
    # The rule by its label, the focus by its label, how to fix it (issue 20).
    assert "违规 标准立项条件齐备 立项缺少同级政府的配套保障措施 " \
           "东营区预防接种服务规范立项（合成示例） " \
           "由同级政府或行业主管部门提出，针对清单内项目，并附配套保障措施。" in text
    assert "ProposalComplete" not in text
    english = text_of(get(base, "/county/370502?lang=en")[2])
    assert "Baseline and indicators 5 standards, 4 in force" in english
    assert "Violation A standard proposal meets the approval conditions" in english


def test_national_list_counts_counties_per_item(base: str) -> None:
    text = text_of(get(base, "/national-list")[2])
    assert "9 个领域、81 个项目位置（其中 67 项待补）；共 5 个县域标准体系。" in text
    assert "01 增补叶酸预防神经管缺陷服务 5 / 5" in text
    assert "20 待补（第20项） 待补 0 / 5" in text


def test_ontology_lists_classes_and_properties_with_definitions(base: str) -> None:
    text = text_of(get(base, "/ontology")[2])
    ontology = Graph().parse(ONTOLOGY_FILE)
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert f"类（{len(classes)}）" in text
    assert "标准 经协商一致制定并由公认机构批准的规范性文件" in text
    assert "标准编号 数据属性 标准 string 标准的编号，按印刷形式书写" in text


def test_compare_csv_download(base: str) -> None:
    """Issue 20: items and indicators in separate files; value, year and verdict in their own
    columns; Chinese words in the Chinese file; item numbers as the list writes them."""
    path = "/compare?counties=370502,370503&format=csv"
    status, media, body = get(base, path + "&part=items", accept="*/*")
    assert (status, media) == (200, "text/csv; charset=utf-8")
    assert not body.startswith("\ufeff")  # no BOM: the one rule for every CSV served
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["编号", "项目", "待补", "东营区 370502 标准数", "河口区 370503 标准数"]
    assert ["12", "严重精神障碍患者健康管理", "否", "2", "0"] in rows
    assert ["20", "待补（第20项）", "是", "0", "0"] in rows
    assert get(base, path, accept="*/*")[2] == body  # items unless told
    body = get(base, path + "&part=indicators", accept="*/*")[2]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["指标", "单位", "国家基准", "方向",
                       "东营区 370502 数值", "东营区 370502 年份", "东营区 370502 达标",
                       "河口区 370503 数值", "河口区 370503 年份", "河口区 370503 达标"]
    maternal = ["孕产妇系统管理率", "%", "85", "不低于", "89.2", "2024", "是", "87", "2024", "是"]
    assert maternal in rows
    assert "at-least" not in body and "(2024)" not in body
    english = get(base, path + "&part=indicators&lang=en", accept="*/*")[2]
    assert "Systematic management rate of pregnant women,%,85,at least,89.2,2024,yes,87,2024,yes" \
        in english
    assert get(base, path + "&part=both", accept="*/*")[0] == 400


def test_query_page_embeds_the_library(base: str) -> None:
    html = get(base, "/query")[2]
    data = json.loads(re.search(r'id="library-data">(.*?)</script>', html, re.S).group(1))
    names = [query["name"] for query in data["queries"]]
    assert "national-list-tree" in names and len(names) >= 18
    assert "/static/vendor/yasgui/yasgui.min.js" in html
