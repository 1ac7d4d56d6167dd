"""The fast engine: SHACL shapes compiled to SPARQL queries that run on the store.

Each constraint becomes one SELECT over all focus nodes at once, instead of one evaluation per
focus node (pySHACL re-parses a SPARQL constraint for every focus node). Supported: targets
``sh:targetClass`` (with ``rdfs:subClassOf*`` in the data, as SHACL says), ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``; SPARQL-based constraints (``sh:sparql`` with
``sh:select``, pre-binding of ``$this`` by a join, ``$PATH`` for property shapes); and the Core
components minCount, maxCount, hasValue, in, datatype, class, nodeKind, pattern, minLength,
maxLength, languageIn, min/maxInclusive, min/maxExclusive on predicate and SPARQL-expressible
paths. Anything else (logical and shape-based components, closed shapes, custom components,
implicit class targets, sh:select with sub-queries) is not compiled: ``CompiledShapes.fallback``
lists those shapes, and the runner hands them to pySHACL so semantics stay exactly SHACL's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from ..errors import BadInput

RDF_TYPE = RDF.type.n3()
SUBCLASS = RDFS.subClassOf.n3()
DASH_FREE = re.compile(r"\bSELECT\b", re.IGNORECASE)
FORBIDDEN = re.compile(r"\b(VALUES|MINUS|SERVICE)\b", re.IGNORECASE)
COMPILED_COMPONENTS = {
    SH.minCount, SH.maxCount, SH.hasValue, SH["in"], SH.datatype, SH["class"], SH.nodeKind,
    SH.pattern, SH.minLength, SH.maxLength, SH.languageIn, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.sparql,
}
# Parameters that only qualify another component (not constraints of their own).
QUALIFIERS = {SH.flags}
SHAPE_KEYWORDS = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.severity,
    SH.message, SH.property, SH.path, SH.deactivated, SH.name, SH.description, SH.order,
    SH.group, SH.defaultValue, RDF.type,
}
UNSUPPORTED = {
    SH["and"], SH["or"], SH["not"], SH.xone, SH.node, SH.qualifiedValueShape, SH.closed,
    SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.uniqueLang, SH.target,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.ignoredProperties,
}


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT yielding ?this (and ?value / ?path when known)."""

    shape: str  # n3 of the source shape
    component: str
    path: str | None  # n3 of the result path, if fixed
    severity: str
    messages: tuple[tuple[str, str], ...]
    query: str
    value_is_focus: bool = False  # node-level SPARQL constraints report $this as the value


@dataclass
class CompiledShapes:
    checks: list[Check] = field(default_factory=list)
    fallback: list[URIRef | BNode] = field(default_factory=list)


def _n3(term: object) -> str:
    return term.n3()  # type: ignore[attr-defined]


