"""The latest stored validation run (graphs ``bpssg:validation/{run-id}``) and its findings for
one county."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import GRAPH
from ..store.base import Store
from .labels import LabelBook, last_segment, local_name, value

VALIDATION_PREFIX = str(GRAPH["validation/"])
_NOT_RUNS = {str(GRAPH["validation/context"])}

_RUN = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?g ?ended ?asOf
  (COUNT(DISTINCT ?unit) AS ?units) (COUNT(DISTINCT ?failing) AS ?failingUnits)
WHERE { GRAPH ?g {
  ?run a prov:Activity .
  OPTIONAL { ?run prov:endedAtTime ?ended }
  OPTIONAL { ?run bpss:asOfDate ?asOf }
  OPTIONAL { ?run bpss:checkedUnit ?unit .
             OPTIONAL { ?unit sh:conforms false . BIND(?unit AS ?failing) } }
} } GROUP BY ?g ?ended ?asOf
"""

_COUNTY_FINDINGS = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?g ?code ?result ?focus ?focusLabel ?shape ?severity ?message WHERE {
  { SELECT ?g ?code ?result WHERE { GRAPH ?g { ?result a sh:ValidationResult ;
        dcterms:identifier ?code } } ORDER BY ?result LIMIT %(limit)d }
  GRAPH ?g { ?result sh:focusNode ?focus ; sh:sourceShape ?shape ; sh:resultSeverity ?severity .
             OPTIONAL { ?result sh:resultMessage ?message } }
  OPTIONAL { ?focus rdfs:label ?focusLabel }
}
"""

SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class LatestRun:
    graph: str
    run_id: str
    ended: str | None
    as_of: str | None
    units: int
    failing_units: int


@dataclass(frozen=True)
class FindingRow:
    focus: str
    focus_label: str
    shape: str
    severity: str
    message: str


def shape_name(iri: str) -> str:
    """The node shape's name: ``…/shapes#ProposalComplete-hasSupportingMeasure`` (a property
    shape of shapes/) or a minted ``…/shapes#ProposalComplete/property/1`` →
    ``ProposalComplete``."""
    if "#" in iri:
        return iri.split("#", 1)[1].split("/", 1)[0].split("-", 1)[0] or iri
    return local_name(iri)


def latest_run(store: Store) -> LatestRun | None:
    """The newest validation run graph (run ids sort by time), or None."""
    runs = sorted(g.value for g in store.named_graphs()
                  if g.value.startswith(VALIDATION_PREFIX) and g.value not in _NOT_RUNS)
    if not runs:
        return None
    graph = ox.NamedNode(runs[-1])
    row = next(iter(store.query(_RUN, bindings={"g": graph})), None)
    return LatestRun(
        graph=graph.value,
        run_id=graph.value[len(VALIDATION_PREFIX):],
        ended=value(row["ended"]) if row else None,
        as_of=value(row["asOf"]) if row else None,
        units=int(value(row["units"]) or 0) if row else 0,
        failing_units=int(value(row["failingUnits"]) or 0) if row else 0,
    )


def county_findings(store: Store, run: LatestRun, code: str, lang: str,
                    limit: int = 200) -> list[FindingRow]:
    """The findings of ``run`` for one county (at most ``limit``), violations first."""
    bindings = {"g": ox.NamedNode(run.graph), "code": ox.Literal(code)}
    labels = LabelBook()
    messages = LabelBook()
    seen: dict[str, tuple[str, str, str]] = {}
    for sol in store.query(_COUNTY_FINDINGS % {"limit": limit}, bindings=bindings):
        key = str(sol["result"])
        focus = sol["focus"]
        focus_key = focus.value if isinstance(focus, ox.NamedNode) else str(focus)
        seen[key] = (focus_key, sol["shape"].value if isinstance(sol["shape"], ox.NamedNode)
                     else str(sol["shape"]), last_segment(sol["severity"].value))
        labels.add(focus_key, sol["focusLabel"])
        messages.add(key, sol["message"])
    rows = [FindingRow(focus, labels.get(focus, lang), shape_name(shape), severity,
                       messages.get(key, lang) if messages.has(key) else "")
            for key, (focus, shape, severity) in seen.items()]
    rows.sort(key=lambda r: (SEVERITY_RANK.get(r.severity, 9), r.shape, r.focus))
    return rows
