"""The ontology (ontology/*.ttl: bpss.ttl terms, concepts.ttl SKOS schemes, sources.ttl sources).

It parses with rdflib and pyoxigraph; every bpss: term has zh + en labels and a definition; the
concept schemes of docs/model.md are complete; the sources are described; HermiT finds the
ontology consistent, alone and with the bundled sample data; docs/model.md and the ontology name
the same terms.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILES = sorted((ROOT / "ontology").glob("*.ttl"))
SAMPLE_FILES = sorted((ROOT / "data" / "sample").glob("*.trig"))
BPSS = Namespace("https://w3id.org/bpss-kg/def#")
QB = Namespace("http://purl.org/linked-data/cube#")
ID = "https://w3id.org/bpss-kg/id/"
ONTOLOGY_IRI = URIRef("https://w3id.org/bpss-kg/def")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

# The schemes and concept slugs of docs/model.md ("Concept schemes"); county-spec is the
# addition documented there for county-level specifications such as DJG330424/T.
SCHEMES = {
    "standard-kind": {
        "baseline-indicator", "service-implementation", "monitoring-improvement",
        "basic-general", "service-item", "service-indicator",
        "service-provision", "service-guarantee", "service-coordination", "digital-support",
        "monitoring-warning", "assessment-evaluation", "service-improvement",
    },
    "standard-level": {
        "national-mandatory", "national-recommended", "national-guidance", "industry", "local",
        "group", "enterprise", "institution-spec", "county-spec",
    },
    "standard-status": {"draft", "in-force", "under-review", "superseded", "withdrawn", "planned",
                        "issued"},
    "degree-of-correspondence": {"identical", "modified", "not-equivalent"},
    "action-status": {"open", "closed"},
    "system-layer": {"national", "provincial", "prefectural", "county", "institution"},
    "principle": {
        "target-clarity", "local-adaptation", "coordination-unity", "dynamic-adjustment",
        "people-centred", "precise-positioning", "effective-implementation", "step-by-step",
    },
    "consultation-result": {"agreed", "not-agreed", "pending"},
    "baseline-direction": {"at-least", "at-most"},
}
KINDS = {
    "baseline-indicator": {"basic-general": "6.2", "service-item": "6.3",
                           "service-indicator": "6.4"},
    "service-implementation": {"service-provision": "7.2", "service-guarantee": "7.3",
                               "service-coordination": "7.4", "digital-support": "7.5"},
    "monitoring-improvement": {"monitoring-warning": "8.2", "assessment-evaluation": "8.3",
                               "service-improvement": "8.4"},
}
SOURCE_IDS = {"gbt43507-2023", "work-guide-2021", "gbt13016-2018", "mca-2024",
              "national-list-2023", "synthetic", *(f"S{n}" for n in range(1, 10))}


def scheme(name: str) -> URIRef:
    return URIRef(f"{ID}scheme/{name}")


def concept(name: str, slug: str) -> URIRef:
    return URIRef(f"{ID}concept/{name}/{slug}")


def source(name: str) -> URIRef:
    return URIRef(f"{ID}source/{name}")


def slug(iri) -> str:
    return str(iri).rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ONTOLOGY_FILES:
        graph.parse(path, format="turtle")
    return graph


def langs(graph: Graph, subject, predicate) -> set[str]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def bpss_terms(graph: Graph) -> set[URIRef]:
    return {s for t in TERM_TYPES for s in graph.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(str(BPSS))}


# --- 1. parsing --------------------------------------------------------------------------------

def test_bpss_ttl_is_among_the_files():
    assert ROOT / "ontology" / "bpss.ttl" in ONTOLOGY_FILES


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_parses_with_rdflib(path):
    assert len(Graph().parse(path, format="turtle")) > 0


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_parses_with_pyoxigraph(path):
    assert list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


# --- the ontology header -----------------------------------------------------------------------

def test_ontology_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert {"zh", "en"} <= langs(ontology, ONTOLOGY_IRI, DCTERMS.title)
    assert langs(ontology, ONTOLOGY_IRI, DCTERMS.description)
    assert source("gbt43507-2023") in set(ontology.objects(ONTOLOGY_IRI, DCTERMS.source))
    # self-contained: nothing remote to fetch
    assert not list(ontology.objects(None, OWL.imports))


# --- 2. labels and definitions -----------------------------------------------------------------

def test_every_term_has_zh_and_en_labels_and_a_definition(ontology):
    terms = bpss_terms(ontology)
    assert len(terms) > 100
    offenders = []
    for term in sorted(terms):
        labels = langs(ontology, term, RDFS.label)
        definitions = langs(ontology, term, SKOS.definition) | langs(ontology, term, RDFS.comment)
        problems = [f"label@{lang}" for lang in ("zh", "en") if lang not in labels]
        problems += [f"definition@{lang}" for lang in ("zh", "en") if lang not in definitions]
        if problems:
            offenders.append(f"{term[len(BPSS):]} lacks {', '.join(problems)}")
    assert not offenders, "terms missing labels or definitions:\n" + "\n".join(offenders)


def test_every_term_has_exactly_one_owl_kind(ontology):
    offenders = []
    for term in bpss_terms(ontology):
        kinds = [t for t in TERM_TYPES if (term, RDF.type, t) in ontology]
        if len(kinds) != 1:
            offenders.append(f"{term}: {kinds}")
    assert not offenders


def test_domains_and_ranges_name_declared_classes(ontology):
    """An rdfs:domain / rdfs:range in the bpss: namespace is a class the ontology declares."""
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    offenders = []
    for prop, axiom, target in ontology.triples((None, None, None)):
        if axiom not in (RDFS.domain, RDFS.range):
            continue
        members = [target]
        if isinstance(target, BNode):
            members = list(Collection(ontology, ontology.value(target, OWL.unionOf)))
        offenders += [f"{prop} {axiom} {m}" for m in members
                      if str(m).startswith(str(BPSS)) and m not in classes]
    assert not offenders


def test_no_domain_on_properties_that_apply_to_anything(ontology):
    for prop in (BPSS.isPlaceholder, BPSS.isSynthetic, BPSS.clause, DCTERMS.source):
        assert ontology.value(prop, RDFS.domain) is None, prop


def test_property_axioms(ontology):
    assert (BPSS.supersedes, RDFS.subPropertyOf, DCTERMS.replaces) in ontology
    assert (BPSS.replacedBy, RDFS.subPropertyOf, DCTERMS.isReplacedBy) in ontology
    assert (BPSS.replacedBy, OWL.inverseOf, BPSS.supersedes) in ontology
    assert (BPSS.normativeReference, RDFS.subPropertyOf, DCTERMS.references) in ontology
    assert (BPSS.withinDivision, RDF.type, OWL.TransitiveProperty) in ontology
    for dimension in (BPSS.refArea, BPSS.refYear, BPSS.indicator):
        assert (dimension, RDF.type, QB.DimensionProperty) in ontology
    assert (BPSS.observedValue, RDF.type, QB.MeasureProperty) in ontology
    assert (BPSS.observedValue, RDF.type, OWL.DatatypeProperty) in ontology


def test_class_hierarchy(ontology):
    expected = [
        (BPSS.Standard, DCTERMS.Standard),
        (BPSS.ServiceList, SKOS.ConceptScheme),
        (BPSS.ServiceItem, SKOS.Concept),
        (BPSS.ServiceItem, URIRef("http://purl.org/vocab/cpsv#PublicService")),
        (BPSS.IndicatorObservation, QB.Observation),
        (BPSS.AdministrativeDivision, DCTERMS.Location),
        (BPSS.CountyStandardSystem, BPSS.LocalStandardSystem),
        (BPSS.EffectAssessment, BPSS.EvaluationActivity),
        (BPSS.IndustryAuthority, BPSS.GovernmentDepartment),
        (BPSS.Government, URIRef("http://www.w3.org/ns/org#Organization")),
        (BPSS.StandardizationActivity, PROV.Activity),
        (BPSS.Source, PROV.Entity),
    ]
    missing = [f"{c} ⊑ {s}" for c, s in expected if (c, RDFS.subClassOf, s) not in ontology]
    assert not missing


def disjoint_pairs(graph: Graph) -> set[frozenset]:
    pairs = {frozenset((a, b)) for a, b in graph.subject_objects(OWL.disjointWith)}
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(graph, graph.value(node, OWL.members)))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    return pairs


def test_disjointness(ontology):
    pairs = disjoint_pairs(ontology)
    divisions = [BPSS.Nation, BPSS.Province, BPSS.Prefecture, BPSS.County]
    wanted = {frozenset((a, b)) for a in divisions for b in divisions if a != b}
    wanted.add(frozenset((BPSS.NationalServiceItem, BPSS.LocalServiceItem)))
    assert wanted <= pairs, sorted(map(sorted, wanted - pairs))


def test_indicator_structure(ontology):
    dsd = BPSS.indicatorStructure
    assert (dsd, RDF.type, QB.DataStructureDefinition) in ontology
    components = list(ontology.objects(dsd, QB.component))
    dimensions = {d for c in components for d in ontology.objects(c, QB.dimension)}
    measures = {m for c in components for m in ontology.objects(c, QB.measure)}
    assert dimensions == {BPSS.refArea, BPSS.refYear, BPSS.indicator}
    assert measures == {BPSS.observedValue}


# --- 3. concept schemes ------------------------------------------------------------------------

def test_schemes_have_the_concepts_of_the_model(ontology):
    for name, slugs in SCHEMES.items():
        assert (scheme(name), RDF.type, SKOS.ConceptScheme) in ontology, name
        found = {slug(c) for c in ontology.subjects(SKOS.inScheme, scheme(name))}
        assert found == slugs, name
        for concept_iri in ontology.subjects(SKOS.inScheme, scheme(name)):
            assert str(concept_iri) == f"{ID}concept/{name}/{slug(concept_iri)}"


def test_concepts_are_labelled_and_in_a_scheme(ontology):
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == sum(map(len, SCHEMES.values()))
    offenders = []
    for c in sorted(concepts):
        problems = []
        pref = set(ontology.objects(c, SKOS.prefLabel))
        if not {"zh", "en"} <= langs(ontology, c, SKOS.prefLabel):
            problems.append("prefLabel zh+en")
        if set(ontology.objects(c, RDFS.label)) != pref:
            problems.append("rdfs:label equal to prefLabel")
        if not {"zh", "en"} <= langs(ontology, c, SKOS.definition):
            problems.append("definition zh+en")
        schemes = set(ontology.objects(c, SKOS.inScheme))
        if not schemes:
            problems.append("inScheme")
        if (c, DCTERMS.source, None) not in ontology:
            problems.append("dcterms:source")
        tops = set(ontology.objects(c, SKOS.topConceptOf))
        if tops and not all((s, SKOS.hasTopConcept, c) in ontology for s in tops):
            problems.append("hasTopConcept mirror")
        broader = set(ontology.objects(c, SKOS.broader))
        if not tops and not broader:
            problems.append("neither top concept nor narrower")
        if any(not schemes & set(ontology.objects(b, SKOS.inScheme)) for b in broader):
            problems.append("broader outside its scheme")
        if problems:
            offenders.append(f"{c}: {', '.join(problems)}")
    assert not offenders, "\n".join(offenders)


def test_standard_kinds_are_three_subsystems_with_ten_kinds(ontology):
    sch = scheme("standard-kind")
    tops = set(ontology.objects(sch, SKOS.hasTopConcept))
    assert len(tops) == 3
    assert {slug(t) for t in tops} == set(KINDS)
    narrower = {slug(t): {slug(k) for k in ontology.subjects(SKOS.broader, t)} for t in tops}
    assert narrower == {top: set(kinds) for top, kinds in KINDS.items()}
    assert sum(map(len, narrower.values())) == 10


def test_standard_kinds_carry_clause_source_and_inferred_scope(ontology):
    offenders = []
    for kinds in KINDS.values():
        for kind, clause in kinds.items():
            c = concept("standard-kind", kind)
            if ontology.value(c, BPSS.clause) != Literal(clause):
                offenders.append(f"{kind}: clause {ontology.value(c, BPSS.clause)} != {clause}")
            if (c, DCTERMS.source, source("gbt43507-2023")) not in ontology:
                offenders.append(f"{kind}: source")
            notes = {n.language: str(n) for n in ontology.objects(c, SKOS.scopeNote)}
            if "inferred" not in notes.get("en", "") or "推断" not in notes.get("zh", ""):
                offenders.append(f"{kind}: scopeNote must say the scope is inferred")
    assert not offenders, "\n".join(offenders)


def test_principles_cite_their_clause_and_source(ontology):
    for name, clause in [("target-clarity", "4.1"), ("local-adaptation", "4.2"),
                         ("coordination-unity", "4.3"), ("dynamic-adjustment", "4.4")]:
        c = concept("principle", name)
        assert ontology.value(c, BPSS.clause) == Literal(clause), name
        assert (c, DCTERMS.source, source("gbt43507-2023")) in ontology, name
    for name in ("people-centred", "precise-positioning", "effective-implementation",
                 "step-by-step"):
        assert (concept("principle", name), DCTERMS.source, source("work-guide-2021")) \
            in ontology, name


# --- sources -----------------------------------------------------------------------------------

def test_sources_are_described(ontology):
    offenders = []
    for name in sorted(SOURCE_IDS):
        s = source(name)
        if (s, RDF.type, BPSS.Source) not in ontology:
            offenders.append(f"{name}: not a bpss:Source")
        if not {"zh", "en"} <= langs(ontology, s, RDFS.label):
            offenders.append(f"{name}: label zh+en")
        if not list(ontology.objects(s, RDFS.comment)):
            offenders.append(f"{name}: comment")
    assert not offenders, "\n".join(offenders)
    standard = source("gbt43507-2023")
    assert ontology.value(standard, DCTERMS.identifier) == Literal("GB/T 43507—2023")
    assert {"zh", "en"} <= langs(ontology, standard, DCTERMS.title)
    assert str(ontology.value(standard, DCTERMS.issued)) == "2023-12-28"
    guide = " ".join(map(str, ontology.objects(source("work-guide-2021"), RDFS.comment)))
    assert "20194382-T-424" in guide and "not known" in guide
    synthetic = set(ontology.objects(source("synthetic"), RDFS.label))
    assert Literal("合成数据（非官方）", lang="zh") in synthetic
    assert Literal("synthetic data (not official)", lang="en") in synthetic


def test_every_source_used_is_described(ontology):
    used = set(ontology.objects(None, DCTERMS.source))
    described = set(ontology.subjects(RDF.type, BPSS.Source))
    assert used <= described, sorted(map(str, used - described))


def test_classes_from_documents_cite_a_source(ontology):
    """The classes GB/T 43507 and the work guide name directly carry dcterms:source."""
    for cls in (BPSS.StandardSystem, BPSS.CountyStandardSystem, BPSS.SubSystem,
                BPSS.StandardProposal, BPSS.StandardDrafting, BPSS.NationalServiceList,
                BPSS.ServiceItem, BPSS.AdministrativeDivision):
        assert (cls, DCTERMS.source, None) in ontology, cls


# --- 4. HermiT ---------------------------------------------------------------------------------

def run_hermit(graph: Graph, tmp_path: Path, extra: bytes = b"") -> list:
    """Run HermiT on the graph (plus extra N-Triples); the unsatisfiable classes.

    Raises OwlReadyInconsistentOntologyError when the whole is inconsistent."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not on PATH")
    owlready2.JAVA_EXE = java
    ntriples = tmp_path / "bpss.nt"
    graph.serialize(ntriples, format="nt", encoding="utf-8")
    with ntriples.open("ab") as out:
        out.write(extra)
    world = owlready2.World()
    onto = world.get_ontology(ntriples.as_uri()).load()
    with onto:
        # xsd:date, xsd:gYear and rdf:langString lie outside the OWL 2 datatype map: HermiT is
        # told to treat them as opaque rather than reject them.
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0,
                                ignore_unsupported_datatypes=True)
    return list(world.inconsistent_classes())


