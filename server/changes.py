"""The change feed: ``/changes`` (a Linked Data Event Stream of graph editions, paged) and
``/changes/<id>.rdfp`` (one edition's RDF Patch). HTTP only; the content comes from
bpss_kg.publish.feed and bpss_kg.editions."""

from __future__ import annotations

from flask import Blueprint, Response, request

from bpss_kg.errors import BadInput
from bpss_kg.publish.feed import PATCH_MEDIA, change_feed
from bpss_kg.store.query_service import NotAcceptable

from .context import context
from .publish import RDF_MEDIA, base_url

blueprint = Blueprint("changes", __name__)


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise BadInput(f"{name} must be between {low} and {high}, not {value}")
    return value


@blueprint.get("/changes")
def feed() -> Response:
    graph = change_feed(context().editions, base_url(), after=_int("after", 0, 0, 2**62),
                        limit=_int("limit", 500, 1, 5000), graph=request.args.get("graph") or None)
    accept = request.accept_mimetypes
    media = accept.best_match(list(RDF_MEDIA), default="text/turtle") if accept else \
        "text/turtle"
    if media is None:
        raise NotAcceptable(f"none of {accept} can be produced; offered: {', '.join(RDF_MEDIA)}")
    return Response(graph.serialize(format=RDF_MEDIA[media], encoding="utf-8"),
                    content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


@blueprint.get("/changes/<int:edition_id>.rdfp")
def patch(edition_id: int) -> Response:
    return Response(context().editions.patch(edition_id).rdf_patch(),
                    content_type=f"{PATCH_MEDIA}; charset=utf-8")
