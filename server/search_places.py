"""Where a search hit is (issue 20): the prefecture and province of a county or prefecture hit,
so that two 海州区 can be told apart. Read per hit with the hit's IRI bound, from the data's
``bpss:inPrefecture`` / ``bpss:inProvince`` shortcuts (two OPTIONALs: a UNION of the two was
400 times slower on the sample)."""

from __future__ import annotations

import pyoxigraph as ox

from bpss_kg.browse.labels import LabelBook
from bpss_kg.search import Hit
from bpss_kg.store.base import Store

from .messages import place_label

_WHERE = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?place ?prefecture ?prefectureLabel ?province ?provinceLabel WHERE {
  OPTIONAL { ?place bpss:inPrefecture ?prefecture . ?prefecture rdfs:label ?prefectureLabel }
  OPTIONAL { ?place bpss:inProvince ?province . ?province rdfs:label ?provinceLabel }
}
"""
PLACED_KINDS = ("county", "division")


def places(store: Store, hits: list[Hit], lang: str) -> dict[str, str]:
    """Hit IRI → "prefecture, province" (or just the province) in ``lang``."""
    found: dict[str, str] = {}
    for hit in hits:
        if hit.kind not in PLACED_KINDS:
            continue
        labels, ups = LabelBook(), {}
        for sol in store.query(_WHERE, bindings={"place": ox.NamedNode(hit.iri)}):
            for level, (up, label) in enumerate((("prefecture", "prefectureLabel"),
                                                 ("province", "provinceLabel"))):
                if sol[up] is not None and sol[label] is not None:
                    labels.add(sol[up].value, sol[label])
                    ups[sol[up].value] = level
        if ups:
            found[hit.iri] = ("，" if lang == "zh" else ", ").join(
                place_label(labels.get(iri, lang), lang)
                for iri in sorted(ups, key=ups.__getitem__))
    return found


_LABEL = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?place ?label WHERE { ?place rdfs:label ?label }
"""


def province_names(store: Store, codes: list[str], lang: str) -> dict[str, str]:
    """Two-digit province code → the province's name in ``lang`` (for the search facets)."""
    names = {}
    for code in codes:
        labels = LabelBook()
        iri = f"https://w3id.org/bpss-kg/id/place/{code}0000"
        for sol in store.query(_LABEL, bindings={"place": ox.NamedNode(iri)}):
            labels.add(iri, sol["label"])
        names[code] = place_label(labels.get(iri, lang), lang) if labels.has(iri) else code
    return names
