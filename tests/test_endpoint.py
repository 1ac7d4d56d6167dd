"""The SPARQL 1.1 endpoint and JSON API over real HTTP on 127.0.0.1, with real clients."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample, sample_sources
from bpss_kg.store import OxigraphStore
from server import create_app

from .http_server import free_port, running

TOKEN = "test-token-5c1f"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("endpoint") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    settings = Settings(store=str(path), query_timeout=2.0, result_limit=1000,
                        update_token=TOKEN, query_workers=2)
    app = create_app(settings, store)
    with running(app) as url:
        yield url
    app.extensions["bpss_kg"].queries.close()
    store.close()


def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(base: str, path: str, **params: str):
    query = urllib.parse.urlencode(params)
    return http("GET", f"{base}{path}?{query}" if query else f"{base}{path}")


def sparql_wrapper(base: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base}/sparql")
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def test_sparqlwrapper_get_and_post_json(base):
    for method in ("GET", "POST"):
        client = sparql_wrapper(base, JSON, method)
        client.setQuery(COUNT)
        result = client.query().convert()
        assert int(result["results"]["bindings"][0]["n"]["value"]) > 25_000


def test_sparqlwrapper_xml_csv_tsv_and_construct(base):
    query = ("PREFIX bpss: <https://w3id.org/bpss-kg/def#> SELECT ?code WHERE { "
             "?c a bpss:County ; bpss:divisionCode ?code FILTER(?code = '370502') }")
    client = sparql_wrapper(base, XML)
    client.setQuery(query)
    xml = client.query().convert()
    assert xml.getElementsByTagName("literal")[0].firstChild.data == "370502"
    for fmt in (CSV, TSV):
        client = sparql_wrapper(base, fmt)
        client.setQuery(query)
        text = client.query().convert().decode("utf-8")
        assert "370502" in text.splitlines()[1]
    client = sparql_wrapper(base, TURTLE)
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/bpss-kg/def#County> ; "
                    "?p ?o } LIMIT 20")
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 20


def test_rdflib_sparqlstore(base):
    store = SPARQLStore(f"{base}/sparql")
    rows = list(store.query("SELECT ?label WHERE { <https://w3id.org/bpss-kg/id/place/370502> "
                            "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"))
    assert [str(r[0]) for r in rows] == ["东营区"]


@pytest.mark.parametrize(("accept", "parse"), [
    ("application/sparql-results+json", lambda b: json.loads(b)["results"]["bindings"][0]["n"]),
    ("application/sparql-results+xml",
     lambda b: next(iter(ox.parse_query_results(b, ox.QueryResultsFormat.XML)))["n"]),
    ("text/tab-separated-values",
     lambda b: next(iter(ox.parse_query_results(b, ox.QueryResultsFormat.TSV)))["n"]),
    ("text/csv", lambda b: next(iter(csv.DictReader(io.StringIO(b.decode()))))["n"]),
])
def test_result_formats_by_accept(base, accept, parse):
    status, headers, body = http("GET", f"{base}/sparql?" + urllib.parse.urlencode(
        {"query": COUNT}), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    assert parse(body)


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
])
def test_construct_formats(base, accept, rdflib_format):
    query = ("DESCRIBE <https://w3id.org/bpss-kg/id/place/370502>")
    status, _, body = http("POST", f"{base}/sparql", data=query.encode(),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": accept})
    assert status == 200
    graph = Graph().parse(data=body, format=rdflib_format)
    assert (URIRef("https://w3id.org/bpss-kg/id/place/370502"), None, None) in graph


def test_format_parameter_for_browsers(base):
    status, headers, _body = get(base, "/sparql", query=COUNT, format="csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")


def test_post_form_with_dataset_parameters(base):
    body = urllib.parse.urlencode([
        ("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        ("default-graph-uri", "https://w3id.org/bpss-kg/graph/county/370502"),
    ]).encode()
    status, _, data = http("POST", f"{base}/sparql", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    assert status == 200
    # the county graph alone: as many triples as the sample files put in it
    county = ox.NamedNode("https://w3id.org/bpss-kg/graph/county/370502")
    triples = {(q.subject, q.predicate, q.object) for source in sample_sources()
               if source.path is not None and source.format == ox.RdfFormat.TRIG
               for q in ox.parse(path=str(source.path), format=source.format)
               if q.graph_name == county}
    assert json.loads(data)["results"]["bindings"][0]["n"]["value"] == str(len(triples))
    status, _, data = get(base, "/sparql", **{
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "named-graph-uri": "https://w3id.org/bpss-kg/graph/county/370503"})
    graphs = [b["g"]["value"] for b in json.loads(data)["results"]["bindings"]]
    assert graphs == ["https://w3id.org/bpss-kg/graph/county/370503"]


def test_service_description(base):
    status, headers, body = get(base, "/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    assert (None, URIRef(SD + "endpoint"), URIRef(f"{base}/sparql")) in graph
    assert (None, URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")) in graph


def test_malformed_query_is_400_with_the_parser_message(base):
    status, _, body = get(base, "/sparql", query="SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and b"SPARQL syntax error" in body


def test_unsupported_format_is_406(base):
    status, _, _ = http("GET", f"{base}/sparql?" + urllib.parse.urlencode({"query": COUNT}),
                        headers={"Accept": "image/png"})
    assert status == 406
    status, _, _ = get(base, "/sparql", query="ASK { ?s ?p ?o }", format="turtle")
    assert status == 406


def test_update_needs_the_token(base):
    update = (b"INSERT DATA { GRAPH <https://w3id.org/bpss-kg/graph/test> { "
              b"<urn:x> <urn:p> \"written\" } }")
    headers = {"Content-Type": "application/sparql-update"}
    assert http("POST", f"{base}/update", update, headers)[0] == 401
    assert http("POST", f"{base}/update", update,
                headers | {"Authorization": "Bearer wrong"})[0] == 403
    assert http("POST", f"{base}/update", update,
                headers | {"Authorization": f"Bearer {TOKEN}"})[0] == 204
    _status, _, body = get(base, "/sparql", query="SELECT ?o WHERE { <urn:x> <urn:p> ?o }")
    assert json.loads(body)["results"]["bindings"][0]["o"]["value"] == "written"
    assert http("POST", f"{base}/sparql", b"query=" + update, headers)[0] == 400


def test_a_write_is_seen_by_the_same_query_asked_before_it(base):
    graph = "https://w3id.org/bpss-kg/graph/test-answers"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"

    def count() -> str:
        body = get(base, "/sparql", query=query)[2]
        return json.loads(body)["results"]["bindings"][0]["n"]["value"]

    assert count() == "0" and count() == "0"  # the second answer is the kept one
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:y> <urn:p> 1 }} }}".encode()
    assert http("POST", f"{base}/update", update,
                {"Content-Type": "application/sparql-update",
                 "Authorization": f"Bearer {TOKEN}"})[0] == 204
    assert count() == "1"


def test_service_to_outside_endpoints_is_refused(base):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, body = get(base, "/sparql", query=query)
    assert status == 400 and b"SERVICE <http://127.0.0.1:9/sparql> is not allowed" in body


def test_time_limit_stops_a_heavy_query_while_a_light_one_answers(base):
    def heavy():
        started = time.monotonic()
        status = get(base, "/sparql", query=HEAVY)[0]
        return status, time.monotonic() - started

    def light():
        time.sleep(0.5)
        started = time.monotonic()
        status = get(base, "/sparql", query="ASK { ?s ?p ?o }")[0]
        return status, time.monotonic() - started

    with ThreadPoolExecutor(2) as pool:
        heavy_result, light_result = pool.submit(heavy), pool.submit(light)
        (heavy_status, heavy_time), (light_status, light_time) = (
            heavy_result.result(), light_result.result())
    assert heavy_status == 503 and 1.9 <= heavy_time < 10
    assert light_status == 200 and light_time < 1.0
    assert get(base, "/sparql", query="ASK { ?s ?p ?o }")[0] == 200  # worker replaced


def test_result_cap(base):
    status, _, body = get(base, "/sparql", query="SELECT * WHERE { ?s ?p ?o }")
    assert status == 413 and b"more than 1,000 rows" in body
    assert get(base, "/sparql", query="SELECT * WHERE { ?s ?p ?o } LIMIT 1000")[0] == 200


def test_api_lists_and_runs_library_queries(base):
    status, _, body = get(base, "/api/queries")
    listed = json.loads(body)
    assert status == 200 and len(listed) >= 15
    status, headers, body = get(base, "/api/queries/coverage-by-county", county="370503")
    rows = json.loads(body)["results"]["bindings"]
    assert [r["namedCovered"]["value"] for r in rows] == ["13"]
    status, headers, body = get(base, "/api/queries/coverage-by-county", format="csv")
    assert headers["Content-Type"].startswith("text/csv") and len(body.splitlines()) == 6


def test_api_errors_are_json(base):
    status, _, body = get(base, "/api/queries/coverage-by-county", county="3705")
    assert status == 400 and "parameter 'county' (place)" in json.loads(body)["message"]
    status, _, body = get(base, "/api/queries/no-such-query")
    assert status == 404 and json.loads(body)["error"] == "NotFound"
    status, _, _ = get(base, "/api/queries/coverage-by-county", nonsense="1")
    assert status == 400


def test_openapi_document_is_valid(base):
    from openapi_spec_validator import validate

    _status, _, body = get(base, "/api/openapi.json")
    document = json.loads(body)
    validate(document)
    assert "/api/queries/compare-counties" in document["paths"]


def test_bpss_kg_serve_runs_gunicorn_on_loopback(tmp_path):
    port = free_port()
    env = os.environ | {"BPSS_KG_QUERY_WORKERS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bpss_kg.cli", "serve", "--sample", "--port", str(port),
         "--store", str(tmp_path / "store")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status != 200:
            time.sleep(0.5)
            try:
                status, _, body = get(f"http://127.0.0.1:{port}", "/sparql", query=COUNT)
            except OSError:
                continue
        assert status == 200, process.stdout.read1().decode() if process.stdout else ""
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 25_000
    finally:
        process.terminate()
        process.wait(timeout=20)
