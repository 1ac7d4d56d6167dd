"""One county's dashboard: its standard system as a tree (three sub-systems, ten kinds, the
standards under each with status), coverage of the national items (placeholders shown as 待补),
indicators against the national baselines, coordination agreements, latest findings."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import BadInput, Location, NotFound
from ..namespaces import is_division_code, place
from ..store.base import Store
from .findings import FindingRow, LatestRun, county_findings, latest_run
from .labels import LabelBook, Link, last_segment, number, value

_HEADER = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?county ?of ?label ?system ?synthetic WHERE {
  ?county a bpss:County .
  OPTIONAL { ?system a bpss:CountyStandardSystem ; bpss:forDivision ?county .
             OPTIONAL { ?system bpss:isSynthetic ?synthetic } }
  { ?county rdfs:label ?label BIND(?county AS ?of) }
  UNION { ?county bpss:inPrefecture ?of . ?of rdfs:label ?label }
  UNION { ?county bpss:inProvince ?of . ?of rdfs:label ?label }
  UNION { ?system a bpss:CountyStandardSystem ; bpss:forDivision ?county ; rdfs:label ?label
          BIND(?system AS ?of) }
} LIMIT 100
"""
_KINDS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme ?sub ?kind ?clause ?of ?label WHERE {
  ?sub skos:topConceptOf ?scheme .
  ?kind skos:broader ?sub . OPTIONAL { ?kind bpss:clause ?clause }
  { ?sub skos:prefLabel ?label BIND(?sub AS ?of) }
  UNION { ?kind skos:prefLabel ?label BIND(?kind AS ?of) }
} LIMIT 1000
"""
# One UNION branch per fact, each DISTINCT: a national standard that county tables describe
# again is held in thousands of graphs, and Oxigraph's union default graph matches each copy
# (oxigraph#1919), so OPTIONALs side by side would join copies with copies (2,846³ rows for one
# standard at national scale: seconds per dashboard, and rows lost to the LIMIT).
_STANDARDS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?county ?standard ?key ?value ?of ?label WHERE {
  ?system a bpss:CountyStandardSystem ; bpss:forDivision ?county .
  ?standard bpss:inSystem ?system .
  { ?standard bpss:inSystem ?system BIND("standard" AS ?key) }
  UNION { ?standard bpss:standardNumber ?value BIND("number" AS ?key) }
  UNION { ?entry bpss:memberOf ?system ; bpss:memberStandard ?standard ;
                 bpss:systemNumber ?value BIND("systemNumber" AS ?key) }
  UNION { ?kindEntry bpss:memberOf ?system ; bpss:memberStandard ?standard ;
                     bpss:standardKind ?value BIND("kind" AS ?key) }
  UNION { ?standard bpss:status ?value BIND("status" AS ?key) }
  UNION { ?standard dcterms:title ?label BIND(?standard AS ?of) BIND("label" AS ?key) }
  UNION { ?standard bpss:status ?of . ?of skos:prefLabel ?label BIND("label" AS ?key) }
} LIMIT 100000
"""
_ITEMS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?number ?placeholder ?label WHERE {
  ?item a bpss:NationalServiceItem ; bpss:itemNumber ?number .
  OPTIONAL { ?item bpss:isPlaceholder ?placeholder }
  OPTIONAL { ?item rdfs:label ?label }
} LIMIT 2000
"""
_COVERAGE = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?county ?item ?how (COUNT(DISTINCT ?standard) AS ?standards) WHERE {
  ?system a bpss:CountyStandardSystem ; bpss:forDivision ?county .
  { ?standard bpss:inSystem ?system ; bpss:implementsItem ?item . BIND("implemented" AS ?how) }
  UNION { ?system bpss:declaresItem ?item . BIND("declared" AS ?how) }
  UNION { ?system bpss:hasJustification/bpss:justifiedItem ?item . BIND("justified" AS ?how) }
  ?item a bpss:NationalServiceItem .
} GROUP BY ?county ?item ?how
"""
_INDICATORS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?county ?indicator ?label ?unit ?year ?value ?baseline ?direction WHERE {
  ?obs bpss:refArea ?county ; bpss:indicator ?indicator ; bpss:refYear ?year ;
       bpss:observedValue ?value .
  OPTIONAL { ?indicator rdfs:label ?label }
  OPTIONAL { ?indicator bpss:unit ?unit }
  OPTIONAL { ?indicator bpss:nationalBaseline ?baseline }
  OPTIONAL { ?indicator bpss:baselineDirection ?direction }
} LIMIT 5000
"""
_AGREEMENTS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?county ?agreement ?party ?item ?from ?until ?of ?label WHERE {
  { SELECT DISTINCT ?county ?agreement WHERE {
      ?agreement a bpss:CoordinationAgreement ; bpss:party ?county } LIMIT 200 }
  OPTIONAL { ?agreement bpss:validFrom ?from }
  OPTIONAL { ?agreement bpss:validUntil ?until }
  OPTIONAL {
    { ?agreement rdfs:label ?label BIND(?agreement AS ?of) }
    UNION { ?agreement bpss:party ?party . ?party rdfs:label ?label BIND(?party AS ?of) }
    UNION { ?agreement bpss:coordinatesItem ?item . ?item rdfs:label ?label BIND(?item AS ?of) }
  }
} LIMIT 5000
"""
IN_FORCE = "in-force"
SUBSYSTEM_ORDER = ("baseline-indicator", "service-implementation", "monitoring-improvement")


