"""Published data at stable URLs: ``/catalog`` (DCAT, content-negotiated), ``/void``,
``/dumps/<name>.<ext>`` and ``/context.jsonld``. HTTP only; the content comes from
bpss_kg.publish."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

from flask import Blueprint, Response, render_template, request
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from bpss_kg.errors import NotFound
from bpss_kg.publish import catalog_graph, jsonld_context, parse_dump_name, void_graph, write_dump
from bpss_kg.publish.catalog import CATALOG, VOID, dataset_iri, dump_sizes
from bpss_kg.publish.csvw import county_csv, county_csv_metadata
from bpss_kg.publish.dumps import DUMP_FORMATS
from bpss_kg.publish.jsonld import CONTEXT_PATH
from bpss_kg.service_description import SD
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


def _rdf_response(graph: Graph, html: Callable[[Graph], str] | None = None) -> Response:
    if request.args.get("format") in ("turtle", "ttl"):  # a link a browser can follow
        return Response(graph.serialize(format="turtle", encoding="utf-8"),
                        content_type="text/turtle; charset=utf-8")
    offered = list(RDF_MEDIA) + (["text/html"] if html is not None else [])
    accept = request.accept_mimetypes
    media = accept.best_match(offered, default="text/turtle") if accept else "text/turtle"
    if media is None:
        raise NotAcceptable(f"none of {accept} can be produced; offered: {', '.join(offered)}")
    if media == "text/html" and accept.quality("text/html") <= accept.quality("text/turtle"):
        media = "text/turtle"
    if media == "text/html" and html is not None:
        return Response(html(graph), content_type="text/html; charset=utf-8",
                        headers={"Vary": "Accept"})
    body = graph.serialize(format=RDF_MEDIA[media], encoding="utf-8")
    return Response(body, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


def _titles(graph: Graph, node: object) -> dict[str, str]:
    return {t.language or "": str(t) for t in graph.objects(node, DCTERMS.title)}


def _catalog_html(graph: Graph) -> str:
    """The catalog as a page of the site: each dataset with its downloads and their sizes."""
    datasets = []
    for dataset in sorted(graph.objects(CATALOG, DCAT.dataset)):
        distributions = []
        for dist in graph.objects(dataset, DCAT.distribution):
            url = graph.value(dist, DCAT.downloadURL)
            if url is None:
                continue
            size = graph.value(dist, DCAT.byteSize)
            distributions.append({"url": str(url), "name": str(url).rsplit("/", 1)[-1],
                                  "size": int(size) if size is not None else None})
        distributions.sort(key=lambda d: d["name"])
        datasets.append({"titles": _titles(graph, dataset), "distributions": distributions,
                         "identifier": str(graph.value(dataset, DCTERMS.identifier) or "")})
    publisher = graph.value(CATALOG, DCTERMS.publisher)
    return render_template("catalog.html", datasets=datasets, publisher=str(publisher or ""),
                           publisher_name=str(graph.value(publisher, FOAF.name) or "")
                           if publisher is not None else "")


def _void_html(graph: Graph) -> str:
    """The VoID description as a page: triples, subjects, classes and properties per graph."""
    rows = []
    for subset in graph.objects(None, VOID.subset):
        def figure(predicate: URIRef, node: object = subset) -> int | None:
            found = graph.value(node, predicate)
            return int(found) if found is not None else None
        rows.append({"graph": str(graph.value(subset, DCTERMS.identifier) or subset),
                     "triples": figure(VOID.triples), "subjects": figure(VOID.distinctSubjects),
                     "classes": figure(VOID.classes), "properties": figure(VOID.properties),
                     "dumps": sorted(str(d) for d in graph.objects(subset, VOID.dataDump))})
    rows.sort(key=lambda r: r["graph"])
    everything = graph.value(dataset_iri("all"), VOID.triples)
    total = int(everything) if everything is not None else None
    return render_template("void.html", rows=rows, total=total)


def service_page(description: Graph, endpoint: str) -> str:
    """``GET /sparql`` in a browser: the service description as a page, with the editor."""
    service = URIRef(endpoint + "#service")
    update = next((str(e) for s in description.subjects(SD.supportedLanguage, SD.SPARQL11Update)
                   for e in description.objects(s, SD.endpoint)), None)
    graphs = sorted(str(n) for n in description.objects(None, SD.name))
    return render_template(
        "sparql.html", endpoint=endpoint, update=update, graphs=graphs,
        features=sorted(str(f).rsplit("#", 1)[-1] for f in description.objects(service,
                                                                              SD.feature)),
        formats=sorted(str(f).rsplit("/", 1)[-1] for f in description.objects(service,
                                                                             SD.resultFormat)))


_SIZES: dict[tuple[str, int], dict[str, int]] = {}


def _dump_sizes(base: str) -> dict[str, int]:
    """Dump sizes for ``dcat:byteSize``, counted once per state of the store (the change
    journal's sequence number); without a journal (a remote store) no sizes are given."""
    store = context().store
    journal = getattr(store, "changes", None)
    if journal is None:
        return {}
    key = (base, journal.sequence)
    if key not in _SIZES:
        _SIZES.clear()
        _SIZES[key] = dump_sizes(store, f"{base}{CONTEXT_PATH}")
    return _SIZES[key]


@blueprint.route("/catalog")
def catalog() -> Response:
    ctx = context()
    base = base_url()
    graph = catalog_graph(ctx.store, ctx.settings, base, sizes=_dump_sizes(base))
    return _rdf_response(graph, html=_catalog_html)


@blueprint.route("/void")
def void() -> Response:
    return _rdf_response(void_graph(context().store, base_url()), html=_void_html)


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
    write_dump(store, name, ext, out, f"{base}{CONTEXT_PATH}")
    media = DUMP_FORMATS[ext][1]
    return Response(out.getvalue(), content_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
