"""Users' documents over HTTP, through ``bpss-kg serve`` itself (gunicorn, store on disk):
hostile Graph Store payloads and spreadsheets refused with 400 and nothing written, relative
IRIs in payloads and ``?base=``, and the format spellings SPARQLWrapper sends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from rdflib import Graph
from SPARQLWrapper import JSONLD, N3, SPARQLWrapper

from .http_server import free_port
from .test_input_hostile import HOSTILE, XLSX_CASES, hostile_xlsx

DATA = Path(__file__).resolve().parent / "data"
TOKEN = "input-token-3b9e"
BPSS_KG = str(Path(sys.executable).with_name("bpss-kg"))
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
SERVED: dict[str, Path] = {}  # base URL -> the store it serves


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    store = tmp_path_factory.mktemp("input-http") / "store"
    loaded = subprocess.run([BPSS_KG, "load", str(DATA / "two-standards.ttl"), "--graph",
                             "http://example.org/graphs/standards", "--store", str(store),
                             "--no-summaries"], capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    port = free_port()
    env = os.environ | {"BPSS_KG_UPDATE_TOKEN": TOKEN, "BPSS_KG_QUERY_WORKERS": "1"}
    process = subprocess.Popen([BPSS_KG, "serve", "--port", str(port), "--store", str(store)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if http("GET", f"{url}/sparql?query={urllib.parse.quote(COUNT)}")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, \
                process.stdout.read1().decode() if process.stdout else ""
            time.sleep(0.5)
        SERVED[url] = store
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def http(method: str, url: str, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def quads(base: str) -> int:
    status, body = http("GET", f"{base}/sparql?query={urllib.parse.quote(COUNT)}",
                        headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def write(base: str, method: str, query: str, body: bytes, media: str) -> tuple[int, bytes]:
    return http(method, f"{base}/graph-store?{query}", body, {
        "Content-Type": media, "Authorization": f"Bearer {TOKEN}"})


def test_a_billion_laughs_payload_is_400_within_seconds_and_nothing_is_written(base):
    before = quads(base)
    started = time.perf_counter()
    status, body = write(base, "POST", "graph=http://example.org/graphs/standards",
                         (HOSTILE / "billion-laughs.rdf").read_bytes(), "application/rdf+xml")
    assert time.perf_counter() - started < 10
    assert status == 400 and b"entity amplification refused" in body and b"line 10" in body
    status, body = write(base, "PUT", "graph=http://example.org/graphs/standards",
                         (HOSTILE / "xxe.rdf").read_bytes(), "application/rdf+xml")
    assert status == 400 and b"line 3, column 42: external entity &xxe;" in body
    assert quads(base) == before


def test_deep_json_ld_payload_is_400_not_a_dead_worker(base):
    deep = '{"@id": "urn:s", ' + '"urn:p": {' * 10_000 + '"urn:q": 1' + "}" * 10_000 + "}"
    status, body = write(base, "POST", "graph=http://example.org/graphs/deep", deep.encode(),
                         "application/ld+json")
    assert status == 400 and b"nested deeper than 100" in body
    assert quads(base) > 0  # the server still answers


def _select(base: str, query: str) -> list[dict[str, str]]:
    status, body = http("GET", f"{base}/sparql?query={urllib.parse.quote(query)}",
                        headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return [{k: v["value"] for k, v in row.items()}
            for row in json.loads(body)["results"]["bindings"]]


def test_relative_iris_in_a_payload_resolve_against_the_graph_or_base(base):
    graph = f"http://example.org/graphs/{uuid.uuid4().hex}"
    payload = b"<#x> <http://purl.org/dc/terms/isPartOf> <> ."
    assert write(base, "PUT", f"graph={graph}", payload, "text/turtle")[0] == 201
    rows = _select(base, f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert rows == [{"s": f"{graph}#x", "o": graph}]
    given = "https://example.org/docs/a"
    status, _ = write(base, "PUT", f"graph={graph}&base={urllib.parse.quote(given)}", payload,
                      "text/turtle")
    assert status == 204
    rows = _select(base, f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert rows == [{"s": f"{given}#x", "o": given}]
    status, body = write(base, "POST", f"graph={graph}&base=docs/a", payload, "text/turtle")
    assert status == 400 and b"the base must be an absolute IRI" in body


@pytest.mark.parametrize("name", sorted(XLSX_CASES))
def test_an_xlsx_with_dtd_entities_is_400_naming_the_file(base, name):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="county"\r\n\r\n370502\r\n'
             .encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
             f"\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
             + hostile_xlsx(*XLSX_CASES[name]) + b"\r\n",
             f"--{boundary}--\r\n".encode()]
    status, body = http("POST", f"{base}/api/import/preview", b"".join(parts),
                        {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 400, body
    answer = json.loads(body)
    assert answer["where"] == name and "declares entities" in answer["message"]


def test_sparqlwrapper_json_ld_and_n3_on_a_construct(base):
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    client = SPARQLWrapper(f"{base}/sparql")
    client.setQuery(construct)
    client.setReturnFormat(JSONLD)
    graph = client.queryAndConvert()
    assert isinstance(graph, Graph) and len(graph) >= 5
    client.setReturnFormat(N3)
    turtle = client.queryAndConvert()
    assert len(Graph().parse(data=turtle, format="turtle")) == len(graph)


def test_relative_iris_in_a_default_graph_payload_resolve_against_the_request_url(base):
    status, _ = write(base, "POST", "default", b"<#x> <http://purl.org/dc/terms/source> <> .",
                      "text/turtle")
    assert status in (201, 204)
    rows = _select(base, "SELECT ?s ?o WHERE { ?s <http://purl.org/dc/terms/source> ?o }")
    assert {"s": f"{base}/graph-store?default#x", "o": f"{base}/graph-store?default"} in rows


def test_load_beside_the_server_sends_relative_iris_resolved_against_base(base, tmp_path):
    data = tmp_path / "rel.ttl"
    data.write_text("<#part> <http://purl.org/dc/terms/isPartOf> <> .", encoding="utf-8")
    store = SERVED[base]
    done = subprocess.run([BPSS_KG, "load", str(data), "--graph", "http://example.org/graphs/rel",
                           "--base", "https://example.org/docs/rel", "--store", str(store),
                           "--token", TOKEN], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    rows = _select(base, "SELECT ?s WHERE { GRAPH <http://example.org/graphs/rel> { ?s ?p ?o } }")
    assert rows == [{"s": "https://example.org/docs/rel#part"}]
