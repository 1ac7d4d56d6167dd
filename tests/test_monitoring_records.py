"""Records of 监测改进 (issue 19) in the sample: assessments, satisfaction surveys and warnings
with their details, improvement actions, and the two library questions researchers ask of them
(satisfaction by item across a province; open 整改 actions older than a year)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bpss_kg.loading import load_sample
from bpss_kg.queries import library_query, run_library_query
from bpss_kg.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/bpss-kg/id/"
ITEM = ID + "list/national-2023/item/"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    handle = OxigraphStore(tmp_path_factory.mktemp("monitoring") / "store")
    load_sample(handle)
    yield handle
    handle.close()


def rows(store, name: str, **values: str) -> list[dict[str, str]]:
    result = run_library_query(store, library_query(name), values)
    return [{k: v.value for k, v in zip([str(x)[1:] for x in result.variables], row, strict=True)
             if v is not None} for row in result]


def test_satisfaction_by_item_across_shandong(store):
    found = {r["item"][len(ITEM):]: r for r in rows(store, "satisfaction-by-item",
                                                     province="370000")}
    assert set(found) == {"02", "10", "13"}
    vaccination = found["10"]
    assert vaccination["itemName"] == "预防接种"
    # 370502, 370503 and 370214 (whose survey gives no sample size: a planted fault, counted 0)
    assert (vaccination["counties"], vaccination["minScore"], vaccination["maxScore"]) == \
        ("3", "84", "88.5")
    assert float(vaccination["meanScore"]) == pytest.approx((88.5 + 84.0 + 86.0) / 3)
    assert vaccination["respondentsTotal"] == str(1200 + 800)
    assert rows(store, "satisfaction-by-item", province="370000", year="2023") == []


def test_open_actions_older_than_a_year(store):
    found = [(r["county"][len(ID) + 6:], r["action"].rsplit("/", 1)[1], r["askedOn"])
             for r in rows(store, "improvement-actions-open")]
    # closed actions (370502 vaccination-notice, 330424 survey-channel) are not listed; 440104's
    # has no due date (a planted fault) and is open all the same
    assert found == [("370502", "elderly-followup", "2024-11-30"),
                     ("370503", "facility-signs", "2024-11-30"),
                     ("440104", "service-hours", "2024-11-30")]
    assert rows(store, "improvement-actions-open", as_of="2025-06-30") == []
    assert [r["action"].rsplit("/", 1)[1] for r in rows(
        store, "improvement-actions-open", county="370503")] == ["facility-signs"]


def test_a_warning_names_indicator_threshold_and_the_observed_value(store):
    """东营区's early-warning line (72, above the national baseline 65) was crossed by the
    2024 observation itself (70.3): the warning's value is that observation's."""
    text = """PREFIX bpss: <https://w3id.org/bpss-kg/def#>
    SELECT ?indicator ?threshold ?value ?baseline ?observed WHERE {
      ?w a bpss:MonitoringWarning ; bpss:warningIndicator ?indicator ; bpss:threshold ?threshold ;
         bpss:warningValue ?value ; bpss:raisedOn ?raised ; bpss:evaluates ?system .
      ?system bpss:forDivision ?county .
      ?indicator bpss:nationalBaseline ?baseline .
      ?o bpss:indicator ?indicator ; bpss:refArea ?county ; bpss:refYear ?year ;
         bpss:observedValue ?observed FILTER(STR(?year) = STR(YEAR(?raised))) }"""
    found = [tuple(t.value for t in row) for row in store.query(text)]
    assert found == [(ID + "indicator/elderly-health-management-rate", "72", "70.3", "65", "70.3")]


def test_the_build_script_reproduces_the_committed_file(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "build_sample_monitoring", ROOT / "scripts" / "build_sample_monitoring.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    monkeypatch.setattr(module, "OUT", tmp_path / "out.trig")
    monkeypatch.setattr(module, "FAULTS", tmp_path / "faults.md")
    module.main()
    sample = ROOT / "data" / "sample"
    assert (tmp_path / "out.trig").read_bytes() == (sample / "monitoring-sample.trig").read_bytes()
    assert (tmp_path / "faults.md").read_bytes() == (sample / "FAULTS-monitoring.md").read_bytes()