@dataclass(frozen=True)
class StandardRow:
    iri: str
    number: str
    system_number: str
    title: str
    status: str
    status_label: str


@dataclass
class KindNode:
    iri: str
    label: str
    clause: str
    standards: list[StandardRow] = field(default_factory=list)


@dataclass
class SubSystemNode:
    iri: str
    label: str
    kinds: list[KindNode] = field(default_factory=list)

    @property
    def standard_count(self) -> int:
        return sum(len(k.standards) for k in self.kinds)

    @property
    def in_force_count(self) -> int:
        return sum(1 for k in self.kinds for s in k.standards if s.status == IN_FORCE)


@dataclass(frozen=True)
class CoverageCell:
    iri: str
    number: str
    label: str
    placeholder: bool
    standards: int
    declared: bool
    justified: bool

    @property
    def state(self) -> str:
        """covered, declared (stated but no standard implements it), justified, missing."""
        if self.standards:
            return "covered"
        if self.justified:
            return "justified"
        return "declared" if self.declared else "missing"


@dataclass(frozen=True)
class IndicatorRow:
    iri: str
    label: str
    unit: str
    year: str
    value: float
    baseline: float | None
    direction: str
    history: tuple[tuple[str, float], ...]

    @property
    def meets(self) -> bool | None:
        if self.baseline is None or not self.direction:
            return None
        return self.value <= self.baseline if self.direction == "at-most" \
            else self.value >= self.baseline


@dataclass(frozen=True)
class AgreementRow:
    iri: str
    label: str
    partners: list[Link]
    items: list[Link]
    valid_from: str
    valid_until: str


@dataclass
class CountyDashboard:
    code: str
    iri: str
    label: str
    place: list[Link]
    system: Link | None
    synthetic: bool
    subsystems: list[SubSystemNode]
    unclassified: list[StandardRow]
    coverage: list[CoverageCell]
    indicators: list[IndicatorRow]
    agreements: list[AgreementRow]
    latest_run: LatestRun | None
    findings: list[FindingRow]

    @property
    def standard_count(self) -> int:
        return sum(s.standard_count for s in self.subsystems) + len(self.unclassified)

    @property
    def named_items(self) -> list[CoverageCell]:
        return [c for c in self.coverage if not c.placeholder]

    @property
    def named_covered(self) -> int:
        return sum(1 for c in self.named_items if c.standards)

    @property
    def all_covered(self) -> int:
        return sum(1 for c in self.coverage if c.standards)


