"""Public feedback on standards (issue 19): the form on a standard's page, the public view, and
the county office's page to read, answer and close. The library (``bpss_kg.feedback``) keeps
the items outside the RDF store; this module only carries them over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request, url_for

from bpss_kg.errors import BadInput, BpssError
from bpss_kg.feedback import FeedbackBox, PublicView
from bpss_kg.namespaces import BPSS, GRAPH, is_division_code

from .context import context
from .errors import status_for

blueprint = Blueprint("feedback", __name__)
_COUNTIES = f"""
SELECT DISTINCT ?county ?standard WHERE {{
  ?standard <{BPSS}inSystem> ?system . ?system <{BPSS}forDivision> ?place .
  ?place <{BPSS}divisionCode> ?county }} ORDER BY ?county"""


@dataclass(frozen=True)
class Panel:
    """What a standard's page shows of its feedback."""

    standard: str
    counties: list[str]  # the county systems that hold the standard (whose office answers)
    view: PublicView
    form_token: str
    sent: bool


def box() -> FeedbackBox:
    return context().feedback


def counties_holding(standard: str) -> list[str]:
    rows = context().store.query(_COUNTIES, bindings={"standard": ox.NamedNode(standard)})
    return [r["county"].value for r in rows if r["county"] is not None]


def panel_for(standard: str, types: list[str]) -> Panel | None:
    """The feedback panel of a standard's page (None for other resources)."""
    if f"{BPSS}Standard" not in types:
        return None
    feedback = box()
    return Panel(standard, counties_holding(standard), feedback.public(standard),
                 feedback.form_token(), request.args.get("feedback") == "sent")


def _page(template: str, status: int = 200, **values: Any) -> Response:
    response = Response(render_template(template, **values), status=status,
                        content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(error: BpssError) -> Response:
    return _page("error.html", status=status_for(error), error=str(error))


@blueprint.post("/feedback")
def submit() -> Response:
    form = request.form
    standard = form.get("standard", "").strip()
    try:
        if not standard.startswith(("https://", "http://")):
            raise BadInput("the form names no standard / 未指明标准")
        counties = counties_holding(standard)
        if not counties:
            raise BadInput("opinions are collected for standards of a county system; this one "
                           "is in none / 仅收集县域标准体系内标准的意见")
        county = form.get("county", "").strip() or counties[0]
        if county not in counties:
            raise BadInput(f"the standard is not in the system of county {county} / "
                           "该标准不在所选县的标准体系内")
        box().submit(standard=standard, county=county, text=form.get("text", ""),
                     contact=form.get("contact", ""), address=request.remote_addr or "",
                     form_token=form.get("form", ""), honeypot=form.get("website", ""))
    except BpssError as error:
        return _error(error)
    lang = {"lang": "en"} if request.args.get("lang") == "en" or form.get("lang") == "en" else {}
    return redirect(url_for("ui.resource", iri=standard, feedback="sent", **lang)
                    + "#feedback", code=303)


@blueprint.get("/county/<code>/feedback")
def office_login(code: str) -> Response:
    if not is_division_code(code):
        return _error(BadInput(f"a county code has six digits, not {code!r}"))
    return _page("feedback_office.html", code=code, items=None, token="", error=None)


@blueprint.post("/county/<code>/feedback")
def office(code: str) -> Response:
    """The office's list (a token of this county, or a province or admin token, in the form);
    with ``answer`` / ``close`` fields, first answers or closes one item."""
    if not is_division_code(code):
        return _error(BadInput(f"a county code has six digits, not {code!r}"))
    ctx = context()
    token = request.form.get("token", "").strip()
    writer = ctx.access.writer_for(token, ctx.settings.update_token) if token else None
    graph = str(GRAPH[f"county/{code}"])
    if writer is None or not writer.scope.allows(graph):
        message = ("enter a token / 请填写令牌" if not token else
                   f"this token may not read the feedback of county {code} / "
                   "该令牌无权查看此县的意见")
        return _page("feedback_office.html", status=403 if token else 400, code=code,
                     items=None, token="", error=message)
    feedback = box()
    error = None
    item = request.form.get("item", "").strip()
    if item:
        try:
            if not item.isdigit():
                raise BadInput(f"not an item number: {item!r}")
            feedback.answer(int(item), writer, request.form.get("answer", ""),
                            close=request.form.get("close") == "1", county=code)
            ctx.access.record(writer, f"feedback answer {item}", [])
        except BpssError as error_:
            error = str(error_)
    return _page("feedback_office.html", code=code, items=feedback.for_county(code),
                 token=token, error=error)
