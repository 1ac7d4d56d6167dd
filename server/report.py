"""The county assessment report (issue 19): ``/county/<code>/report`` (HTML) and
``/county/<code>/report.pdf``; ``bpss-kg report`` renders the same page through ``render``."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, g, render_template, url_for

from bpss_kg.browse.county import county_dashboard
from bpss_kg.browse.monitoring import county_monitoring
from bpss_kg.errors import BadInput
from bpss_kg.namespaces import SHAPES, county_graph, is_division_code
from bpss_kg.pdf import html_to_pdf
from bpss_kg.validation.shapes import Shapes, load_shapes

from .context import context

blueprint = Blueprint("report", __name__)
STATIC = Path(__file__).resolve().parent / "static"
GROUPS = {  # rule groups of shapes/, in the report's order
    "structure": ("结构（GB/T 43507 第5章）", "Structure (GB/T 43507 clause 5)"),
    "target-clarity": ("目标明确", "Clear targets"),
    "local-adaptation": ("因地制宜", "Local adaptation"),
    "coordination-unity": ("协调统一", "Coordination and unity"),
    "dynamic-adjustment": ("动态调整", "Dynamic adjustment"),
    "work-guide": ("工作指南（立项、研制）", "Work guide (approval, drafting)"),
    "monitoring": ("监测改进", "Monitoring and improvement"),
    "data-quality": ("数据质量", "Data quality"),
}


@lru_cache(maxsize=1)
def _bundled_shapes() -> Shapes:
    return load_shapes()


def _group_of(shape: str) -> str:
    """The rule group of a node shape of shapes/ by its name (``ProposalComplete``)."""
    group = _bundled_shapes().info(f"<{SHAPES}{shape}>").group
    return group if group != "other" else "data-quality"


def report_values(code: str, lang: str, *, for_print: bool) -> dict[str, Any]:
    """Everything the report shows, read from the store, the editions and the feedback."""
    if not is_division_code(code):
        raise BadInput(f"a county code has six digits, not {code!r}")
    ctx = context()
    dashboard = county_dashboard(ctx.store, code, lang)
    monitoring = county_monitoring(ctx.store, code, lang)
    by_group = Counter(_group_of(f.shape) for f in dashboard.findings)
    findings = [(GROUPS.get(g, (g, g))[0 if lang == "zh" else 1], by_group[g],
                 [f for f in dashboard.findings if _group_of(f.shape) == g])
                for g in [*GROUPS, *sorted(set(by_group) - set(GROUPS))] if by_group[g]]
    items = ctx.feedback.for_county(code)
    feedback = {"received": len(items), "answered": sum(1 for i in items if i.answer),
                "open": sum(1 for i in items if i.status == "new")}
    editions = ctx.editions.editions(graph=str(county_graph(code)), limit=100_000)
    trend = [{"number": e.number, "time": e.time[:10], "triples": e.triples,
              "added": e.added, "removed": e.removed, "label": e.label} for e in editions]
    chart = {
        "labels": {"value": dashboard.label, "baseline": "国家基准" if lang == "zh" else
                   "national baseline"},
        "rows": [{"label": f"{row.label} ({row.unit})" if row.unit else row.label,
                  "value": row.value, "baseline": row.baseline, "meets": row.meets}
                 for row in dashboard.indicators],
    }
    asset = ((lambda name: (STATIC / name).as_uri()) if for_print
             else (lambda name: url_for("static", filename=name)))
    return {"d": dashboard, "m": monitoring, "findings": findings, "feedback": feedback,
            "trend": trend, "chart": chart, "asset": asset, "for_print": for_print,
            "code": code}


def render(code: str, lang: str, *, for_print: bool = False) -> str:
    return render_template("report.html", **report_values(code, lang, for_print=for_print))


def _lang() -> str:
    return getattr(g, "lang", "zh")  # chosen for every request by ui.choose_language


@blueprint.get("/county/<code>/report")
def report(code: str) -> Response:
    return Response(render(code, _lang()), content_type="text/html; charset=utf-8")


@blueprint.get("/county/<code>/report.pdf")
def report_pdf(code: str) -> Response:
    pdf = html_to_pdf(render(code, _lang(), for_print=True))
    return Response(pdf, content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="county-{code}-report.pdf"'})


def render_for_cli(app: Flask, code: str, lang: str) -> str:
    """The report as ``bpss-kg report`` prints it (no request: a test request context)."""
    with app.test_request_context(f"/county/{code}/report?lang={lang}"):
        g.lang = lang
        return render(code, lang, for_print=True)