def county_term(code: str) -> ox.NamedNode:
    """The county's IRI from a GB/T 2260 code, or ``BadInput``."""
    if not is_division_code(code):
        raise BadInput("a county code has six digits, e.g. 370502", Location(value=code))
    return ox.NamedNode(str(place(code)))


def coverage_cells(store: Store, county: ox.NamedNode, lang: str) -> list[CoverageCell]:
    """Every national item position with what the county's system says about it."""
    labels = LabelBook()
    items: dict[str, tuple[str, bool]] = {}
    for sol in store.query(_ITEMS):
        items[sol["item"].value] = (sol["number"].value, value(sol["placeholder"]) == "true")
        labels.add(sol["item"].value, sol["label"])
    found: dict[tuple[str, str], int] = {}
    for sol in store.query(_COVERAGE, bindings={"county": county}):
        found[(sol["item"].value, sol["how"].value)] = int(value(sol["standards"]) or 0)
    return [
        CoverageCell(item, numbering, labels.get(item, lang), placeholder,
                     found.get((item, "implemented"), 0), (item, "declared") in found,
                     (item, "justified") in found)
        for item, (numbering, placeholder) in sorted(items.items(), key=lambda kv: kv[1][0])
    ]


def county_indicators(store: Store, county: ox.NamedNode, lang: str) -> list[IndicatorRow]:
    """Each indicator's latest observed value with the national baseline and the history."""
    labels = LabelBook()
    facts: dict[str, dict[str, object]] = {}
    for sol in store.query(_INDICATORS, bindings={"county": county}):
        iri = sol["indicator"].value
        labels.add(iri, sol["label"])
        fact = facts.setdefault(iri, {"unit": value(sol["unit"]) or "",
                                      "baseline": number(sol["baseline"]),
                                      "direction": last_segment(sol["direction"].value)
                                      if sol["direction"] is not None else "",
                                      "history": {}})
        observed = number(sol["value"])
        if observed is not None:
            fact["history"][value(sol["year"]) or ""] = observed  # type: ignore[index]
    rows = []
    for iri, fact in facts.items():
        history = tuple(sorted(fact["history"].items()))  # type: ignore[attr-defined]
        if not history:
            continue
        year, latest = history[-1]
        rows.append(IndicatorRow(iri, labels.get(iri, lang), str(fact["unit"]), year, latest,
                                 fact["baseline"], str(fact["direction"]), history))  # type: ignore[arg-type]
    rows.sort(key=lambda r: r.label)
    return rows


def _system_tree(store: Store, county: ox.NamedNode, lang: str
                 ) -> tuple[list[SubSystemNode], list[StandardRow]]:
    labels = LabelBook()
    kinds: dict[str, tuple[str, str]] = {}
    for sol in store.query(_KINDS, bindings={"scheme": ox.NamedNode(
            "https://w3id.org/bpss-kg/id/scheme/standard-kind")}):
        kinds[sol["kind"].value] = (sol["sub"].value, value(sol["clause"]) or "")
        labels.add(sol["of"].value, sol["label"])
    facts: dict[str, dict[str, str]] = {}
    rows = sorted(store.query(_STANDARDS, bindings={"county": county}),
                  key=lambda sol: (sol["standard"].value, sol["key"].value,
                                   value(sol["value"]) or ""))  # first value per fact: stable
    for sol in rows:
        fact = facts.setdefault(sol["standard"].value, {})
        key = sol["key"].value
        if key in ("number", "systemNumber", "kind", "status") and sol["value"] is not None:
            fact.setdefault(key, sol["value"].value)
        if sol["of"] is not None:
            labels.add(sol["of"].value, sol["label"])
    subsystems: dict[str, SubSystemNode] = {}
    kind_nodes: dict[str, KindNode] = {}
    for kind, (sub, clause) in sorted(kinds.items(), key=lambda kv: _clause_key(kv[1][1])):
        node = subsystems.setdefault(sub, SubSystemNode(sub, labels.get(sub, lang)))
        kind_nodes[kind] = KindNode(kind, labels.get(kind, lang), clause)
        node.kinds.append(kind_nodes[kind])
    unclassified = []
    for iri, fact in facts.items():
        status = fact.get("status", "")
        row = StandardRow(iri, fact.get("number", ""), fact.get("systemNumber", ""),
                          labels.get(iri, lang) if labels.has(iri) else fact.get("number", iri),
                          last_segment(status) if status else "",
                          labels.get(status, lang) if status else "")
        target = kind_nodes.get(fact.get("kind", ""))
        (target.standards if target else unclassified).append(row)
    for node in kind_nodes.values():
        node.standards.sort(key=lambda s: (s.system_number, s.number, s.iri))
    def position(node: SubSystemNode) -> int:
        slug = last_segment(node.iri)
        return SUBSYSTEM_ORDER.index(slug) if slug in SUBSYSTEM_ORDER else len(SUBSYSTEM_ORDER)

    ordered = sorted(subsystems.values(), key=position)
    return ordered, unclassified


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(p) for p in clause.split(".") if p.isdigit())


