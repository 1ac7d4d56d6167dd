"""What an import looks up in the store: the county's name and current graph, national items,
indicators and organisations by label (so a county can write names instead of IRIs)."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..namespaces import NATIONAL_GRAPH, county_graph, place
from ..store.base import Store
from .cells import loose

_LABELS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?kind ?s ?label ?unit WHERE {
  GRAPH ?g {
    { ?s a bpss:NationalServiceItem . BIND("item" AS ?kind) }
    UNION { ?s a bpss:LocalServiceItem . BIND("local-item" AS ?kind) }
    UNION { ?s a bpss:Indicator . BIND("indicator" AS ?kind) OPTIONAL { ?s bpss:unit ?unit } }
    UNION { ?s a org:Organization . BIND("org" AS ?kind) }
    UNION { ?s a bpss:County . BIND("county" AS ?kind) }
    { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label }
  }
}
"""


@dataclass
class Reference:
    """Labels → IRIs for one county's import (national graph plus the county's own graph)."""

    county: str
    county_name: str | None = None
    names: dict[str, dict[str, set[URIRef]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    labels: dict[URIRef, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    units: dict[URIRef, str] = field(default_factory=dict)
    current: Graph = field(default_factory=Graph)
    """The county graph as it is in the store now (empty for a new county)."""

    def find(self, kind: str, name: str) -> set[URIRef]:
        return self.names[kind].get(loose(name), set())

    def label(self, iri: URIRef, lang: str = "zh") -> str | None:
        return self.labels.get(iri, {}).get(lang)


def reference_for(store: Store, county: str) -> Reference:
    ref = Reference(county)
    own = county_graph(county).toPython()
    # only these two graphs: a national store has 2,846 county graphs to skip
    wanted = [ox.NamedNode(str(NATIONAL_GRAPH)), ox.NamedNode(own)]
    for solution in store.query(_LABELS, named_graphs=wanted):  # type: ignore[union-attr]
        kind = solution["kind"].value
        iri = URIRef(solution["s"].value)
        label = solution["label"]
        ref.names[kind][loose(label.value)].add(iri)
        lang = label.language or ""
        ref.labels[iri].setdefault(lang, label.value)
        if solution["unit"] is not None:
            ref.units[iri] = solution["unit"].value
        if kind == "county" and iri == place(county) and lang == "zh":
            ref.county_name = label.value
    ref.current = graph_of(store, own)
    return ref


def graph_of(store: Store, graph: str) -> Graph:
    """One named graph of the store as an rdflib graph (empty when it does not exist)."""
    result = Graph()
    target = ox.NamedNode(graph)
    if not store.has_graph(target):
        return result
    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_TRIPLES, target)
    result.parse(data=buffer.getvalue().decode("utf-8"), format="nt")
    return result


def oxigraph_triples(graph: Graph) -> list[ox.Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