def _path(graph: Graph, node: object) -> str | None:
    """A SHACL path as a SPARQL property path, or None when it has no SPARQL form."""
    if isinstance(node, URIRef):
        return node.n3()
    if not isinstance(node, BNode):
        return None
    if (node, RDF.first, None) in graph:
        parts = [_path(graph, p) for p in Collection(graph, node)]
        return None if None in parts else "(" + "/".join(parts) + ")"  # type: ignore[arg-type]
    for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                                (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(node, predicate)
        if inner is not None:
            text = _path(graph, inner)
            return None if text is None else "(" + template.format(text) + ")"
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        parts = [_path(graph, p) for p in Collection(graph, alternatives)]
        return None if None in parts else "(" + "|".join(parts) + ")"  # type: ignore[arg-type]
    return None


def _targets(graph: Graph, shape: object) -> list[str]:
    patterns = []
    for cls in graph.objects(shape, SH.targetClass):
        patterns.append(f"?this {RDF_TYPE}/{SUBCLASS}* {_n3(cls)} .")
    for node in graph.objects(shape, SH.targetNode):
        patterns.append(f"BIND({_n3(node)} AS ?this)")
    for predicate in graph.objects(shape, SH.targetSubjectsOf):
        patterns.append(f"?this {_n3(predicate)} ?target_o .")
    for predicate in graph.objects(shape, SH.targetObjectsOf):
        patterns.append(f"?target_s {_n3(predicate)} ?this .")
    return patterns


def _target_block(patterns: list[str], scope: str) -> str:
    union = " UNION ".join("{ " + p + " }" for p in patterns)
    return (f"{{ SELECT DISTINCT ?this WHERE {{ {union} {scope} }} }}")


def _messages(graph: Graph, *nodes: object) -> tuple[tuple[str, str], ...]:
    for node in nodes:
        found = sorted((m.language or "", str(m)) for m in graph.objects(node, SH.message)
                       if isinstance(m, Literal))
        if found:
            return tuple(found)
    return ()


def _prefixes(graph: Graph, constraint: object) -> str:
    lines = []
    for holder in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(holder, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _inject(select: str, block: str) -> str | None:
    """Put the target block first in the outermost WHERE group (None if there is none)."""
    match = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE) or re.search(r"\{", select)
    if match is None:
        return None
    return select[:match.end()] + "\n  " + block + "\n" + select[match.end():]


def _property_checks(graph: Graph, prop: object, targets: str, severity: str,
                     path: str, path_n3: str, node_messages: tuple) -> list[Check]:
    messages = _messages(graph, prop) or node_messages
    shape = _n3(prop)
    checks = []

    def add(component: URIRef, body: str, with_value: bool = True, tail: str = "") -> None:
        select = "?this ?value" if with_value else "?this"
        checks.append(Check(shape, str(component), path_n3, severity, messages,
                            f"SELECT {select} WHERE {{\n  {targets}\n  {body}\n}} {tail}"))

    def value_filter(component: URIRef, condition: str) -> None:
        add(component, f"?this {path} ?value . FILTER({condition})")

    for count in graph.objects(prop, SH.minCount):
        if int(count) > 0:
            add(SH.MinCountConstraintComponent, f"OPTIONAL {{ ?this {path} ?v }}", False,
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(count)})")
    for count in graph.objects(prop, SH.maxCount):
        add(SH.MaxCountConstraintComponent, f"?this {path} ?v .", False,
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(count)})")
    for value in graph.objects(prop, SH.hasValue):
        add(SH.HasValueConstraintComponent,
            f"FILTER NOT EXISTS {{ ?this {path} {_n3(value)} }}", with_value=False)
    for head in graph.objects(prop, SH["in"]):
        members = ", ".join(_n3(m) for m in Collection(graph, head))
        value_filter(SH.InConstraintComponent, f"!(?value IN ({members}))" if members else "true")
    for datatype in graph.objects(prop, SH.datatype):
        value_filter(SH.DatatypeConstraintComponent,
                     f"!isLiteral(?value) || datatype(?value) != {_n3(datatype)}")
    for cls in graph.objects(prop, SH["class"]):
        add(SH.ClassConstraintComponent,
            f"?this {path} ?value . FILTER NOT EXISTS {{ ?value {RDF_TYPE}/{SUBCLASS}* "
            f"{_n3(cls)} }}")
    for kind in graph.objects(prop, SH.nodeKind):
        tests = {
            SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)",
            SH.Literal: "isLiteral(?value)",
            SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
            SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
            SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
        }
        value_filter(SH.NodeKindConstraintComponent, f"!{tests[kind]}")
    for pattern in graph.objects(prop, SH.pattern):
        flags = graph.value(prop, SH.flags)
        regex = Literal(str(pattern)).n3()
        args = f"{regex}, {Literal(str(flags)).n3()}" if flags else regex
        value_filter(SH.PatternConstraintComponent,
                     f"isBlank(?value) || !REGEX(STR(?value), {args})")
    for length in graph.objects(prop, SH.minLength):
        value_filter(SH.MinLengthConstraintComponent,
                     f"isBlank(?value) || STRLEN(STR(?value)) < {int(length)}")
    for length in graph.objects(prop, SH.maxLength):
        value_filter(SH.MaxLengthConstraintComponent,
                     f"isBlank(?value) || STRLEN(STR(?value)) > {int(length)}")
    for head in graph.objects(prop, SH.languageIn):
        tests = " || ".join(f"langMatches(lang(?value), {Literal(str(t)).n3()})"
                            for t in Collection(graph, head))
        value_filter(SH.LanguageInConstraintComponent,
                     f"!isLiteral(?value) || !({tests or 'false'})")
    for predicate, component, op in (
            (SH.minInclusive, SH.MinInclusiveConstraintComponent, ">="),
            (SH.maxInclusive, SH.MaxInclusiveConstraintComponent, "<="),
            (SH.minExclusive, SH.MinExclusiveConstraintComponent, ">"),
            (SH.maxExclusive, SH.MaxExclusiveConstraintComponent, "<")):
        for bound in graph.objects(prop, predicate):
            value_filter(component, f"!COALESCE(?value {op} {_n3(bound)}, false)")
    return checks


