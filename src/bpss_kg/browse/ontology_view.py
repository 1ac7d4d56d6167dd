"""The ontology as a page: the class tree and the property list, with definitions."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_GRAPH
from ..store.base import Store
from .labels import LabelBook, last_segment

_CLASSES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?class ?parent ?label ?definition WHERE { GRAPH ?g {
  ?class a owl:Class . FILTER(isIRI(?class))
  OPTIONAL { ?class rdfs:subClassOf ?parent . FILTER(isIRI(?parent)) }
  OPTIONAL { ?class rdfs:label ?label }
  OPTIONAL { ?class skos:definition ?definition }
} } LIMIT 5000
"""
_PROPERTIES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?property ?kind ?domain ?range ?label ?definition WHERE { GRAPH ?g {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  ?property a ?kind . FILTER(isIRI(?property))
  OPTIONAL { ?property rdfs:domain ?domain . FILTER(isIRI(?domain)) }
  OPTIONAL { ?property rdfs:range ?range . FILTER(isIRI(?range)) }
  OPTIONAL { ?property rdfs:label ?label }
  OPTIONAL { ?property skos:definition ?definition }
} } LIMIT 10000
"""
_KIND_NAMES = {"ObjectProperty": "object", "DatatypeProperty": "datatype",
               "AnnotationProperty": "annotation"}


@dataclass
class ClassNode:
    iri: str
    label: str
    definition: str
    children: list[ClassNode] = field(default_factory=list)


@dataclass(frozen=True)
class PropertyRow:
    iri: str
    label: str
    kind: str
    domain: str | None
    domain_label: str
    range: str | None
    range_label: str
    definition: str


@dataclass(frozen=True)
class OntologyView:
    classes: list[ClassNode]
    class_count: int
    properties: list[PropertyRow]


def ontology_view(store: Store, lang: str) -> OntologyView:
    """Classes as a tree (a class with two parents shows under both) and every property."""
    graph = {"g": ox.NamedNode(str(ONTOLOGY_GRAPH))}
    labels, definitions = LabelBook(), LabelBook()
    parents: dict[str, set[str]] = {}
    for sol in store.query(_CLASSES, bindings=graph):
        iri = sol["class"].value
        parents.setdefault(iri, set())
        if sol["parent"] is not None and sol["parent"].value != iri:
            parents[iri].add(sol["parent"].value)
        labels.add(iri, sol["label"])
        definitions.add(iri, sol["definition"])

    def node(iri: str, trail: frozenset[str]) -> ClassNode:
        children = sorted((c for c, ps in parents.items() if iri in ps and c not in trail),
                          key=lambda c: labels.get(c, lang))
        return ClassNode(iri, labels.get(iri, lang), definitions.get(iri, lang)
                         if definitions.has(iri) else "",
                         [node(c, trail | {c}) for c in children])

    roots = sorted((c for c, ps in parents.items() if not (ps & parents.keys())),
                   key=lambda c: labels.get(c, lang))
    rows: dict[str, dict[str, object]] = {}
    for sol in store.query(_PROPERTIES, bindings=graph):
        iri = sol["property"].value
        row = rows.setdefault(iri, {"kind": _KIND_NAMES[last_segment(sol["kind"].value)],
                                    "domain": None, "range": None})
        for key in ("domain", "range"):
            if sol[key] is not None and row[key] is None:
                row[key] = sol[key].value
        labels.add(iri, sol["label"])
        definitions.add(iri, sol["definition"])
    properties = [
        PropertyRow(iri, labels.get(iri, lang), str(row["kind"]),
                    row["domain"], labels.get(str(row["domain"]), lang) if row["domain"] else "",
                    row["range"], labels.get(str(row["range"]), lang) if row["range"] else "",
                    definitions.get(iri, lang) if definitions.has(iri) else "")
        for iri, row in rows.items()
    ]
    properties.sort(key=lambda p: (p.kind != "object", p.kind, p.label.lower()))
    return OntologyView([node(r, frozenset({r})) for r in roots], len(parents), properties)
