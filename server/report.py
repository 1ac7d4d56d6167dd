"""The county assessment report (issue 19): ``/county/<code>/report`` (HTML) and
``/county/<code>/report.pdf``; ``bpss-kg report`` renders the same page through ``render``."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, g, render_template, url_for

from bpss_kg.browse.county import county_dashboard, county_term
from bpss_kg.browse.edition_trend import edition_trend
from bpss_kg.browse.monitoring import county_monitoring
from bpss_kg.browse.targets import county_targets
from bpss_kg.errors import BadInput
from bpss_kg.namespaces import SHAPES, county_graph, is_division_code
from bpss_kg.pdf import html_to_pdf
from bpss_kg.validation.shapes import Shapes, load_shapes

from .context import context
from .messages import unit_text

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
    graph = str(county_graph(code))
    trend = edition_trend(ctx.editions, graph)
    targets = county_targets(ctx.store, county_term(code))
    target_of = {row.iri: targets[row.iri][-1] for row in dashboard.indicators
                 if row.iri in targets}  # the newest target year
    zh = lang == "zh"

    def named(row: Any) -> str:  # an indicator with its unit, in the page's language
        return f"{row.label} ({unit_text(row.unit, lang)})" if row.unit else row.label

    chart = {
        "labels": {"value": dashboard.label, "baseline": "国家基准" if zh else "national baseline",
                   "target": "县域目标" if zh else "county target"},
        "rows": [{"label": named(row),
                  "value": row.value, "baseline": row.baseline, "meets": row.meets,
                  "target": target_of[row.iri][1] if row.iri in target_of else None}
                 for row in dashboard.indicators],
    }
    history = {
        "labels": {"value": "观测值" if zh else "observed",
                   "baseline": chart["labels"]["baseline"], "target": chart["labels"]["target"]},
        "indicators": [{"label": named(row),
                        "years": [y for y, _ in row.history],
                        "values": [v for _, v in row.history],
                        "baseline": row.baseline,
                        "targets": [list(t) for t in targets.get(row.iri, ())]}
                       for row in dashboard.indicators],
    }
    trend_chart = {
        "labels": {"standards": "体系内标准" if zh else "standards in the table",
                   "in_force": "现行" if zh else "in force",
                   "covered": "有标准实施的清单项目" if zh else "list items with a standard"},
        "points": [{"edition": p.number, "date": p.time[:10], "standards": p.standards,
                    "in_force": p.in_force, "covered": p.covered} for p in trend],
    }
    asset = ((lambda name: (STATIC / name).as_uri()) if for_print
             else (lambda name: url_for("static", filename=name)))
    return {"d": dashboard, "m": monitoring, "findings": findings, "feedback": feedback,
            "trend": trend, "chart": chart, "history": history, "trend_chart": trend_chart,
            "target_of": target_of, "asset": asset, "for_print": for_print, "code": code}


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
