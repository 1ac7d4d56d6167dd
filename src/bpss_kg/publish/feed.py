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

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, VOID, XSD

from ..editions import Edition, EditionLog
from ..namespaces import BPSS

LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
PATCH_MEDIA = "application/rdf-patch"
MAX_PAGE = 5000


def edition_iri(base: str, edition_id: int) -> URIRef:
    return URIRef(f"{base}/changes/{edition_id}")


def patch_url(base: str, edition_id: int) -> URIRef:
    return URIRef(f"{base}/changes/{edition_id}.rdfp")


def _page(base: str, after: int, limit: int, graph: str | None) -> URIRef:
    query = {"after": after, "limit": limit} | ({"graph": graph} if graph else {})
    return URIRef(f"{base}/changes?{urlencode(query)}")


def describe(g: Graph, base: str, edition: Edition, previous: int | None) -> URIRef:
    node = edition_iri(base, edition.id)
    g.add((node, RDF.type, BPSS.GraphEdition))
    g.add((node, RDF.type, PROV.Entity))
    g.add((node, DCTERMS.isVersionOf, URIRef(edition.graph)))
    g.add((node, PROV.generatedAtTime, Literal(edition.time, datatype=XSD.dateTime)))
    g.add((node, BPSS.editionNumber, Literal(edition.number)))
    g.add((node, BPSS.editionKind, Literal(edition.kind)))
    g.add((node, BPSS.addedTriples, Literal(edition.added)))
    g.add((node, BPSS.removedTriples, Literal(edition.removed)))
    g.add((node, VOID.triples, Literal(edition.triples)))
    agent = BNode()
    g.add((node, PROV.wasAttributedTo, agent))
    g.add((agent, RDF.type, PROV.Agent))
    g.add((agent, RDFS.label, Literal(edition.label)))
    g.add((agent, DCTERMS.identifier, Literal(edition.token)))
    g.add((node, DCTERMS.description, Literal(edition.action)))
    if previous is not None:
        g.add((node, PROV.wasRevisionOf, edition_iri(base, previous)))
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
    numbers = {}  # the id of each member's previous edition of the same graph
    for edition in editions:
        previous = numbers.get(edition.graph)
        if previous is None and edition.number > 1:
            earlier = log.editions(graph=edition.graph, after=0, limit=edition.number - 1)
            previous = earlier[-1].id if earlier else None
        g.add((stream, TREE.member, describe(g, base, edition, previous)))
        numbers[edition.graph] = edition.id
    if len(editions) == limit:
        last = editions[-1].id
        relation = BNode()
        g.add((page, TREE.relation, relation))
        g.add((relation, RDF.type, TREE.GreaterThanOrEqualToRelation))
        g.add((relation, TREE.node, _page(base, last, limit, graph)))
        g.add((relation, TREE.path, PROV.generatedAtTime))
        g.add((relation, TREE.value, Literal(editions[-1].time, datatype=XSD.dateTime)))
    return g
