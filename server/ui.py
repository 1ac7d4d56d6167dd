"""The web UI: server-rendered pages over the library's read models (``bpss_kg.browse``).

Paths are stable: ``/``, ``/search?q=``, ``/resource?iri=IRI`` (and ``/id/…`` for IRIs under
``https://w3id.org/bpss-kg/id/``), ``/ontology``, ``/national-list``, ``/county/<code>``,
``/compare?counties=<code>,<code>``, ``/query``; ``?lang=en`` switches to English.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from bpss_kg.browse.compare import (
    MAX_COUNTIES,
    MIN_COUNTIES,
    compare_counties,
    parse_codes,
    split_codes,
)
from bpss_kg.browse.county import county_dashboard
from bpss_kg.browse.labels import language
from bpss_kg.browse.national_tree import national_tree
from bpss_kg.browse.ontology_view import ontology_view
from bpss_kg.browse.resource import (
    NEIGHBOUR_RELATIONS,
    RDF_FORMATS,
    Neighbour,
    describe,
    parse_iri,
    resource_rdf,
    standard_neighbourhood,
)
from bpss_kg.browse.summary import summary
from bpss_kg.browse.synthetic import county_has_synthetic, resource_is_synthetic
from bpss_kg.errors import BadInput, BpssError
from bpss_kg.namespaces import ID, county_graph, is_division_code
from bpss_kg.publish.jsonld import CONTEXT_PATH
from bpss_kg.queries import library
from bpss_kg.search import KIND_RANK, Narrowing
from bpss_kg.search import search as search_index
from bpss_kg.system_diff import edition_pair, label_book, report_sections

from .compare_csv import PARTS, csvw_metadata, indicators_csv, items_csv
from .context import context
from .errors import status_for
from .messages import (
    MESSAGES,
    PARAMETER_TYPES_ZH,
    message,
    parameter_help,
    place_label,
    unit_text,
)
from .publish import base_url
from .search_places import places, province_names

blueprint = Blueprint("ui", __name__, template_folder="templates")

HTML = "text/html"
NEGOTIABLE = {"text/turtle": "turtle", "application/x-turtle": "turtle",
              "application/ld+json": "jsonld", "application/n-triples": "ntriples",
              "application/rdf+xml": "rdfxml"}
FORMAT_PARAM = {"turtle": "turtle", "ttl": "turtle", "jsonld": "jsonld", "json-ld": "jsonld",
                "nt": "ntriples", "ntriples": "ntriples", "rdfxml": "rdfxml", "rdf": "rdfxml"}


@blueprint.before_app_request
def choose_language() -> None:
    """Chinese unless ``?lang=en``; every link and form of the UI carries the choice on."""
    g.lang = language(request.args.get("lang"))


def _lang() -> str:
    return getattr(g, "lang", "zh")


def link(endpoint: str, **values: Any) -> str:
    """A URL for ``endpoint`` that keeps the chosen language."""
    if _lang() == "en":
        values.setdefault("lang", "en")
    return url_for(endpoint, **values)


def resource_link(iri: str) -> str:
    """Where the UI shows ``iri``: county IRIs open the dashboard, others the resource page."""
    return link("ui.resource", iri=iri)


def switch_language_url() -> str:
    args = request.args.to_dict(flat=True)
    args["lang"] = "zh" if _lang() == "en" else "en"
    return f"{request.path}?{urlencode(args)}"


def page_url(page: int) -> str:
    args = request.args.to_dict(flat=True)
    args["page"] = str(page)
    return f"{request.path}?{urlencode(args)}"


@blueprint.app_context_processor
def helpers() -> dict[str, Any]:
    lang = _lang()
    return {"lang": lang, "t": lambda key, **v: message(key, lang, **v), "link": link,
            "unit": lambda text: unit_text(text or "", lang),
            "place": lambda name: place_label(name or "", lang),
            "resource_link": resource_link, "switch_language_url": switch_language_url,
            "page_url": page_url}


def _page() -> int:
    raw = request.args.get("page", "1")
    try:
        return max(1, int(raw))
    except ValueError:
        raise BadInput(f"page must be a number, not {raw!r}") from None


@blueprint.errorhandler(BpssError)
def error_page(error: BpssError) -> tuple[str, int]:
    """A page in the site frame. The message as it is when it is in the page's language (the
    UI's own messages are; library messages are English); on a Chinese page an English
    library message comes after what went wrong in Chinese (by the kind of error), marked as
    English."""
    detail = str(error)
    if _lang() == "en" or any("\u4e00" <= ch <= "\u9fff" for ch in detail):
        return render_template("error.html", error=detail), status_for(error)
    kind = next((f"error.kind.{cls.__name__}" for cls in type(error).__mro__
                 if f"error.kind.{cls.__name__}" in MESSAGES), "error.kind.other")
    return render_template("error.html", error=message(kind, "zh"), detail=detail,
                           detail_english=True), status_for(error)


# Paths of the protocol and API endpoints: an unknown URL below them stays a plain answer.
_MACHINE_PATHS = ("/api/", "/sparql", "/update", "/graph-store", "/changes", "/dumps/",
                  "/static/")


@blueprint.app_errorhandler(404)
@blueprint.app_errorhandler(405)
def unknown_url(error: HTTPException) -> tuple[str, int] | HTTPException:
    """An address the site does not have: a page in the site frame for people (with the way
    home and to search); protocol and API paths keep their plain answer."""
    if request.path.startswith(_MACHINE_PATHS) or not request.accept_mimetypes.accept_html:
        return error
    key = "error.no_page" if error.code == 404 else "error.no_method"
    return render_template("error.html", error=message(key, _lang(), path=request.path)), \
        error.code or 404


@blueprint.get("/")
def home() -> str:
    return render_template("home.html", summary=summary(context().store, _lang(), _page()))


@blueprint.get("/search")
def search() -> str:
    text = request.args.get("q", "")
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KIND_RANK and kind != "other":
        raise BadInput(message("search.bad_kind", _lang(), kind=kind))
    province = request.args.get("province") or None
    if province is not None and not (len(province) == 2 and province.isdigit()):
        raise BadInput(message("search.bad_province", _lang(), province=province))
    data = request.args.get("data") or None
    if data not in (None, "yes", "no"):
        raise BadInput(message("search.bad_data", _lang(), data=data))
    narrowing = Narrowing(kind, province, None if data is None else data == "yes")
    store = context().store
    results = search_index(store, text, _page(), narrowing=narrowing)
    return render_template("search.html", q=text, results=results,
                           where=places(store, results.hits, _lang()),
                           provinces=province_names(store, sorted(results.facets.provinces),
                                                    _lang()),
                           facet_url=facet_url)


def facet_url(**changes: str | None) -> str:
    """This search with one facet set (or cleared, for None), from the first page."""
    args = request.args.to_dict(flat=True)
    args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return f"{request.path}?{urlencode(args)}"


def _wanted_rdf() -> str | None:
    """The RDF format the client asks for, or None for HTML (browsers)."""
    wanted = request.args.get("format")
    if wanted:
        if wanted.lower() == "html":
            return None
        if wanted.lower() not in FORMAT_PARAM:
            raise BadInput(f"format must be html, turtle, jsonld, nt or rdfxml, not {wanted!r}")
        return FORMAT_PARAM[wanted.lower()]
    best = request.accept_mimetypes.best_match([HTML, "application/xhtml+xml", *NEGOTIABLE])
    return NEGOTIABLE.get(best or HTML)


def _resource_response(iri_text: str) -> Response | str:
    store = context().store
    iri = parse_iri(iri_text)
    fmt = _wanted_rdf()
    if fmt is not None:
        media = RDF_FORMATS[fmt][1]
        return Response(resource_rdf(store, iri, fmt, f"{base_url()}{CONTEXT_PATH}"),
                        content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})
    view = describe(store, iri, _lang(), _page())
    county_code = None
    if iri.value.startswith(str(ID["place/"])) and any(
            t.iri.endswith("#County") for t in view.types):
        county_code = iri.value.rsplit("/", 1)[-1]
    synthetic = (county_has_synthetic(store, county_code) if county_code
                 else resource_is_synthetic(store, iri.value))
    neighbours = standard_neighbourhood(store, iri, _lang()) if any(
        t.iri == STANDARD_CLASS for t in view.types) else []
    from .feedback import panel_for

    feedback = panel_for(iri.value, [t.iri for t in view.types])
    response = Response(render_template("resource.html", view=view, county_code=county_code,
                                        synthetic=synthetic, neighbours=neighbours,
                                        neighbourhood=_neighbourhood_chart(view, neighbours),
                                        feedback=feedback),
                        content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


STANDARD_CLASS = "https://w3id.org/bpss-kg/def#Standard"


def _neighbourhood_chart(view: Any, neighbours: list[Neighbour]) -> dict[str, Any] | None:
    """The graph view's data: the standard in the middle, its neighbours around it, each link
    named by its relation in the UI language; nodes link to their local pages."""
    if not neighbours:
        return None
    lang = _lang()
    relations = [r for r in NEIGHBOUR_RELATIONS if any(n.relation == r for n in neighbours)]
    nodes = [{"id": view.iri, "name": view.label, "category": len(relations),
              "href": resource_link(view.iri), "centre": True}]
    seen = {view.iri}
    links = []
    for n in neighbours:
        if n.iri not in seen:
            seen.add(n.iri)
            nodes.append({"id": n.iri, "name": n.label, "href": resource_link(n.iri),
                          "category": relations.index(n.relation)})
        links.append({"source": view.iri, "target": n.iri,
                      "label": message(f"neighbour.{n.relation}", lang)})
    return {"nodes": nodes, "links": links,
            "categories": [message(f"neighbour.{r}", lang) for r in relations]
            + [message("neighbour.this", lang)]}


@blueprint.get("/resource")
def resource() -> Response | str:
    return _resource_response(request.args.get("iri", ""))


@blueprint.get("/id/<path:rest>")
def resource_under_base(rest: str) -> Response | str:
    """IRIs under ``https://w3id.org/bpss-kg/id/`` answered at this server's ``/id/…``."""
    return _resource_response(str(ID[rest]))


