"""Issue 20 over a real HTTP server, for data-sharing engineers and researchers: one BOM rule
for every CSV served, compare CSVs with CSVW column datatypes ("04" stays text), dcat:byteSize,
the configured publisher, the /sparql page for browsers (machines keep Turtle), and search
ranking and facets."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.publish import parse_dump_name, write_dump
from bpss_kg.publish.catalog import UNCONFIGURED_PUBLISHER
from bpss_kg.publish.csvw import county_csv
from bpss_kg.store import OxigraphStore
from server import create_app
from tests.http_server import running

BOM = b"\xef\xbb\xbf"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PUBLIC = "https://kg.example.org"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Two servers on one store: one with a configured base URL and publisher, one without."""
    path = tmp_path_factory.mktemp("issue20data") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    configured = create_app(Settings(store=str(path), query_workers=1, base_url=PUBLIC,
                                     publisher_iri="https://example.org/agency"), store)
    plain = create_app(Settings(store=str(path), query_workers=1), store)
    with running(configured) as url, running(plain) as plain_url:
        yield url, plain_url, store
    for app in (configured, plain):
        app.extensions["bpss_kg"].queries.close()
    store.close()


def fetch(url: str, accept: str = "*/*", data: bytes | None = None,
          content_type: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept": accept} | ({"Content-Type": content_type} if content_type else {})
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_no_csv_served_starts_with_a_bom(served) -> None:
    """The rule (docs/data-sharing.md): every CSV is UTF-8 without a byte-order mark."""
    base, _, _ = served
    query = urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s a ?c } LIMIT 3"}).encode()
    answers = [
        fetch(f"{base}/compare?counties=370502,370503&format=csv&part=items"),
        fetch(f"{base}/compare?counties=370502,370503&format=csv&part=indicators&lang=en"),
        fetch(f"{base}/dumps/county-370502.csv"),
        fetch(f"{base}/api/queries/agreements-expiring?format=csv"),
        fetch(f"{base}/sparql", accept="text/csv", data=query,
              content_type="application/x-www-form-urlencoded"),
    ]
    for status, headers, body in answers:
        assert status == 200 and headers["Content-Type"].startswith("text/csv")
        assert not body.startswith(BOM) and body.decode("utf-8")


def _typed_rows(body: bytes, metadata: dict) -> list[dict[str, object]]:
    """The CSV read with the csv module and typed by its CSVW column datatypes (what a CSVW
    processor does; pandas is not installed here)."""
    columns = metadata["tableSchema"]["columns"]
    rows = list(csv.reader(io.StringIO(body.decode(metadata["dialect"]["encoding"]))))
    assert rows[0] == [c["titles"] for c in columns]
    cast = {"string": str, "integer": int, "decimal": Decimal, "gYear": str}
    return [{c["name"]: cast[c["datatype"]](cell) if cell != "" else None
             for c, cell in zip(columns, row, strict=True)} for row in rows[1:]]


def test_compare_csv_metadata_keeps_item_numbers_as_text(served) -> None:
    base, _, _ = served
    status, headers, body = fetch(f"{base}/compare?counties=370502,370503&format=csv&part=items")
    link = re.match(r'<([^>]+)>; rel="describedby"', headers["Link"])
    assert status == 200 and link is not None and link.group(1).startswith(PUBLIC)
    status, headers, raw = fetch(link.group(1).replace(PUBLIC, base))  # the configured base
    assert status == 200 and headers["Content-Type"].startswith("application/csvm+json")
    metadata = json.loads(raw)
    assert metadata["url"].startswith(PUBLIC + "/compare?")
    rows = _typed_rows(body, metadata)
    fourth = next(r for r in rows if r["item"] == "义务教育阶段免除学杂费")
    assert fourth["number"] == "04" and isinstance(fourth["standards_370502"], int)
    _, _, indicators = fetch(f"{base}/compare?counties=370502,370503&format=csv"
                             "&part=indicators")
    _, _, raw = fetch(f"{base}/compare?counties=370502,370503&format=csvw&part=indicators")
    maternal = next(r for r in _typed_rows(indicators, json.loads(raw))
                    if r["indicator"] == "孕产妇系统管理率")
    assert maternal["value_370502"] == Decimal("89.2") and maternal["year_370502"] == "2024"


