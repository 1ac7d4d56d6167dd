"""Any IRI of the graph, described for people (label, types, properties grouped, incoming links
paginated) and for machines (its triples as Turtle or JSON-LD)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import BadInput, Location, NotFound
from ..namespaces import PREFIXES
from ..publish.jsonld import write_jsonld
from ..store.base import Store
from .labels import LabelBook, Link, lang_of

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL_PROPERTIES = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
}
TITLE = "http://purl.org/dc/terms/title"
MAX_OUTGOING = 1000
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")

_OUTGOING = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?p ?o ?pl ?ol WHERE {
  { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT %(limit)d }
  OPTIONAL { ?p rdfs:label ?pl }
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?ol }
}
"""
# no ORDER BY: sorting 80k links to a status concept takes seconds on the national dataset;
# Oxigraph returns index order, stable while the store does not change
_INCOMING = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?o ?s ?p ?sl ?pl WHERE {
  { SELECT ?o ?s ?p WHERE { ?s ?p ?o } LIMIT %(limit)d OFFSET %(offset)d }
  OPTIONAL { ?s rdfs:label|skos:prefLabel ?sl }
  OPTIONAL { ?p rdfs:label ?pl }
}
"""
_INCOMING_COUNT = "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?o"
_GRAPHS = "SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g LIMIT 20"
_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class Value:
    """One object of a property: a link, a blank node or a literal."""

    text: str
    iri: str | None = None
    lang: str = ""
    datatype: str | None = None


@dataclass
class PropertyGroup:
    property: Link
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class IncomingLink:
    subject: Link
    property: Link


@dataclass
class ResourceView:
    iri: str
    label: str
    labels: dict[str, str]
    types: list[Link]
    properties: list[PropertyGroup]
    truncated: bool
    graphs: list[str]
    incoming: list[IncomingLink]
    incoming_total: int
    page: int
    pages: int


def parse_iri(raw: str | None) -> ox.NamedNode:
    """A user's IRI as a term, or ``BadInput``."""
    text = (raw or "").strip()
    if not _IRI.match(text):
        raise BadInput("expected an absolute IRI, e.g. https://w3id.org/bpss-kg/id/place/370502",
                       Location(value=text))
    try:
        return ox.NamedNode(text)
    except ValueError as error:  # e.g. a code point no IRI may hold (U+FFFD from %FF%FE)
        raise BadInput(f"not a valid IRI: {error}", Location(value=text)) from None


