"""pyoxigraph terms as rdflib terms, exactly as written, and ill-typed literals found once.

rdflib normalises a literal's lexical form when it builds it (``"01"^^xsd:integer`` becomes
``"1"``, ``"true "^^xsd:boolean`` becomes ``"false"``) and logs a traceback for every literal
whose lexical form does not fit its datatype. Data handed to rdflib (pySHACL, report graphs)
goes through here instead: terms keep their lexical form, and ill-typed literals are reported
by ``ill_typed_literals`` as one line each rather than as rdflib's log records.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# XSD datatypes whose lexical space Oxigraph's SPARQL casts check (a failed cast is an error).
CHECKED_DATATYPES = ("integer", "decimal", "double", "float", "boolean", "date", "dateTime",
                     "time", "duration", "yearMonthDuration", "dayTimeDuration", "gYear",
                     "gYearMonth", "gMonth", "gDay", "gMonthDay")
_CONVERSION_FAILED = "Failed to convert Literal lexical form to value"


class _NoConversionTracebacks(logging.Filter):
    """Drops rdflib's per-literal conversion tracebacks (ill-typed literals are reported once,
    by ``ill_typed_literals``, as findings or one-line warnings)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_CONVERSION_FAILED)


def quiet_rdflib_literal_warnings() -> None:
    """Silence rdflib's tracebacks and UserWarnings about ill-typed literals (idempotent)."""
    logger = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _NoConversionTracebacks) for f in logger.filters):
        logger.addFilter(_NoConversionTracebacks())
    warnings.filterwarnings("ignore", message=r"Parsing weird boolean", module=r"rdflib\.")


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    """The rdflib term for a pyoxigraph term, lexical form kept as written."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        datatype = term.datatype.value
        if datatype == XSD + "string":
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"not an RDF 1.1 term: {term!r}")


def term_from_nt(text: str) -> URIRef | BNode | Literal:
    """An rdflib term from its N-Triples form (the form findings keep)."""
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    quad = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .".encode(),
                              format=ox.RdfFormat.N_TRIPLES)))
    return to_rdflib(quad.object)


def rdflib_graph(triples: Iterable[ox.Triple | ox.Quad], graph: Graph | None = None) -> Graph:
    """The triples in an rdflib graph (``graph`` if given), every term as written."""
    quiet_rdflib_literal_warnings()
    target = Graph() if graph is None else graph
    for triple in triples:
        target.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                    to_rdflib(triple.object)))
    return target


def ill_typed_literals(store: object, graph: ox.NamedNode,
                       limit: int = 100) -> list[tuple[object, ox.NamedNode, ox.Literal]]:
    """(subject, predicate, literal) of literals in ``graph`` whose lexical form is not in
    their XSD datatype's lexical space (for the datatypes in ``CHECKED_DATATYPES``)."""
    found: list[tuple[object, ox.NamedNode, ox.Literal]] = []
    for name in CHECKED_DATATYPES:
        query = (f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
                 f"FILTER(isLiteral(?o) && datatype(?o) = <{XSD}{name}> && "
                 f"!COALESCE(isLiteral(<{XSD}{name}>(STR(?o))), false)) }} LIMIT {limit}")
        for row in store.query(query):  # type: ignore[attr-defined]
            found.append((row["s"], row["p"], row["o"]))
    return found[:limit]
