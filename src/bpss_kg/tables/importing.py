"""Import a county's standard detail table into its graph: check everything, then write once.

What the table carries: the county standard system, its sub-systems and standards (with
number, titles, level, status, dates, superseded numbers, kind, sub-system, national items,
issuing body, notes) and, from an indicator sheet or file, the county's indicator values. An
import replaces exactly that part of the county graph in one update; organisations' other
records, process records, agreements and the local list stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import BadInput, Location, NotFound
from ..namespaces import GRAPH, is_division_code
from ..store import Store
from .columns import INDICATOR_COLUMNS, INDICATORS_SHEET, STANDARD_COLUMNS, STANDARDS_SHEET
from .parsing import RowReader, county_graph_of, issuer_iri
from .reading import Problem, find_sheet, read_workbook

LOOKUPS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?kind ?iri ?key WHERE {
  { ?iri a bpss:NationalServiceItem ; bpss:itemNumber ?key . BIND("item" AS ?kind) }
  UNION { ?iri a bpss:NationalServiceItem ; bpss:isPlaceholder false ; rdfs:label ?key .
          BIND("item" AS ?kind) }
  UNION { ?iri a bpss:Indicator ; rdfs:label ?key . BIND("indicator" AS ?kind) }
  UNION { ?iri a <http://www.w3.org/ns/org#Organization> ; rdfs:label ?key .
          BIND("org" AS ?kind) }
}
"""
COUNTY_NAME = """
SELECT ?place ?name WHERE { ?place <http://www.w3.org/2000/01/rdf-schema#label> ?name }
"""
REPLACED_TYPES = ("Standard", "CountyStandardSystem", "SubSystem", "IndicatorObservation")


@dataclass
class ImportPreview:
    county: str
    problems: list[Problem] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)
    standards: int = 0
    observations: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, object]:
        return {"county": self.county, "ok": self.ok, "standards": self.standards,
                "observations": self.observations, "triples": len(self.graph),
                "problems": [{"sheet": p.sheet, "row": p.row, "column": p.column,
                              "value": p.value, "zh": p.zh, "en": p.en}
                             for p in self.problems]}


def _lookups(store: Store) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    items, indicators, orgs = {}, {}, {}
    for solution in store.query(LOOKUPS):  # type: ignore[union-attr]
        target = {"item": items, "indicator": indicators, "org": orgs}[solution["kind"].value]
        target.setdefault(solution["key"].value, solution["iri"].value)
    return items, indicators, orgs


def preview_import(store: Store, data: bytes, filename: str, county: str,
                   indicators: tuple[bytes, str] | None = None) -> ImportPreview:
    """Read and check a table; the would-be graph, or every problem found. Writes nothing."""
    if not is_division_code(county):
        raise BadInput(f"--county expects a six-digit GB/T 2260 code, got {county!r}")
    place = ox.NamedNode(f"https://w3id.org/bpss-kg/id/place/{county}")
    names = list(store.query(COUNTY_NAME, bindings={"place": place}))  # type: ignore[arg-type]
    if not names:
        raise NotFound(f"no county {county} in the store's national layer (load it first)")
    preview = ImportPreview(county)
    try:
        sheets = read_workbook(data, filename)
    except (ValueError, UnicodeDecodeError, OSError, KeyError) as error:
        raise BadInput(f"cannot read the table: {error}", Location(file=filename)) from None
    except Exception as error:  # openpyxl raises zipfile/XML errors on broken workbooks
        raise BadInput(f"not a readable XLSX workbook: {error}", Location(file=filename)) \
            from None
    items, known_indicators, orgs = _lookups(store)
    standards_name = STANDARDS_SHEET if STANDARDS_SHEET in sheets else next(iter(sheets))
    sheet = find_sheet(standards_name, sheets[standards_name], STANDARD_COLUMNS,
                       preview.problems)
    records = []
    if sheet is not None:
        records = RowReader(sheet, STANDARD_COLUMNS, preview.problems, items,
                            known_indicators).standards()
    observations = []
    indicator_cells = None
    if indicators is not None:
        try:
            extra = read_workbook(*indicators)
        except (ValueError, UnicodeDecodeError, OSError) as error:
            raise BadInput(f"cannot read the indicator table: {error}",
                           Location(file=indicators[1])) from None
        indicator_name, indicator_cells = next(iter(extra.items()))
    elif INDICATORS_SHEET in sheets:
        indicator_name, indicator_cells = INDICATORS_SHEET, sheets[INDICATORS_SHEET]
    if indicator_cells is not None:
        indicator_sheet = find_sheet(indicator_name, indicator_cells, INDICATOR_COLUMNS,
                                     preview.problems)
        if indicator_sheet is not None:
            observations = RowReader(indicator_sheet, INDICATOR_COLUMNS, preview.problems,
                                     items, known_indicators).observations()
    if sheet is not None and not sheet.rows:
        preview.problems.append(Problem(sheet.name, None, None, None, "表中没有标准",
                                        "the table lists no standard"))
    if preview.problems:
        return preview
    issuers = {r.issuer: URIRef(orgs[r.issuer]) if r.issuer in orgs else issuer_iri(county,
                                                                                      r.issuer)
               for r in records if r.issuer}
    preview.graph = county_graph_of(county, names[0]["name"].value, records, observations,
                                    issuers)
    preview.standards, preview.observations = len(records), len(observations)
    return preview


def commit_import(store: Store, preview: ImportPreview) -> int:
    """Replace the table-carried part of the county graph in one update; triples written."""
    if not preview.ok:
        raise BadInput("the table has problems; nothing was imported")
    graph = f"<{GRAPH[f'county/{preview.county}']}>"
    types = " ".join(f"bpss:{t}" for t in REPLACED_TYPES)
    body = preview.graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    keep_observations = "" if preview.observations else \
        "FILTER(?type != bpss:IndicatorObservation)"
    store.update(
        "PREFIX bpss: <https://w3id.org/bpss-kg/def#>\n"
        f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ "
        f"?s a ?type . VALUES ?type {{ {types} }} {keep_observations} ?s ?p ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
    return len(preview.graph)


def import_table(store: Store, table: Path, county: str, *, dry_run: bool = False,
                 indicators: Path | None = None) -> ImportPreview:
    try:
        data = table.read_bytes()
        extra = (indicators.read_bytes(), indicators.name) if indicators else None
    except OSError as error:
        raise BadInput(f"cannot read: {error.strerror}", Location(file=str(error.filename))) \
            from None
    preview = preview_import(store, data, table.name, county, extra)
    if preview.ok and not dry_run:
        commit_import(store, preview)
    return preview
