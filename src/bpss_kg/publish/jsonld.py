"""JSON-LD with the published ``@context`` (served at ``/context.jsonld``).

The context holds the project's prefixes only, so compaction is lossless and a document
expands to exactly the triples it was made from.
"""

from __future__ import annotations

import json
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset, Graph

from ..namespaces import PREFIXES

CONTEXT_PATH = "/context.jsonld"


def jsonld_context() -> dict[str, object]:
    """The context document: ``{"@context": {prefix: namespace, …}}``."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def write_jsonld(quads: list[ox.Quad], output: IO[bytes], context_url: str, *,
                 one_graph: bool) -> None:
    """Compact JSON-LD whose ``@context`` is ``context_url`` (the published context).

    ``one_graph`` writes the triples of one graph (no graph names); otherwise each named graph
    is a ``@graph`` object named by its IRI.
    """
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    if one_graph:
        rdf: Graph = Graph()
        rdf.parse(data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
                  or b"", format="nt")
    else:
        rdf = Dataset()
        rdf.parse(data=data, format="nquads")
    context = jsonld_context()["@context"]
    text = rdf.serialize(format="json-ld", context=context, auto_compact=True)
    document = json.loads(text)
    if isinstance(document, list):
        document = {"@graph": document}
    document["@context"] = context_url
    output.write(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))


def with_local_context(document: bytes, context_url: str) -> bytes:
    """A JSON-LD document with the published context URL replaced by the context itself (what
    a JSON-LD processor with a cached copy of the context does)."""
    data = json.loads(document)
    if isinstance(data, dict) and data.get("@context") == context_url:
        data["@context"] = jsonld_context()["@context"]
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
