"""Which engine may answer a query: a conservative check on the parsed query.

The check parses the text with rdflib's SPARQL parser and walks the algebra. The analytical
engine may answer only when every node and every function is on the allow-lists below (each
verified against Oxigraph by ``tests/test_engine_differential.py``) and none of the known
differences applies (listed in ``bpss_kg.engine``'s docstring). Everything else goes to
Oxigraph; the answer to "why not" is a short reason, logged and visible in the
``X-BPSS-Engine-Reason`` response header.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import BNode, URIRef, Variable

from ..store.sparql_text import declares_dataset

QUERY_FORMS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct"}

# Algebra operators the engine evaluates as Oxigraph does.
PATTERN_NODES = frozenset({
    "BGP", "Join", "LeftJoin", "Filter", "Union", "Extend", "Minus", "Group", "AggregateJoin",
    "ToMultiSet", "values", "Project", "Distinct", "Reduced", "Slice", "OrderBy",
    "OrderCondition", "TrueFilter",
})
# Aggregates (GROUP_CONCAT is not among them: see the module docstring of bpss_kg.engine).
# (MIN / MAX are not: maplib gives no value over mixed numeric types, W3C agg-min-02, agg-max-*.)
AGGREGATES = frozenset({"Aggregate_Count", "Aggregate_Sum", "Aggregate_Sample"})
# Expression nodes and built-in functions.
EXPRESSIONS = frozenset({
    "RelationalExpression", "ConditionalAndExpression", "ConditionalOrExpression",
    "AdditiveExpression", "MultiplicativeExpression", "UnaryNot", "UnaryMinus", "UnaryPlus",
    "Builtin_BOUND", "Builtin_IF", "Builtin_STR", "Builtin_LANG",
    "Builtin_DATATYPE", "Builtin_isIRI", "Builtin_isURI", "Builtin_isLITERAL",
    "Builtin_isBLANK", "Builtin_CONTAINS", "Builtin_STRSTARTS", "Builtin_STRENDS",
    "Builtin_STRLEN", "Builtin_UCASE", "Builtin_LCASE", "Builtin_sameTerm", "Builtin_EXISTS",
    "Builtin_NOTEXISTS",
})  # (not STRBEFORE / STRAFTER / CONCAT: wrong language tags and no-match results; not
# COALESCE: wrong over values of different datatypes, W3C group04)
# Expression nodes that may read a variable an OPTIONAL leaves unbound (maplib gives DATATYPE of
# an unbound variable a value, W3C projexp07).
UNBOUND_SAFE = frozenset({"Builtin_BOUND"})


@dataclass(frozen=True)
class QueryShape:
    """What the router learned from a query's text."""

    form: str | None  # "select", "ask", "construct"; None: the engine may not answer
    refusal: str | None  # why the engine may not answer (None: it may)
    predicates: frozenset[str]  # constant predicates of triple patterns and paths
    variable_predicate: bool  # some triple pattern has a variable (or negated) predicate
    group_keys: tuple[str, ...] | None = None  # the query's GROUP BY variables (None: none)


class _Refused(Exception):
    pass


