"""Two to four counties side by side: item by item and indicator by indicator, and as CSV."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import BadInput, Location, NotFound
from ..store.base import Store
from .county import CoverageCell, IndicatorRow, county_indicators, county_term, coverage_cells
from .labels import LabelBook

_NAME = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?county ?label WHERE { ?county a bpss:County ; rdfs:label ?label }
"""
MIN_COUNTIES, MAX_COUNTIES = 2, 4


@dataclass(frozen=True)
class ComparedCounty:
    code: str
    iri: str
    label: str


@dataclass(frozen=True)
class ItemComparison:
    iri: str
    number: str
    label: str
    placeholder: bool
    cells: tuple[CoverageCell, ...]


@dataclass(frozen=True)
class IndicatorComparison:
    iri: str
    label: str
    unit: str
    baseline: float | None
    direction: str
    values: tuple[IndicatorRow | None, ...]


@dataclass(frozen=True)
class Comparison:
    counties: tuple[ComparedCounty, ...]
    items: list[ItemComparison]
    indicators: list[IndicatorComparison]

    def named_covered(self, index: int) -> int:
        return sum(1 for row in self.items if not row.placeholder and row.cells[index].standards)

    def all_covered(self, index: int) -> int:
        return sum(1 for row in self.items if row.cells[index].standards)

    @property
    def named_total(self) -> int:
        return sum(1 for row in self.items if not row.placeholder)


def split_codes(raw: str | None) -> list[str]:
    """The codes in a typed list: commas (also ``，`` and ``、``), spaces or both separate them,
    so ``370214, 370502 370503`` and a trailing comma (``370214,``) read as meant."""
    return [part for part in re.split(r"[\s,，、;；]+", raw or "") if part]


def parse_codes(raw: str | None) -> list[str]:
    """``370502,370503`` → codes; ``BadInput`` unless 2 to 4 distinct six-digit codes."""
    codes = split_codes(raw)
    codes = list(dict.fromkeys(codes))
    if not MIN_COUNTIES <= len(codes) <= MAX_COUNTIES:
        raise BadInput(f"compare {MIN_COUNTIES} to {MAX_COUNTIES} different counties, "
                       "e.g. counties=370502,370503", Location(value=raw or ""))
    for code in codes:
        county_term(code)
    return codes


def compare_counties(store: Store, codes: list[str], lang: str) -> Comparison:
    counties = []
    coverage: list[list[CoverageCell]] = []
    indicators: list[dict[str, IndicatorRow]] = []
    for code in codes:
        term = county_term(code)
        labels = LabelBook()
        for sol in store.query(_NAME, bindings={"county": term}):
            labels.add(term.value, sol["label"])
        if not labels.has(term.value):
            raise NotFound(f"no county with code {code} in the graph", Location(value=code))
        counties.append(ComparedCounty(code, term.value, labels.get(term.value, lang)))
        coverage.append(coverage_cells(store, term, lang))
        indicators.append({row.iri: row for row in county_indicators(store, term, lang)})
    items = [
        ItemComparison(first.iri, first.number, first.label, first.placeholder,
                       tuple(cells[i] for cells in coverage))
        for i, first in enumerate(coverage[0])
    ]
    names: dict[str, IndicatorRow] = {}
    for per_county in indicators:
        for iri, row in per_county.items():
            names.setdefault(iri, row)
    compared = [
        IndicatorComparison(iri, row.label, row.unit, row.baseline, row.direction,
                            tuple(per_county.get(iri) for per_county in indicators))
        for iri, row in sorted(names.items(), key=lambda kv: kv[1].label)
    ]
    return Comparison(tuple(counties), items, compared)

