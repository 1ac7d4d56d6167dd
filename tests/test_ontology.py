"""The ontology: parses, every term labelled zh + en and defined, SKOS schemes complete, HermiT
finds it consistent, and every term named in docs/model.md exists."""

from __future__ import annotations

import re
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILES = sorted((ROOT / "ontology").glob("*.ttl"))
BPSS = "https://w3id.org/bpss-kg/def#"
ID = "https://w3id.org/bpss-kg/id/"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ONTOLOGY_FILES:
        graph.parse(path, format="turtle")
    return graph


def langs(graph: Graph, subject, predicate) -> set[str]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_parses_with_pyoxigraph(path):
    assert list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def test_every_term_has_zh_and_en_labels_and_a_definition(ontology):
    terms = {s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t)
             if str(s).startswith(BPSS)}
    assert len(terms) > 100
    offenders = []
    for term in sorted(terms):
        labels = langs(ontology, term, RDFS.label)
        definitions = langs(ontology, term, SKOS.definition) | langs(ontology, term, RDFS.comment)
        if not {"zh", "en"} <= labels or not {"zh", "en"} <= definitions:
            offenders.append(str(term))
    assert not offenders, f"terms missing zh/en label or definition: {offenders}"


def test_concepts_are_labelled_and_in_a_scheme(ontology):
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert concepts
    offenders = [str(c) for c in concepts
                 if not {"zh", "en"} <= langs(ontology, c, SKOS.prefLabel)
                 or (c, SKOS.inScheme, None) not in ontology]
    assert not offenders


def test_standard_kinds_are_three_subsystems_with_ten_kinds(ontology):
    scheme = URIRef(ID + "scheme/standard-kind")
    tops = set(ontology.objects(scheme, SKOS.hasTopConcept))
    assert {str(t).rsplit("/", 1)[1] for t in tops} == {
        "baseline-indicator", "service-implementation", "monitoring-improvement"}
    kinds = {top: {str(k).rsplit("/", 1)[1] for k in ontology.subjects(SKOS.broader, top)}
             for top in tops}
    by_slug = {str(t).rsplit("/", 1)[1]: v for t, v in kinds.items()}
    assert by_slug == {
        "baseline-indicator": {"basic-general", "service-item", "service-indicator"},
        "service-implementation": {"service-provision", "service-guarantee",
                                   "service-coordination", "digital-support"},
        "monitoring-improvement": {"monitoring-warning", "assessment-evaluation",
                                   "service-improvement"},
    }


def test_every_source_used_is_described(ontology):
    used = {o for o in ontology.objects(None, URIRef("http://purl.org/dc/terms/source"))}
    described = set(ontology.subjects(RDF.type, URIRef(BPSS + "Source")))
    assert used <= described, sorted(map(str, used - described))


def model_terms() -> set[str]:
    """bpss: terms named in docs/model.md's class paragraph and property table."""
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    vocab = text.split("## Vocabulary", 1)[1]
    classes_part, props_part = vocab.split("Properties (domain → range):", 1)
    names = set(re.findall(r"`([A-Z][A-Za-z]+)`", classes_part))
    for line in props_part.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names |= {n for n in re.findall(r"`([a-zA-Z]+)`", first)}
    return names


def test_every_term_in_the_model_document_exists(ontology):
    defined = {str(s)[len(BPSS):] for s in ontology.subjects() if str(s).startswith(BPSS)}
    missing = sorted(model_terms() - defined)
    assert not missing, f"docs/model.md names terms the ontology lacks: {missing}"


def test_consistent_under_hermit(ontology, tmp_path):
    rdfxml = tmp_path / "bpss.owl"
    ontology.serialize(rdfxml, format="xml")
    world = owlready2.World()
    onto = world.get_ontology(rdfxml.as_uri()).load()
    with onto:
        # xsd:date, rdf:langString are outside the OWL 2 datatype map: HermiT treats them opaque.
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                       ignore_unsupported_datatypes=True)
    assert list(world.inconsistent_classes()) == []