@blueprint.get("/ontology")
def ontology() -> str:
    return render_template("ontology.html", view=ontology_view(context().store, _lang()))


@blueprint.get("/national-list")
def national_list() -> str:
    return render_template("national_list.html", tree=national_tree(context().store, _lang()))


def chart_label(label: str, unit: str, lang: str) -> str:
    unit = unit_text(unit, lang)
    if not unit:
        return label
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


@blueprint.get("/county/<code>")
def county(code: str) -> str:
    lang = _lang()
    dashboard = county_dashboard(context().store, code, lang)
    latest = max((row.year for row in dashboard.indicators), default="")
    chart = {
        "labels": {"value": f"{place_label(dashboard.label, lang)} ({latest})",
                   "baseline": message("chart.baseline", lang)},
        "rows": [{"label": chart_label(row.label, row.unit, lang), "value": row.value,
                  "baseline": row.baseline, "meets": row.meets}
                 for row in dashboard.indicators],
    }
    editions = context().editions.editions(graph=str(county_graph(code)), limit=100_000)
    store = context().store
    return render_template("county.html", d=dashboard, chart=chart,
                           editions=list(reversed(editions))[:5], edition_count=len(editions),
                           synthetic=county_has_synthetic(store, code),
                           has_graph=store.has_graph(ox.NamedNode(str(county_graph(code)))))


