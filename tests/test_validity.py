"""Validity time (issue 18): the dataset as in force on a date, `--as-of` on library queries
and `as-of` on /api/queries. The fixture tests/data/as-of.trig holds one case per rule of
bpss_kg.validity; the sample-data test compares the as-of copy with an independent query that
reads the dates directly."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from bpss_kg.cli import app
from bpss_kg.errors import BadInput
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from bpss_kg.validity import (
    IN_FORCE,
    ISSUED,
    SUPERSEDED,
    WITHDRAWN,
    parse_as_of,
    status_on,
    view_as_of,
)

ID = "https://w3id.org/bpss-kg/id/"
BPSS = "https://w3id.org/bpss-kg/def#"
TEST_DATA = Path(__file__).resolve().parent / "data"
FIXTURE = TEST_DATA / "as-of.trig"


def node(path: str) -> ox.NamedNode:
    return ox.NamedNode(ID + path)


@pytest.fixture
def fixture_store(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    store._db.load(FIXTURE.read_bytes(), ox.RdfFormat.TRIG)
    yield store
    store.close()


def status(view: ox.Store, standard: str) -> str | None:
    found = [q.object.value.rsplit("/", 1)[1] for q in view.quads_for_pattern(
        node(f"standard/{standard}"), ox.NamedNode(BPSS + "status"), None, None)]
    assert len(found) <= 1
    return found[0] if found else None


def mentions(view: ox.Store, path: str) -> int:
    term = node(path)
    return (len(list(view.quads_for_pattern(term, None, None, None)))
            + len(list(view.quads_for_pattern(None, None, term, None))))


# -- the rules, one by one -------------------------------------------------------------------------

@pytest.mark.parametrize(("stored", "dates", "expected"), [
    (IN_FORCE, {}, IN_FORCE),
    (IN_FORCE, {"withdrawn": date(2020, 1, 1)}, WITHDRAWN),
    (WITHDRAWN, {"withdrawn": date(2024, 1, 1)}, IN_FORCE),
    (WITHDRAWN, {}, WITHDRAWN),  # no date: the copy cannot know better
    (SUPERSEDED, {"ended_on": date(2024, 1, 1)}, IN_FORCE),
    (SUPERSEDED, {}, SUPERSEDED),
    (IN_FORCE, {"ended_on": date(2021, 1, 1)}, SUPERSEDED),
    (IN_FORCE, {"applies": date(2023, 1, 1)}, ISSUED),
])
def test_status_on_a_date_follows_the_dates(stored, dates, expected):
    kwargs = {"withdrawn": None, "applies": None, "ended_on": None} | dates
    assert status_on(date(2022, 6, 30), stored, **kwargs) == expected


def test_before_the_replacement_applies_the_old_edition_is_in_force(fixture_store):
    view, report = view_as_of(fixture_store, date(2022, 2, 1))
    assert status(view, "DB37-T-1-2016") == "in-force"
    assert status(view, "DB37-T-1-2022") == "issued"  # published, applies from 2022-03-01
    assert status(view, "DB37-T-2-2018") == "in-force"  # withdrawn only in 2023
    assert status(view, "DB37-T-3-2018") == "withdrawn"  # undated withdrawal: kept as stored
    assert report.statuses == {"in-force": 2, "issued": 1}


def test_on_the_replacement_date_the_old_edition_is_superseded(fixture_store):
    view, _ = view_as_of(fixture_store, date(2022, 3, 1))
    assert status(view, "DB37-T-1-2016") == "superseded"
    assert status(view, "DB37-T-1-2022") == "in-force"
    view, _ = view_as_of(fixture_store, date(2023, 5, 1))
    assert status(view, "DB37-T-2-2018") == "withdrawn"


def test_what_did_not_exist_yet_is_left_out_with_every_triple_naming_it(fixture_store):
    view, report = view_as_of(fixture_store, date(2022, 6, 30))
    assert mentions(view, "standard/DB37-T-4-2025") == 0
    assert mentions(view, "membership/370502/DB37-T-4-2025") == 0
    # the membership of 2024 goes, and with it the inSystem shortcut to that system
    assert mentions(view, "membership/370502/DB37-T-1-2022") == 0
    assert not list(view.quads_for_pattern(node("standard/DB37-T-1-2022"),
                                           ox.NamedNode(BPSS + "inSystem"), None, None))
    assert list(view.quads_for_pattern(node("standard/DB37-T-1-2016"),
                                       ox.NamedNode(BPSS + "inSystem"), None, None))
    assert mentions(view, "observation/370502/x/2021") == 2
    assert mentions(view, "observation/370502/x/2023") == 0
    assert mentions(view, "baseline/x/2018") == 2 and mentions(view, "baseline/x/2023") == 0
    assert mentions(view, "agreement/370502/later") == 0
    # a review after the date had not happened yet
    assert not list(view.quads_for_pattern(node("standard/DB37-T-1-2016"),
                                           ox.NamedNode(BPSS + "lastReviewDate"), None, None))
    assert report.removed["standards issued after D and their table rows"] == 2
    assert report.removed["memberships starting after D"] == 1


def test_the_copy_leaves_runs_out_and_the_store_untouched(fixture_store):
    before = sorted(str(q) for q in fixture_store.quads())
    view, _ = view_as_of(fixture_store, date(2022, 6, 30))
    assert sorted(str(q) for q in fixture_store.quads()) == before
    graphs = {g.value for g in view.named_graphs()}
    assert not any("/validation/" in g for g in graphs)
    assert "https://w3id.org/bpss-kg/graph/county/370503" in graphs


def test_with_a_county_only_that_county_graph_is_copied(fixture_store):
    view, _ = view_as_of(fixture_store, date(2022, 6, 30), county="370502")
    graphs = {g.value for g in view.named_graphs()}
    assert "https://w3id.org/bpss-kg/graph/county/370502" in graphs
    assert "https://w3id.org/bpss-kg/graph/county/370503" not in graphs
    assert "https://w3id.org/bpss-kg/graph/national" in graphs


@pytest.mark.parametrize("raw", ["2022-13-01", "yesterday", "2022/06/30", ""])
def test_a_bad_date_is_refused_naming_the_flag(raw):
    with pytest.raises(BadInput, match="--as-of expects a date"):
        parse_as_of(raw)


# -- the sample data, compared with an independent reading of the dates ---------------------------

# Read directly from the dates, without the copy (two independent formulations of the rules):
# EXISTING — standards of a county system issued by ?d (or undated), listed by a table row
# that started by ?d (or undated), per county and kind: what standards-per-kind counts;
# IN_FORCE — of those, the ones in force on ?d: applying by ?d, not withdrawn by ?d, not
# replaced by a standard applying by ?d; a stored end (withdrawn, superseded) that no date
# places after ?d stays an end.
EXISTING = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?county ?kind (COUNT(DISTINCT ?s) AS ?n) ?d WHERE {
  ?system a bpss:CountyStandardSystem ; bpss:forDivision ?county .
  { ?s bpss:inSystem ?system ; bpss:standardKind ?kind }
  UNION { ?m bpss:memberOf ?system ; bpss:memberStandard ?s ; bpss:standardKind ?kind }
  ?s bpss:inSystem ?system .
  FILTER NOT EXISTS { ?m2 bpss:memberOf ?system ; bpss:memberStandard ?s ;
                      bpss:memberSince ?since FILTER(?since > ?d) }
  FILTER NOT EXISTS { ?s dcterms:issued ?issued FILTER(?issued > ?d) }
} GROUP BY ?county ?kind ?d
"""
IN_FORCE = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX st: <https://w3id.org/bpss-kg/id/concept/standard-status/>
SELECT ?county (COUNT(DISTINCT ?s) AS ?n) ?d WHERE {
  ?system a bpss:CountyStandardSystem ; bpss:forDivision ?county .
  ?s bpss:inSystem ?system ; bpss:status ?stored .
  FILTER NOT EXISTS { ?m2 bpss:memberOf ?system ; bpss:memberStandard ?s ;
                      bpss:memberSince ?since FILTER(?since > ?d) }
  FILTER NOT EXISTS { ?s dcterms:issued ?issued FILTER(?issued > ?d) }
  FILTER NOT EXISTS { ?s bpss:implementationDate ?applies FILTER(?applies > ?d) }
  FILTER NOT EXISTS { ?s bpss:withdrawalDate ?w FILTER(?w <= ?d) }
  FILTER NOT EXISTS { { ?t bpss:supersedes ?s } UNION { ?s bpss:replacedBy ?t }
                      OPTIONAL { ?t bpss:implementationDate ?ti } OPTIONAL { ?t dcterms:issued ?tu }
                      FILTER(COALESCE(?ti, ?tu) <= ?d) }
  FILTER(?stored IN (st:in-force)
         || (?stored = st:superseded && EXISTS { { ?t2 bpss:supersedes ?s }
                                                 UNION { ?s bpss:replacedBy ?t2 } })
         || (?stored = st:withdrawn && EXISTS { ?s bpss:withdrawalDate ?w2 }))
} GROUP BY ?county ?d
"""
DAYS = ["2016-06-01", "2020-01-01", "2022-03-20", "2023-06-01", "2026-06-30"]


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("as-of") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    store.close()
    return path


def _rows(output: str) -> set[tuple[str, str, int]]:
    return {(r["county"], r["kind"], int(r["standards"]))
            for r in csv.DictReader(io.StringIO(output))}


def _direct(sample_path: Path, text: str, day: str) -> list[ox.QuerySolution]:
    store = OxigraphStore(sample_path, read_only=True)
    try:
        return list(store.query(text, bindings={"d": ox.Literal(
            day, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))}))
    finally:
        store.close()


@pytest.mark.parametrize("day", DAYS)
def test_standards_per_kind_as_of_agrees_with_the_dates_read_directly(
        sample_path, runner, day):
    expected = {(r["county"].value, r["kind"].value, int(r["n"].value))
                for r in _direct(sample_path, EXISTING, day)}
    assert expected, "the sample has standards on every date asked"
    result = runner.invoke(app, ["query", "standards-per-kind", "--as-of", day,
                                 "--format", "csv", "--store", str(sample_path)])
    assert result.exit_code == 0, result.output
    assert _rows(result.output) == expected


@pytest.mark.parametrize("day", DAYS)
def test_a_users_query_file_as_of_counts_what_was_in_force(sample_path, runner, day):
    expected = {(r["county"].value, int(r["n"].value))
                for r in _direct(sample_path, IN_FORCE, day)}
    result = runner.invoke(app, ["query", str(TEST_DATA / "in-force-per-county.rq"),
                                 "--as-of", day, "--format", "csv",
                                 "--store", str(sample_path)])
    assert result.exit_code == 0, result.output
    assert {(r["county"], int(r["standards"]))
            for r in csv.DictReader(io.StringIO(result.output))} == expected


def test_as_of_changes_the_answer_on_the_sample(sample_path):
    from bpss_kg.queries import library_query, run_library_query

    query = library_query("standards-per-kind")
    store = OxigraphStore(sample_path, read_only=True)
    try:
        total = {day: sum(int(r["standards"].value) for r in run_library_query(
            store, query, {}, as_of=date.fromisoformat(day) if day else None))
            for day in ("2016-06-01", "2023-06-01", "")}
    finally:
        store.close()
    assert total["2016-06-01"] < total["2023-06-01"]
    assert total[""] > 0


def test_the_cli_refuses_a_bad_date_with_exit_2(runner, tmp_path):
    result = runner.invoke(app, ["query", "standards-per-kind", "--as-of", "2022-02-30",
                                 "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "--as-of expects a date" in result.output


# -- /api/queries/<name>?as-of=D ------------------------------------------------------------------

def test_the_api_answers_as_of_a_date_and_refuses_a_bad_one(sample_path, tmp_path):
    from bpss_kg.config import Settings
    from server import create_app

    from .http_server import running

    store = OxigraphStore(sample_path)
    app_ = create_app(Settings(store=str(sample_path), query_workers=1), store)
    try:
        with running(app_) as base:
            _check_api(base)
    finally:
        app_.extensions["bpss_kg"].queries.close()
        store.close()


def _check_api(base: str) -> None:
    if True:
        def get(path: str) -> tuple[int, bytes]:
            try:
                with urllib.request.urlopen(base + path) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.read()

        status, body = get("/api/queries/standards-per-kind?as-of=2016-06-01&format=csv")
        early = _rows(body.decode("utf-8-sig"))
        status_now, body_now = get("/api/queries/standards-per-kind?format=csv")
        assert status == status_now == 200
        assert early and early != _rows(body_now.decode("utf-8-sig"))
        status, body = get("/api/queries/standards-per-kind?as-of=2016-06-31")
        assert status == 400 and "as-of" in json.loads(body)["message"]
        # a query's own as_of (the date it judges against) follows as-of when not set
        status, body = get("/api/queries/standards-due-for-review?as-of=2021-06-01&format=csv")
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        assert status == 200 and rows and {r["as_of"] for r in rows} == {"2021-06-01"}
