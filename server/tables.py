"""Standard detail tables over HTTP: the template, an import preview (problems, or the
validation report of the would-be graph) and the import itself (token required)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from bpss_kg.errors import BadInput
from bpss_kg.tables import commit_import, preview_import, template_bytes
from bpss_kg.validation.report import render_text
from bpss_kg.validation.runner import validate_county_graph

from .auth import requires_token, token_ok
from .context import context

blueprint = Blueprint("tables", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _preview():  # type: ignore[no-untyped-def]
    upload = request.files.get("file")
    county = (request.form.get("county") or "").strip()
    if upload is None or not upload.filename:
        raise BadInput("no table uploaded (form field 'file')")
    extra = request.files.get("indicators")
    indicators = (extra.read(), extra.filename) if extra and extra.filename else None
    return preview_import(context().store, upload.read(), upload.filename, county, indicators)


def _validation(preview):  # type: ignore[no-untyped-def]
    if not preview.ok:
        return None
    return validate_county_graph(preview.graph, preview.county)


@blueprint.get("/api/template.xlsx")
def template() -> Response:
    return Response(template_bytes(), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=standard-detail-table-template.xlsx"})


@blueprint.post("/api/import/preview")
def preview() -> Response:
    result = _preview()
    body = result.summary()
    run = _validation(result)
    if run is not None:
        body["validation"] = {"conforms": run.conforms,
                              "findings": [f.to_dict() | {"fault": run.shapes.info(f.shape).fault}
                                           for f in run.findings]}
    return jsonify(body)


@blueprint.post("/api/import/commit")
@requires_token
def commit() -> Response:
    result = _preview()
    if not result.ok:
        response = jsonify(result.summary())
        response.status_code = 400
        return response
    written = commit_import(context().store, result)
    context().after_write()
    return jsonify(result.summary() | {"imported": True, "triples_written": written})


@blueprint.route("/import", methods=["GET", "POST"])
def page() -> str:
    """A plain form: check a table, read its problems or validation report, then import."""
    lang = "en" if request.args.get("lang") == "en" else "zh"
    state: dict[str, object] = {"lang": lang}
    if request.method == "POST":
        try:
            result = _preview()
            state["preview"] = result.summary()
            run = _validation(result)
            if run is not None:
                state["report"] = render_text(run)
            if request.form.get("action") == "import" and result.ok:
                if not context().settings.update_token:
                    state["error"] = "写入未开启（未配置令牌） / writes are disabled (no token)"
                elif not token_ok(request.form.get("token")):
                    state["error"] = "令牌错误 / wrong token"
                else:
                    state["written"] = commit_import(context().store, result)
                    context().after_write()
        except BadInput as error:
            state["error"] = str(error)
    return render_template("import.html", **state)
