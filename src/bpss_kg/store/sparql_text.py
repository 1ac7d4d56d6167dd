"""Facts read off SPARQL text without parsing it fully (cheap enough for every request)."""

from __future__ import annotations

import re

# Strings (long and short), IRIs and comments, in the order SPARQL's grammar sees them: a '#'
# inside an IRI or a string does not start a comment, and a keyword inside a string is text.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
# FROM as a keyword: not a variable (?from), not part of a prefixed name (from:x, ex:from)
_DATASET_CLAUSE = re.compile(r"(?<![?$\w:\-.])FROM(?:\s+(?:NAMED\b|[\w\-.]*:)|\s*<)",
                             re.IGNORECASE)


def _code(sparql: str) -> str:
    """The query with every string, IRI and comment blanked (IRIs kept as ``<>``)."""
    return _OPAQUE.sub(lambda m: "<>" if m.group(0).startswith("<") else " ", sparql)


def declares_dataset(sparql: str) -> bool:
    """True when the query has a ``FROM`` or ``FROM NAMED`` clause of its own (its RDF
    dataset then replaces the store's union default graph)."""
    if "from" not in sparql.lower():
        return False
    return _DATASET_CLAUSE.search(_code(sparql)) is not None


_LOAD = re.compile(r"(?<![?$\w:\-.])LOAD(?:\s+SILENT)?\s*<", re.IGNORECASE)


def mentions_load(update: str) -> bool:
    """True when an update has a ``LOAD <iri>`` operation (which fetches a document)."""
    return "load" in update.lower() and _LOAD.search(_code(update)) is not None
