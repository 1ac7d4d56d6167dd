"""Validation runs stored as RDF, each in its own graph ``bpssg:validation/{run-id}``: the W3C
report, the time, the shapes' version and digest, the as-of date, and per-unit conformance
and the store's change sequence (or, for a remote store, content hashes), used by
``--changed``. Only the newest runs are kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, XSD

from ..namespaces import BPSS, GRAPH, ID
from ..store import Store
from .findings import Finding, report_graph
from .reference import findings_from_report
from .runner import KEEP_RUNS, VALIDATION_PREFIX, ValidationRun, new_run_id


def run_graph(run: ValidationRun, run_id: str, ended: datetime) -> Graph:
    graph = report_graph(run.findings)
    report = next(iter(graph.subjects(RDF.type, SH.ValidationReport)))
    node = ID[f"validation/{run_id}"]
    graph.add((node, RDF.type, PROV.Activity))
    graph.add((node, RDFS.label, Literal(f"校验运行 {run_id}", lang="zh")))
    graph.add((node, RDFS.label, Literal(f"validation run {run_id}", lang="en")))
    graph.add((node, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    graph.add((node, BPSS.asOfDate, Literal(run.as_of.isoformat(), datatype=XSD.date)))
    graph.add((node, OWL.versionInfo, Literal(run.shapes.version)))
    graph.add((node, BPSS.shapesDigest, Literal(run.shapes.digest)))
    graph.add((node, BPSS.engine, Literal(run.engine)))
    graph.add((node, PROV.generated, report))
    if run.graph_hashes:
        graph.add((node, BPSS.graphHashes,
                   Literal(json.dumps(run.graph_hashes, sort_keys=True))))
    if run.change_sequence is not None:
        graph.add((node, BPSS.changeSequence, Literal(run.change_sequence)))
    failing = {f.unit for f in run.findings}
    for unit in run.units:
        checked = BNode()
        graph.add((node, BPSS.checkedUnit, checked))
        graph.add((checked, DCTERMS.identifier, Literal(unit.name)))
        graph.add((checked, BPSS.unitGraph, URIRef(unit.graph)))
        graph.add((checked, SH.conforms, Literal(unit.name not in failing)))
        if unit.name.isdigit():
            graph.add((checked, BPSS.forDivision, ID[f"place/{unit.name}"]))
    for finding in run.findings:
        for result in graph.subjects(SH.focusNode, URIRef(finding.focus[1:-1])
                                     if finding.focus.startswith("<") else None):
            graph.add((result, DCTERMS.identifier, Literal(finding.unit)))
    return graph


def store_run(store: Store, run: ValidationRun) -> str:
    """Write the run into its own graph and drop runs beyond the newest ``KEEP_RUNS``."""
    ended = datetime.now(UTC)
    run.run_id = new_run_id(ended)
    name = GRAPH[f"validation/{run.run_id}"]
    data = run_graph(run, run.run_id, ended).serialize(format="nt", encoding="utf-8")
    triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    store.replace_graph(ox.NamedNode(str(name)), triples)
    runs = sorted(g.value for g in store.named_graphs()
                  if g.value.startswith(VALIDATION_PREFIX) and g.value != str(GRAPH[
                      "validation/context"]))
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
