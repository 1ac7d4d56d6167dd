"""The router's refusals, each shown necessary: maplib 0.20.26 really answers those queries
differently from Oxigraph (or raises), on a tiny store mirrored in-process; and the term
conversion gives Oxigraph's canonical forms."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from bpss_kg.engine.routing import query_shape, refusal, union_duplicates
from bpss_kg.engine.terms import canonical_lexical, term_from_json

XSD = "http://www.w3.org/2001/XMLSchema#"
DATA = b"""
<urn:a> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g1> .
<urn:a> <urn:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g1> .
<urn:b> <urn:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g1> .
<urn:a> <urn:v> "99.3"^^<http://www.w3.org/2001/XMLSchema#decimal> <urn:g1> .
<urn:a> <urn:v> "99.1"^^<http://www.w3.org/2001/XMLSchema#decimal> <urn:g1> .
<urn:a> <urn:v> "98.5"^^<http://www.w3.org/2001/XMLSchema#decimal> <urn:g1> .
<urn:a> <urn:code> "540324" <urn:g1> .
<urn:a> <urn:code> "2940" <urn:g1> .
<urn:a> <urn:type> <urn:Item> <urn:g1> .
<urn:b> <urn:type> <urn:Item> <urn:g1> .
<urn:a> <urn:flag> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> <urn:g2> .
<urn:a> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g2> .
<urn:s> <urn:r> <urn:m1> <urn:g1> .
<urn:s> <urn:r> <urn:m2> <urn:g1> .
<urn:m1> <urn:q> <urn:o> <urn:g1> .
<urn:m2> <urn:q> <urn:o> <urn:g1> .
"""
# Each query the router must send to Oxigraph because maplib answers it differently.
DIFFERENT = {
    "avg of decimals (floating point)": "SELECT (AVG(?v) AS ?m) WHERE { <urn:a> <urn:v> ?v }",
    "integer division": "SELECT (COUNT(?o) / 3 AS ?x) WHERE { <urn:a> <urn:p> ?o }",
    "BIND inside OPTIONAL": """SELECT ?s (COUNT(DISTINCT ?named) AS ?n) WHERE {
        ?s <urn:type> <urn:Item> .
        OPTIONAL { ?s <urn:flag> ?f . OPTIONAL { ?s <urn:nope> ?x . BIND(?s AS ?named) } } }
        GROUP BY ?s""",
    "COUNT(DISTINCT) over OPTIONAL": """SELECT ?s (COUNT(DISTINCT ?x) AS ?n) WHERE {
        ?s <urn:type> <urn:Item> . OPTIONAL { ?s <urn:nope> ?x } } GROUP BY ?s""",
    "empty group": "SELECT * { }",
    "sequence path with a + step (two ways through)": "SELECT * WHERE { ?s <urn:r>/<urn:q>+ ?o }",
    "GROUP BY over an empty match, in a subquery": """SELECT ?s ?n WHERE { ?s <urn:type> ?t .
        { SELECT ?k (COUNT(?x) AS ?n) WHERE { ?x <urn:nope> ?k } GROUP BY ?k } }""",
    "unbound variable in FILTER": "SELECT ?s WHERE { ?s <urn:type> <urn:Item> "
                                  "FILTER(!BOUND(?as_of) || ?as_of > 1) }",
}
REFUSED_ONLY = {  # sent to Oxigraph by design (no engine evaluation to compare)
    "GRAPH": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "FROM": "SELECT * FROM <urn:g1> WHERE { ?s ?p ?o }",
    "SERVICE": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "DESCRIBE": "DESCRIBE <urn:a>",
    "GROUP_CONCAT": 'SELECT (GROUP_CONCAT(DISTINCT ?c; separator=",") AS ?codes) '
                    "WHERE { <urn:a> <urn:code> ?c }",
    "rare function": "SELECT (MD5(STR(?s)) AS ?h) WHERE { ?s <urn:type> <urn:Item> }",
    "negated path": "SELECT * WHERE { ?s !<urn:p> ?o }",
}


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    pytest.importorskip("maplib", reason="maplib (the analytical engine) is not installed")
    from bpss_kg.engine.mirror import Mirror

    path = tmp_path_factory.mktemp("tiny") / "store"
    store = ox.Store(str(path))
    store.load(DATA, format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    reference = ox.Store.read_only(str(path))
    mirror = Mirror()
    facts = mirror.build(path, reference)
    return mirror, reference, facts


def _maplib_rows(mirror, sparql: str) -> list[dict] | str:
    try:
        return json.loads(mirror.model.query(sparql, return_json=True))["results"]["bindings"]
    except BaseException as error:  # maplib raises its own errors and Rust panics
        return f"raised: {str(error).splitlines()[0]}"


def _oxigraph_rows(reference: ox.Store, sparql: str) -> list[dict]:
    out = reference.query(sparql, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON)
    return json.loads(out)["results"]["bindings"]


def _canonical(rows: list[dict]) -> list[str]:
    return sorted(json.dumps({k: str(term_from_json(v)) for k, v in r.items()}, sort_keys=True)
                  for r in rows)


def test_the_mirror_finds_the_predicate_with_a_triple_in_two_graphs(mirrored):
    _mirror, _reference, facts = mirrored
    assert facts.duplicated_predicates == frozenset({"urn:p"})
    assert facts.disabled is None and facts.triples == 15


@pytest.mark.parametrize("case", sorted(DIFFERENT))
def test_maplib_answers_differently_and_the_router_sends_it_to_oxigraph(mirrored, case):
    mirror, reference, _facts = mirrored
    sparql = DIFFERENT[case]
    engine = _maplib_rows(mirror, sparql)
    assert isinstance(engine, str) or _canonical(engine) != _canonical(
        _oxigraph_rows(reference, sparql)), "maplib agrees now: the refusal can be lifted"
    assert refusal(query_shape(sparql)) is not None


@pytest.mark.parametrize("case", sorted(REFUSED_ONLY))
def test_the_router_sends_to_oxigraph(case):
    assert refusal(query_shape(REFUSED_ONLY[case])) is not None


def test_the_engine_matches_a_triple_stored_in_two_graphs_once(mirrored):
    """<urn:a> <urn:p> 1 is in <urn:g1> and <urn:g2>: the union default graph, a set of triples,
    holds it once, so <urn:a> has two <urn:p> values. The engine answers the query."""
    mirror, _reference, _facts = mirrored
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { <urn:a> <urn:p> ?o }"
    assert refusal(query_shape(sparql)) is None
    assert [r["n"]["value"] for r in _maplib_rows(mirror, sparql)] == ["2"]


@pytest.mark.parametrize(("sparql", "declined"), [
    ("SELECT ?k (COUNT(?x) AS ?n) WHERE { ?x <urn:nope> ?k } GROUP BY ?k", True),
    ("SELECT (COUNT(?x) AS ?n) WHERE { ?x <urn:nope> ?k } GROUP BY ?k", True),
    ("SELECT ?s (COUNT(?v) AS ?n) WHERE { ?s <urn:v> ?v } GROUP BY ?s", False),  # one real group
    ("SELECT (COUNT(?x) AS ?n) WHERE { ?x <urn:nope> ?k }", False),  # no GROUP BY: one row
])
def test_a_group_by_row_maplib_gives_an_empty_match_is_declined(mirrored, sparql, declined):
    """maplib gives GROUP BY over an empty match a row of unbound keys, where SPARQL gives no
    row; the engine declines one-row answers without keys (Oxigraph answers them)."""
    from bpss_kg.engine.mirror import EngineDeclined, variables_of
    from bpss_kg.store.query_service import QueryRequest

    mirror, reference, _facts = mirrored
    shape = query_shape(sparql)
    assert refusal(shape) is None
    assert shape.group_keys is not None or "GROUP BY" not in sparql
    maplib_rows = _maplib_rows(mirror, sparql)
    request = QueryRequest(sparql, limit=1000)
    if declined:
        assert _oxigraph_rows(reference, sparql) == [] and len(maplib_rows) == 1
        with pytest.raises(EngineDeclined):
            mirror.answer(request, shape.form, variables_of(sparql), shape.group_keys)
    else:
        answer = mirror.answer(request, shape.form, variables_of(sparql), shape.group_keys)
        assert answer.rows == len(_oxigraph_rows(reference, sparql)) == 1


@pytest.mark.parametrize(("sparql", "noticed"), [
    ("SELECT (COUNT(*) AS ?n) WHERE { <urn:a> <urn:p> ?o }", True),
    ("SELECT * WHERE { <urn:a> ?p ?o }", True),  # a variable predicate may match <urn:p>
    ("SELECT * WHERE { ?s <urn:p>/<urn:q> ?o }", True),
    ("SELECT * WHERE { ?s <urn:v> ?o }", False),
])
def test_an_oxigraph_answer_over_a_duplicated_predicate_carries_a_notice(mirrored, sparql,
                                                                          noticed):
    _mirror, _reference, facts = mirrored
    notice = union_duplicates(query_shape(sparql), facts.duplicated_predicates)
    assert (notice is not None) is noticed
    if noticed:
        assert "<urn:p>" in notice and "oxigraph/issues/1919" in notice


@pytest.mark.xfail(strict=True, reason="pyoxigraph 0.5.13 matches a triple once per graph in "
                   "the union default graph (oxigraph#1919, fixed upstream after 0.5.13); "
                   "when this passes, the union notice can go")
def test_oxigraph_union_default_graph_is_a_set(mirrored):
    _mirror, reference, _facts = mirrored
    rows = _oxigraph_rows(reference, "SELECT (COUNT(*) AS ?n) WHERE { <urn:a> <urn:p> ?o }")
    assert [r["n"]["value"] for r in rows] == ["2"]


def test_the_router_lets_the_engine_answer_a_plain_aggregate(mirrored):
    mirror, reference, _facts = mirrored
    sparql = ("SELECT ?s (SUM(?v) AS ?total) (COUNT(?v) AS ?n) (SAMPLE(?s) AS ?one) "
              "WHERE { ?s <urn:v> ?v } GROUP BY ?s")
    assert refusal(query_shape(sparql)) is None
    assert _canonical(_maplib_rows(mirror, sparql)) == _canonical(
        _oxigraph_rows(reference, sparql))


@pytest.mark.parametrize(("value", "datatype", "expected"), [
    ("2.500000000000", "decimal", "2.5"), ("88.000000000000", "decimal", "88"),
    ("-0.000", "decimal", "0"), ("0010", "integer", "10"), ("3.0", "double", "3"),
    ("1e20", "double", "100000000000000000000"), ("0.1", "double", "0.1"),
    ("inf", "double", "INF"), ("nan", "float", "NaN"), ("abc", "string", "abc"),
])
def test_canonical_lexical_forms_are_oxigraphs(value, datatype, expected):
    assert canonical_lexical(value, XSD + datatype) == expected


def test_json_terms_keep_types_languages_and_counts():
    assert term_from_json({"type": "literal", "value": "x", "xml:lang": "zh"}) == \
        ox.Literal("x", language="zh")
    assert term_from_json({"type": "literal", "value": "7", "datatype": XSD + "unsignedInt"}) \
        == ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))
    assert term_from_json({"type": "literal", "value": "2023-01-01",
                           "datatype": XSD + "date"}) == \
        ox.Literal("2023-01-01", datatype=ox.NamedNode(XSD + "date"))
    assert term_from_json({"type": "uri", "value": "urn:a"}) == ox.NamedNode("urn:a")
    assert isinstance(term_from_json({"type": "bnode", "value": "b0"}), ox.BlankNode)
