"""Every library query on the sample data, with the answer known from how the sample was built
(scripts/build_sample_data.py and data/sample/FAULTS.md)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from bpss_kg.errors import BadInput
from bpss_kg.loading import load_sample
from bpss_kg.queries import find_query, library, run_library_query
from bpss_kg.store import OxigraphStore

ID = "https://w3id.org/bpss-kg/id/"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    handle = OxigraphStore(tmp_path_factory.mktemp("queries") / "store")
    load_sample(handle)
    yield handle
    handle.close()


def rows(store, name, **params):
    result = run_library_query(store, find_query(name), {k: str(v) for k, v in params.items()})
    names = [v.value for v in result.variables]
    out = []
    for solution in result:
        row = {}
        for n in names:
            term = solution[n]
            if term is None:
                row[n] = None
            else:
                value = term.value
                row[n] = value[len(ID):] if value.startswith(ID) else value
        out.append(row)
    return out


def test_library_has_at_least_15_documented_queries():
    queries = library()
    assert len(queries) >= 15
    for query in queries.values():
        assert query.title["zh"] and query.title["en"] and query.description.get("en")


def test_coverage_by_county(store):
    got = {r["county"]: (r["namedCovered"], r["namedTotal"])
           for r in rows(store, "coverage-by-county")}
    assert got == {"place/330424": ("14", "14"), "place/370214": ("14", "14"),
                   "place/370502": ("14", "14"), "place/370503": ("13", "14"),
                   "place/440104": ("14", "14")}


def test_coverage_by_county_for_one_province(store):
    got = [r["county"] for r in rows(store, "coverage-by-county", province="370000")]
    assert got == ["place/370214", "place/370502", "place/370503"]


def test_coverage_by_province(store):
    got = {r["province"]: (r["counties"], r["minCovered"])
           for r in rows(store, "coverage-by-province")}
    assert got == {"place/330000": ("1", "14"), "place/370000": ("3", "13"),
                   "place/440000": ("1", "14")}


def test_below_baseline_is_direction_aware(store):
    got = [(r["county"], r["indicator"], r["year"], r["value"], r["direction"])
           for r in rows(store, "below-baseline")]
    assert got == [
        ("place/330424", "indicator/housing-renovation-approval-days", "2024", "45", "at-most"),
        ("place/370502", "indicator/child-vaccination-rate", "2024", "88.5", "at-least"),
    ]
    assert rows(store, "below-baseline", year="2023") == []


def test_subsystems_without_in_force(store):
    got = [(r["county"], r["problem"]) for r in rows(store, "subsystems-without-in-force")]
    assert got == [("place/370503", "sub-system missing"), ("place/440104", "no standard in force")]


def test_standards_due_for_review(store):
    got = [(r["county"], r["number"]) for r in rows(store, "standards-due-for-review")]
    assert got == [("place/370503", "DB37/T 4626—2019")]
    later = rows(store, "standards-due-for-review", as_of="2028-01-01")
    assert len(later) > 1


def test_superseded_still_cited(store):
    got = [(r["citingNumber"], r["citedNumber"], r["status"])
           for r in rows(store, "superseded-still-cited")]
    assert got == [("DB37/T 4649—2023", "DB37/T 4639—2015", "withdrawn")]


def test_compare_two_counties(store):
    got = {r["itemNumber"]: (r["standards1"], r["standards2"], r["standards3"])
           for r in rows(store, "compare-counties", county1="370502", county2="370503")}
    assert len(got) == 14
    assert got["12"] == ("2", "0", "0")
    assert got["10"] == ("3", "3", "0")


def test_compare_needs_two_counties(store):
    with pytest.raises(BadInput, match="needs parameter 'county2'"):
        rows(store, "compare-counties", county1="370502")


def test_same_prefecture_coordination(store):
    got = [(r["countyA"], r["countyB"], r["agreement"])
           for r in rows(store, "coordination-same-prefecture")]
    assert got == [
        ("place/370502", "place/370503", "agreement/370502/maternity-settlement-370503"),
        ("place/370502", "place/370503", "agreement/370503/maternity-settlement-370502"),
    ]
    no_agreement = rows(store, "coordination-same-prefecture",
                        item=ID + "list/national-2023/item/12")
    assert [(r["countyA"], r["agreement"]) for r in no_agreement] == [("place/370502", None)]


def test_indicator_dispersion(store):
    got = {(r["province"], r["indicator"]): r for r in rows(store, "indicator-dispersion")}
    vaccination = got[("place/370000", "indicator/child-vaccination-rate")]
    assert (vaccination["counties"], vaccination["min"], vaccination["max"]) == ("3", "88.5",
                                                                                 "96.8")
    assert len(got) == 15


def test_local_additions(store):
    got = rows(store, "local-additions")
    assert len(got) == 6 and all(r["counties"] == "1" for r in got)
    assert {r["countyCodes"] for r in got} == {"330424", "370214", "370502", "370503", "440104"}


def test_standards_per_kind(store):
    got = {r["kind"].rsplit("/", 1)[1]: r["standards"]
           for r in rows(store, "standards-per-kind", county="370214")}
    assert len(got) == 10
    assert got["service-provision"] == "6"  # 4 topics + the superseded edition + a kind fault


def test_counties_by_province(store):
    got = {r["county"]: r["standards"] for r in rows(store, "counties-by-province")}
    # 370214 and 370502 adopt GB/T 43507—2023 into their systems (one more standard each)
    assert got == {"place/330424": "16", "place/370214": "17", "place/370502": "16",
                   "place/370503": "12", "place/440104": "15"}


def test_national_list_tree(store):
    got = rows(store, "national-list-tree")
    assert len(got) == 81
    by_number = {r["itemNumber"]: r for r in got}
    assert by_number["10"]["counties"] == "5"
    assert by_number["12"]["counties"] == "4"
    assert by_number["50"]["placeholder"] == "true" and by_number["50"]["counties"] == "0"


def test_standards_for_item(store):
    got = [r["number"] for r in rows(store, "standards-for-item", county="370502")]
    assert got == ["DB37/T 4602—2024", "DB37/T 4603—2025", "DB37/T 4604—2022"]


def test_process_missing_evidence(store):
    got = [(r["county"], r["kind"], r["missing"]) for r in rows(store, "process-missing-evidence")]
    assert got == [("place/370502", "proposal", "supporting measure"),
                   ("place/440104", "drafting", "agreed finance consultation")]


def test_agreements_expiring(store):
    expected = {s["a"].value for s in store.query(
        "SELECT DISTINCT ?a WHERE { ?a a <https://w3id.org/bpss-kg/def#CoordinationAgreement> ;"
        " <https://w3id.org/bpss-kg/def#validUntil> ?u ;"
        " <https://w3id.org/bpss-kg/def#coordinatesItem> ?i ."
        " FILTER(?u < \"2027-01-01\"^^<http://www.w3.org/2001/XMLSchema#date>) }")}
    assert len(rows(store, "agreements-expiring")) == len(expected) == 7
    got = [r["agreement"] for r in rows(store, "agreements-expiring", before="2026-01-01")]
    assert got == ["agreement/370503/elderly-care-370502"]


def test_county_indicators(store):
    got = rows(store, "county-indicators", county="370502")
    assert len(got) == 10
    failing = [(r["indicator"], r["year"]) for r in got if r["meets"] == "false"]
    assert failing == [("indicator/child-vaccination-rate", "2024")]


def test_county_system_overview(store):
    got = {r["subsystem"].rsplit("/", 1)[1]: (r["standards"], r["inForceStandards"])
           for r in rows(store, "county-system-overview", county="370502")}
    # 370502 places the adopted GB/T 43507—2023 in 基准指标 (basic-general): 3 local + 1
    assert got == {"baseline-indicator": ("4", "4"), "service-implementation": ("9", "8"),
                   "monitoring-improvement": ("3", "3")}


def test_a_hostile_value_is_only_ever_a_term(store):
    hostile = '370502" } UNION { ?s ?p ?o } #'
    with pytest.raises(BadInput):
        rows(store, "coverage-by-county", county=hostile)
    result = store.query("SELECT ?x WHERE { BIND(?x AS ?y) }",
                         bindings={"x": ox.Literal(hostile)})
    assert [s["x"].value for s in result] == [hostile]
