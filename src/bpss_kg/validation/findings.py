"""Validation findings: one shape of result for every engine, and the W3C report graph."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH

from ..rdf_terms import term_from_nt

SEVERITY_ORDER = {str(SH.Violation): 0, str(SH.Warning): 1, str(SH.Info): 2}


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result. Terms are kept in N-Triples form so engines compare exactly."""

    focus: str
    shape: str
    component: str
    path: str | None = None
    value: str | None = None
    severity: str = str(SH.Violation)
    messages: tuple[tuple[str, str], ...] = ()  # (language, text), sorted
    unit: str = field(default="", compare=False)  # the county code (or file) it was found in
    constraint: str | None = field(default=None, compare=False)  # a SPARQL constraint's node

    def key(self) -> tuple[str, str, str, str | None, str | None, str]:
        return (self.focus, self.shape, self.component, self.path, self.value, self.severity)

    def message(self, lang: str) -> str:
        return next((text for language, text in self.messages if language == lang),
                    self.messages[0][1] if self.messages else "")

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["messages"] = dict(self.messages)
        return data


def _term(text: str | None) -> URIRef | BNode | Literal | None:
    """An rdflib term from N-Triples text (the form findings keep), lexical form as written."""
    if text is None:
        return None
    return term_from_nt(text)


PATH_PREDICATES = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath,
                   SH.zeroOrOnePath)


def _copy_path(shapes: Graph, node: object, graph: Graph, seen: set[object]) -> None:
    """Copy a complex SHACL path from the shapes graph into the report, as SHACL asks of
    ``sh:resultPath``: the triples its syntax uses (a list, or one path predicate), no more."""
    if not isinstance(node, BNode) or node in seen:
        return
    seen.add(node)
    first = shapes.value(node, RDF.first)
    if first is not None:  # a sequence path, or a list inside sh:alternativePath
        rest = shapes.value(node, RDF.rest, default=RDF.nil)
        graph.add((node, RDF.first, first))
        graph.add((node, RDF.rest, rest))
        _copy_path(shapes, first, graph, seen)
        _copy_path(shapes, rest, graph, seen)
        return
    for predicate in PATH_PREDICATES:
        for inner in shapes.objects(node, predicate):
            graph.add((node, predicate, inner))
            _copy_path(shapes, inner, graph, seen)


def report_graph(findings: list[Finding], conforms: bool | None = None,
                 with_units: bool = False, shapes: Graph | None = None) -> Graph:
    """A complete W3C SHACL ``sh:ValidationReport`` for the findings; ``with_units`` adds
    each result's unit (county code) as its ``dcterms:identifier``; with the ``shapes`` graph,
    complex result paths are written out (they are blank nodes of the shapes graph)."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode("report")
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not findings if conforms is None else conforms)))
    for finding in sorted(findings):
        result = BNode()
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, _term(finding.focus)))
        graph.add((result, SH.sourceShape, _term(finding.shape)))
        graph.add((result, SH.sourceConstraintComponent, URIRef(finding.component)))
        graph.add((result, SH.resultSeverity, URIRef(finding.severity)))
        if finding.path is not None:
            path = _term(finding.path)
            graph.add((result, SH.resultPath, path))
            if shapes is not None:
                _copy_path(shapes, path, graph, set())
        if finding.value is not None:
            graph.add((result, SH.value, _term(finding.value)))
        if finding.constraint is not None:
            graph.add((result, SH.sourceConstraint, _term(finding.constraint)))
        for language, text in finding.messages:
            graph.add((result, SH.resultMessage, Literal(text, lang=language or None)))
        if with_units:
            graph.add((result, DCTERMS.identifier, Literal(finding.unit)))
    return graph
