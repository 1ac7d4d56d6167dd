"""The W3C SPARQL 1.1 query-evaluation tests through the engine router.

The suite (w3c/rdf-tests, as shipped in rdflib's source distribution; ``scripts/setup.sh``
puts it in ``.cache/sparql11-test-suite``) is run for the query features the engine is meant
for. Each approved ``mf:QueryEvaluationTest`` with default-graph data is loaded into an
in-memory Oxigraph store, mirrored by the engine (``Mirror``, in this process), routed exactly
as ``/sparql`` routes it, and:

- where the router lets the engine answer, the engine's answer must equal the expected result
  (the test fails otherwise: the router must then send that shape to Oxigraph);
- where the router refuses, or maplib raises at run time, the test is listed as answered by
  Oxigraph with the reason (``docs/performance.md`` lists them).

Normalised, because SPARQL leaves them open or the expected files fix one choice: blank node
labels (every blank node compares equal), the lexical form of numbers (compared in canonical
form: ``"2.0"^^xsd:decimal`` equals ``"2"^^xsd:decimal``) and the order of solutions (a
multiset; ORDER BY is checked by the differential suite). Not run: tests with named-graph data
(``qt:graphData``; GRAPH queries go to Oxigraph anyway), results in RDF result-set vocabulary,
and queries with relative IRIs (``/sparql`` has no base for them).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

pytest.importorskip("maplib", reason="maplib (the analytical engine) is not installed")

from bpss_kg.engine.mirror import EngineDeclined, Mirror, variables_of
from bpss_kg.engine.routing import query_shape, refusal
from bpss_kg.engine.terms import canonical_lexical
from bpss_kg.store.query_service import QueryRequest

SUITE = Path(__file__).resolve().parents[1] / ".cache" / "sparql11-test-suite"
CATEGORIES = ("aggregates", "bind", "bindings", "construct", "exists", "functions", "grouping",
              "negation", "project-expression", "property-path", "subquery", "cast")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float")}
RESULT_FORMATS = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
                  ".tsv": ox.QueryResultsFormat.TSV}
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".rdf": ox.RdfFormat.RDF_XML,
               ".nt": ox.RdfFormat.N_TRIPLES}


def _local(uri: URIRef) -> Path:
    return Path(str(uri).removeprefix("file://"))


def evaluation_tests() -> list[tuple[str, dict[str, Path | None]]]:
    if not SUITE.is_dir():
        return []
    found = []
    for category in CATEGORIES:
        manifest = SUITE / category / "manifest.ttl"
        if not manifest.is_file():
            continue
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for entries in graph.objects(None, MF.entries):
            for test in Collection(graph, entries):
                if (test, RDF.type, MF.QueryEvaluationTest) not in graph or \
                        (test, DAWGT.approval, DAWGT.Approved) not in graph:
                    continue
                action = graph.value(test, MF.action)
                data = graph.value(action, QT.data)
                result = graph.value(test, MF.result)
                found.append((f"{category}/{str(test).rsplit('#', 1)[-1]}", {
                    "query": _local(graph.value(action, QT.query)),
                    "data": _local(data) if data is not None else None,
                    "result": _local(result) if result is not None else None,
                    "named": graph.value(action, QT.graphData) is not None}))
    return found


TESTS = evaluation_tests()


def _term_key(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:b"
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        return f'"{canonical_lexical(term.value, term.datatype.value)}"^^<{term.datatype.value}>'
    return str(term)


def _solutions(result: object) -> tuple[str, object]:
    if isinstance(result, ox.QueryBoolean):
        return "boolean", bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = sorted(v.value for v in result.variables)
        return "solutions", Counter(tuple((n, _term_key(s[n])) for n in names
                                          if s[n] is not None) for s in result)
    return "graph", Counter(tuple(_term_key(t) for t in (x.subject, x.predicate, x.object))
                            for x in result)  # type: ignore[attr-defined]


def _expected(path: Path) -> tuple[str, object] | None:
    if path.suffix in RESULT_FORMATS:
        return _solutions(ox.parse_query_results(path=str(path),
                                                 format=RESULT_FORMATS[path.suffix]))
    if path.suffix in RDF_FORMATS:
        graph = list(ox.parse(path=str(path), format=RDF_FORMATS[path.suffix],
                              base_iri=path.as_uri()))
        if any(q.predicate.value.startswith("http://www.w3.org/2001/sw/DataAccess/tests/"
                                            "result-set#") for q in graph):
            return None
        return _solutions(graph)
    return None


def run_one(files: dict[str, Path | None]) -> tuple[str, str]:
    """(outcome, detail): "engine-pass", "engine-fail", "oxigraph" (router / run-time
    refusal) or "not-run"."""
    if files["named"] or files["result"] is None:
        return "not-run", "named-graph data" if files["named"] else "no result file"
    expected = _expected(files["result"])  # type: ignore[arg-type]
    if expected is None:
        return "not-run", "result in the RDF result-set vocabulary"
    text = files["query"].read_text(encoding="utf-8")  # type: ignore[union-attr]
    try:
        variables = variables_of(text)
    except SyntaxError as error:
        return "not-run", f"needs a base IRI or is not SPARQL 1.1 for Oxigraph: {error}"
    store = ox.Store()
    if files["data"] is not None:
        data = files["data"]
        store.load(path=str(data), format=RDF_FORMATS[data.suffix], base_iri=data.as_uri())
    mirror = Mirror()
    facts = mirror.build(Path("memory"), store)
    shape = query_shape(text)
    reason = facts.disabled or refusal(shape)
    if reason is not None:
        return "oxigraph", reason
    request = QueryRequest(text, graph_format="ntriples", limit=10_000_000)
    try:
        answer = mirror.answer(request, shape.form, variables,  # type: ignore[arg-type]
                               shape.group_keys)
    except EngineDeclined as declined:
        return "oxigraph", f"at run time: {declined}"
    if answer.kind == "graph":
        got = _solutions(list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)))
    else:
        got = _solutions(ox.parse_query_results(answer.body, ox.QueryResultsFormat.JSON))
    if got == expected or (got[0] == "graph" and set(got[1]) == set(expected[1])):
        return "engine-pass", ""
    return "engine-fail", f"engine {got[1]!r:.300} expected {expected[1]!r:.300}"


@pytest.mark.skipif(not TESTS, reason=f"the W3C SPARQL 1.1 suite is not in {SUITE} "
                                      "(scripts/setup.sh puts it there)")
@pytest.mark.parametrize(("name", "files"), TESTS, ids=[name for name, _ in TESTS])
def test_w3c_query_evaluation_through_the_engine_router(name, files):
    outcome, detail = run_one(files)
    assert outcome != "engine-fail", f"{name}: the engine answered and was wrong: {detail}"