def _value(term: object, labels: LabelBook, lang: str) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(labels.get(term.value, lang), iri=term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else None
        if datatype and datatype.endswith(("#string", "#langString")):
            datatype = None
        return Value(term.value, lang=lang_of(term), datatype=datatype)
    return Value(str(term))


def describe(store: Store, iri: ox.NamedNode, lang: str, page: int = 1,
             per_page: int = 50) -> ResourceView:
    """The resource as a page: ``NotFound`` when the graph says nothing about it."""
    labels = LabelBook()
    triples: list[tuple[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for sol in store.query(_OUTGOING % {"limit": MAX_OUTGOING + 1}, bindings={"s": iri}):
        predicate = sol["p"].value
        labels.add(predicate, sol["pl"])
        if isinstance(sol["o"], ox.NamedNode):
            labels.add(sol["o"].value, sol["ol"])
        key = (predicate, str(sol["o"]))
        if key not in seen:
            seen.add(key)
            triples.append((predicate, sol["o"]))
    own = LabelBook()
    for predicate, term in triples:
        if predicate in LABEL_PROPERTIES:
            own.add(iri.value, term)
    for predicate, term in triples:  # a title names it in a language its labels lack
        if predicate == TITLE:
            own.add(iri.value, term)
    incoming_total = 0
    for sol in store.query(_INCOMING_COUNT, bindings={"o": iri}):
        incoming_total = int(sol["n"].value)
    if not triples and not incoming_total:
        raise NotFound(f"nothing in the graph about {iri.value}", Location(value=iri.value))
    pages = max(1, -(-incoming_total // per_page))
    page = min(max(1, page), pages)
    incoming: list[IncomingLink] = []
    pairs: list[tuple[str, str]] = []
    for sol in store.query(_INCOMING % {"limit": per_page, "offset": (page - 1) * per_page},
                           bindings={"o": iri}):
        subject = sol["s"]
        subject_key = subject.value if isinstance(subject, ox.NamedNode) else str(subject)
        labels.add(subject_key, sol["sl"])
        labels.add(sol["p"].value, sol["pl"])
        if (subject_key, sol["p"].value) not in pairs:
            pairs.append((subject_key, sol["p"].value))
    for subject_key, predicate in pairs:
        incoming.append(IncomingLink(Link(subject_key, labels.get(subject_key, lang)),
                                     Link(predicate, labels.get(predicate, lang))))
    types = [Link(t.value, labels.get(t.value, lang)) for p, t in triples
             if p == RDF_TYPE and isinstance(t, ox.NamedNode)]
    groups: dict[str, PropertyGroup] = {}
    for predicate, term in triples:
        if predicate == RDF_TYPE:
            continue
        group = groups.setdefault(predicate,
                                  PropertyGroup(Link(predicate, labels.get(predicate, lang))))
        group.values.append(_value(term, labels, lang))
    for group in groups.values():
        group.values.sort(key=lambda v: (v.lang != lang, v.text))
    graphs = [sol["g"].value for sol in store.query(_GRAPHS, bindings={"s": iri})]
    return ResourceView(
        iri=iri.value,
        label=own.get(iri.value, lang),
        labels=own.texts(iri.value),
        types=types,
        properties=sorted(groups.values(), key=lambda g: (g.property.label.lower())),
        truncated=len(triples) > MAX_OUTGOING,
        graphs=graphs,
        incoming=incoming,
        incoming_total=incoming_total,
        page=page,
        pages=pages,
    )


# instance IRIs hold '/', which a prefixed name would have to escape: write them in full
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in ("bpssid", "bpssg")}
RDF_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}


def resource_rdf(store: Store, iri: ox.NamedNode, fmt: str, context_url: str | None = None
                 ) -> bytes:
    """The resource's own triples (subject = the IRI) in ``fmt`` (a key of ``RDF_FORMATS``);
    JSON-LD is compacted with the published context, referred to as ``context_url``."""
    rdf_format, _ = RDF_FORMATS[fmt]
    triples = list(dict.fromkeys(store.query(_TRIPLES, bindings={"s": iri})))
    if not triples:
        incoming = next(iter(store.query(_INCOMING_COUNT, bindings={"o": iri})), None)
        if incoming is None:
            raise NotFound(f"nothing in the graph about {iri.value}", Location(value=iri.value))
    if rdf_format == ox.RdfFormat.JSON_LD and context_url is not None:
        out = io.BytesIO()
        write_jsonld([ox.Quad(t.subject, t.predicate, t.object) for t in triples], out,
                     context_url, one_graph=True)
        return out.getvalue()
    prefixes = TURTLE_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) \
        else None
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""


# A standard's neighbourhood: what it supersedes and what replaces it, the standards it cites
# and those citing it, the service items it implements and the systems it belongs to.
_NEIGHBOUR_PATTERNS = (  # (relation, pattern binding ?other from the standard ?s)
    ("supersedes", "?s bpss:supersedes ?other"),
    ("replacedBy", "?other bpss:supersedes ?s"),
    ("replacedBy", "?s bpss:replacedBy ?other"),
    ("references", "?s bpss:normativeReference ?other"),
    ("referencedBy", "?other bpss:normativeReference ?s"),
    ("implements", "?s bpss:implementsItem ?other"),
    ("inSystem", "?s bpss:inSystem ?other"),
)
_NEIGHBOURS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT DISTINCT ?s ?other WHERE { %(pattern)s FILTER(isIRI(?other)) } LIMIT %(limit)d
"""
_NEIGHBOUR_NAMES = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?other ?label ?number WHERE {
  VALUES ?other { %(others)s }
  OPTIONAL { ?other rdfs:label|dcterms:title|skos:prefLabel ?label }
  OPTIONAL { ?other bpss:standardNumber|bpss:itemNumber ?number }
}
"""
# Each relation is asked on its own, at most NEIGHBOURS_ASKED neighbours each, and only those
# are named: GB/T 43507 at N = 2,846 is referenced by 81,329 standards and held by 2,846 systems,
# and one query naming every neighbour took 11.6 s (168,350 rows) for a page that shows 60.
NEIGHBOUR_RELATIONS = ("supersedes", "replacedBy", "references", "referencedBy", "implements",
                       "inSystem")
MAX_NEIGHBOURS = 60
NEIGHBOURS_ASKED = 500  # per relation, in the store's order; the page shows the first 60 by name


@dataclass(frozen=True)
class Neighbour:
    iri: str
    label: str
    relation: str
    """One of ``NEIGHBOUR_RELATIONS``: how the neighbour relates to the standard."""


def standard_neighbourhood(store: Store, iri: ox.NamedNode, lang: str) -> list[Neighbour]:
    """The standard's neighbours (at most ``MAX_NEIGHBOURS``), each with its relation, named
    by number and label; empty for a resource that has none."""
    labels = LabelBook()
    numbers: dict[str, str] = {}
    relations: dict[tuple[str, str], None] = {}
    for relation, pattern in _NEIGHBOUR_PATTERNS:
        for sol in store.query(_NEIGHBOURS % {"pattern": pattern, "limit": NEIGHBOURS_ASKED},
                               bindings={"s": iri}):
            relations[(sol["other"].value, relation)] = None
    others = sorted({other for other, _ in relations})
    if others:  # IRIs the store gave, written as N-Triples terms (not user text)
        terms = " ".join(str(ox.NamedNode(other)) for other in others)
        for sol in store.query(_NEIGHBOUR_NAMES % {"others": terms}):
            labels.add(sol["other"].value, sol["label"])
            if sol["number"] is not None:
                numbers.setdefault(sol["other"].value, sol["number"].value)
    out = []
    for other, relation in relations:
        label = labels.get(other, lang)
        number = numbers.get(other, "")
        name = f"{number} {label}" if number and not label.startswith(number) else label
        out.append(Neighbour(other, name, relation))
    out.sort(key=lambda n: (NEIGHBOUR_RELATIONS.index(n.relation), n.label))
    return out[:MAX_NEIGHBOURS]
