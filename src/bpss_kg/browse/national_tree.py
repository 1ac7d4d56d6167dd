"""The national list as a tree (areas → categories → items) with how many counties' standard
systems implement each item."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..namespaces import GRAPH
from ..store.base import Store
from .labels import LabelBook, value

COUNTY_GRAPHS = str(GRAPH["county/"])

_TREE = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?area ?category ?item ?number ?placeholder ?itemLabel ?categoryLabel ?areaLabel WHERE {
  ?item a bpss:NationalServiceItem ; bpss:itemNumber ?number ; skos:broader ?category .
  ?category skos:broader ?area .
  OPTIONAL { ?item bpss:isPlaceholder ?placeholder }
  OPTIONAL { ?item rdfs:label ?itemLabel }
  OPTIONAL { ?category rdfs:label ?categoryLabel }
  OPTIONAL { ?area rdfs:label ?areaLabel }
} LIMIT 5000
"""
# A county's standards live in its own graph (docs/model.md), so the counties covering an item
# are the county graphs holding a standard that implements it: one index scan. Joining standards
# to systems to divisions, or filtering graph names in SPARQL, is 7-25x slower on the national
# dataset (846k implementsItem triples); so count every graph, then subtract the few others.
_GRAPHS_PER_ITEM = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?item (COUNT(DISTINCT ?g) AS ?graphs) WHERE {
  GRAPH ?g { ?standard bpss:implementsItem ?item }
} GROUP BY ?item
"""
_COUNTY_TOTAL = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT (COUNT(DISTINCT ?system) AS ?n) WHERE { ?system a bpss:CountyStandardSystem }
"""


@dataclass(frozen=True)
class ItemRow:
    iri: str
    number: str
    label: str
    placeholder: bool
    counties: int


@dataclass
class CategoryNode:
    iri: str
    label: str
    items: list[ItemRow] = field(default_factory=list)


@dataclass
class AreaNode:
    iri: str
    label: str
    categories: list[CategoryNode] = field(default_factory=list)


@dataclass(frozen=True)
class NationalTree:
    areas: list[AreaNode]
    items: int
    placeholders: int
    counties: int


def counties_per_item(store: Store) -> dict[str, int]:
    """How many county graphs hold a standard implementing each item."""
    counts = {sol["item"].value: int(value(sol["graphs"]) or 0)
              for sol in store.query(_GRAPHS_PER_ITEM)}
    others = [g for g in store.named_graphs() if not g.value.startswith(COUNTY_GRAPHS)]
    if others:
        for sol in store.query(_GRAPHS_PER_ITEM, named_graphs=others):
            counts[sol["item"].value] -= int(value(sol["graphs"]) or 0)
    return counts


def national_tree(store: Store, lang: str) -> NationalTree:
    """Areas and categories in item order; each item with its county count."""
    labels = LabelBook()
    structure: dict[str, tuple[str, str, str, bool]] = {}
    for sol in store.query(_TREE):
        item = sol["item"].value
        structure[item] = (sol["area"].value, sol["category"].value, sol["number"].value,
                           value(sol["placeholder"]) == "true")
        for node, label in (("item", "itemLabel"), ("category", "categoryLabel"),
                            ("area", "areaLabel")):
            labels.add(sol[node].value, sol[label])
    counts = counties_per_item(store)
    areas: dict[str, AreaNode] = {}
    categories: dict[str, CategoryNode] = {}
    for item, (area, category, number, placeholder) in sorted(structure.items(),
                                                             key=lambda kv: kv[1][2]):
        area_node = areas.setdefault(area, AreaNode(area, labels.get(area, lang)))
        if category not in categories:
            categories[category] = CategoryNode(category, labels.get(category, lang))
            area_node.categories.append(categories[category])
        categories[category].items.append(
            ItemRow(item, number, labels.get(item, lang), placeholder, counts.get(item, 0)))
    total = next(iter(store.query(_COUNTY_TOTAL)), None)
    return NationalTree(
        areas=list(areas.values()),
        items=len(structure),
        placeholders=sum(1 for s in structure.values() if s[3]),
        counties=int(value(total["n"]) or 0) if total else 0,
    )
