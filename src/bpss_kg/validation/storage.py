"""Validation runs stored as RDF, each in its own graph ``bpssg:validation/{run-id}``: the W3C
report, the time, the shapes' version and digest, the as-of date, and per-unit conformance
and the store's change sequence (or, for a remote store, content hashes), used by
``--changed``. Only the newest runs are kept.

Each run's graph holds the shapes it used too (every shape with the IRI its results name), and
each stored result names its node shape (``bpss:nodeShape``) and fault kind (``bpss:faultKind``),
so "findings per principle per county" is a plain join inside one run's graph."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, XSD

from ..namespaces import BPSS, GRAPH, ID
from ..store import Store
from .compiled import root_shape
from .findings import Finding, _term
from .reference import findings_from_report
from .runner import KEEP_RUNS, VALIDATION_PREFIX, ValidationRun, new_run_id
from .shapes import Shapes

NOT_RUNS = {str(GRAPH["validation/context"])}

_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def run_document(run: ValidationRun, run_id: str, ended: datetime) -> bytes:
    """The run's graph: the W3C report (each result with its unit's code), the run's
    provenance, and per checked unit its conformance and a compact copy of its findings.

    Written as N-Triples text for the store to parse: findings keep their terms in N-Triples
    form already, and a national run has some 25,000 triples, which rdflib would take about a
    second to build."""
    def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
        quoted = '"' + text.translate(_NT_ESCAPES) + '"'
        if lang:
            return f"{quoted}@{lang}"
        return f"{quoted}^^<{datatype}>" if datatype else quoted

    node = f"<{ID[f'validation/{run_id}']}>"
    report = "_:report"
    lines = [
        f"{report} <{RDF.type}> <{SH.ValidationReport}> .",
        f"{report} <{SH.conforms}> {lit(str(not run.findings).lower(), datatype=XSD.boolean)} .",
        f"{node} <{RDF.type}> <{PROV.Activity}> .",
        f"{node} <{RDFS.label}> {lit(f'校验运行 {run_id}', 'zh')} .",
        f"{node} <{RDFS.label}> {lit(f'validation run {run_id}', 'en')} .",
        f"{node} <{PROV.endedAtTime}> {lit(ended.isoformat(), datatype=XSD.dateTime)} .",
        f"{node} <{BPSS.asOfDate}> {lit(run.as_of.isoformat(), datatype=XSD.date)} .",
        f"{node} <{OWL.versionInfo}> {lit(run.shapes.version)} .",
        f"{node} <{BPSS.shapesDigest}> {lit(run.shapes.digest)} .",
        f"{node} <{BPSS.engine}> {lit(run.engine)} .",
        f"{node} <{PROV.generated}> {report} .",
    ]
    if run.graph_hashes:
        lines.append(f"{node} <{BPSS.graphHashes}> "
                     f"{lit(json.dumps(run.graph_hashes, sort_keys=True))} .")
    if run.change_sequence is not None:
        lines.append(f"{node} <{BPSS.changeSequence}> "
                     f"{lit(str(run.change_sequence), datatype=XSD.integer)} .")
    for index, finding in enumerate(sorted(run.findings)):
        result = f"_:r{index}"
        lines += [f"{report} <{SH.result}> {result} .",
                  f"{result} <{RDF.type}> <{SH.ValidationResult}> .",
                  f"{result} <{SH.focusNode}> {finding.focus} .",
                  f"{result} <{SH.sourceShape}> {finding.shape} .",
                  f"{result} <{SH.sourceConstraintComponent}> <{finding.component}> .",
                  f"{result} <{SH.resultSeverity}> <{finding.severity}> .",
                  f"{result} <{DCTERMS.identifier}> {lit(finding.unit)} ."]
        owner = _owner(run.shapes, finding.shape)
        if owner is not None:
            lines.append(f"{result} <{BPSS.nodeShape}> {owner} .")
        fault = run.shapes.info(finding.shape).fault
        if fault:
            lines.append(f"{result} <{BPSS.faultKind}> {lit(fault)} .")
        if finding.path is not None:
            lines.append(f"{result} <{SH.resultPath}> {finding.path} .")
        if finding.value is not None:
            lines.append(f"{result} <{SH.value}> {finding.value} .")
        lines += [f"{result} <{SH.resultMessage}> {lit(text, language)} ."
                  for language, text in finding.messages]
    per_unit: dict[str, list[Finding]] = {}
    for finding in run.findings:
        per_unit.setdefault(finding.unit, []).append(finding)
    for index, unit in enumerate(run.units):
        checked = f"_:u{index}"
        lines += [f"{node} <{BPSS.checkedUnit}> {checked} .",
                  f"{checked} <{DCTERMS.identifier}> {lit(unit.name)} .",
                  f"{checked} <{BPSS.unitGraph}> <{unit.graph}> .",
                  f"{checked} <{SH.conforms}> "
                  f"{lit(str(unit.name not in per_unit).lower(), datatype=XSD.boolean)} ."]
        if unit.name in per_unit:
            compact = json.dumps([_compact(f) for f in per_unit[unit.name]], ensure_ascii=False)
            lines.append(f"{checked} <{BPSS.unitFindings}> {lit(compact)} .")
        if unit.name.isdigit():
            lines.append(f"{checked} <{BPSS.forDivision}> <{ID[f'place/{unit.name}']}> .")
    return "\n".join(lines).encode("utf-8") + b"\n" + shapes_document(run.shapes)


def _owner(shapes: Shapes, shape: str) -> str | None:
    """The node shape (N-Triples) that owns ``shape``: itself for a node shape."""
    term = _term(shape)
    if not isinstance(term, URIRef):
        return None
    owner = root_shape(shapes.graph, term)
    return owner.n3() if isinstance(owner, URIRef) else None


def shapes_document(shapes: Shapes) -> bytes:
    """The run's shapes graph as N-Triples: every shape with the IRI its result names."""
    return shapes.graph.serialize(format="nt", encoding="utf-8")


