"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/graph-store`` (``?graph=IRI`` or ``?default``).

GET answers with the graph (content-negotiated) or 404; PUT replaces, POST merges, DELETE
removes; writes need a bearer token whose scope covers the graph. A payload is parsed
completely before anything is written, so a PUT or POST of a bad payload answers 400 and
changes nothing. PUT and POST answer 201 when they create the graph, 204 otherwise.

``GET ?default`` serves the default graph as ``/sparql`` sees it, the union of all graphs
(capped at the result limit like a query: larger stores are in ``/dumps``); writes with
``?default`` go to the store's default graph proper (admin tokens only; see
docs/deployment.md).
"""

from __future__ import annotations

import io

import pyoxigraph as ox
from flask import Blueprint, Response, request

from bpss_kg.errors import BadInput, NotFound, ResultTooLarge
from bpss_kg.input_bounds import bounded, check_document
from bpss_kg.loading import checked_base
from bpss_kg.publish.jsonld import CONTEXT_PATH, write_jsonld
from bpss_kg.store.changes import DEFAULT_GRAPH
from bpss_kg.store.query_service import NotAcceptable

from .auth import current_writer, requires_token
from .context import context
from .publish import base_url

blueprint = Blueprint("graph_store", __name__)

MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
OUT = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")


def _target() -> ox.NamedNode | ox.DefaultGraph:
    graph = request.args.get("graph")
    default = "default" in request.args
    if (graph is None) == (not default):
        raise BadInput("give exactly one of ?graph=IRI or ?default")
    if default:
        return ox.DefaultGraph()
    try:
        return ox.NamedNode(graph)  # type: ignore[arg-type]
    except ValueError as error:
        raise BadInput(f"?graph is not an IRI: {graph!r}") from error


def _exists(target: ox.NamedNode | ox.DefaultGraph) -> bool:
    store = context().store
    if isinstance(target, ox.DefaultGraph):
        return any(True for _ in store.quads(target))
    return store.has_graph(target)


def _base(target: ox.NamedNode | ox.DefaultGraph) -> str:
    """Base IRI of a payload's relative IRIs: ``?base=IRI``, else the graph's IRI, else (for
    ``?default``) the request's own URL."""
    given = request.args.get("base")
    if given:
        return checked_base(given)
    return target.value if isinstance(target, ox.NamedNode) else request.url


_FORMAT_NAME = {"text/turtle": "turtle", "application/n-triples": "ntriples",
                "application/ld+json": "jsonld", "application/rdf+xml": "rdfxml"}


def _union_graph(media: str) -> Response:
    """The default graph of the dataset ``/sparql`` answers from: the union of all graphs."""
    ctx = context()
    jsonld = media == "application/ld+json"
    try:
        answer = ctx.queries.execute(ctx.queries.request(
            "CONSTRUCT WHERE { ?s ?p ?o }", results_format=None,
            graph_format="ntriples" if jsonld else _FORMAT_NAME[media]))
    except ResultTooLarge as error:
        raise ResultTooLarge(f"{error.message}; the whole dataset is in /dumps/all.nq") from None
    body = answer.body
    if jsonld:  # compacted with the published context, as for a named graph (issue 20)
        out = io.BytesIO()
        write_jsonld([ox.Quad(t.subject, t.predicate, t.object)
                      for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)],
                     out, f"{base_url()}{CONTEXT_PATH}", one_graph=True)
        body = out.getvalue()
    return Response(body, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


def _payload(target: ox.NamedNode | ox.DefaultGraph) -> list[ox.Triple]:
    """The request body as triples; 400 (nothing written) when it does not parse."""
    fmt = MEDIA.get(request.mimetype)
    if fmt is None:
        raise BadInput(f"unsupported Content-Type {request.mimetype!r}; use one of "
                       f"{', '.join(MEDIA)}")
    data = request.get_data()
    check_document(fmt, "the payload", data=data)  # entity bombs, nesting (input_bounds)
    try:
        quads = list(bounded(ox.parse(data, format=fmt, base_iri=_base(target),
                                      rename_blank_nodes=True), "the payload"))
    except SyntaxError as error:
        raise BadInput(f"the payload is not valid {fmt.name}: {error}") from error
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise BadInput("the payload names graphs; send the triples of one graph")
    return [q.triple for q in quads]


@blueprint.route("/graph-store", methods=["GET", "HEAD"])
def get_graph() -> Response:
    target = _target()
    if isinstance(target, ox.NamedNode) and not _exists(target):
        raise NotFound(f"no graph {target.value} in the store")
    accept = request.accept_mimetypes
    media = accept.best_match(OUT, default="text/turtle") if accept else "text/turtle"
    if media is None:
        raise NotAcceptable(f"none of {accept} can be produced; offered: {', '.join(OUT)}")
    if isinstance(target, ox.DefaultGraph):
        return _union_graph(media)
    quads = list(context().store.quads(target))
    if media == "application/ld+json":  # compacted with the published context (issue 20)
        out = io.BytesIO()
        write_jsonld(quads, out, f"{base_url()}{CONTEXT_PATH}", one_graph=True)
        body = out.getvalue()
    else:
        body = ox.serialize([q.triple for q in quads], format=MEDIA[media]) or b""
    return Response(body, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


def _graph_key(target: ox.NamedNode | ox.DefaultGraph) -> str:
    return target.value if isinstance(target, ox.NamedNode) else DEFAULT_GRAPH


def _write(replace: bool) -> Response:
    ctx = context()
    target = _target()
    triples = _payload(target)
    created: list[bool] = []

    def write() -> None:
        created.append(not _exists(target))
        if isinstance(target, ox.NamedNode) and replace:
            ctx.store.replace_graph(target, triples)
            return
        if replace:
            ctx.store.update("DROP SILENT DEFAULT")
        ctx.store.add(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)

    ctx.gate.write(current_writer(), f"{request.method} /graph-store", {_graph_key(target)},
                   write)
    return Response(status=201 if created[0] and triples else 204)


@blueprint.route("/graph-store", methods=["PUT"])
@requires_token
def put_graph() -> Response:
    return _write(replace=True)


@blueprint.route("/graph-store", methods=["POST"])
@requires_token
def post_graph() -> Response:
    return _write(replace=False)


@blueprint.route("/graph-store", methods=["DELETE"])
@requires_token
def delete_graph() -> Response:
    ctx = context()
    target = _target()

    def delete() -> None:
        if isinstance(target, ox.DefaultGraph):
            if not _exists(target):
                raise NotFound("the default graph is empty")
            ctx.store.update("DROP SILENT DEFAULT")
        elif not ctx.store.drop_graph(target):
            raise NotFound(f"no graph {target.value} in the store")

    ctx.gate.write(current_writer(), "DELETE /graph-store", {_graph_key(target)}, delete)
    return Response(status=204)