def test_consistent_under_hermit(ontology, tmp_path):
    try:
        unsatisfiable = run_hermit(ontology, tmp_path)
    except owlready2.OwlReadyInconsistentOntologyError as error:  # pragma: no cover
        pytest.fail(f"HermiT finds the ontology inconsistent: {error}")
    assert unsatisfiable == []


def test_hermit_check_detects_a_contradiction(ontology, tmp_path):
    """The check above is real: a place typed both county and province is refused."""
    place = "<https://w3id.org/bpss-kg/id/place/000000>"
    bad = (f"{place} <{RDF.type}> <{BPSS.County}> .\n"
           f"{place} <{RDF.type}> <{BPSS.Province}> .\n").encode()
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        run_hermit(ontology, tmp_path, bad)


@pytest.mark.skipif(not SAMPLE_FILES, reason="no sample data")
def test_consistent_with_the_sample_data(ontology, tmp_path):
    """Domains, ranges and disjointness do not make the bundled sample counties inconsistent."""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for path in SAMPLE_FILES
               for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    try:
        unsatisfiable = run_hermit(ontology, tmp_path, data)
    except owlready2.OwlReadyInconsistentOntologyError as error:  # pragma: no cover
        pytest.fail(f"HermiT finds ontology + data/sample inconsistent: {error}")
    assert unsatisfiable == []


