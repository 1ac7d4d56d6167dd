"""The bundled sample data: well-formed, honest (synthetic flags, sources), consistent with the
ontology, and with every planted fault listed."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from bpss_kg.namespaces import BPSS, GRAPH
from bpss_kg.national_list import build_national_list

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
COUNTY_FILES = sorted(SAMPLE.glob("county-*.trig"))
SYNTHETIC = URIRef("https://w3id.org/bpss-kg/id/source/synthetic")


def county_graph(path: Path) -> Graph:
    dataset = Dataset()
    dataset.parse(path, format="trig")
    graphs = [g for g in dataset.graphs() if len(g)]
    assert len(graphs) == 1
    return graphs[0]


def test_five_counties_in_three_provinces():
    codes = [p.stem.split("-")[1] for p in COUNTY_FILES]
    assert codes == ["330424", "370214", "370502", "370503", "440104"]
    assert len({c[:2] for c in codes}) == 3


@pytest.mark.parametrize("path", COUNTY_FILES, ids=lambda p: p.stem)
def test_county_file_holds_its_own_graph_only(path):
    code = path.stem.split("-")[1]
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {str(GRAPH[f"county/{code}"])}


@pytest.mark.parametrize("path", COUNTY_FILES, ids=lambda p: p.stem)
def test_everything_is_marked_synthetic_except_the_real_document(path):
    graph = county_graph(path)
    typed = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    real = {URIRef("https://w3id.org/bpss-kg/id/standard/DJG330424-T-56-2021"),
            URIRef("https://w3id.org/bpss-kg/id/standard/GB-T-43507-2023")}  # adopted, real
    unmarked = [s for s in typed - real
                if (s, BPSS.isSynthetic, Literal(True)) not in graph
                or (s, DCTERMS.source, SYNTHETIC) not in graph]
    assert not unmarked


@pytest.mark.parametrize("path", COUNTY_FILES, ids=lambda p: p.stem)
def test_national_items_used_exist_in_the_national_list(path):
    national = build_national_list(ROOT / "data" / "national-list-2023.csv")
    graph = county_graph(path)
    used = {o for o in graph.objects() if str(o).startswith(
        "https://w3id.org/bpss-kg/id/list/national-2023/item/")}
    assert used and all((item, RDF.type, BPSS.NationalServiceItem) in national for item in used)


def test_faults_md_lists_every_fault_kind_of_the_catalogue():
    text = (ROOT / "docs" / "faults.md").read_text(encoding="utf-8")
    catalogue = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.M))
    not_planted = set(re.findall(r"^\| `([a-z-]+)` \|[^|\n]*\*not planted\*", text, re.M))
    # value-form data would fail HermiT; the other two are older (pre-membership) data
    assert not_planted == {"value-form", "membership-mismatch", "legacy-classification"}
    catalogue -= not_planted
    planted = set(re.findall(r"\| `([a-z-]+)` \|", "".join(
        p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("FAULTS*.md")))))
    assert catalogue and catalogue == planted


def test_build_script_reproduces_the_committed_files():
    spec = importlib.util.spec_from_file_location("build_sample_data",
                                                  ROOT / "scripts" / "build_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    for name, text in module.render_all().items():
        assert (SAMPLE / name).read_text(encoding="utf-8") == text, name


def test_ontology_and_sample_data_are_consistent_under_hermit(tmp_path):
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    for g in Dataset().parse(SAMPLE / "county-370502.trig", format="trig").graphs():
        for triple in g:
            graph.add(triple)
    graph += build_national_list(ROOT / "data" / "national-list-2023.csv")
    out = tmp_path / "all.owl"
    graph.serialize(out, format="xml")
    world = owlready2.World()
    onto = world.get_ontology(out.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                       ignore_unsupported_datatypes=True)
    assert list(world.inconsistent_classes()) == []


def test_zh_labels_on_standards_and_systems():
    for path in COUNTY_FILES:
        graph = county_graph(path)
        for kind in (BPSS.Standard, BPSS.CountyStandardSystem):
            for s in graph.subjects(RDF.type, kind):
                langs = {o.language for o in graph.objects(s, RDFS.label)}
                assert "zh" in langs, s
