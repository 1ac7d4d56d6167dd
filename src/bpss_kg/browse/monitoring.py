"""Read model of a county's 监测改进 records (issue 19): assessments and surveys with their
scores, monitoring warnings, improvement actions — for the county report."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import ID
from ..store.base import Store

BPSS = "https://w3id.org/bpss-kg/def#"
PREFIXES = f"""PREFIX bpss: <{BPSS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_ACTIVITIES = PREFIXES + """
SELECT ?system ?a ?type ?label ?date ?start ?end ?method ?size ?result ?lang WHERE {
  ?a bpss:evaluates ?system ; a ?type .
  VALUES ?type { bpss:EffectAssessment bpss:SatisfactionSurvey bpss:MonitoringWarning
                 bpss:JointInspection }
  OPTIONAL { ?a rdfs:label ?label FILTER(lang(?label) = ?lang) }
  OPTIONAL { ?a dcterms:date ?date } OPTIONAL { ?a bpss:periodStart ?start }
  OPTIONAL { ?a bpss:periodEnd ?end } OPTIONAL { ?a bpss:method ?method }
  OPTIONAL { ?a bpss:sampleSize ?size } OPTIONAL { ?a bpss:result ?result }
} ORDER BY ?type ?a"""
_SCORES = PREFIXES + """
SELECT DISTINCT ?system ?a ?item ?itemLabel ?value ?scale ?lang WHERE {
  ?s bpss:scoreOf ?a ; bpss:scoredItem ?item ; bpss:scoreValue ?value .
  ?a bpss:evaluates ?system .
  OPTIONAL { ?s bpss:scoreScale ?scale }
  OPTIONAL { ?item skos:prefLabel|rdfs:label ?wanted FILTER(lang(?wanted) = ?lang) }
  OPTIONAL { ?item skos:prefLabel|rdfs:label ?zh FILTER(lang(?zh) = "zh") }
  BIND(COALESCE(?wanted, ?zh) AS ?itemLabel)  # the national items have only Chinese labels
} ORDER BY ?a ?item"""
_FINDINGS = PREFIXES + """
SELECT ?system ?a ?finding WHERE { ?a bpss:evaluates ?system ; bpss:finding ?finding }
ORDER BY ?a ?finding"""
_WARNINGS = PREFIXES + """
SELECT DISTINCT ?system ?a ?indicator ?indicatorLabel ?threshold ?value ?raised ?lang WHERE {
  ?a bpss:evaluates ?system ; bpss:warningIndicator ?indicator .
  OPTIONAL { ?a bpss:threshold ?threshold } OPTIONAL { ?a bpss:warningValue ?value }
  OPTIONAL { ?a bpss:raisedOn ?raised }
  OPTIONAL { ?indicator rdfs:label ?wanted FILTER(lang(?wanted) = ?lang) }
  OPTIONAL { ?indicator rdfs:label ?zh FILTER(lang(?zh) = "zh") }
  BIND(COALESCE(?wanted, ?zh) AS ?indicatorLabel)
} ORDER BY ?raised ?a"""
_ACTIONS = PREFIXES + """
SELECT ?system ?action ?text ?due ?status ?closed ?by ?edition ?lang WHERE {
  ?action a bpss:ImprovementAction ; bpss:requiredBy ?by .
  ?by bpss:evaluates ?system .
  OPTIONAL { ?action bpss:actionText ?text FILTER(lang(?text) = ?lang) }
  OPTIONAL { ?action bpss:dueDate ?due } OPTIONAL { ?action bpss:actionStatus ?status }
  OPTIONAL { ?action bpss:closedOn ?closed } OPTIONAL { ?action bpss:carriedOutIn ?edition }
} ORDER BY ?due ?action"""
_ACTION_STANDARDS = PREFIXES + """
SELECT DISTINCT ?system ?action ?standard ?number WHERE {
  ?action a bpss:ImprovementAction ; bpss:requiredBy/bpss:evaluates ?system ;
          bpss:underStandard ?standard .
  OPTIONAL { ?standard bpss:standardNumber ?number }
} ORDER BY ?action ?number"""
KINDS = {f"{BPSS}EffectAssessment": "assessment", f"{BPSS}SatisfactionSurvey": "survey",
         f"{BPSS}MonitoringWarning": "warning", f"{BPSS}JointInspection": "inspection"}


@dataclass
class Score:
    item: str
    label: str
    value: float
    scale: float


@dataclass
class Activity:
    iri: str
    kind: str  # assessment, survey, warning, inspection
    label: str
    date: str
    period: str
    method: str
    sample_size: int | None
    result: str
    findings: list[str] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)


