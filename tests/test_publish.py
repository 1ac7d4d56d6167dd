"""Publishing: every dump format round-trips to identical graphs, the DCAT catalog passes the
official DCAT-AP 3.0.0 shapes, VoID counts are right, CSV + CSVW follow the detail table, and
the published URLs and the Graph Store Protocol answer over real HTTP on 127.0.0.1."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS
from typer.testing import CliRunner

from bpss_kg.cli import app as cli
from bpss_kg.config import Settings
from bpss_kg.loading import load_files, load_sample, load_sources, ontology_sources
from bpss_kg.publish import catalog_graph, dump_names, void_graph, write_dump
from bpss_kg.publish.catalog import dataset_iri
from bpss_kg.publish.csvw import county_csv, county_csv_metadata
from bpss_kg.publish.jsonld import with_local_context
from bpss_kg.resources import data_dir
from bpss_kg.store import OxigraphStore
from bpss_kg.tables.columns import STANDARD_COLUMNS
from server import create_app

from .http_server import running

REPO = Path(__file__).resolve().parents[1]
DCAT_AP = REPO / "tests" / "data" / "dcat-ap-3.0.0-SHACL.ttl"  # CC BY 4.0, see .LICENSE.md
BASE = "http://127.0.0.1:8000"
CONTEXT_URL = f"{BASE}/context.jsonld"
COUNTY = ox.NamedNode("https://w3id.org/bpss-kg/graph/county/370502")
BLANKS = ox.NamedNode("https://w3id.org/bpss-kg/graph/validation/20250101T000000Z")
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def small_store(tmp_path_factory, request):
    """The ontology, one sample county, and a graph with blank nodes (like a report)."""
    store = OxigraphStore(tmp_path_factory.mktemp("pub") / "store")
    load_sources(store, ontology_sources())
    load_files(store, [data_dir() / "sample" / "county-370502.trig"])
    load_files(store, [Path(__file__).parent / "data" / "county-graph.trig"])
    store.update(f"INSERT DATA {{ GRAPH {BLANKS} {{ _:r a <http://www.w3.org/ns/shacl#"
                 "ValidationReport> ; <http://www.w3.org/ns/shacl#result> _:x . _:x "
                 "<http://www.w3.org/2000/01/rdf-schema#label> \"结果\"@zh } }")
    yield store
    store.close()


def rdflib_graph(triples) -> Graph:
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data, format="nt")


def same(expected, actual) -> bool:
    return isomorphic(rdflib_graph(expected), rdflib_graph(actual))


def graph_triples(store, graph):
    return [q.triple for q in store.quads(graph)]


def reload(data: bytes, fmt: ox.RdfFormat, graph: ox.NamedNode | None) -> OxigraphStore:
    """Load a dump into an empty store, as a consumer would."""
    fresh = OxigraphStore(None)
    from bpss_kg.store.base import LoadSource

    fresh.load([LoadSource(name="dump", format=fmt, data=data, graph=graph)])
    return fresh


@pytest.mark.parametrize("ext", ["ttl", "nt", "rdf", "jsonld"])
def test_every_graph_dump_round_trips(small_store, ext):
    for dump in dump_names(small_store):
        if dump.graph is None:
            continue
        out = io.BytesIO()
        write_dump(small_store, dump, ext, out, CONTEXT_URL)
        data = out.getvalue()
        fmt = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
               "rdf": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}[ext]
        if ext == "jsonld":
            assert json.loads(data)["@context"] == CONTEXT_URL
            data = with_local_context(data, CONTEXT_URL)
        back = reload(data, fmt, dump.graph)
        assert same(graph_triples(small_store, dump.graph), graph_triples(back, dump.graph)), \
            f"{dump.name}.{ext}"


@pytest.mark.parametrize("ext", ["trig", "nq", "jsonld"])
def test_whole_dataset_dump_round_trips(small_store, ext):
    out = io.BytesIO()
    write_dump(small_store, dump_names(small_store)[0], ext, out, CONTEXT_URL)
    data = out.getvalue()
    if ext == "jsonld":
        data = with_local_context(data, CONTEXT_URL)
    fmt = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
           "jsonld": ox.RdfFormat.JSON_LD}[ext]
    back = reload(data, fmt, None)
    assert back.named_graphs() == small_store.named_graphs()
    for graph in small_store.named_graphs():
        assert same(graph_triples(small_store, graph), graph_triples(back, graph)), graph


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".rdf", ".jsonld", ".trig", ".nq"])
def test_cli_export_then_load_gives_identical_graphs(small_store, tmp_path, suffix):
    source = OxigraphStore(tmp_path / "source")
    for graph in small_store.named_graphs():
        source.add(ox.Quad(t.subject, t.predicate, t.object, graph)
                   for t in graph_triples(small_store, graph))
    source.close()
    runner = CliRunner()
    whole = suffix in (".trig", ".nq")
    graphs = [None] if whole else [COUNTY, BLANKS]
    for graph in graphs:
        out = tmp_path / f"export{suffix}"
        args = ["export", "--out", str(out), "--store", str(tmp_path / "source")]
        args += ["--graph", graph.value] if graph is not None else []
        assert runner.invoke(cli, args).exit_code == 0
        target = tmp_path / f"target-{len(list(tmp_path.iterdir()))}"
        args = ["load", str(out), "--store", str(target)]
        args += ["--graph", graph.value] if graph is not None else []
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        original, back = OxigraphStore(tmp_path / "source"), OxigraphStore(target)
        try:
            for name in ([graph] if graph is not None else original.named_graphs()):
                assert same(graph_triples(original, name), graph_triples(back, name)), name
        finally:
            original.close()
            back.close()


def test_dcat_catalog_passes_the_dcat_ap_shapes(small_store):
    shapes = Graph().parse(DCAT_AP)
    catalog = catalog_graph(small_store, Settings(), BASE)
    conforms, _report, text = shacl_validate(catalog, shacl_graph=shapes)
    assert conforms, text
    datasets = set(catalog.objects(None, DCAT.dataset))
    assert dataset_iri("county-370502") in datasets and dataset_iri("ontology") in datasets
    # the check has teeth: a dataset without its title does not conform
    catalog.remove((dataset_iri("county-370502"), DCTERMS.title, None))
    catalog.remove((dataset_iri("county-370502"), DCTERMS.description, None))
    assert not shacl_validate(catalog, shacl_graph=shapes)[0]


def test_catalog_titles_name_the_county_in_both_languages(tmp_path):
    """With the national graph's place labels, a county dataset's titles carry its Chinese
    name; the English one too (no source gives these places an official English name)."""
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)  # the divisions (place labels) come with the national graph
    catalog = catalog_graph(store, Settings(), BASE)
    store.close()
    titles = {t.language: str(t) for t in catalog.objects(dataset_iri("county-370502"),
                                                          DCTERMS.title)}
    assert titles == {"zh": "东营区（370502）县域基本公共服务标准体系",
                      "en": "County standard system of 东营区 (370502)"}


def test_void_counts(small_store):
    void = void_graph(small_store, BASE)
    subset = dataset_iri("county-370502")
    triples = len(graph_triples(small_store, COUNTY))
    void_ns = "http://rdfs.org/ns/void#"
    assert int(void.value(subset, URIRef(void_ns + "triples"))) == triples
    subjects = len({t.subject for t in graph_triples(small_store, COUNTY)})
    assert int(void.value(subset, URIRef(void_ns + "distinctSubjects"))) == subjects
    assert void.value(subset, URIRef(void_ns + "sparqlEndpoint")) == URIRef(f"{BASE}/sparql")


def test_county_csv_and_csvw_metadata(small_store):
    data = county_csv(small_store, "370502")
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM: one rule for every CSV served
    text = data.decode("utf-8")
    lines = text.splitlines()
    assert lines[0].split(",") == [c.header for c in STANDARD_COLUMNS]
    standards = list(small_store.query(
        "SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s a <https://w3id.org/bpss-kg/def#Standard> ; "
        "<https://w3id.org/bpss-kg/def#inSystem> ?sys } }", bindings={"g": COUNTY}))
    assert len(lines) - 1 == len(standards)
    metadata = county_csv_metadata("370502", f"{BASE}/dumps/county-370502.csv")
    columns = metadata["tableSchema"]["columns"]
    assert [c["titles"]["zh"] for c in columns] == lines[0].split(",")
    assert metadata["@context"][0] == "http://www.w3.org/ns/csvw"


# -- over real HTTP ------------------------------------------------------------------------------
@pytest.fixture
def served(small_store, tmp_path):
    store = OxigraphStore(tmp_path / "http-store")
    for graph in small_store.named_graphs():
        store.add(ox.Quad(t.subject, t.predicate, t.object, graph)
                  for t in graph_triples(small_store, graph))
    app = create_app(Settings(store=str(tmp_path / "http-store"), update_token=TOKEN,
                              query_workers=1), store=store)
    with running(app) as base:
        yield base, store
    app.extensions["bpss_kg"].queries.close()
    store.close()


def fetch(url: str, method: str = "GET", body: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_catalog_is_content_negotiated(served):
    base, _ = served
    status, headers, body = fetch(f"{base}/catalog")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    assert (URIRef(f"{base}/dumps/county-370502.ttl"), None, None) in graph or \
        any(graph.subjects(DCAT.downloadURL, URIRef(f"{base}/dumps/county-370502.ttl")))
    status, headers, body = fetch(f"{base}/catalog", headers={"Accept": "application/ld+json"})
    assert headers["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=body, format="json-ld")) == len(graph)
    status, headers, body = fetch(f"{base}/catalog", headers={"Accept": "text/html"})
    assert headers["Content-Type"].startswith("text/html")
    assert "county-370502.ttl" in body.decode("utf-8")
    status, headers, body = fetch(f"{base}/void")
    assert status == 200 and b"void:triples" in body


def test_dumps_and_published_context_over_http(served):
    base, store = served
    status, headers, body = fetch(f"{base}/dumps/county-370502.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert same(graph_triples(store, COUNTY),
                [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)])
    # JSON-LD names the published context by URL; rdflib fetches it from the server itself
    status, headers, body = fetch(f"{base}/dumps/county-370502.jsonld")
    assert json.loads(body)["@context"] == f"{base}/context.jsonld"
    parsed = Graph().parse(data=body, format="json-ld")
    assert isomorphic(parsed, rdflib_graph(graph_triples(store, COUNTY)))
    status, headers, body = fetch(f"{base}/dumps/all.nq")
    back = Dataset().parse(data=body, format="nquads")
    assert len(back) == len(store)
    assert fetch(f"{base}/dumps/county-999999.ttl")[0] == 404
    assert fetch(f"{base}/dumps/all.ttl")[0] == 400
    assert fetch(f"{base}/dumps/county-370502.exe")[0] == 404
    status, headers, body = fetch(f"{base}/dumps/county-370502.csv")
    assert status == 200 and "describedby" in headers["Link"]
    status, _, body = fetch(f"{base}/dumps/county-370502.csv-metadata.json")
    assert json.loads(body)["url"] == f"{base}/dumps/county-370502.csv"
    status, headers, body = fetch(f"{base}/context.jsonld")
    assert json.loads(body)["@context"]["bpss"] == "https://w3id.org/bpss-kg/def#"


def test_graph_store_protocol(served):
    base, store = served
    new = "https://w3id.org/bpss-kg/graph/county/370503"
    url = f"{base}/graph-store?graph={urllib.parse.quote(new, safe='')}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    turtle = {"Content-Type": "text/turtle", **auth}
    payload = "<https://w3id.org/bpss-kg/id/place/370503> <http://www.w3.org/2000/01/rdf-schema#label> \"河口区\"@zh ."  # noqa: E501
    assert fetch(url)[0] == 404
    assert fetch(url, "PUT", payload.encode(), {"Content-Type": "text/turtle"})[0] == 401
    assert fetch(url, "PUT", payload.encode(), {"Content-Type": "text/turtle",
                                                "Authorization": "Bearer wrong"})[0] == 403
    assert fetch(url, "PUT", payload.encode(), turtle)[0] == 201
    assert fetch(url, "PUT", payload.encode(), turtle)[0] == 204
    status, _, body = fetch(url, headers={"Accept": "application/n-triples"})
    assert status == 200 and body.decode().strip() == (
        '<https://w3id.org/bpss-kg/id/place/370503> '
        '<http://www.w3.org/2000/01/rdf-schema#label> "河口区"@zh .')
    before = sorted(map(str, store.quads()))
    status, _, body = fetch(url, "PUT", b"<a> <b> broken", turtle)
    assert status == 400 and b"not valid" in body
    assert sorted(map(str, store.quads())) == before
    extra = "<https://w3id.org/bpss-kg/id/place/370503> <http://www.w3.org/2000/01/rdf-schema#label> \"Hekou\"@en ."  # noqa: E501
    assert fetch(url, "POST", extra.encode(), turtle)[0] == 204
    assert len(list(store.quads(ox.NamedNode(new)))) == 2
    assert fetch(url, "DELETE", headers=auth)[0] == 204
    assert fetch(url, "DELETE", headers=auth)[0] == 404
    assert fetch(url)[0] == 404
    assert fetch(f"{base}/graph-store")[0] == 400
    assert fetch(f"{base}/graph-store?default", "PUT", payload.encode(), turtle)[0] == 201
    status, _, body = fetch(f"{base}/graph-store?default",
                            headers={"Accept": "application/n-triples"})
    assert status == 200 and "河口区" in body.decode()
