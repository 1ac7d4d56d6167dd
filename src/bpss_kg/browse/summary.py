"""The home page: what the graph holds, and the counties (paginated)."""

from __future__ import annotations

from dataclasses import dataclass

from ..store.base import Store
from .findings import LatestRun, latest_run
from .labels import LabelBook, value

_COUNTS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT
  (SUM(IF(?kind = "county", 1, 0)) AS ?counties)
  (SUM(IF(?kind = "standard", 1, 0)) AS ?standards)
  (SUM(IF(?kind = "item", 1, 0)) AS ?items)
  (SUM(IF(?kind = "placeholder", 1, 0)) AS ?placeholders)
WHERE {
  { ?x a bpss:CountyStandardSystem . BIND("county" AS ?kind) }
  UNION { ?x a bpss:Standard . BIND("standard" AS ?kind) }
  UNION { ?x a bpss:NationalServiceItem . BIND("item" AS ?kind) }
  UNION { ?x a bpss:NationalServiceItem ; bpss:isPlaceholder true . BIND("placeholder" AS ?kind) }
}
"""

_COUNTIES = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?county ?code ?label ?province ?provinceLabel WHERE {
  { SELECT ?county ?code WHERE {
      ?system a bpss:CountyStandardSystem ; bpss:forDivision ?county .
      ?county bpss:divisionCode ?code .
    } ORDER BY ?code LIMIT %(limit)d OFFSET %(offset)d }
  OPTIONAL { ?county rdfs:label ?label }
  OPTIONAL { ?county bpss:inProvince ?province . ?province rdfs:label ?provinceLabel }
}
"""


@dataclass(frozen=True)
class CountyRow:
    code: str
    iri: str
    label: str
    province: str


@dataclass(frozen=True)
class Summary:
    counties: int
    standards: int
    items: int
    placeholders: int
    latest_run: LatestRun | None
    county_rows: list[CountyRow]
    page: int
    pages: int


def _int(term: object) -> int:
    text = value(term)
    return int(text) if text else 0


def summary(store: Store, lang: str, page: int = 1, per_page: int = 50) -> Summary:
    """Counts of counties, standards and national items, the last validation run, and one
    page of counties (ordered by code)."""
    row = next(iter(store.query(_COUNTS)), None)
    counties = _int(row["counties"]) if row else 0
    pages = max(1, -(-counties // per_page))
    page = min(max(1, page), pages)
    labels = LabelBook()
    found: dict[str, tuple[str, str | None]] = {}
    for sol in store.query(_COUNTIES % {"limit": per_page, "offset": (page - 1) * per_page}):
        iri = sol["county"].value
        found.setdefault(iri, (sol["code"].value, None))
        labels.add(iri, sol["label"])
        if sol["province"] is not None:
            found[iri] = (found[iri][0], sol["province"].value)
            labels.add(sol["province"].value, sol["provinceLabel"])
    rows = [CountyRow(code, iri, labels.get(iri, lang),
                      labels.get(province, lang) if province else "")
            for iri, (code, province) in found.items()]
    rows.sort(key=lambda r: r.code)
    return Summary(
        counties=counties,
        standards=_int(row["standards"]) if row else 0,
        items=_int(row["items"]) if row else 0,
        placeholders=_int(row["placeholders"]) if row else 0,
        latest_run=latest_run(store),
        county_rows=rows,
        page=page,
        pages=pages,
    )
