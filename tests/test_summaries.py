"""Per-county summaries answer the national library queries with exactly the rows of a direct
evaluation, and stay so after writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bpss_kg.generate import generate
from bpss_kg.loading import load_files, load_sample
from bpss_kg.queries import library, run_library_query
from bpss_kg.store import OxigraphStore
from bpss_kg.summaries import Summaries, fixed_bindings, summaries_for, summarized_queries

PLACE = "https://w3id.org/bpss-kg/id/place/"
COUNTY_GRAPH = "https://w3id.org/bpss-kg/graph/county/"


def _rows(result) -> list[tuple[str, ...]]:
    names = [v.value for v in result.variables]
    return [tuple("" if s[n] is None else str(s[n]) for n in names) for s in result]


def _direct(store, query, values):
    return _rows(store.query(query.text, bindings=query.bind(values)))


def _variants(store, query) -> list[dict[str, str]]:
    """No parameter (when none is required), then each parameter bound to a value that occurs
    in the data, together with the required ones."""
    free = store.query(query.text, bindings=fixed_bindings(query))  # required ones left free
    names = [v.value for v in free.variables]
    rows = [[str(s[n]) if s[n] is not None else "" for n in names] for s in free]
    if not rows:
        return [{}]

    def value(param, row) -> str:
        term = row[names.index(param.name)].strip("<>")
        if param.type == "place":
            return term.rsplit("/", 1)[-1]
        return term.split('"')[1] if param.type == "year" else term

    middle = rows[len(rows) // 2]
    required = {p.name: value(p, middle) for p in query.parameters if p.required}
    variants: list[dict[str, str]] = [required]
    for param in query.parameters:
        if param.name in query.summary_fixed or param.name not in names or param.required:
            continue
        variants.append(required | {param.name: value(param, middle)})
    return variants


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("summaries")
    data = folder / "national.nq"
    generate(counties=40, seed=7, out=data)
    store = OxigraphStore(folder / "store")
    load_files(store, [data])
    yield store
    store.close()


def test_the_summarized_queries_are_the_national_per_county_ones():
    assert [q.name for q in summarized_queries()] == [
        "below-baseline", "counties-by-province", "county-indicators", "county-system-overview",
        "coverage-by-county", "process-missing-evidence", "standards-due-for-review",
        "standards-for-item", "standards-per-kind", "subsystems-without-in-force"]


def test_summaries_give_the_rows_of_direct_evaluation_on_generated_data(generated_store):
    summaries = summaries_for(generated_store)
    summaries.refresh()
    assert summaries.stale_counties() == []
    for query in summarized_queries():
        for values in _variants(generated_store, query):
            answer = summaries.answer(query, query.bind(values))
            assert answer is not None, (query.name, values)
            direct = _direct(generated_store, query, values)
            assert _rows(answer) == direct, (query.name, values)
            assert direct or values, f"{query.name} has no rows to compare"


def test_national_aggregates_combined_from_county_parts_equal_direct_evaluation(
        generated_store):
    summaries = summaries_for(generated_store)
    summaries.refresh()
    # indicator-dispersion stays direct: its means are sums of doubles, and summing the same
    # values in another order can move a rounded mean by 0.01 (seen at N = 100).
    assert sorted(p.query.name for p in summaries.plans) == [
        "coverage-by-province", "national-list-tree"]
    for plan in summaries.plans:
        for values in _variants(generated_store, plan.query):
            answer = summaries.answer(plan.query, plan.query.bind(values))
            assert answer is not None, (plan.query.name, values)
            direct = _direct(generated_store, plan.query, values)
            assert _rows(answer) == direct and direct, (plan.query.name, values)


Sample = tuple[OxigraphStore, Summaries]


@pytest.fixture
def refreshed_sample(tmp_path: Path) -> Iterator[Sample]:
    """An on-disk store with the sample data and its summaries brought up to date."""
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    summaries = summaries_for(store)
    assert summaries is not None
    summaries.refresh()
    yield store, summaries
    store.close()


def test_summaries_follow_a_write_to_one_county_and_a_different_fixed_value(
        refreshed_sample: Sample):
    store, summaries = refreshed_sample
    query = library()["standards-per-kind"]
    before = _rows(run_library_query(store, query, {}))
    store.update(f"DELETE WHERE {{ GRAPH <{COUNTY_GRAPH}370502> {{ "
                 "?s <https://w3id.org/bpss-kg/def#standardKind> ?k } }")
    assert summaries.stale_counties() == [f"{COUNTY_GRAPH}370502"]
    after = run_library_query(store, query, {})  # refreshed on the spot: one county
    assert summaries.stale_counties() == []
    assert _rows(after) == _direct(store, query, {}) != before
    due = library()["standards-due-for-review"]
    assert summaries.answer(due, due.bind({"as_of": "2030-01-01"})) is None  # evaluated directly
    assert _rows(run_library_query(store, due, {"as_of": "2030-01-01"})) == _direct(
        store, due, {"as_of": "2030-01-01"})


def test_a_bulk_load_makes_the_summaries_rebuild_before_they_answer(refreshed_sample: Sample):
    store, summaries = refreshed_sample
    load_sample(store)  # a quad-file load: the journal cannot tell which graphs changed
    assert summaries.stale_counties() is None
    query = library()["coverage-by-county"]
    assert summaries.answer(query, {}) is None  # no full rebuild on the request path
    summaries.refresh()
    assert _rows(summaries.answer(query, {})) == _direct(store, query, {})


def test_national_answers_equal_direct_evaluation(generated_store):
    summaries = summaries_for(generated_store)
    assert sorted(q.name for q in summaries.national) == [
        "agreements-expiring", "coordination-same-prefecture", "indicator-dispersion",
        "local-additions"]
    summaries.refresh()
    assert summaries.stale_national() == []
    for query in summaries.national:
        for values in _variants(generated_store, query):
            answer = summaries.answer(query, query.bind(values))
            assert answer is not None, (query.name, values)
            direct = _direct(generated_store, query, values)
            assert _rows(answer) == direct and direct, (query.name, values)
    dispersion = library()["indicator-dispersion"]
    assert summaries.answer(dispersion, dispersion.bind({"year": "2023"})) is not None  # a column
    coordination = library()["coordination-same-prefecture"]
    other_item = {"item": "https://w3id.org/bpss-kg/id/list/national-2023/item/12"}
    assert summaries.answer(coordination, coordination.bind(other_item)) is None  # fixed: direct


def test_a_national_answer_is_never_served_after_a_write_until_evaluated_again(
        refreshed_sample: Sample):
    store, summaries = refreshed_sample
    agreements = library()["agreements-expiring"]
    before = _rows(summaries.answer(agreements, {}))
    store.update(f"DELETE WHERE {{ GRAPH <{COUNTY_GRAPH}370502> {{ ?a a "
                 "<https://w3id.org/bpss-kg/def#CoordinationAgreement> ; ?p ?o } }")
    assert summaries.stale_national() == [q.name for q in summaries.national]
    assert summaries.answer(agreements, {}) is None  # never a stale answer
    after = _rows(run_library_query(store, agreements, {}))  # evaluated directly
    assert after == _direct(store, agreements, {}) and len(after) < len(before)
    summaries.refresh()
    assert _rows(summaries.answer(agreements, {})) == after


def test_a_validation_report_does_not_make_the_national_answers_stale(refreshed_sample: Sample):
    store, summaries = refreshed_sample
    store.update("INSERT DATA { GRAPH <https://w3id.org/bpss-kg/graph/validation/run-x> "
                 "{ <urn:run> <urn:p> 1 } }")
    assert summaries.stale_national() == []
