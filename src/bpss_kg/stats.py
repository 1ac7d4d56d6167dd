"""What the store holds: triples per graph, counties, standards per sub-system."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pyoxigraph as ox

from .namespaces import GRAPH
from .store.base import Store

_TRIPLES_PER_GRAPH = """
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g
"""
_DEFAULT_GRAPH_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# a standard counts in every sub-system its entries in some system place it in (kind per entry)
_STANDARDS_PER_SUBSYSTEM = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?subsystem ?label (COUNT(DISTINCT ?std) AS ?n) WHERE {
  ?entry bpss:memberStandard ?std ; bpss:standardKind ?kind .
  ?kind skos:broader ?subsystem .
  OPTIONAL { ?subsystem skos:prefLabel ?label FILTER(lang(?label) = "zh") }
} GROUP BY ?subsystem ?label ORDER BY ?subsystem
"""


@dataclass(frozen=True)
class StoreStats:
    total_quads: int
    default_graph_triples: int
    triples_per_graph: dict[str, int]
    counties: int
    standards_per_subsystem: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


def store_stats(store: Store) -> StoreStats:
    per_graph = {sol["g"].value: _int(sol["n"])
                 for sol in store.query(_TRIPLES_PER_GRAPH, default_graphs=None)}
    default_rows = list(store.query(_DEFAULT_GRAPH_TRIPLES,
                                    default_graphs=[ox.DefaultGraph()]))  # type: ignore[list-item]
    per_subsystem: dict[str, int] = {}
    for sol in store.query(_STANDARDS_PER_SUBSYSTEM):
        label = sol["label"].value if sol["label"] else sol["subsystem"].value
        per_subsystem[label] = _int(sol["n"])
    county_prefix = str(GRAPH["county/"])
    return StoreStats(
        total_quads=len(store),
        default_graph_triples=_int(default_rows[0]["n"]) if default_rows else 0,
        triples_per_graph=per_graph,
        counties=sum(1 for g in per_graph if g.startswith(county_prefix)),
        standards_per_subsystem=per_subsystem,
    )
