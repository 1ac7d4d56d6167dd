"""The synthetic national generator: deterministic, in proportion, every fault kind injected and
listed, real county codes, everything marked synthetic."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from bpss_kg.errors import BadInput
from bpss_kg.generate import FAULT_KINDS, generate

ROOT = Path(__file__).resolve().parents[1]
BPSS = "https://w3id.org/bpss-kg/def#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
COUNTY_PREFIX = "https://w3id.org/bpss-kg/graph/county/"
DCT_SOURCE = "http://purl.org/dc/terms/source"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "national.nq"
    manifest = generate(counties=24, seed=3, out=out)
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    return out, manifest, quads


def test_same_seed_same_bytes_other_seed_differs(tmp_path, generated):
    out, _, _ = generated
    again = tmp_path / "again.nq"
    generate(counties=24, seed=3, out=again)
    assert again.read_bytes() == out.read_bytes()
    assert Path(str(again) + ".manifest.json").read_text() == Path(
        str(out) + ".manifest.json").read_text()
    other = tmp_path / "other.nq"
    generate(counties=24, seed=4, out=other)
    assert other.read_bytes() != out.read_bytes()


def test_one_graph_per_county_plus_national_and_ontology(generated):
    _, manifest, quads = generated
    graphs = {q.graph_name.value for q in quads}
    counties = {g for g in graphs if g.startswith(COUNTY_PREFIX)}
    assert len(counties) == 24 == manifest.counties
    assert graphs - counties == {"https://w3id.org/bpss-kg/graph/national",
                                 "https://w3id.org/bpss-kg/graph/ontology"}


def test_proportions_per_county(generated):
    _, _, quads = generated
    standards: Counter[str] = Counter()
    kinds: set[str] = set()
    for q in quads:
        g = q.graph_name.value
        if not g.startswith(COUNTY_PREFIX):
            continue
        if q.predicate.value == RDF_TYPE and q.object.value == BPSS + "Standard":
            standards[g] += 1
        if q.predicate.value == BPSS + "standardKind":
            kinds.add(q.object.value.rsplit("/", 1)[1])
    assert all(18 <= n <= 40 for n in standards.values()), standards
    assert len(kinds) == 10
    per_county = sum(1 for q in quads if q.graph_name.value.startswith(COUNTY_PREFIX)) / 24
    assert 900 <= per_county <= 2000


def test_every_fault_kind_is_injected_and_its_focus_exists(generated):
    out, manifest, quads = generated
    listed = json.loads(Path(str(out) + ".manifest.json").read_text())
    assert {f["fault"] for f in listed["faults"]} == set(FAULT_KINDS)
    subjects = {q.subject.value for q in quads}
    for fault in manifest.faults:
        assert fault.focus in subjects, fault


def test_real_county_codes_and_everything_synthetic(generated):
    _, manifest, quads = generated
    with open(ROOT / "data" / "divisions-mca2024.csv", encoding="utf-8") as handle:
        real = {row["code"] for row in csv.DictReader(handle)}
    assert set(manifest.county_codes) <= real
    typed = {q.subject.value for q in quads if q.graph_name.value.startswith(COUNTY_PREFIX)
             and q.predicate.value == RDF_TYPE}
    marked = {q.subject.value for q in quads if q.predicate.value == BPSS + "isSynthetic"
              and q.object.value == "true"}
    # the one real standard: GB/T 43507—2023, which every county's table lists as adopted
    real_standard = "https://w3id.org/bpss-kg/id/standard/GB-T-43507-2023"
    assert typed - marked == {real_standard}
    assert any(q.subject.value == real_standard and q.predicate.value == DCT_SOURCE
               and q.object.value.endswith("/source/gbt43507-2023") for q in quads)
    entries = {q.subject.value for q in quads if q.predicate.value == BPSS + "memberStandard"
               and q.object.value == real_standard}
    assert len(entries) == manifest.counties and entries <= marked


def test_trig_output_and_bad_extension(tmp_path):
    trig = tmp_path / "small.trig"
    generate(counties=2, seed=1, out=trig)
    assert list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    with pytest.raises(BadInput, match=r"\.nq or \.trig"):
        generate(counties=2, seed=1, out=tmp_path / "x.ttl")


def test_generated_data_with_every_fault_is_consistent_under_hermit(tmp_path):
    """Faults are for the shapes to report; none may make a reasoner reject the data set."""
    import owlready2
    from rdflib import Dataset, Graph

    out = tmp_path / "g.nq"
    manifest = generate(counties=20, seed=5, out=out)
    assert {f.fault for f in manifest.faults} == set(FAULT_KINDS)
    dataset = Dataset()
    dataset.parse(out, format="nquads")
    graph = Graph()
    for context in dataset.graphs():
        for triple in context:
            graph.add(triple)
    rdfxml = tmp_path / "all.owl"
    graph.serialize(rdfxml, format="xml")
    world = owlready2.World()
    onto = world.get_ontology(rdfxml.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                       ignore_unsupported_datatypes=True)
    assert list(world.inconsistent_classes()) == []


def test_monitoring_records_scores_warnings_and_actions(generated):
    """Every county's 2024 assessment and survey score three items; a county whose observation
    is below its baseline (the planted fault) has a warning naming that indicator, threshold
    and value, and the improvement action is asked for by it (by the assessment elsewhere)."""
    _, manifest, quads = generated
    by_subject: dict[str, dict[str, list]] = {}
    for q in quads:
        by_subject.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(
            q.object)
    scores = Counter(o[0].value.split("/process/")[1].split("/")[0]
                     for s, props in by_subject.items() if (o := props.get(BPSS + "scoreOf")))
    assert set(scores.values()) == {6} and len(scores) == manifest.counties
    below = {f.county: f.focus for f in manifest.faults if f.fault == "below-baseline"}
    assert below
    for county, observation in below.items():
        obs = by_subject[observation]
        warnings = [s for s, props in by_subject.items()
                    if f"/process/{county}/monitoring-warning/" in s]
        assert len(warnings) == 1
        warning = by_subject[warnings[0]]
        assert warning[BPSS + "warningIndicator"] == obs[BPSS + "indicator"]
        assert warning[BPSS + "warningValue"][0].value == obs[BPSS + "observedValue"][0].value
        assert BPSS + "threshold" in warning and BPSS + "raisedOn" in warning
        action = by_subject[f"https://w3id.org/bpss-kg/id/process/{county}/improvement/2025-1"]
        assert action[BPSS + "requiredBy"][0].value == warnings[0]
    warned = {s.split("/process/")[1].split("/")[0] for s in by_subject
              if "/monitoring-warning/" in s}
    assert warned == set(below)