# --- 5. docs/model.md and the ontology name the same terms -------------------------------------

def model_terms() -> set[str]:
    """bpss: terms named in docs/model.md's class paragraph and property table (first column);
    terms with another prefix (dcterms:title, skos:broader, …) are skipped."""
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    vocab = text.split("## Vocabulary", 1)[1]
    classes_part, props_part = vocab.split("Properties (domain → range):", 1)
    names = set(re.findall(r"`([A-Z][A-Za-z]+)`", classes_part))
    for line in props_part.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names |= set(re.findall(r"`([a-zA-Z]+)`", first))
    return names


def test_model_document_parser_sees_the_tables():
    names = model_terms()
    assert {"Standard", "CountyStandardSystem", "Source", "standardNumber", "clause"} <= names
    assert "title" not in names and "Organization" not in names


def test_every_term_in_the_model_document_exists(ontology):
    defined = {str(t)[len(BPSS):] for t in bpss_terms(ontology)}
    missing = sorted(model_terms() - defined)
    assert not missing, f"docs/model.md names terms the ontology lacks: {missing}"


def test_every_ontology_term_is_in_the_model_document(ontology):
    defined = {str(t)[len(BPSS):] for t in bpss_terms(ontology)}
    undocumented = sorted(defined - model_terms())
    assert not undocumented, f"add these ontology terms to docs/model.md: {undocumented}"
