"""Validation runs: the sample's planted faults and nothing else, the fast engine against
pySHACL, generated faults, stored reports, --changed, user shapes, CLI exit codes."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH
from typer.testing import CliRunner

from bpss_kg.cli import app
from bpss_kg.generate import generate
from bpss_kg.loading import load_files, load_sample
from bpss_kg.store import OxigraphStore
from bpss_kg.validation import runner, validate
from bpss_kg.validation.runner import units_of

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 6, 30)


def planted_faults() -> set[tuple[str, str]]:
    text = "".join(p.read_text(encoding="utf-8")  # FAULTS.md and FAULTS-monitoring.md
                   for p in sorted((ROOT / "data" / "sample").glob("FAULTS*.md")))
    return {(fault, f"<{focus}>") for fault, focus in
            re.findall(r"\| `([a-z-]+)` \| `([^`]+)` \|", text)}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    store = OxigraphStore(tmp_path_factory.mktemp("validation") / "store")
    load_sample(store)
    yield store
    store.close()


def test_sample_faults_are_found_and_nothing_else(sample_store):
    run = validate(sample_store, as_of=AS_OF, record=False)
    found = {(run.shapes.info(f.shape).fault, f.focus) for f in run.findings}
    assert found == planted_faults()
    assert {u.name for u in run.units} == {"330424", "370214", "370502", "370503", "440104",
                                           "national"}


@pytest.mark.slow  # about a minute each on 2 cores; .ci/run still runs them
def test_fast_engine_agrees_with_pyshacl_on_the_sample(sample_store):
    fast = validate(sample_store, as_of=AS_OF, record=False)
    reference = validate(sample_store, as_of=AS_OF, engine="pyshacl", record=False)
    assert [f.key() for f in fast.findings] == [f.key() for f in reference.findings]
    # pySHACL drops the language tags of SPARQL-constraint messages; the texts agree.
    assert [sorted(t for _, t in f.messages) for f in fast.findings] == [
        sorted(t for _, t in f.messages) for f in reference.findings]


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    manifest = generate(counties=36, seed=11, out=folder / "national.nq")
    store = OxigraphStore(folder / "store")
    load_files(store, [folder / "national.nq"])
    yield store, manifest
    store.close()


def test_generated_faults_are_found_and_nothing_else(generated_store):
    store, manifest = generated_store
    run = validate(store, as_of=AS_OF, record=False)
    found = {(run.shapes.info(f.shape).fault, f.unit, f.focus.strip("<>")) for f in run.findings}
    injected = {(f.fault, f.county, f.focus) for f in manifest.faults}
    assert len(injected) == 18
    assert found == injected


@pytest.mark.slow  # about a minute each on 2 cores; .ci/run still runs them
def test_fast_engine_agrees_with_pyshacl_on_generated_faults(generated_store):
    store, manifest = generated_store
    for county in sorted({f.county for f in manifest.faults})[:6]:
        fast = validate(store, county=county, as_of=AS_OF, record=False)
        reference = validate(store, county=county, as_of=AS_OF, engine="pyshacl", record=False)
        assert [f.key() for f in fast.findings] == [f.key() for f in reference.findings]
        assert fast.findings


def test_the_unit_scope_read_once_gives_the_findings_of_the_per_check_subquery(
        generated_store, monkeypatch):
    store, _ = generated_store
    once = validate(store, as_of=AS_OF, record=False)
    monkeypatch.setattr(runner, "SCOPE_VALUES_MAX", -1)  # every check scans the unit again
    per_check = validate(store, as_of=AS_OF, record=False)
    assert once.findings and [f.key() for f in once.findings] == [
        f.key() for f in per_check.findings]


def test_run_is_stored_and_changed_reuses_unchanged_counties(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    first = validate(store, as_of=AS_OF)
    graphs = [g.value for g in store.named_graphs() if "/graph/validation/2" in g.value]
    assert len(graphs) == 1 and graphs[0].endswith(first.run_id)
    times = list(store.query("SELECT ?t ?v WHERE { GRAPH ?g { ?run "
                             "<http://www.w3.org/ns/prov#endedAtTime> ?t ; "
                             "<http://www.w3.org/2002/07/owl#versionInfo> ?v } }"))
    assert times and times[0]["v"].value == "0.1.0"
    store.update("DELETE WHERE { GRAPH <https://w3id.org/bpss-kg/graph/county/370502> { "
                 "?p <http://www.w3.org/2000/01/rdf-schema#label> "
                 "\"east (synthetic sample)\"@en } }")
    store.update("INSERT DATA { GRAPH <https://w3id.org/bpss-kg/graph/county/370502> { "
                 "<https://w3id.org/bpss-kg/id/process/370502/proposal/vaccination> "
                 "<https://w3id.org/bpss-kg/def#hasSupportingMeasure> "
                 "<https://w3id.org/bpss-kg/id/process/370502/m> } }")
    second = validate(store, as_of=AS_OF, changed=True)
    assert sorted(second.skipped_unchanged) == ["330424", "370214", "370503", "440104",
                                                "national"]
    assert len(second.findings) == len(first.findings) - 1
    store.close()


def test_a_provinces_own_shapes_replace_the_bundled_ones(sample_store, tmp_path):
    rule = tmp_path / "province.ttl"
    rule.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix bpss: <https://w3id.org/bpss-kg/def#> .
<urn:province#ReviewDate> a sh:NodeShape ; sh:targetSubjectsOf bpss:inSystem ;
  sh:property [ sh:path bpss:lastReviewDate ; sh:minCount 1 ;
                sh:message "须有复审日期"@zh, "must have a review date"@en ] .
""", encoding="utf-8")
    run = validate(sample_store, county="370503", shapes=[rule], as_of=AS_OF, record=False)
    assert run.findings and all(f.message("en") == "must have a review date"
                                for f in run.findings)


def test_report_turtle_is_a_w3c_validation_report(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["load", "--sample", "--store", store]).exit_code == 0
    result = runner.invoke(app, ["validate", "--county", "370503", "--format", "turtle",
                                 "--as-of", "2026-06-30", "--store", store])
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, None) in graph
    assert len(set(graph.objects(None, SH.result))) == 4


def test_cli_exit_codes(tmp_path):
    runner = CliRunner()
    clean = ROOT / "tests" / "shapes" / "ChineseLabel" / "valid-1.ttl"
    result = runner.invoke(app, ["validate", str(clean), "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert "符合 conforms" in result.output
    faulty = ROOT / "data" / "sample" / "county-370502.trig"
    result = runner.invoke(app, ["validate", str(faulty), "--format", "json",
                                 "--as-of", "2026-06-30"])
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["findings"]) == 4
    result = runner.invoke(app, ["validate", str(ROOT / "tests/data/broken-line-7.ttl")])
    assert result.exit_code == 2 and "line 7" in result.output
    bad_shapes = tmp_path / "bad.ttl"
    bad_shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:s> a sh:NodeShape ;",
                          encoding="utf-8")
    result = runner.invoke(app, ["validate", str(clean), "--shapes", str(bad_shapes)])
    assert result.exit_code == 2 and "bad.ttl" in result.output
    result = runner.invoke(app, ["validate", str(clean), "--as-of", "30.06.2026"])
    assert result.exit_code == 2


def test_unknown_county_is_reported(sample_store):
    from bpss_kg.errors import NotFound

    with pytest.raises(NotFound, match="no county graph for 110101"):
        units_of(sample_store, "110101")
