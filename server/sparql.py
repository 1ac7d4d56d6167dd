"""The SPARQL 1.1 Protocol: ``/sparql`` (query, read-only) and ``/update`` (token required).

Query via GET, POST form-encoded or POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri``; results by ``Accept`` (or ``format=`` for browsers); GET without a query
answers with the Service Description.

An extension for the query page (issue 20): ``library=<name>`` with ``param.<name>=<value>``
binds a library query's typed parameters (defaults filled) into the query text sent, as
variable bindings (pyoxigraph substitutions), never by editing the text. A bound variable the
text does not use changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from bpss_kg.access import Forbidden
from bpss_kg.errors import BadInput
from bpss_kg.queries import library_query
from bpss_kg.service_description import service_description
from bpss_kg.sparql_safety import check_services
from bpss_kg.store.changes import graphs_written
from bpss_kg.store.query_service import NotAcceptable, QueryAnswer, term_to_nt
from bpss_kg.store.sparql_text import mentions_load

from .auth import current_writer, requires_token
from .context import context
from .publish import service_page

blueprint = Blueprint("sparql", __name__)

RESULT_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_MEDIA = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
}
MEDIA_OF = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
FORMAT_PARAM = {  # format= value → (results format, graph format)
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "jsonld": (None, "jsonld"),
    "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "rdfxml": (None, "rdfxml"),
    # the spellings clients send: SPARQLWrapper's JSONLD, N3 (Turtle is N3), RDF, RDFXML;
    # media types as values (SPARQLWrapper repeats format= with them, others send only them)
    "json-ld": (None, "jsonld"),
    "n3": (None, "turtle"),
    "rdf": ("xml", "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
    "application/sparql-results+json": ("json", None),
    "application/sparql-results+xml": ("xml", None),
    "application/json": ("json", "jsonld"),
    "text/csv": ("csv", None),
    "text/tab-separated-values": ("tsv", None),
    "text/turtle": (None, "turtle"),
    "text/n3": (None, "turtle"),
    "application/ld+json": (None, "jsonld"),
    "application/n-triples": (None, "ntriples"),
    "application/rdf+xml": (None, "rdfxml"),
}


def negotiate() -> tuple[str | None, str | None]:
    """The results and graph formats the client accepts (``format=`` wins over ``Accept``)."""
    wanted = request.values.get("format")
    if wanted:
        if wanted.lower() not in FORMAT_PARAM:
            raise NotAcceptable(f"unknown format {wanted!r}; use one of "
                                f"{', '.join(FORMAT_PARAM)}")
        return FORMAT_PARAM[wanted.lower()]
    accept = request.accept_mimetypes
    if not accept:
        return "json", "turtle"
    results = accept.best_match(list(RESULT_MEDIA))
    graph = accept.best_match(list(GRAPH_MEDIA))
    if results is None and graph is None:
        raise NotAcceptable(f"none of {accept} can be produced; results: "
                            f"{', '.join(RESULT_MEDIA)}; graphs: {', '.join(GRAPH_MEDIA)}")
    return (RESULT_MEDIA[results] if results else None, GRAPH_MEDIA[graph] if graph else None)


def _query_text() -> str | None:
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/sparql-query":
            return request.get_data(as_text=True)
        if mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if "update" in request.form and "query" not in request.form:
                raise BadInput("/sparql answers queries; send SPARQL Update to /update")
            return request.form.get("query")
        if mimetype == "application/sparql-update":
            raise BadInput("/sparql answers queries; send SPARQL Update to /update")
        raise BadInput(f"POST /sparql takes application/sparql-query or a form, not {mimetype!r}")
    return request.args.get("query")


PARAM_PREFIX = "param."


def _library_bindings() -> dict[str, str]:
    """Variable → N-Triples term for ``library=`` and its ``param.<name>=`` values, typed by
    the library query's parameter lines (so ``2024`` for a ``year`` is ``"2024"^^xsd:gYear``)."""
    source = request.form if request.method == "POST" and request.form else request.args
    name = source.get("library")
    if not name:
        if any(key.startswith(PARAM_PREFIX) for key in source):
            raise BadInput("param.<name> values need library=<query name>")
        return {}
    values = {key[len(PARAM_PREFIX):]: value for key, value in source.items()
              if key.startswith(PARAM_PREFIX)}
    bound = library_query(name).bind(values)
    return {key: term_to_nt(term) for key, term in bound.items()}


