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
from rdflib.namespace import OWL, RDF, RDFS, SH

from ..errors import BadInput
from ..rdf_terms import CHECKED_DATATYPES
from ..rdf_terms import XSD as XSD_NS

RDF_TYPE = RDF.type.n3()
SUBCLASS = RDFS.subClassOf.n3()
DASH_FREE = re.compile(r"\bSELECT\b", re.IGNORECASE)
FORBIDDEN = re.compile(r"\b(VALUES|MINUS|SERVICE)\b", re.IGNORECASE)
COMPILED_COMPONENTS = {
    SH.minCount, SH.maxCount, SH.hasValue, SH["in"], SH.datatype, SH["class"], SH.nodeKind,
    SH.pattern, SH.minLength, SH.maxLength, SH.languageIn, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.sparql,
}
FOLDED_DATATYPES = {"integer", "byte", "short", "int", "long", "unsignedByte", "unsignedShort",
                    "unsignedInt", "unsignedLong", "positiveInteger", "nonNegativeInteger",
                    "negativeInteger", "nonPositiveInteger", "dateTime", "dateTimeStamp"}
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
    prebind: str | None = None  # a target query: run ``query`` once per focus node instead
    constraint: str | None = None  # n3 of the sh:sparql node (the result's sh:sourceConstraint)


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


def _class_target(cls: object, closure: dict[str, set[str]] | None) -> str:
    """Instances of ``cls`` and its subclasses; with a precomputed closure, no path search."""
    if closure is None:
        return f"?this {RDF_TYPE}/{SUBCLASS}* {_n3(cls)} ."
    classes = sorted(closure.get(str(cls), set()) | {str(cls)})
    return f"?this {RDF_TYPE} ?target_class . VALUES ?target_class {{ " + " ".join(
        f"<{c}>" for c in classes) + " }"


def _targets(graph: Graph, shape: object,
             closure: dict[str, set[str]] | None = None) -> list[str]:
    patterns = []
    if (shape, RDF.type, RDFS.Class) in graph:  # an implicit class target
        patterns.append(_class_target(shape, closure))
    for cls in graph.objects(shape, SH.targetClass):
        patterns.append(_class_target(cls, closure))
    for node in graph.objects(shape, SH.targetNode):
        patterns.append(f"BIND({_n3(node)} AS ?this)")
    for predicate in graph.objects(shape, SH.targetSubjectsOf):
        patterns.append(f"?this {_n3(predicate)} ?target_o .")
    for predicate in graph.objects(shape, SH.targetObjectsOf):
        patterns.append(f"?target_s {_n3(predicate)} ?this .")
    return patterns


def _target_block(patterns: list[str], scope: str) -> str:
    """The focus nodes: ``scope`` (a pattern binding ?this, e.g. the subjects of one graph)
    first, so the engine starts from the few candidates, then the shape's targets."""
    union = " UNION ".join("{ " + p + " }" for p in patterns)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {scope} {union} }} }}"


def _messages(graph: Graph, *nodes: object) -> tuple[tuple[str, str], ...]:
    for node in nodes:
        found = sorted((m.language or "", str(m)) for m in graph.objects(node, SH.message)
                       if isinstance(m, Literal))
        if found:
            return tuple(found)
    return ()


def _prefixes(graph: Graph, constraint: object) -> str:
    lines = []
    holders = list(graph.objects(constraint, SH.prefixes))
    seen: set[object] = set()
    while holders:
        holder = holders.pop()
        if holder in seen:
            continue
        seen.add(holder)
        holders += list(graph.objects(holder, OWL.imports))
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
        # an ill-typed literal does not have its datatype (SHACL 4.1.2): a failed cast shows it
        name = str(datatype).removeprefix(XSD_NS)
        ill_typed = (f" || !COALESCE(isLiteral({_n3(datatype)}(STR(?value))), false)"
                     if str(datatype).startswith(XSD_NS) and name in CHECKED_DATATYPES else "")
        value_filter(SH.DatatypeConstraintComponent,
                     f"!isLiteral(?value) || datatype(?value) != {_n3(datatype)}{ill_typed}")
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
        prefixes = _prefixes(graph, constraint)
        joinable = _join_equivalent(prefixes + "\n" + text)
        if joinable is None:
            return None
        message = _messages(graph, constraint, shape)
        if joinable:
            body = _inject(text, targets)
            if body is None:
                return None
            checks.append(Check(_n3(shape), str(SH.SPARQLConstraintComponent), path_n3,
                                severity, message, prefixes + "\n" + body,
                                value_is_focus=path is None, constraint=_n3(constraint)))
        else:  # exact pre-binding: one evaluation per focus node (SEP-0007 substitution)
            checks.append(Check(_n3(shape), str(SH.SPARQLConstraintComponent), path_n3,
                                severity, message, prefixes + "\n" + text,
                                value_is_focus=path is None,
                                prebind=f"SELECT ?this WHERE {{ {targets} }}",
                                constraint=_n3(constraint)))
    return checks


