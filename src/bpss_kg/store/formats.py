"""RDF and result formats by file extension or media type (pyoxigraph's own format objects)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat

from ..errors import BadInput, Location

_EXTENSIONS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "turtle": RdfFormat.TURTLE,
    "trig": RdfFormat.TRIG,
    "nt": RdfFormat.N_TRIPLES,
    "ntriples": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "nquads": RdfFormat.N_QUADS,
    "jsonld": RdfFormat.JSON_LD,
    "json-ld": RdfFormat.JSON_LD,
    "json": RdfFormat.JSON_LD,
    "rdf": RdfFormat.RDF_XML,
    "owl": RdfFormat.RDF_XML,
    "xml": RdfFormat.RDF_XML,
    "n3": RdfFormat.N3,
}

FORMAT_NAMES: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "trig": RdfFormat.TRIG,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}

RESULT_FORMATS: dict[str, QueryResultsFormat] = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}


def rdf_format_for(path: Path) -> RdfFormat:
    """The RDF syntax of a file, from its extension (``.gz`` is not supported)."""
    ext = path.suffix.lower().lstrip(".")
    try:
        return _EXTENSIONS[ext]
    except KeyError:
        known = ", ".join(sorted({f".{e}" for e in _EXTENSIONS}))
        raise BadInput(
            f"unknown RDF file extension {path.suffix or '(none)'!r}; expected one of {known}",
            Location(file=str(path)),
        ) from None


def rdf_format_named(name: str) -> RdfFormat:
    try:
        return FORMAT_NAMES[name.lower()]
    except KeyError:
        raise BadInput(
            f"unknown RDF format {name!r}; expected one of {', '.join(FORMAT_NAMES)}"
        ) from None


def holds_quads(fmt: RdfFormat) -> bool:
    """True for syntaxes that carry named graphs (TriG, N-Quads, JSON-LD)."""
    return fmt in (RdfFormat.TRIG, RdfFormat.N_QUADS, RdfFormat.JSON_LD)
