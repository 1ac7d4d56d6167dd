"""The project's namespaces and IRI builders, defined once (see docs/model.md)."""

from __future__ import annotations

import hashlib
import re

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, XSD

BPSS = Namespace("https://w3id.org/bpss-kg/def#")
ID = Namespace("https://w3id.org/bpss-kg/id/")
GRAPH = Namespace("https://w3id.org/bpss-kg/graph/")
SHAPES = Namespace("https://w3id.org/bpss-kg/shapes#")
QUERIES = Namespace("https://w3id.org/bpss-kg/queries#")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
SH = Namespace("http://www.w3.org/ns/shacl#")

ONTOLOGY_GRAPH = GRAPH["ontology"]
NATIONAL_GRAPH = GRAPH["national"]
COUNTY_PREFIX = str(GRAPH["county/"])  # a county's graph: COUNTY_PREFIX + division code
VALIDATION_PREFIX = str(GRAPH["validation/"])  # a validation run's report graph

PREFIXES: dict[str, str] = {
    "bpss": str(BPSS),
    "bpssid": str(ID),
    "bpssg": str(GRAPH),
    "bpsssh": str(SHAPES),
    "cpsv": str(CPSV),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "qb": str(QB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "sh": str(SH),
    "skos": str(SKOS),
    "xsd": str(XSD),
}

_COUNTY_CODE = re.compile(r"^\d{6}$")
_DASHES = re.compile(r"[\s/\-—–－]+")


def is_division_code(code: str) -> bool:
    """True for a six-digit GB/T 2260 code."""
    return bool(_COUNTY_CODE.match(code))


def county_graph(code: str):
    """The named graph that holds one county's data."""
    return GRAPH[f"county/{code}"]


def place(code: str):
    """A province, prefecture or county by its GB/T 2260 code (``CN`` for the nation)."""
    return ID[f"place/{code}"]


def county_system(code: str):
    return ID[f"system/county/{code}"]


def normalise_standard_number(number: str) -> str:
    """``GB/T 43507—2023`` → ``GB-T-43507-2023`` (the IRI key of a standard)."""
    return _DASHES.sub("-", number.strip().upper()).strip("-")


def standard(number: str):
    """A numbered standard's IRI."""
    return ID[f"standard/{normalise_standard_number(number)}"]


def membership(county_code: str, standard_iri: str):
    """The entry (``bpss:SystemMembership``) of a standard in a county's system:
    ``membership/{county}/{standard-slug}``, the slug being the standard IRI's path after
    ``/id/standard/`` with ``/`` replaced by ``-`` (one entry per system and standard). A
    standard with an IRI of another form (pinned in a table) gets ``iri-`` and a digest."""
    prefix = str(ID) + "standard/"
    text = str(standard_iri)
    if text.startswith(prefix) and len(text) > len(prefix):
        slug = text[len(prefix):].replace("/", "-")
    else:
        slug = "iri-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return ID[f"membership/{county_code}/{slug}"]


def concept(scheme: str, slug: str):
    return ID[f"concept/{scheme}/{slug}"]


def scheme(name: str):
    return ID[f"scheme/{name}"]


def national_item(position: int):
    return ID[f"list/national-2023/item/{position:02d}"]


def source(source_id: str):
    return ID[f"source/{source_id}"]


SYNTHETIC_SOURCE = ID["source/synthetic"]
