"""Published data at stable URLs: ``/catalog`` (DCAT, content-negotiated), ``/void``,
``/dumps/<name>.<ext>`` and ``/context.jsonld``. HTTP only; the content comes from
bpss_kg.publish."""

from __future__ import annotations

import io
import json

from flask import Blueprint, Response, request
from markupsafe import escape
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS

from bpss_kg.errors import NotFound
from bpss_kg.publish import catalog_graph, jsonld_context, parse_dump_name, void_graph, write_dump
from bpss_kg.publish.catalog import CATALOG
from bpss_kg.publish.csvw import county_csv, county_csv_metadata
from bpss_kg.publish.dumps import DUMP_FORMATS
from bpss_kg.store.query_service import NotAcceptable
from bpss_kg.tables import county_table_bytes

from .context import context

blueprint = Blueprint("publish", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RDF_MEDIA = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def base_url() -> str:
    return (context().settings.base_url or request.host_url).rstrip("/")


def _rdf_response(graph: Graph, allow_html: bool = False) -> Response:
    offered = list(RDF_MEDIA) + (["text/html"] if allow_html else [])
    accept = request.accept_mimetypes
    media = accept.best_match(offered, default="text/turtle") if accept else "text/turtle"
    if media is None:
        raise NotAcceptable(f"none of {accept} can be produced; offered: {', '.join(offered)}")
    if media == "text/html" and accept.quality("text/html") <= accept.quality("text/turtle"):
        media = "text/turtle"
    if media == "text/html":
        return Response(_catalog_html(graph), content_type="text/html; charset=utf-8",
                        headers={"Vary": "Accept"})
    body = graph.serialize(format=RDF_MEDIA[media], encoding="utf-8")
    return Response(body, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


def _catalog_html(graph: Graph) -> str:
    rows = []
    for dataset in sorted(graph.objects(CATALOG, DCAT.dataset)):
        titles = {t.language: str(t) for t in graph.objects(dataset, DCTERMS.title)}
        links = sorted(str(u) for d in graph.objects(dataset, DCAT.distribution)
                       for u in graph.objects(d, DCAT.downloadURL))
        anchors = " ".join(f'<a href="{escape(u)}">{escape(u.rsplit("/", 1)[-1])}</a>'
                           for u in links)
        rows.append(f"<tr><td>{escape(titles.get('zh', ''))}<br><small>"
                    f"{escape(titles.get('en', ''))}</small></td><td>{anchors}</td></tr>")
    return ("<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><title>数据目录 · "
            "bpss-kg catalog</title><h1>数据目录 / Data catalog</h1>"
            "<p>DCAT: <a href=\"?format=turtle\">Turtle</a> · VoID: <a href=\"/void\">/void</a>"
            " · SPARQL: <a href=\"/sparql\">/sparql</a></p><table>"
            + "".join(rows) + "</table></html>")


@blueprint.route("/catalog")
def catalog() -> Response:
    ctx = context()
    graph = catalog_graph(ctx.store, ctx.settings, base_url())
    if request.args.get("format") in ("turtle", "ttl"):
        return Response(graph.serialize(format="turtle", encoding="utf-8"),
                        content_type="text/turtle; charset=utf-8")
    return _rdf_response(graph, allow_html=True)


@blueprint.route("/void")
def void() -> Response:
    return _rdf_response(void_graph(context().store, base_url()))


@blueprint.route("/context.jsonld")
def jsonld_context_document() -> Response:
    return Response(json.dumps(jsonld_context(), ensure_ascii=False, indent=1),
                    content_type="application/ld+json; charset=utf-8",
                    headers={"Access-Control-Allow-Origin": "*"})


@blueprint.route("/dumps/<filename>")
def dump(filename: str) -> Response:
    store = context().store
    base = base_url()
    if filename.startswith("county-") and filename.endswith(".xlsx"):
        county = filename.removeprefix("county-").removesuffix(".xlsx")
        parse_dump_name(store, f"county-{county}.ttl")  # 404 when there is no such county
        return Response(county_table_bytes(store, county), content_type=XLSX, headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})
    if filename.startswith("county-") and filename.endswith((".csv", ".csv-metadata.json")):
        county = filename.removeprefix("county-").split(".", 1)[0]
        parse_dump_name(store, f"county-{county}.ttl")  # 404 when there is no such county
        if filename.endswith(".csv"):
            return Response(county_csv(store, county), content_type="text/csv; charset=utf-8",
                            headers={"Link": f'<{base}/dumps/county-{county}.csv-metadata.json>;'
                                     ' rel="describedby"; type="application/csvm+json"'})
        metadata = county_csv_metadata(county, f"{base}/dumps/county-{county}.csv")
        return Response(json.dumps(metadata, ensure_ascii=False, indent=1),
                        content_type="application/csvm+json; charset=utf-8")
    if "." not in filename:
        raise NotFound(f"no dump named {filename!r}")
    name, ext = parse_dump_name(store, filename)
    out = io.BytesIO()
    write_dump(store, name, ext, out, f"{base}/context.jsonld")
    media = DUMP_FORMATS[ext][1]
    return Response(out.getvalue(), content_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