def _edition_number(name: str) -> int | None:
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise BadInput(f"{name} must be an edition number (0, 1, 2, …), not {raw!r}")
    return int(raw)


@blueprint.get("/county/<code>/editions")
def county_editions(code: str) -> str:
    """The county system's editions (a timeline) and what changed between two of them."""
    if not is_division_code(code):
        raise BadInput(f"a county code has six digits, not {code!r}")
    graph = str(county_graph(code))
    log = context().editions
    editions = list(reversed(log.editions(graph=graph, limit=100_000)))
    dashboard = county_dashboard(context().store, code, _lang())
    pair = None
    if editions:
        from_n, to_n, diff = edition_pair(log, graph, f"county {code}",
                                          _edition_number("from"), _edition_number("to"))
        pair = {"from": from_n, "to": to_n,
                "sections": report_sections(diff, label_book(context().store, diff))}
    return render_template("editions.html", d=dashboard, editions=editions, pair=pair,
                           synthetic=county_has_synthetic(context().store, code))


@blueprint.get("/compare")
def compare() -> Response | str:
    typed = split_codes(",".join(request.args.getlist("counties")))
    typed = list(dict.fromkeys(typed))
    if len(typed) < MIN_COUNTIES or len(typed) > MAX_COUNTIES:
        # Not an error page: the dashboard's button brings one county here to pick the others,
        # and a list of the wrong length is shown back in the form with what to change.
        key = ("compare.too_many" if len(typed) > MAX_COUNTIES
               else "compare.pick_more" if typed else None)
        status = 400 if len(typed) > MAX_COUNTIES else 200
        return render_template("compare.html", comparison=None, raw=" ".join(typed),
                               notice=message(key, _lang(), n=len(typed)) if key else None), status
    codes = parse_codes(",".join(typed))
    comparison = compare_counties(context().store, codes, _lang())
    if request.args.get("format") in ("csv", "csvw"):
        part = request.args.get("part", "items")
        if part not in PARTS:
            raise BadInput(message("compare.bad_part", _lang(), parts=", ".join(PARTS),
                                   part=part))
        csv_url = base_url() + url_for(
            "ui.compare", counties=",".join(codes), format="csv", part=part,
            **({"lang": "en"} if _lang() == "en" else {}))
        if request.args.get("format") == "csvw":
            return Response(json.dumps(csvw_metadata(comparison, part, _lang(), csv_url),
                                       ensure_ascii=False, indent=1),
                            content_type="application/csvm+json; charset=utf-8")
        body = (items_csv if part == "items" else indicators_csv)(comparison, _lang())
        name = f"compare-{part}-" + "-".join(codes) + ".csv"
        metadata = csv_url.replace("format=csv", "format=csvw", 1)
        return Response(body, content_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Link": f'<{metadata}>; rel="describedby"; type="application/csvm+json"'})
    chart = {
        "counties": [place_label(county.label, _lang()) for county in comparison.counties],
        "baseline": message("chart.baseline", _lang()),
        "indicators": [{"label": chart_label(ind.label, ind.unit, _lang()),
                        "baseline": ind.baseline,
                        "values": [v.value if v else None for v in ind.values]}
                       for ind in comparison.indicators],
    }
    return render_template("compare.html", comparison=comparison, raw=",".join(codes),
                           chart=chart)


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says; send them to the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@blueprint.get("/query")
def query() -> str:
    lang = _lang()
    queries = [q.to_dict() for q in library().values()]
    for entry in queries:
        for parameter in entry["parameters"]:
            parameter["description"] = parameter_help(parameter.get("description") or "", lang)
            if lang == "zh":
                parameter["type_label"] = PARAMETER_TYPES_ZH.get(parameter["type"],
                                                                 parameter["type"])
    return render_template("query.html", queries=queries)
