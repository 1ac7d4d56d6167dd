"""The latest stored validation run (graphs ``bpssg:validation/{run-id}``) and its findings for
one county, and findings made readable for a county office: each term named by its number and
label ("04 义务教育阶段免除学杂费"), each rule by its shape's label and fix text (``rdfs:label``
and ``bpss:fix`` of shapes/), and, for an import, the spreadsheet row the finding came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from ..namespaces import BPSS, GRAPH, VALIDATION_PREFIX
from ..rdf_terms import term_from_nt
from ..store.base import Store
from ..validation.findings import Finding
from ..validation.shapes import Shapes, load_shapes
from .labels import LabelBook, last_segment, local_name, pick, value

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
SELECT ?g ?code ?result ?focus ?shape ?severity ?message ?value WHERE {
  { SELECT ?g ?code ?result WHERE { GRAPH ?g { ?result a sh:ValidationResult ;
        dcterms:identifier ?code } } ORDER BY ?result LIMIT %(limit)d }
  GRAPH ?g { ?result sh:focusNode ?focus ; sh:sourceShape ?shape ; sh:resultSeverity ?severity .
             OPTIONAL { ?result sh:resultMessage ?message }
             OPTIONAL { ?result sh:value ?value } }
}
"""
# What names a term for a person: its labels and the number it is known by (an item's 序号, a
# standard's number or its system number).
_NAMING = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?label ?number ?indicator ?year WHERE {
  { ?s rdfs:label|skos:prefLabel|dcterms:title ?label }
  UNION { ?s bpss:indicator ?indicator ; bpss:refYear ?year }
  UNION { ?s bpss:itemNumber|bpss:standardNumber ?number }
  UNION { ?s bpss:systemNumber ?number FILTER NOT EXISTS { ?s bpss:standardNumber ?n } }
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
    """One finding as a county office reads it."""

    focus: str
    focus_label: str
    shape: str
    """The rule's short name (the node shape's local name), for machines and tooltips."""
    severity: str
    message: str
    rule: str = ""
    """The rule's label in the chosen language (``rdfs:label`` of the shape)."""
    fix: str = ""
    """How to fix it (``bpss:fix`` of the shape), in the chosen language."""
    value: str = ""
    """The value the finding is about (an item, an indicator value), IRI or literal."""
    value_label: str = ""
    sheet: str | None = None
    row: int | None = None
    """Where in the uploaded spreadsheet the finding's standard or value came from."""


@lru_cache(maxsize=1)
def bundled_shapes() -> Shapes:
    """The bundled shapes (parsed once per process): labels and fix texts of the rules."""
    return load_shapes()


class Namer:
    """Names terms for people: "04 义务教育阶段免除学杂费", "DB37/T 4901-2023 标准名称", a
    label, or (nothing known) the IRI's path. Looks first in ``graph`` (e.g. an import's
    would-be county graph), then in the store."""

    def __init__(self, store: Store | None, graph: Graph | None = None) -> None:
        self.store = store
        self.graph = graph
        self._cache: dict[str, tuple[str, dict[str, str]]] = {}

    def _facts(self, iri: str) -> tuple[str, dict[str, str]]:
        if iri not in self._cache:
            number = ""
            texts: dict[str, str] = {}
            if self.graph is not None:
                node = URIRef(iri)
                for predicate in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
                    for label in self.graph.objects(node, predicate):
                        if isinstance(label, Literal):
                            texts.setdefault((label.language or "").split("-")[0], str(label))
                for predicate in (BPSS.itemNumber, BPSS.standardNumber, BPSS.systemNumber):
                    number = number or str(self.graph.value(node, predicate) or "")
                indicator = self.graph.value(node, BPSS.indicator)
                year = self.graph.value(node, BPSS.refYear)
                if not texts and indicator is not None and year is not None:
                    texts = self._observation(str(indicator), str(year))
            if self.store is not None and (not texts or not number):
                for sol in self.store.query(_NAMING, bindings={"s": ox.NamedNode(iri)}):
                    if isinstance(sol["label"], ox.Literal):
                        lang = (sol["label"].language or "").split("-")[0]
                        texts.setdefault(lang, sol["label"].value)
                    if sol["number"] is not None and not number:
                        number = sol["number"].value
                    if sol["indicator"] is not None and not texts:
                        texts = self._observation(sol["indicator"].value, sol["year"].value)
            self._cache[iri] = (number, texts)
        return self._cache[iri]

    def _observation(self, indicator: str, year: str) -> dict[str, str]:
        """An indicator observation is named by its indicator and year."""
        _, texts = self._facts(indicator)
        return {lang: f"{text}（{year}）" if lang == "zh" else f"{text} ({year})"
                for lang, text in texts.items()}

    def name(self, term: str, lang: str) -> str:
        """A term (IRI text, or N-Triples text of any term) as a person reads it."""
        if term.startswith("<") and term.endswith(">"):
            term = term[1:-1]
        elif term.startswith('"'):
            parsed = term_from_nt(term)
            return str(parsed) if parsed is not None else term
        if not term.startswith(("http://", "https://", "urn:")):
            return term
        number, texts = self._facts(term)
        label = pick(texts, lang) or ""
        if number and label:
            return label if label.startswith(number) else f"{number} {label}"
        return label or number or local_name(term)


def readable_findings(findings: Iterable[Finding], namer: Namer, lang: str,
                      rows: dict[str, tuple[str, int]] | None = None,
                      shapes: Shapes | None = None) -> list[FindingRow]:
    """Findings of a validation run for a person: one row per finding, naming its focus and
    value by number and label, the rule by its label, with the fix text and (for an import,
    given ``rows``: IRI → (sheet, row)) the spreadsheet row it came from. Violations first."""
    rules = shapes or bundled_shapes()
    where = rows or {}
    out = []
    for finding in findings:
        focus = finding.focus[1:-1] if finding.focus.startswith("<") else finding.focus
        value = finding.value or ""
        if value == finding.focus:
            value = ""
        bare_value = value[1:-1] if value.startswith("<") else value
        place = where.get(focus) or where.get(bare_value)
        out.append(_row(rules, finding.shape, focus, namer.name(finding.focus, lang),
                        last_segment(finding.severity), finding.message(lang), bare_value,
                        namer.name(value, lang) if value else "", lang, place))
    out.sort(key=_order)
    return out


def _order(row: FindingRow) -> tuple[object, ...]:
    return (SEVERITY_RANK.get(row.severity, 9), row.row is None, row.row or 0, row.rule,
            row.focus_label, row.value_label)


def _row(rules: Shapes, shape: str, focus: str, focus_label: str, severity: str, message: str,
         value: str, value_label: str, lang: str, place: tuple[str, int] | None
         ) -> FindingRow:
    info = rules.info(shape if shape.startswith(("<", "_:")) else f"<{shape}>")
    return FindingRow(focus=focus, focus_label=focus_label,
                      shape=shape_name(shape.strip("<>")), severity=severity, message=message,
                      rule=pick(info.label, lang) or shape_name(shape.strip("<>")),
                      fix=pick(info.fix, lang) or "", value=value, value_label=value_label,
                      sheet=place[0] if place else None, row=place[1] if place else None)


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
    messages = LabelBook()
    seen: dict[str, tuple[str, str, str, str]] = {}
    for sol in store.query(_COUNTY_FINDINGS % {"limit": limit}, bindings=bindings):
        key = str(sol["result"])
        found = sol["value"]
        seen[key] = (str(sol["focus"]), str(sol["shape"]), last_segment(sol["severity"].value),
                     str(found) if found is not None else "")
        messages.add(key, sol["message"])
    rules = bundled_shapes()
    namer = Namer(store)
    rows = []
    for key, (focus, shape, severity, found) in seen.items():
        if found == focus:
            found = ""
        rows.append(_row(rules, shape, focus.strip("<>"), namer.name(focus, lang), severity,
                         messages.get(key, lang) if messages.has(key) else "",
                         found.strip("<>") if found.startswith("<") else found,
                         namer.name(found, lang) if found else "", lang, None))
    rows.sort(key=_order)
    return rows
