"""The county report's targets and trends (issue 19): the county's own indicator targets beside
the national baselines, and the system edition by edition, read from the edition log."""

from __future__ import annotations

import json
import re

import pytest

from bpss_kg.access import Scope, Writer
from bpss_kg.browse.county import county_term
from bpss_kg.browse.edition_trend import edition_trend
from bpss_kg.browse.targets import county_targets
from bpss_kg.config import Settings
from bpss_kg.editions import EditionLog
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from bpss_kg.writes import WriteGate
from server import create_app

COUNTY = "https://w3id.org/bpss-kg/graph/county/370502"
OFFICE = Writer("tok-test", "东营区 office", Scope("county", "370502"))
BPSS = "https://w3id.org/bpss-kg/def#"
STD = "https://w3id.org/bpss-kg/id/standard/"
STATUS = "https://w3id.org/bpss-kg/id/concept/standard-status/"
SYSTEM = "https://w3id.org/bpss-kg/id/system/county/370502"
ITEM_03 = "https://w3id.org/bpss-kg/id/list/national-2023/item/03"


@pytest.fixture
def gated(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    log = EditionLog(store.path)
    gate = WriteGate(store, None, after_write=lambda: None, editions=log)
    yield store, log, gate
    log.close()
    store.close()


def _write(store, gate, text: str) -> None:
    gate.write(OFFICE, "POST /update", {COUNTY}, lambda: store.update(text))


def _count(store, where: str) -> int:
    (row,) = store.query(f"PREFIX bpss: <{BPSS}> SELECT (COUNT(DISTINCT ?std) AS ?n) "
                         f"WHERE {{ GRAPH <{COUNTY}> {{ {where} }} }}")
    return int(row["n"].value)


def test_targets_are_the_countys_own_values_per_indicator_and_year(gated):
    store, _, _ = gated
    targets = county_targets(store, county_term("370502"))
    # data/sample/county-370502.trig: five synthetic 2025 targets
    assert targets["https://w3id.org/bpss-kg/id/indicator/child-vaccination-rate"] == (
        ("2025", 90.0),)
    assert targets["https://w3id.org/bpss-kg/id/indicator/elderly-health-management-rate"] == (
        ("2025", 71.3),)
    assert len(targets) == 5
    assert county_targets(store, county_term("110101")) == {}


def test_the_trend_gives_each_edition_as_it_was_recorded(gated):
    store, log, gate = gated
    assert edition_trend(log, COUNTY) == []
    in_table = (f"{{ ?std bpss:inSystem <{SYSTEM}> }} UNION "
                f"{{ ?m bpss:memberStandard ?std ; bpss:memberOf <{SYSTEM}> }}")
    standards = _count(store, in_table)
    # edition 1: the county as loaded (a snapshot of the graph before the first gated write)
    _write(store, gate, f'INSERT DATA {{ GRAPH <{COUNTY}> {{ <urn:x:e> '
                        f'<http://www.w3.org/2000/01/rdf-schema#label> "起点"@zh }} }}')
    # edition 2: a new standard in force for item 03; edition 3: it is withdrawn again
    new = f"{STD}DB37-T-9999-2026"
    _write(store, gate, f"""PREFIX bpss: <{BPSS}> INSERT DATA {{ GRAPH <{COUNTY}> {{
        <{new}> a bpss:Standard ; bpss:standardNumber "DB37/T 9999—2026" ;
          bpss:inSystem <{SYSTEM}> ; bpss:status <{STATUS}in-force> ;
          bpss:implementsItem <{ITEM_03}> }} }}""")
    _write(store, gate, f"""PREFIX bpss: <{BPSS}>
        DELETE DATA {{ GRAPH <{COUNTY}> {{ <{new}> bpss:status <{STATUS}in-force> }} }} ;
        INSERT DATA {{ GRAPH <{COUNTY}> {{ <{new}> bpss:status <{STATUS}withdrawn> }} }}""")
    first, second, third = edition_trend(log, COUNTY)
    assert [p.number for p in (first, second, third)] == [1, 2, 3]
    assert first.standards == standards and second.standards == standards + 1
    assert third.standards == standards + 1  # withdrawn, still a row of the table
    assert second.in_force == first.in_force + 1 and third.in_force == first.in_force
    covered_before = first.covered
    assert second.covered == covered_before + (0 if _covered_in_sample(store) else 1)
    assert third.covered == covered_before
    assert (second.added, second.removed) == (5, 0) and (third.added, third.removed) == (1, 1)
    assert [p.number for p in edition_trend(log, COUNTY, limit=2)] == [2, 3]


def _covered_in_sample(store) -> bool:
    """Whether item 03 is implemented by a standard that is not withdrawn or superseded, in the
    county graph as it is now (after edition 3, so without the test's own standard)."""
    return bool(_count(store, f"""?std bpss:implementsItem <{ITEM_03}>
        FILTER NOT EXISTS {{ ?std bpss:status ?s
                             FILTER(?s IN (<{STATUS}withdrawn>, <{STATUS}superseded>)) }}"""))


def test_the_report_shows_targets_and_the_edition_trend(gated, tmp_path):
    store, log, gate = gated
    _write(store, gate, f'INSERT DATA {{ GRAPH <{COUNTY}> {{ <urn:x:e> '
                        f'<http://www.w3.org/2000/01/rdf-schema#label> "一"@zh }} }}')
    _write(store, gate, f'INSERT DATA {{ GRAPH <{COUNTY}> {{ <urn:x:e> '
                        f'<http://www.w3.org/2000/01/rdf-schema#label> "二"@zh }} }}')
    log.close()
    application = create_app(Settings(store=str(store.path), query_workers=1), store)
    try:
        client = application.test_client()
        page = client.get("/county/370502/report").get_data(as_text=True)
        assert "县域目标" in page and "90 % (2025)" in page  # the sample's 2025 target
        history = json.loads(re.search(
            r'id="indicator-history-data">(.*?)</script>', page, re.S).group(1))
        vaccination = next(i for i in history["indicators"] if "接种率" in i["label"])
        assert vaccination["targets"] == [["2025", 90.0]]
        assert vaccination["years"] and len(vaccination["years"]) == len(vaccination["values"])
        trend = json.loads(re.search(
            r'id="edition-trend-data">(.*?)</script>', page, re.S).group(1))
        assert [p["edition"] for p in trend["points"]] == [1, 2]
        assert trend["points"][0]["standards"] == trend["points"][1]["standards"] > 0
        english = client.get("/county/370502/report?lang=en").get_data(as_text=True)
        assert "County target" in english and "standards in the table" in english
        assert "22 days (2025)" in english and "22 天" not in english  # units in English
    finally:
        application.extensions["bpss_kg"].queries.close()
        application.extensions["bpss_kg"].editions.close()