def _compact(finding: Finding) -> list[object]:
    return [finding.focus, finding.shape, finding.component, finding.path, finding.value,
            finding.severity, [list(m) for m in finding.messages]]


UNIT_FINDINGS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?g ?name ?findings WHERE {
  GRAPH ?g { ?run bpss:checkedUnit ?unit . ?unit dcterms:identifier ?name ;
                  bpss:unitFindings ?findings }
}
"""


FAILING_UNIT = """
ASK { GRAPH ?g { ?unit <http://www.w3.org/ns/shacl#conforms> false } }
"""


def read_unit_findings(store: Store, graph_name: str, units: set[str]) -> list[Finding] | None:
    """The findings a stored run made in ``units``, from its compact per-unit copies (one
    query, no report parsing); None for a run stored before those copies existed."""
    found: list[Finding] = []
    graph = ox.NamedNode(graph_name)
    solutions = list(store.query(UNIT_FINDINGS, bindings={"g": graph}))  # type: ignore[arg-type]
    if not solutions and bool(store.query(FAILING_UNIT, named_graphs=[graph])):
        return None  # failing units but no compact copies: an older run
    for solution in solutions:
        name = solution["name"].value
        if name not in units:
            continue
        for focus, shape, component, path, value, severity, messages in json.loads(
                solution["findings"].value):
            found.append(Finding(focus, shape, component, path, value, severity,
                                 tuple((lang, text) for lang, text in messages), name))
    return found


def store_run(store: Store, run: ValidationRun) -> str:
    """Write the run into its own graph and drop runs beyond the newest ``KEEP_RUNS``."""
    ended = datetime.now(UTC)
    run.run_id = new_run_id(ended)
    name = GRAPH[f"validation/{run.run_id}"]
    # A new graph (run ids are unique): one atomic insert, no SPARQL text to parse.
    store.add_document(ox.NamedNode(str(name)), run_document(run, run.run_id, ended),
                       ox.RdfFormat.N_TRIPLES)
    runs = sorted(g.value for g in store.named_graphs()
                  if g.value.startswith(VALIDATION_PREFIX) and g.value not in NOT_RUNS)
    for old in runs[:-KEEP_RUNS]:
        store.drop_graph(ox.NamedNode(old))
    return str(name)


def read_findings(store: Store, graph_name: str) -> list[Finding]:
    """The findings of a stored run (with the unit each was found in)."""
    data = ox.serialize([q.triple for q in store.quads(ox.NamedNode(graph_name))],
                        format=ox.RdfFormat.N_TRIPLES)
    graph = Graph().parse(data=data, format="nt") if data else Graph()
    findings = []
    for finding in findings_from_report(graph):
        focus = URIRef(finding.focus[1:-1]) if finding.focus.startswith("<") else None
        unit = ""
        for result in graph.subjects(SH.focusNode, focus):
            if str(graph.value(result, SH.sourceShape).n3()) == finding.shape:
                unit = str(graph.value(result, DCTERMS.identifier) or "")
        findings.append(Finding(**{**finding.__dict__, "unit": unit}))
    return findings
