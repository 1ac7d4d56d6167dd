"""Answers kept per store state: the same request on the same state is not evaluated again,
a write forgets every kept answer, and volatile or oversized answers are never kept."""

from __future__ import annotations

import json

import pytest

from bpss_kg.store import OxigraphStore
from bpss_kg.store.answer_cache import AnswerCache, cache_key
from bpss_kg.store.query_service import QueryAnswer, QueryRequest, QueryService

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _answer(body: bytes) -> QueryAnswer:
    return QueryAnswer(kind="solutions", format="json", body=body, rows=1)


@pytest.fixture
def service(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> 1 } }")
    service = QueryService(store, workers=1)
    yield service, store
    service.close()
    store.close()


def _count(answer: QueryAnswer) -> int:
    return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])


def test_the_same_request_is_answered_from_the_cache_until_a_write(service):
    queries, store = service
    first = queries.execute(queries.request(COUNT))
    again = queries.execute(queries.request(COUNT))
    assert again is first and _count(first) == 1
    assert (queries.answers.hits, queries.answers.misses) == (1, 1)

    store.update("INSERT DATA { GRAPH <urn:g> { <urn:b> <urn:p> 2 } }")
    queries.after_write()
    assert len(queries.answers) == 0
    assert _count(queries.execute(queries.request(COUNT))) == 2


def test_requests_that_differ_in_anything_that_shapes_the_answer_are_kept_apart(service):
    queries, _ = service
    as_json = queries.execute(queries.request(COUNT))
    as_csv = queries.execute(queries.request(COUNT, results_format="csv"))
    bound = queries.execute(queries.request("SELECT ?s ?o WHERE { ?s <urn:p> ?o }",
                                            bindings={"s": "<urn:a>"}))
    other = queries.execute(queries.request("SELECT ?s ?o WHERE { ?s <urn:p> ?o }",
                                            bindings={"s": "<urn:zzz>"}))
    assert as_json.body != as_csv.body and bound.rows == 1 and other.rows == 0
    assert len(queries.answers) == 4


def test_a_precomputed_answer_is_kept_and_evaluation_is_the_fallback(service):
    queries, _ = service
    made = _answer(b"from the summaries")
    assert queries.execute(queries.request(COUNT), precomputed=lambda: made) is made
    assert queries.execute(queries.request(COUNT), precomputed=lambda: None) is made
    fresh = queries.request("ASK { ?s ?p ?o }")
    assert queries.execute(fresh, precomputed=lambda: None).kind == "boolean"


def test_volatile_queries_are_never_kept():
    for text in ("SELECT (NOW() AS ?t) {}", "SELECT (rand () AS ?r) {}",
                 "SELECT (UUID() AS ?u) {}", "SELECT (STRUUID() AS ?u) {}",
                 "CONSTRUCT { ?s <urn:p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }"):
        assert cache_key(QueryRequest(sparql=text)) is None, text
    assert cache_key(QueryRequest(sparql="SELECT ?now WHERE { ?s <urn:now> ?now }")) is not None


def test_the_least_recently_used_answer_goes_first_and_large_ones_are_not_kept():
    cache = AnswerCache("s1", max_bytes=10, max_entry_bytes=6)
    cache.put("s1", ("a",), _answer(b"aaaa"))
    cache.put("s1", ("b",), _answer(b"bbbb"))
    assert cache.get("s1", ("a",)) is not None  # "a" is now the most recently used
    cache.put("s1", ("c",), _answer(b"cccc"))
    assert cache.get("s1", ("b",)) is None and cache.get("s1", ("a",)) is not None
    assert cache.size_bytes == 8
    cache.put("s1", ("d",), _answer(b"ddddddd"))  # over the entry limit
    assert cache.get("s1", ("d",)) is None


def test_an_answer_computed_on_an_older_state_is_not_kept():
    cache = AnswerCache("s1")
    cache.new_state("s2")
    cache.put("s1", ("a",), _answer(b"old"))  # finished after the write: stale
    assert cache.get("s1", ("a",)) is None and cache.get("s2", ("a",)) is None and not len(cache)
