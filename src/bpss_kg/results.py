"""Query results as text: display strings for tables, and standard CSV / JSON serializations."""

from __future__ import annotations

import io

import pyoxigraph as ox

from .namespaces import PREFIXES
from .store.base import QueryResult

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(term: object) -> str:
    """A short display form: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in _BY_LENGTH:
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def rows(result: QueryResult) -> tuple[list[str], list[list[str]]]:
    """Column names and display rows of a SELECT, ASK or CONSTRUCT result."""
    if isinstance(result, ox.QueryBoolean):
        return ["result"], [["true" if bool(result) else "false"]]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [[compact(sol[n]) for n in names] for sol in result]
    return ["subject", "predicate", "object"], [
        [compact(t.subject), compact(t.predicate), compact(t.object)] for t in result
    ]


def serialize(result: QueryResult, fmt: str) -> bytes:
    """``json``/``csv``/``tsv``/``xml`` (SPARQL results) or an RDF syntax for graph results."""
    out = io.BytesIO()
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        formats = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                   "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}
        result.serialize(out, formats[fmt])
    else:
        rdf = {"json": ox.RdfFormat.JSON_LD, "csv": ox.RdfFormat.N_TRIPLES,
               "tsv": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML}
        ox.serialize(result, out, rdf[fmt])
    return out.getvalue()
