"""The JSON API over the query library: ``/api/queries``, ``/api/queries/<name>``,
``/api/openapi.json``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from bpss_kg.errors import BadInput
from bpss_kg.openapi import openapi_document
from bpss_kg.queries import library, library_query, values_as_of
from bpss_kg.store.query_service import (
    NotAcceptable,
    QueryAnswer,
    serialize_lines,
    term_to_nt,
)
from bpss_kg.validity import parse_as_of

from .context import context

blueprint = Blueprint("api", __name__, url_prefix="/api")
RESERVED = {"format", "as-of"}  # not query parameters: "-" is not in a SPARQL variable name


@blueprint.get("/queries")
def list_queries() -> Response:
    return jsonify([
        {k: v for k, v in q.to_dict().items() if k != "query"} | {"url": f"/api/queries/{name}"}
        for name, q in library().items()
    ])


def _wanted_format() -> str:
    wanted = request.args.get("format")
    if wanted:
        if wanted not in ("json", "csv"):
            raise NotAcceptable(f"format must be json or csv, not {wanted!r}")
        return wanted
    best = request.accept_mimetypes.best_match(
        ["application/sparql-results+json", "application/json", "text/csv"])
    if request.accept_mimetypes and best is None:
        raise NotAcceptable("this API answers application/json or text/csv")
    return "csv" if best == "text/csv" else "json"


@blueprint.get("/queries/<name>")
def run_query(name: str) -> Response:
    ctx = context()
    query = library_query(name)
    values = {k: v for k, v in request.args.items() if k not in RESERVED}
    if any(len(request.args.getlist(k)) > 1 for k in values):
        raise BadInput("each parameter may be given once")
    raw_as_of = request.args.get("as-of")
    as_of = parse_as_of(raw_as_of, where="parameter as-of") if raw_as_of is not None else None
    county = None
    if as_of is not None:
        values, county = values_as_of(query, values, as_of)
    bound = query.bind(values)
    bindings = {k: term_to_nt(v) for k, v in bound.items()}
    fmt = _wanted_format()
    request_ = ctx.queries.request(
        query.text, bindings=bindings, results_format=fmt, graph_format=None,
        as_of=as_of.isoformat() if as_of is not None else None, as_of_county=county)

    def from_summaries() -> QueryAnswer | None:  # the same rows, read from the summaries
        if as_of is not None:
            return None  # the summaries hold the present
        summaries = ctx.summaries.summaries
        found = summaries.answer_lines(query, bound) if summaries is not None else None
        return serialize_lines(*found, request_) if found is not None else None

    answer = ctx.queries.execute(request_, precomputed=from_summaries)
    media = "text/csv" if fmt == "csv" else "application/sparql-results+json"
    return Response(answer.body, content_type=f"{media}; charset=utf-8")


@blueprint.get("/queries/<name>/text")
def query_text(name: str) -> Response:
    return jsonify(library_query(name).to_dict())


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(library(), request.host_url.rstrip("/")))
