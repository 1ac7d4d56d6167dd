"""One contract, every store: the embedded Oxigraph store and a remote SPARQL store (a real
Virtuoso on 127.0.0.1, through SPARQL 1.1 Update and through its Graph Store) must answer the
same calls with the same results."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from bpss_kg.errors import BadInput
from bpss_kg.loading import load_files
from bpss_kg.store import OxigraphStore, RemoteStore

COUNTY = ox.NamedNode("https://w3id.org/bpss-kg/graph/county/370502")
OTHER = ox.NamedNode("https://w3id.org/bpss-kg/graph/county/370503")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
STD1 = ox.NamedNode("https://w3id.org/bpss-kg/id/standard/DB37-T-9001-2024")
STD2 = ox.NamedNode("https://w3id.org/bpss-kg/id/standard/DB37-T-9002-2024")
NUMBER = ox.NamedNode("https://w3id.org/bpss-kg/def#standardNumber")


def clear(remote: RemoteStore) -> None:
    for graph in remote.named_graphs():
        remote.drop_graph(graph)


@pytest.fixture(params=["oxigraph", "virtuoso", "virtuoso-gsp"])
def any_store(request, tmp_path):
    if request.param == "oxigraph":
        handle = OxigraphStore(tmp_path / "store")
        yield handle
        handle.close()
        return
    server = request.getfixturevalue("virtuoso")
    gsp = server.graph_store if request.param == "virtuoso-gsp" else None
    remote = RemoteStore(server.sparql, graph_store=gsp, timeout=30)
    clear(remote)
    yield remote
    clear(remote)


@pytest.fixture
def loaded(any_store, test_data):
    load_files(any_store, [test_data / "county-graph.trig"])
    load_files(any_store, [test_data / "two-standards.ttl"], graph=OTHER.value)
    return any_store


def sorted_nt(triples) -> list[str]:
    return sorted(str(t) for t in triples)


def test_load_named_graphs_and_counts(loaded):
    assert loaded.named_graphs() == [COUNTY, OTHER]
    assert len(loaded) == 4 + 7
    assert len(list(loaded.quads(COUNTY))) == 4
    assert {q.graph_name for q in loaded.quads()} == {COUNTY, OTHER}


def test_union_default_graph_holds_every_named_graph(loaded):
    rows = list(loaded.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert rows[0]["n"].value == "11"
    graphs = loaded.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert [s["g"] for s in graphs] == [COUNTY, OTHER]


def test_query_with_bindings_of_iri_and_literal(loaded):
    query = ("SELECT ?s ?number WHERE { ?s <https://w3id.org/bpss-kg/def#standardNumber> "
             "?number } ORDER BY ?s")
    rows = list(loaded.query(query, bindings={"s": STD2}))
    assert [(r["s"], r["number"].value) for r in rows] == [(STD2, "DB37/T 9002—2024")]
    rows = list(loaded.query(query, bindings={"number": ox.Literal("DB37/T 9001—2024")}))
    assert [r["s"] for r in rows] == [STD1]


def test_binding_is_a_term_not_text(loaded):
    """A literal that looks like SPARQL stays a literal: nothing matches, nothing breaks."""
    hostile = ox.Literal('x" } } DROP ALL ; SELECT * WHERE { ?a ?b "')
    rows = list(loaded.query("SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"o": hostile}))
    assert rows == []
    assert len(loaded) == 11


def test_default_graphs_restrict_the_dataset(loaded):
    rows = list(loaded.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                             default_graphs=[OTHER]))
    assert rows[0]["n"].value == "7"


def test_ask_and_construct(loaded):
    assert bool(loaded.query("ASK { ?s a <https://w3id.org/bpss-kg/def#Standard> }"))
    triples = loaded.query(
        "CONSTRUCT { ?s <urn:x:number> ?n } WHERE { ?s "
        "<https://w3id.org/bpss-kg/def#standardNumber> ?n }")
    assert isinstance(triples, ox.QueryTriples)
    assert sorted_nt(triples) == sorted_nt([
        ox.Triple(STD1, ox.NamedNode("urn:x:number"), ox.Literal("DB37/T 9001—2024")),
        ox.Triple(STD2, ox.NamedNode("urn:x:number"), ox.Literal("DB37/T 9002—2024"))])


def test_replace_graph(loaded):
    new = [ox.Triple(STD1, NUMBER, ox.Literal("DB37/T 9001—2025"))]
    loaded.replace_graph(OTHER, new)
    assert sorted_nt(q.triple for q in loaded.quads(OTHER)) == sorted_nt(new)
    assert len(list(loaded.quads(COUNTY))) == 4


def test_quads_of_a_predicate_in_every_graph_name_their_graph(loaded):
    found = sorted((str(s), str(o), str(g)) for s, o, g in loaded.predicate_quads(NUMBER))
    assert found == [(str(STD1), '"DB37/T 9001—2024"', str(OTHER)),
                     (str(STD2), '"DB37/T 9002—2024"', str(OTHER))]


def test_add_document_to_a_graph_all_or_nothing(loaded):
    graph = ox.NamedNode("https://w3id.org/bpss-kg/graph/validation/test-run")
    loaded.add_document(graph, f'{STD1} {LABEL} "一"@zh .\n{STD2} {LABEL} "二"@zh .'.encode(),
                        ox.RdfFormat.N_TRIPLES)
    assert sorted_nt(q.triple for q in loaded.quads(graph)) == sorted_nt([
        ox.Triple(STD1, LABEL, ox.Literal("一", language="zh")),
        ox.Triple(STD2, LABEL, ox.Literal("二", language="zh"))])
    before = sorted(map(str, loaded.quads()))
    with pytest.raises((BadInput, SyntaxError)):
        loaded.add_document(OTHER, f'{STD1} {LABEL} "ok" .\n{STD2} {LABEL} broken'.encode(),
                            ox.RdfFormat.N_TRIPLES)
    assert sorted(map(str, loaded.quads())) == before


def test_drop_graph(loaded):
    assert loaded.drop_graph(OTHER) is True
    assert loaded.drop_graph(OTHER) is False
    assert loaded.named_graphs() == [COUNTY]


def test_update(loaded):
    loaded.update(f"INSERT DATA {{ GRAPH {OTHER} {{ {STD1} {LABEL} \"标签\"@zh }} }}")
    rows = list(loaded.query(f"SELECT ?l WHERE {{ GRAPH {OTHER} {{ {STD1} {LABEL} ?l }} }}"))
    assert [r["l"] for r in rows] == [ox.Literal("标签", language="zh")]


def test_bad_document_writes_nothing(loaded, test_data):
    before = sorted(map(str, loaded.quads()))
    with pytest.raises(BadInput) as caught:
        load_files(loaded, [test_data / "two-standards.ttl", test_data / "broken-line-7.ttl"],
                   graph=COUNTY.value)
    assert caught.value.where.line == 7
    assert sorted(map(str, loaded.quads())) == before


@pytest.mark.parametrize("fmt", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES,
                                 ox.RdfFormat.RDF_XML])
def test_dump_one_graph(loaded, fmt):
    out = io.BytesIO()
    loaded.dump(out, fmt, OTHER)
    back = [q.triple for q in ox.parse(out.getvalue(), format=fmt)]
    assert sorted_nt(back) == sorted_nt(q.triple for q in loaded.quads(OTHER))


def test_dump_everything_as_nquads(loaded):
    out = io.BytesIO()
    loaded.dump(out, ox.RdfFormat.N_QUADS)
    back = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert len(back) == 11
    assert {q.graph_name for q in back} == {COUNTY, OTHER}


def test_has_graph_without_listing_them(loaded):
    assert loaded.has_graph(COUNTY) and loaded.has_graph(OTHER)
    assert not loaded.has_graph(ox.NamedNode("https://w3id.org/bpss-kg/graph/county/999999"))
