"""The web pages: home, search, resources, ontology, national list, county dashboards,
comparison and the query editor. Data come from bpss_kg.browse; templates escape everything."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from bpss_kg.browse import views
from bpss_kg.browse.search import index_path, rebuild_index, search
from bpss_kg.errors import BadInput
from bpss_kg.queries import library
from bpss_kg.store.query_service import GRAPH_FORMATS

from .context import context
from .i18n import current_lang, translate

blueprint = Blueprint("ui", __name__)
RDF_MEDIA = {"text/turtle": "turtle", "application/ld+json": "jsonld",
             "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml"}
PER_PAGE = 20


@blueprint.app_context_processor
def helpers() -> dict[str, object]:
    def lang_url(lang: str) -> str:
        args = request.args.to_dict()
        args["lang"] = lang
        if lang == "zh":
            args.pop("lang")
        return url_for(request.endpoint or "ui.home", **(request.view_args or {}), **args)

    def with_lang(endpoint: str, **values: object) -> str:
        if current_lang() == "en":
            values["lang"] = "en"
        return url_for(endpoint, **values)

    return {"t": translate, "lang": current_lang(), "lang_url": lang_url, "link": with_lang,
            "short": views.short}


def search_index() -> Path:
    store = context().store
    folder = getattr(store, "path", None)
    path = index_path(folder) if folder else Path(context().settings.store) / "search.sqlite"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        rebuild_index(store, path)
    return path


@blueprint.get("/")
def home() -> str:
    return render_template("home.html", summary=views.home(context().store))


@blueprint.get("/search")
def search_page() -> str:
    text = request.args.get("q", "")[:200]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    hits, total = search(search_index(), text, PER_PAGE, (page - 1) * PER_PAGE)
    return render_template("search.html", q=text, hits=hits, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)))


def _wants_rdf() -> str | None:
    best = request.accept_mimetypes.best_match(["text/html", *RDF_MEDIA])
    return RDF_MEDIA.get(best or "")


@blueprint.get("/resource")
def resource() -> Response | str:
    iri = request.args.get("iri", "")
    fmt = _wants_rdf() or ({"ttl": "turtle", "jsonld": "jsonld"}.get(request.args.get("format",
                                                                                     "")))
    if fmt:
        ctx = context()
        answer = ctx.queries.execute(ctx.queries.request(
            "DESCRIBE ?x", bindings={"x": f"<{_checked(iri)}>"}, graph_format=fmt,
            results_format=None))
        media = next(m for m, f in RDF_MEDIA.items() if f == answer.format)
        return Response(answer.body, content_type=f"{media}; charset=utf-8",
                        headers={"Vary": "Accept"})
    page = max(1, request.args.get("page", 1, type=int) or 1)
    description = views.describe(context().store, iri, current_lang(), page)
    return render_template("resource.html", d=description, page=page,
                           pages=max(1, -(-description.incoming_total // 50)))


def _checked(iri: str) -> str:
    if not iri or any(c in iri for c in "<> \"{}|\\^`") or ":" not in iri:
        raise BadInput(f"not an absolute IRI: {iri!r}")
    return iri


@blueprint.get("/id/<path:rest>")
def own_iri(rest: str) -> Response:
    """IRIs under the public base resolve to their resource page (or RDF)."""
    return redirect(url_for("ui.resource", iri=f"https://w3id.org/bpss-kg/id/{rest}",
                            **request.args), code=303)


@blueprint.get("/ontology")
def ontology() -> str:
    return render_template("ontology.html", onto=views.ontology(context().store, current_lang()))


@blueprint.get("/national-list")
def national_list() -> str:
    rows = views.national_list(context().store)
    areas: dict[str, dict[str, list[dict[str, str]]]] = {}
    for row in rows:
        areas.setdefault(row["areaName"], {}).setdefault(row["categoryName"], []).append(row)
    return render_template("national_list.html", areas=areas, total=len(rows))


@blueprint.get("/county/<code>")
def county(code: str) -> str:
    data = views.county(context().store, code, current_lang())
    chart = {"names": [r["indicatorName"] + " " + r["year"] for r in data["indicators"]],
             "values": [float(r["value"]) for r in data["indicators"]],
             "baselines": [float(r["baseline"]) for r in data["indicators"]]}
    return render_template("county.html", c=data, chart=json.dumps(chart, ensure_ascii=False))


@blueprint.get("/compare")
def compare() -> Response | str:
    raw = request.args.get("counties", "")
    codes = [c.strip() for c in raw.split(",") if c.strip()]
    if not codes:
        return render_template("compare.html", data=None, raw=raw)
    data = views.compare(context().store, codes, current_lang())
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["item_number", "item", *data["codes"]])
        for row in data["items"]:
            writer.writerow([row["itemNumber"], row["itemName"],
                             *[row[f"standards{i}"] for i in range(1, len(codes) + 1)]])
        writer.writerow([])
        writer.writerow(["indicator", "unit", "baseline", *data["codes"]])
        for name, values in data["indicators"].items():
            writer.writerow([name, data["units"][name], data["baselines"][name],
                             *[values.get(c, "") for c in data["codes"]]])
        return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=compare.csv"})
    chart = {"counties": data["names"],
             "indicators": list(data["indicators"]),
             "series": [[float(v.get(code, 0) or 0) for v in data["indicators"].values()]
                        for code in data["codes"]]}
    return render_template("compare.html", data=data, raw=raw,
                           chart=json.dumps(chart, ensure_ascii=False))


@blueprint.get("/query")
def query_page() -> str:
    queries = [{"name": n, "title": q.title.get(current_lang(), n), "query": q.text}
               for n, q in library().items()]
    return render_template("query.html", queries=json.dumps(queries, ensure_ascii=False),
                           names=queries)


@blueprint.get("/static-check")
def static_check() -> Response:  # pragma: no cover - a probe for deployments
    if not GRAPH_FORMATS:
        abort(500)
    return Response("ok", mimetype="text/plain")