def _sparql_checks(graph: Graph, shape: object, targets: str, severity: str,
                   path: str | None, path_n3: str | None) -> list[Check] | None:
    checks = []
    for constraint in graph.objects(shape, SH.sparql):
        if (constraint, SH.deactivated, Literal(True)) in graph:
            continue
        select = graph.value(constraint, SH.select)
        if select is None:
            return None
        text = str(select)
        if FORBIDDEN.search(text):
            raise BadInput(f"SPARQL constraint of {_n3(shape)} uses VALUES, MINUS or SERVICE, "
                           "which SHACL does not allow")
        if len(DASH_FREE.findall(text)) > 1 or "$currentShape" in text or \
                "$shapesGraph" in text:
            return None
        text = text.replace("$this", "?this")
        if path is not None:
            text = text.replace("$PATH", path)
        body = _inject(text, targets)
        if body is None:
            return None
        query = _prefixes(graph, constraint) + "\n" + body
        checks.append(Check(_n3(shape), str(SH.SPARQLConstraintComponent), path_n3, severity,
                            _messages(graph, constraint, shape), query,
                            value_is_focus=path is None))
    return checks


def _own_keys(graph: Graph, node: object) -> set[URIRef]:
    return {p for p in graph.predicates(node) if isinstance(p, URIRef)}


def compile_shapes(graph: Graph, scope: str = "") -> CompiledShapes:
    """Compile every shape of ``graph``; ``scope`` is extra SPARQL restricting ?this."""
    compiled = CompiledShapes()
    node_shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | {
        s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        for s in graph.subjects(p, None)}
    for shape in sorted(node_shapes, key=str):
        if (shape, SH.deactivated, Literal(True)) in graph:
            continue
        if (shape, RDF.type, RDFS.Class) in graph or ((shape, RDF.type, SH.PropertyShape) in graph \
                and (shape, SH.path, None) in graph):
            compiled.fallback.append(shape)
            continue
        patterns = _targets(graph, shape)
        if not patterns:
            continue
        keys = _own_keys(graph, shape)
        props = list(graph.objects(shape, SH.property))
        if keys & UNSUPPORTED or any(_own_keys(graph, p) & UNSUPPORTED for p in props) or \
                (keys - SHAPE_KEYWORDS - COMPILED_COMPONENTS - QUALIFIERS
                 - {URIRef(str(k)) for k in keys if not str(k).startswith(str(SH))}):
            compiled.fallback.append(shape)
            continue
        targets = _target_block(patterns, scope)
        severity = str(graph.value(shape, SH.severity) or SH.Violation)
        node_checks = _sparql_checks(graph, shape, targets, severity, None, None)
        if node_checks is None or any(p in keys for p in COMPILED_COMPONENTS - {SH.sparql}):
            compiled.fallback.append(shape)
            continue
        checks = list(node_checks)
        failed = False
        for prop in props:
            if (prop, SH.deactivated, Literal(True)) in graph:
                continue
            path_node = graph.value(prop, SH.path)
            path = _path(graph, path_node)
            if path is None:
                failed = True
                break
            prop_severity = str(graph.value(prop, SH.severity) or SH.Violation)
            checks += _property_checks(graph, prop, targets, prop_severity, path,
                                       _n3(path_node), ())
            sparql = _sparql_checks(graph, prop, targets, prop_severity, path, _n3(path_node))
            if sparql is None:
                failed = True
                break
            checks += sparql
        if failed:
            compiled.fallback.append(shape)
            continue
        compiled.checks.extend(checks)
    return compiled