def _graph_list(name: str) -> tuple[str, ...]:
    source = request.form if request.method == "POST" and request.form else request.args
    return tuple(source.getlist(name))


def engine_headers(answer: QueryAnswer) -> dict[str, str]:
    """Which engine answered (``X-BPSS-Engine``) and, when Oxigraph did, why the analytical
    engine did not (``X-BPSS-Engine-Reason``, ASCII)."""
    headers = {"X-BPSS-Engine": answer.engine}
    if answer.engine_reason:
        reason = answer.engine_reason.encode("ascii", "backslashreplace").decode()
        headers["X-BPSS-Engine-Reason"] = " ".join(reason.split())[:300]
    return headers


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    ctx = context()
    text = _query_text()
    if text is None or not text.strip():
        if request.method == "POST":
            raise BadInput("no query given (parameter 'query' or an application/sparql-query body)")
        return _service_description()
    results_format, graph_format = negotiate()
    check_services(text, ctx.settings.allowed_services)
    answer = ctx.queries.execute(ctx.queries.request(
        text,
        bindings=_library_bindings(),
        default_graphs=_graph_list("default-graph-uri"),
        named_graphs=_graph_list("named-graph-uri"),
        results_format=results_format,
        graph_format=graph_format,
    ))
    return Response(answer.body, mimetype=MEDIA_OF[answer.format],
                    headers={"Vary": "Accept", **engine_headers(answer)},
                    content_type=f"{MEDIA_OF[answer.format]}; charset=utf-8")


def _wants_page() -> bool:
    """A browser's visit (text/html preferred to every RDF syntax, no format=)."""
    accept = request.accept_mimetypes
    if request.values.get("format") or not accept:
        return False
    html = accept.quality("text/html")
    return html > 0 and all(html > accept.quality(m) for m in GRAPH_MEDIA if m != "text/plain")


def _service_description() -> Response:
    ctx = context()
    base = request.host_url.rstrip("/")
    graph = service_description(ctx.store, f"{base}/sparql",
                                f"{base}/update" if ctx.writes_enabled else None)
    if _wants_page():
        return Response(service_page(graph, f"{base}/sparql"),
                        content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    _, graph_format = negotiate()
    fmt = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml",
           None: "turtle"}[graph_format]
    media = MEDIA_OF[graph_format or "turtle"]
    return Response(graph.serialize(format=fmt, encoding="utf-8"),
                    content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


@blueprint.route("/update", methods=["POST"])
@requires_token
def update() -> Response:
    ctx = context()
    if request.mimetype == "application/sparql-update":
        text = request.get_data(as_text=True)
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        text = request.form.get("update")
    else:
        raise BadInput(f"POST /update takes application/sparql-update or a form, "
                       f"not {request.mimetype!r}")
    if not text or not text.strip():
        raise BadInput("no update given (parameter 'update' or an application/sparql-update body)")
    if _graph_list("using-graph-uri") or _graph_list("using-named-graph-uri"):
        raise BadInput("using-graph-uri / using-named-graph-uri are not supported; "
                       "use USING / WITH in the request")
    check_services(text, ctx.settings.allowed_services, update=True)
    writer = current_writer()
    if not writer.scope.is_admin and mentions_load(text):
        raise Forbidden(f"a {writer.scope} token may not LOAD documents; send the triples")
    ctx.gate.write(writer, "POST /update", graphs_written(text), lambda: ctx.store.update(text))
    return Response(status=204)