def _walk(node: object) -> Iterator[CompValue]:
    """Every algebra / expression node below ``node`` (itself included), depth first."""
    if isinstance(node, CompValue):
        if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS") and \
                getattr(node.get("graph"), "name", None) == "GroupGraphPatternSub":
            from rdflib.plugins.sparql.algebra import translateGroupGraphPattern

            node["graph"] = translateGroupGraphPattern(node["graph"])  # rdflib leaves it raw
        yield node
        for key, value in node.items():
            if key != "_vars":
                yield from _walk(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _walk(value)


def _expression_vars(node: object) -> set[Variable]:
    """Variables an expression reads, not counting those inside EXISTS / NOT EXISTS."""
    if isinstance(node, Variable):
        return {node}
    found: set[Variable] = set()
    if isinstance(node, CompValue):
        if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            return found
        for key, value in node.items():
            if key != "_vars":
                found |= _expression_vars(value)
    elif isinstance(node, list | tuple):
        for value in node:
            found |= _expression_vars(value)
    return found


def _path_iris(path: Path) -> Iterator[URIRef]:
    """The IRIs of a sequence of IRIs, or of ``iri+`` alone; other paths are refused (maplib
    answers ``*``, ``^`` and zero-length paths differently: W3C pp08, pp16, pp36; and a
    sequence with an ``iri+`` step gives each pair of ends once, where the sequence's join
    gives one solution per way through)."""
    if isinstance(path, SequencePath):
        for part in path.args:
            if isinstance(part, MulPath):
                raise _Refused(f"property path {path.n3()} (a sequence with a + step) is "
                               "answered differently by the engine")
            yield from _path_iris(part) if isinstance(part, Path) else iter([part])
    elif isinstance(path, MulPath) and path.mod == "+" and isinstance(path.path, URIRef):
        yield path.path
    else:
        raise _Refused(f"property path {path.n3()} is not supported by the engine")


def _predicates(algebra: CompValue) -> tuple[frozenset[str], bool]:
    """Every constant predicate a triple pattern or path of the query may match, and whether
    some pattern may match any predicate (a variable or a negated path)."""
    found: set[str] = set()
    anything = False

    def visit(path: object) -> None:
        nonlocal anything
        if isinstance(path, URIRef):
            found.add(str(path))
        elif isinstance(path, NegatedPath):
            anything = True
        elif isinstance(path, SequencePath | AlternativePath):
            for part in path.args:
                visit(part)
        elif isinstance(path, MulPath):
            visit(path.path)
        elif isinstance(path, InvPath):
            visit(path.arg)
        else:
            anything = True

    for node in _walk(algebra):
        if node.name == "BGP":
            for _s, p, _o in node.get("triples") or []:
                visit(p)
    return frozenset(found), anything


def _check(algebra: CompValue) -> None:
    """Raise ``_Refused`` for anything the engine may not answer."""
    nodes = list(_walk(algebra))
    maybe_unbound: set[Variable] = set()  # bound only inside some OPTIONAL
    for n in nodes:
        if n.name == "LeftJoin":
            inner, outer = n["p2"].get("_vars"), n["p1"].get("_vars")
            if not isinstance(inner, set) or not isinstance(outer, set):
                raise _Refused("OPTIONAL: cannot tell which variables it binds")
            maybe_unbound |= inner - outer
    for n in nodes:
        if n.name == "Aggregate_Count" and n.get("distinct") and (
                n.get("vars") in maybe_unbound or not isinstance(n.get("vars"), Variable)):
            raise _Refused("COUNT(DISTINCT …) of a variable OPTIONAL may leave unbound: the "
                           "engine counts the unbound value")
    # An empty BGP joined to something is the identity (rdflib writes one for the start of a
    # group); alone it is the one empty solution, which the engine does not give.
    joined = {id(n.get(side)) for n in nodes if n.name == "Join" for side in ("p1", "p2")}
    top = algebra.get("p")
    for n in nodes:
        if n.name == "Slice" and n is not top:
            raise _Refused("LIMIT / OFFSET inside a subquery is answered differently by the "
                           "engine")
        if n.name == "Minus" and any(m.name in ("LeftJoin", "Union") for m in _walk(n["p2"])):
            raise _Refused("MINUS over OPTIONAL / UNION is answered differently by the engine")
        if n.name == "values":
            rows = [row for row in n.get("res") or [] if isinstance(row, dict)]
            names = {frozenset(row) for row in rows}
            if len(names) > 1 or any(value is None or value == "UNDEF" for row in rows
                                     for value in row.values()) \
                    or any(v in maybe_unbound for row in rows for v in row):
                raise _Refused("VALUES with UNDEF or over an OPTIONAL variable is answered "
                               "differently by the engine")
        if n.name in ("Extend", "Filter", "LeftJoin"):
            below = [n["p"]] if n.name != "LeftJoin" else [n["p1"], n["p2"]]
            read = _unbound_reads(n.get("expr"), _optional_only(below))
            if read:
                raise _Refused(f"an expression reads ?{min(read)}, which an OPTIONAL may leave "
                               "unbound (only BOUND may)")
    for node in _walk(algebra.get("p") if algebra.name != "ConstructQuery" else algebra):
        name = node.name
        if name == "ConstructQuery":
            template = node.get("template") or []
            if any(isinstance(t, BNode) for triple in template for t in triple):
                raise _Refused("CONSTRUCT templates with blank nodes go to Oxigraph")
            continue
        if name.startswith("Aggregate_"):
            if name not in AGGREGATES:
                raise _Refused(f"aggregate {name[10:].upper()} is not supported by the engine")
            continue
        if name in ("Graph",):
            raise _Refused("GRAPH patterns (named graphs) are answered by Oxigraph")
        if name == "ServiceGraphPattern":
            raise _Refused("SERVICE is answered by Oxigraph")
        if name == "Function" or (name.startswith("Builtin_") and name not in EXPRESSIONS):
            label = str(node.get("iri")) if name == "Function" else name[8:]
            raise _Refused(f"function {label} is not supported by the engine")
        if name not in PATTERN_NODES and name not in EXPRESSIONS:
            raise _Refused(f"{name} is not supported by the engine")
        if name == "MultiplicativeExpression" and "/" in (node.get("op") or []):
            raise _Refused("division is answered differently by the engine (integer division)")
        if name == "BGP":
            if not node.get("triples") and id(node) not in joined:
                raise _Refused("empty group patterns are answered differently by the engine")
            for _s, p, _o in node.get("triples") or []:
                if isinstance(p, NegatedPath):
                    raise _Refused("negated property paths are not supported by the engine")
                if isinstance(p, Path):
                    for _iri in _path_iris(p):  # refuses the paths the engine cannot answer
                        pass
        elif name == "LeftJoin":
            if any(n.name == "Extend" for n in _walk(node.get("p2"))):
                raise _Refused("BIND inside OPTIONAL is answered differently by the engine")
            _check_scope(node.get("expr"), node.get("_vars"), "OPTIONAL … FILTER")
        elif name == "Filter":
            _check_scope(node.get("expr"), node["p"].get("_vars"), "FILTER")
        elif name == "Extend":
            _check_scope(node.get("expr"), node["p"].get("_vars"), "BIND")


def _group_keys(algebra: CompValue) -> tuple[str, ...] | None:
    """The GROUP BY variables of the query itself (None: it has no GROUP BY).

    maplib 0.20.26 gives a GROUP BY over an empty match one row (the aggregates of nothing,
    keys unbound) where SPARQL gives no group and no row. Of the query itself the engine
    declines such a row at run time (``mirror.Mirror.answer``); inside a subquery the row
    would be joined on, so a subquery's GROUP BY goes to Oxigraph."""
    nodes = list(_walk(algebra))
    in_subquery = {id(m) for n in nodes if n.name == "ToMultiSet" for m in _walk(n["p"])}
    keys = None
    for n in nodes:
        if n.name == "Group" and n.get("expr"):
            if id(n) in in_subquery:
                raise _Refused("GROUP BY inside a subquery is answered differently by the "
                               "engine (an empty match gives a row)")
            keys = tuple(str(v) for v in n["expr"] if isinstance(v, Variable))
    return keys


def _optional_only(patterns: list[object]) -> set[Variable]:
    """Variables some OPTIONAL within ``patterns`` binds that its required part does not."""
    found: set[Variable] = set()
    for pattern in patterns:
        for n in _walk(pattern):
            if n.name == "LeftJoin":
                found |= set(n["p2"].get("_vars") or ()) - set(n["p1"].get("_vars") or ())
    return found


def _unbound_reads(node: object, maybe_unbound: set[Variable]) -> set[Variable]:
    """Variables of ``maybe_unbound`` an expression reads other than through BOUND (EXISTS
    patterns not counted)."""
    if isinstance(node, Variable):
        return {node} & maybe_unbound
    found: set[Variable] = set()
    if isinstance(node, CompValue):
        if node.name in UNBOUND_SAFE or node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            return found
        for key, value in node.items():
            if key != "_vars":
                found |= _unbound_reads(value, maybe_unbound)
    elif isinstance(node, list | tuple):
        for value in node:
            found |= _unbound_reads(value, maybe_unbound)
    return found


def _check_scope(expression: object, in_scope: object, where: str) -> None:
    """The engine raises where SPARQL evaluates an unbound variable to an error: refuse
    expressions that read a variable the pattern below cannot bind."""
    if expression is None or (isinstance(expression, CompValue) and expression.name == \
            "TrueFilter"):
        return
    if not isinstance(in_scope, set):
        raise _Refused(f"{where}: cannot tell which variables are in scope")
    unbound = _expression_vars(expression) - in_scope
    if unbound:
        names = ", ".join(sorted(f"?{v}" for v in unbound))
        raise _Refused(f"{where} reads {names}, which the pattern never binds")


@lru_cache(maxsize=512)
def query_shape(sparql: str) -> QueryShape:
    """Parse ``sparql`` and decide whether the engine may answer it (cached by text)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    if declares_dataset(sparql):
        return QueryShape(None, "FROM / FROM NAMED datasets are answered by Oxigraph",
                          frozenset(), False)
    try:
        parsed = translateQuery(parseQuery(sparql))
    except Exception:  # rdflib raises several error types; Oxigraph reports the syntax error
        return QueryShape(None, "rdflib could not parse the query", frozenset(), False)
    algebra = parsed.algebra
    try:
        predicates, variable_predicate = _predicates(algebra)
    except RecursionError:
        return QueryShape(None, "the query is nested too deeply", frozenset(), True)
    form = QUERY_FORMS.get(algebra.name)
    if form is None:
        return QueryShape(None, f"{algebra.name} is answered by Oxigraph", predicates,
                          variable_predicate)
    if algebra.get("datasetClause"):
        return QueryShape(None, "FROM / FROM NAMED datasets are answered by Oxigraph",
                          predicates, variable_predicate)
    try:
        _check(algebra)
        group_keys = _group_keys(algebra)
    except _Refused as refused:
        return QueryShape(None, str(refused), predicates, variable_predicate)
    except RecursionError:
        return QueryShape(None, "the query is nested too deeply", predicates, variable_predicate)
    return QueryShape(form, None, predicates, variable_predicate, group_keys)


def refusal(shape: QueryShape) -> str | None:
    """Why the engine may not answer a query of ``shape`` (None: it may)."""
    return shape.refusal


UNION_BUG = "https://github.com/oxigraph/oxigraph/issues/1919"


def union_duplicates(shape: QueryShape, duplicated_predicates: frozenset[str]) -> str | None:
    """A notice for an answer Oxigraph gives to a query of ``shape`` that may match triples
    stored in more than one graph (``duplicated_predicates``), None when it cannot.

    SPARQL's default graph is a set of triples, and so is the union of the named graphs the
    service takes as its default graph: a triple held in two graphs matches once. The engine
    holds each triple once and answers so. pyoxigraph 0.5.13 matches such a triple once per
    graph (oxigraph#1919, fixed upstream after that release), so its COUNTs and non-DISTINCT
    rows over these predicates may be too many."""
    if not duplicated_predicates:
        return None
    if shape.variable_predicate:
        what = (f"a pattern with any predicate may match triples stored in more than one "
                f"graph ({len(duplicated_predicates)} predicates have such triples, among "
                f"them <{min(duplicated_predicates)}>)")
    else:
        both = shape.predicates & duplicated_predicates
        if not both:
            return None
        what = f"<{min(both)}> has triples stored in more than one graph"
    return (f"{what}; Oxigraph's union default graph matches them once per graph "
            f"({UNION_BUG}), so its counts may be too high")