def test_catalog_gives_byte_sizes_and_the_configured_publisher(served) -> None:
    base, plain, store = served
    _, _, body = fetch(f"{base}/catalog", accept="text/turtle")
    catalog = Graph().parse(data=body, format="turtle")
    url = URIRef(f"{PUBLIC}/dumps/county-370502.ttl")
    dist = catalog.value(None, DCAT.downloadURL, url)
    out = io.BytesIO()
    name, ext = parse_dump_name(store, "county-370502.ttl")
    write_dump(store, name, ext, out, f"{PUBLIC}/context.jsonld")
    assert int(catalog.value(dist, DCAT.byteSize)) == len(out.getvalue())
    csv_dist = catalog.value(None, DCAT.downloadURL, URIRef(f"{PUBLIC}/dumps/county-370502.csv"))
    assert int(catalog.value(csv_dist, DCAT.byteSize)) == len(county_csv(store, "370502"))
    publishers = set(catalog.objects(None, DCTERMS.publisher))
    assert publishers == {URIRef("https://example.org/agency")}
    # Unconfigured: a stable IRI that says so, never one under the host that served it.
    _, _, body = fetch(f"{plain}/catalog", accept="text/turtle")
    publishers = set(Graph().parse(data=body, format="turtle").objects(None, DCTERMS.publisher))
    assert publishers == {URIRef(str(UNCONFIGURED_PUBLISHER))}


def test_sparql_page_for_browsers_and_turtle_for_machines(served) -> None:
    base, _, _ = served
    status, headers, body = fetch(f"{base}/sparql", accept=BROWSER)
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "SPARQL 1.1 端点" in page and 'href="/query"' in page
    for accept in ("text/turtle", "*/*", "application/ld+json"):
        status, headers, body = fetch(f"{base}/sparql", accept=accept)
        assert status == 200 and not headers["Content-Type"].startswith("text/html")
        Graph().parse(data=body, format="json-ld" if "json" in accept else "turtle")


def test_search_ranks_counties_with_data_first_and_has_facets(served) -> None:
    base, _, _ = served
    _, _, body = fetch(f"{base}/search?q=" + urllib.parse.quote("海"), accept=BROWSER)
    page = body.decode()
    first = re.search(r'<ol class="hits".*?<a href="([^"]+)">([^<]+)</a>', page, re.S)
    assert first is not None and first.group(2) == "海盐县"
    assert re.search(r'有标准体系数据 <span class="count">1</span>', page)
    _, _, body = fetch(f"{base}/search?q=" + urllib.parse.quote("海") + "&province=37",
                       accept=BROWSER)
    hits = re.findall(r'<span class="place">([^<]+)</span>', body.decode())
    assert hits and all(h.endswith("山东省") for h in hits)
    status, _, body = fetch(f"{base}/search?q=x&province=3", accept=BROWSER)
    assert status == 400 and "省份代码应为两位数字" in body.decode()


def test_english_pages_name_the_items_in_an_unofficial_translation_beside_the_chinese(served):
    """The coverage grid in English: the item's working translation, marked unofficial; the
    Chinese page keeps the official Chinese names only."""
    url, _, _ = served
    with urllib.request.urlopen(f"{url}/county/370502?lang=en") as response:
        english = response.read().decode()
    assert "Vaccination (unofficial translation)" in english
    assert "Health management for older people (unofficial translation)" in english
    with urllib.request.urlopen(f"{url}/county/370502") as response:
        chinese = response.read().decode()
    assert "预防接种" in chinese and "unofficial translation" not in chinese