def county_agreements(store: Store, county: ox.NamedNode, lang: str) -> list[AgreementRow]:
    labels = LabelBook()
    facts: dict[str, dict[str, object]] = {}
    for sol in store.query(_AGREEMENTS, bindings={"county": county}):
        iri = sol["agreement"].value
        fact = facts.setdefault(iri, {"parties": [], "items": [], "from": value(sol["from"]),
                                      "until": value(sol["until"])})
        if sol["of"] is not None:
            labels.add(sol["of"].value, sol["label"])
        party, item = sol["party"], sol["item"]
        if party is not None and party != county and party.value not in fact["parties"]:
            fact["parties"].append(party.value)  # type: ignore[attr-defined]
        if item is not None and item.value not in fact["items"]:
            fact["items"].append(item.value)  # type: ignore[attr-defined]
    rows = [AgreementRow(iri, labels.get(iri, lang),
                         [Link(p, labels.get(p, lang)) for p in fact["parties"]],  # type: ignore[attr-defined]
                         [Link(i, labels.get(i, lang)) for i in fact["items"]],  # type: ignore[attr-defined]
                         str(fact["from"] or ""), str(fact["until"] or ""))
            for iri, fact in facts.items()]
    rows.sort(key=lambda r: (r.valid_until, r.iri))
    return rows


def county_dashboard(store: Store, code: str, lang: str) -> CountyDashboard:
    """Everything the county page shows; ``NotFound`` for a code that is not a county."""
    county = county_term(code)
    labels = LabelBook()
    parents: list[str] = []
    system: str | None = None
    synthetic = False
    for sol in store.query(_HEADER, bindings={"county": county}):
        of = sol["of"].value
        labels.add(of, sol["label"])
        if sol["system"] is not None:
            system = sol["system"].value
            synthetic = synthetic or value(sol["synthetic"]) == "true"
        if of not in (county.value, system) and of not in parents:
            parents.append(of)
    if not labels.has(county.value):
        raise NotFound(f"no county with code {code} in the graph", Location(value=code))
    subsystems, unclassified = _system_tree(store, county, lang)
    run = latest_run(store)
    return CountyDashboard(
        code=code,
        iri=county.value,
        label=labels.get(county.value, lang),
        place=[Link(p, labels.get(p, lang)) for p in sorted(parents)],
        system=Link(system, labels.get(system, lang)) if system else None,
        synthetic=synthetic,
        subsystems=subsystems,
        unclassified=unclassified,
        coverage=coverage_cells(store, county, lang),
        indicators=county_indicators(store, county, lang),
        agreements=county_agreements(store, county, lang),
        latest_run=run,
        findings=county_findings(store, run, code, lang) if run else [],
    )
