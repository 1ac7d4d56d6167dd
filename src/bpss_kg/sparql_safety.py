"""Checks on SPARQL text before it runs: which ``SERVICE`` endpoints a query would call."""

from __future__ import annotations

import re

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.term import URIRef, Variable

from .errors import BadInput

_SERVICE_WORD = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def _walk(node: object, found: set[str]) -> None:
    if isinstance(node, dict):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            term = node.get("term")
            found.add(str(term) if isinstance(term, URIRef) else f"?{term}"
                      if isinstance(term, Variable) else str(term))
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _walk(value, found)


def service_endpoints(sparql: str, *, update: bool = False) -> set[str]:
    """The endpoints named by SERVICE clauses (a variable endpoint appears as ``?name``).

    Uses rdflib's SPARQL parser, so comments and string literals cannot hide or fake a SERVICE.
    A query rdflib cannot parse but that mentions SERVICE is refused rather than guessed at.
    """
    if not _SERVICE_WORD.search(sparql):
        return set()
    try:
        algebra = translateUpdate(parseUpdate(sparql)) if update else translateQuery(
            parseQuery(sparql))
    except (ParseException, Exception) as error:  # rdflib raises several kinds
        raise BadInput(f"cannot check the SERVICE clauses of this query: {error}") from None
    found: set[str] = set()
    _walk(algebra.algebra, found)
    return found


def check_services(sparql: str, allowed: tuple[str, ...], *, update: bool = False) -> None:
    """BadInput naming the first SERVICE endpoint that is not explicitly allowed."""
    for endpoint in sorted(service_endpoints(sparql, update=update)):
        if endpoint not in allowed:
            raise BadInput(f"SERVICE <{endpoint}> is not allowed: federated queries may only "
                           "call the endpoints listed in BPSS_KG_ALLOWED_SERVICES")