def _expression_vars(node: object, found: set[str]) -> set[str]:
    from rdflib.term import Variable

    if isinstance(node, Variable):
        found.add(str(node))
    elif isinstance(node, dict):
        if getattr(node, "name", None) in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            return found  # EXISTS sees the enclosing solution's bindings
        for value in node.values():
            _expression_vars(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _expression_vars(value, found)
    return found


def _certainly_bound(node: object) -> set[str]:
    """Variables that every solution of an algebra pattern binds."""
    from rdflib.term import Variable

    name = getattr(node, "name", None)
    if name == "BGP":
        return {str(t) for triple in node.get("triples", []) for t in triple  # type: ignore[attr-defined]
                if isinstance(t, Variable)}
    if name == "Join":
        return _certainly_bound(node.get("p1")) | _certainly_bound(node.get("p2"))  # type: ignore[attr-defined]
    if name in ("LeftJoin", "Minus"):
        return _certainly_bound(node.get("p1"))  # type: ignore[attr-defined]
    if name == "Union":
        return _certainly_bound(node.get("p1")) & _certainly_bound(node.get("p2"))  # type: ignore[attr-defined]
    if name in ("Filter", "Project", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet"):
        return _certainly_bound(node.get("p"))  # type: ignore[attr-defined]
    if name == "Extend":
        return _certainly_bound(node.get("p")) | {str(node.get("var"))}  # type: ignore[attr-defined]
    if name == "Graph":
        term = node.get("term")  # type: ignore[attr-defined]
        extra = {str(term)} if isinstance(term, Variable) else set()
        return _certainly_bound(node.get("p")) | extra  # type: ignore[attr-defined]
    return set()


def _join_equivalent(query: str) -> bool | None:
    """Whether joining the targets first gives SHACL's pre-binding semantics.

    True when every FILTER / BIND that mentions ?this sits over a pattern that binds ?this
    (bottom-up SPARQL evaluation would otherwise see ?this unbound there); False when the
    query needs real pre-binding; None when rdflib cannot read the query.
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception:  # rdflib raises several parse error types
        return None
    ok = True

    def walk(node: object) -> None:
        nonlocal ok
        if isinstance(node, dict):
            name = getattr(node, "name", None)
            if name in ("Filter", "Extend"):
                expression = node.get("expr")
                if "this" in _expression_vars(expression, set()) and \
                        "this" not in _certainly_bound(node.get("p")):
                    ok = False
            if name == "ToMultiSet" or (name == "SelectQuery" and node is not algebra):
                ok = False  # sub-queries scope ?this of their own
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(algebra.get("p"))
    return ok


def _custom_parameters(graph: Graph) -> set[object]:
    """Parameters of constraint components that the shapes graph declares itself."""
    return {path for component in graph.subjects(RDF.type, SH.ConstraintComponent)
            for parameter in graph.objects(component, SH.parameter)
            for path in graph.objects(parameter, SH.path)}


def _own_keys(graph: Graph, node: object) -> set[URIRef]:
    return {p for p in graph.predicates(node) if isinstance(p, URIRef)}


def _store_folds_datatype(graph: Graph, node: object) -> bool:
    """True when a shape's sh:datatype cannot be judged on Oxigraph's store, which keeps
    xsd:byte, xsd:int … as xsd:integer and xsd:dateTimeStamp as xsd:dateTime (pySHACL, on the
    triples as parsed, judges those)."""
    return any(str(d).removeprefix(XSD_NS) in FOLDED_DATATYPES
               for d in graph.objects(node, SH.datatype) if str(d).startswith(XSD_NS))


def compile_shapes(graph: Graph, scope: str = "",
                   closure: dict[str, set[str]] | None = None) -> CompiledShapes:
    """Compile every shape of ``graph``; ``scope`` is a pattern binding the candidate ?this;
    ``closure`` maps classes to their subclasses in the data (saves a path search per
    target), when the data's class hierarchy is known to be fixed."""
    compiled = CompiledShapes()
    node_shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | {
        s for s in graph.subjects(RDF.type, RDFS.Class) if (s, SH.property, None) in graph} | {
        s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        for s in graph.subjects(p, None)}
    for shape in sorted(node_shapes, key=str):
        if (shape, SH.deactivated, Literal(True)) in graph:
            continue
        if (shape, RDF.type, RDFS.Class) in graph or ((shape, RDF.type, SH.PropertyShape) in graph \
                and (shape, SH.path, None) in graph):
            compiled.fallback.append(shape)
            continue
        patterns = _targets(graph, shape, closure)
        if not patterns:
            continue
        keys = _own_keys(graph, shape)
        props = list(graph.objects(shape, SH.property))
        custom = _custom_parameters(graph)
        if any((p, SH.property, None) in graph or (p, SH.node, None) in graph for p in props):
            compiled.fallback.append(shape)  # nested shapes: pySHACL
            continue
        if _store_folds_datatype(graph, shape) or any(_store_folds_datatype(graph, p)
                                                     for p in props):
            compiled.fallback.append(shape)
            continue
        if keys & UNSUPPORTED or any(_own_keys(graph, p) & UNSUPPORTED for p in props) or \
                keys & custom or any(_own_keys(graph, p) & custom for p in props) or \
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




def root_shape(graph: Graph, shape: object) -> object:
    """The node shape a (property) shape belongs to."""
    seen = set()
    while shape not in seen:
        seen.add(shape)
        parent = next(iter(graph.subjects(SH.property, shape)), None)
        if parent is None:
            return shape
        shape = parent
    return shape