@dataclass(frozen=True)
class Warning:
    iri: str
    indicator: str
    label: str
    threshold: float | None
    value: float | None
    raised: str


@dataclass(frozen=True)
class Action:
    iri: str
    text: str
    due: str
    open: bool
    closed: str
    asked_by: str
    edition: str = ""  # the edition that carried it out (bpss:carriedOutIn), an IRI
    standards: list[tuple[str, str]] = field(default_factory=list)  # (IRI, number) under which


@dataclass
class CountyMonitoring:
    activities: list[Activity]
    warnings: list[Warning]
    actions: list[Action]

    @property
    def open_actions(self) -> list[Action]:
        return [a for a in self.actions if a.open]


def _v(term: object) -> str:
    return term.value if term is not None else ""  # type: ignore[attr-defined]


def _run(store: Store, text: str, system: str, lang: str) -> list[ox.QuerySolution]:
    bindings: dict[str, ox.NamedNode | ox.Literal] = {"system": ox.NamedNode(system)}
    if "?lang" in text:
        bindings["lang"] = ox.Literal(lang)
    return list(store.query(text, bindings=bindings))  # type: ignore[arg-type]


def county_monitoring(store: Store, code: str, lang: str) -> CountyMonitoring:
    """The 监测改进 records about county ``code``'s system (a checked six-digit code)."""
    system = str(ID[f"system/county/{code}"])
    activities: dict[str, Activity] = {}
    for r in _run(store, _ACTIVITIES, system, lang):
        iri = r["a"].value
        if iri in activities:
            continue
        start, end = _v(r["start"]), _v(r["end"])
        activities[iri] = Activity(
            iri, KINDS[r["type"].value], _v(r["label"]) or iri.rsplit("/", 2)[-2],
            _v(r["date"]), f"{start} – {end}" if start or end else "", _v(r["method"]),
            int(r["size"].value) if r["size"] is not None else None, _v(r["result"]))
    for r in _run(store, _FINDINGS, system, lang):
        if r["a"].value in activities:
            activities[r["a"].value].findings.append(r["finding"].value)
    for r in _run(store, _SCORES, system, lang):
        if r["a"].value in activities:
            activities[r["a"].value].scores.append(Score(
                r["item"].value, _v(r["itemLabel"]) or r["item"].value.rsplit("/", 1)[-1],
                float(r["value"].value), float(r["scale"].value) if r["scale"] else 100.0))
    warnings = [Warning(r["a"].value, r["indicator"].value, _v(r["indicatorLabel"]),
                        float(r["threshold"].value) if r["threshold"] else None,
                        float(r["value"].value) if r["value"] else None, _v(r["raised"]))
                for r in _run(store, _WARNINGS, system, lang)]
    actions = [Action(r["action"].value, _v(r["text"]), _v(r["due"]),
                      _v(r["status"]).endswith("/open"), _v(r["closed"]), r["by"].value,
                      _v(r["edition"]))
               for r in _run(store, _ACTIONS, system, lang)]
    by_iri = {a.iri: a for a in actions}
    for r in _run(store, _ACTION_STANDARDS, system, lang):
        if r["action"].value in by_iri:
            by_iri[r["action"].value].standards.append(
                (r["standard"].value, _v(r["number"]) or r["standard"].value))
    return CountyMonitoring(list(activities.values()), warnings, actions)
