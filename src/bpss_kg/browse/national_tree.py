"""The national list as a tree (areas → categories → items) with how many counties' standard
systems implement each item."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store.base import Store
from .labels import LabelBook, value

_TREE = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?area ?category ?item ?number ?placeholder ?of ?label WHERE {
  ?item a bpss:NationalServiceItem ; bpss:itemNumber ?number ; skos:broader ?category .
  ?category skos:broader ?area .
  OPTIONAL { ?item bpss:isPlaceholder ?placeholder }
  { ?item rdfs:label ?label BIND(?item AS ?of) }
  UNION { ?category rdfs:label ?label BIND(?category AS ?of) }
  UNION { ?area rdfs:label ?label BIND(?area AS ?of) }
} LIMIT 5000
"""
_COUNTIES_PER_ITEM = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?item (COUNT(DISTINCT ?county) AS ?counties) WHERE {
  ?item a bpss:NationalServiceItem .
  ?standard bpss:implementsItem ?item ; bpss:inSystem ?system .
  ?system a bpss:CountyStandardSystem ; bpss:forDivision ?county .
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
    return {sol["item"].value: int(value(sol["counties"]) or 0)
            for sol in store.query(_COUNTIES_PER_ITEM)}


def national_tree(store: Store, lang: str) -> NationalTree:
    """Areas and categories in item order; each item with its county count."""
    labels = LabelBook()
    structure: dict[str, tuple[str, str, str, bool]] = {}
    for sol in store.query(_TREE):
        item = sol["item"].value
        structure[item] = (sol["area"].value, sol["category"].value, sol["number"].value,
                           value(sol["placeholder"]) == "true")
        labels.add(sol["of"].value, sol["label"])
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
