"""The change feed: the store's editions as a Linked Data Event Stream, each with its RDF Patch.

Why LDES: it is SEMIC's specification for publishing a dataset's changes so that others can
keep a replica in step (the same family as DCAT-AP, which the catalog already follows); a
consumer pages through members in order and resumes from the last it saw. Each member is a
graph edition (PROV: the graph's state, when it was generated, by whom, the edition it revises)
and links to its RDF Patch (Jena RDF Delta's text format: ``A``/``D`` lines, a transaction),
which says exactly what to apply. Replaying every patch from the first page in order gives
every graph as it is now.

Pages: ``/changes?after=ID&limit=N`` (members with an edition id above ``ID``, in the order
they were written); a full page links to the next with a ``tree:GreaterThanOrEqualToRelation``
on ``prov:generatedAtTime``.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, VOID, XSD

from ..editions import Edition, EditionLog, edition_iri, edition_quads
from ..namespaces import BPSS

LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
PATCH_MEDIA = "application/rdf-patch"
MAX_PAGE = 5000


def patch_url(base: str, edition_id: int) -> URIRef:
    return URIRef(f"{base}/changes/{edition_id}.rdfp")


def _term(term: object) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    assert isinstance(term, ox.Literal)
    return Literal(term.value, datatype=URIRef(term.datatype.value)) \
        if term.datatype.value != str(XSD.string) else Literal(term.value)


def _page(base: str, after: int, limit: int, graph: str | None) -> URIRef:
    query = {"after": after, "limit": limit} | ({"graph": graph} if graph else {})
    return URIRef(f"{base}/changes?{urlencode(query)}")


def describe(g: Graph, base: str, edition: Edition) -> URIRef:
    """A member: the edition as the store describes it (``edition_quads``), its size after,
    its place in the feed and its patch."""
    node = URIRef(edition_iri(edition.graph, edition.number))
    for quad in edition_quads(edition):
        g.add(tuple(_term(t) for t in (quad.subject, quad.predicate, quad.object)))
    g.add((node, VOID.triples, Literal(edition.triples)))
    g.add((node, DCTERMS.identifier, Literal(edition.id)))
    patch = patch_url(base, edition.id)
    g.add((node, RDFS.seeAlso, patch))
    g.add((patch, DCTERMS["format"], Literal(PATCH_MEDIA)))
    return node


def change_feed(log: EditionLog, base: str, *, after: int = 0, limit: int = 500,
                graph: str | None = None) -> Graph:
    """One page of the event stream: members after edition ``after``."""
    limit = max(1, min(limit, MAX_PAGE))
    g = Graph()
    g.bind("ldes", LDES)
    g.bind("tree", TREE)
    g.bind("prov", PROV)
    g.bind("bpss", BPSS)
    stream = URIRef(f"{base}/changes")
    page = _page(base, after, limit, graph)
    g.add((stream, RDF.type, LDES.EventStream))
    g.add((stream, LDES.timestampPath, PROV.generatedAtTime))
    g.add((stream, LDES.versionOfPath, DCTERMS.isVersionOf))
    g.add((stream, TREE.view, page))
    g.add((page, RDF.type, TREE.Node))
    editions = log.editions(graph=graph, after=after, limit=limit)
    for edition in editions:
        g.add((stream, TREE.member, describe(g, base, edition)))
    if len(editions) == limit:
        last = editions[-1].id
        relation = BNode()
        g.add((page, TREE.relation, relation))
        g.add((relation, RDF.type, TREE.GreaterThanOrEqualToRelation))
        g.add((relation, TREE.node, _page(base, last, limit, graph)))
        g.add((relation, TREE.path, PROV.generatedAtTime))
        g.add((relation, TREE.value, Literal(editions[-1].time, datatype=XSD.dateTime)))
    return g
