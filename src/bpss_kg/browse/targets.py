"""A county's own indicator targets (``bpss:IndicatorTarget``, kept apart from observed values
and from the national baselines): for the county report's indicator table and charts."""

from __future__ import annotations

import pyoxigraph as ox

from ..store.base import Store
from .labels import number, value

_TARGETS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT DISTINCT ?county ?target ?indicator ?year ?value WHERE {
  ?target a bpss:IndicatorTarget ; bpss:refArea ?county ; bpss:targetIndicator ?indicator ;
          bpss:targetValue ?value .
  OPTIONAL { ?target bpss:refYear ?year }
} LIMIT 5000
"""


def county_targets(store: Store, county: ox.NamedNode) -> dict[str, tuple[tuple[str, float], ...]]:
    """Indicator IRI → the county's targets as (year, value), oldest first; a target without
    a year sorts first under the empty year."""
    found: dict[str, dict[str, float]] = {}
    for sol in store.query(_TARGETS, bindings={"county": county}):
        target = number(sol["value"])
        if target is None:
            continue
        found.setdefault(sol["indicator"].value, {})[value(sol["year"]) or ""] = target
    return {iri: tuple(sorted(years.items())) for iri, years in found.items()}
