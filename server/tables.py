"""Standard detail tables over HTTP: upload → problems, or the validation report of the would-be
county graph → confirm; the blank template; a plain upload page.

``POST /api/import/preview`` (multipart: ``file``, ``county``, optional ``indicators``) checks a
table and writes nothing; ``POST /api/import/commit`` (same form, bearer token) writes it;
``GET /api/template.xlsx`` is the blank template; ``/import`` is the form.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, render_template, request
from werkzeug.datastructures import FileStorage

from bpss_kg.access import Forbidden, Writer
from bpss_kg.browse.findings import Namer, readable_findings
from bpss_kg.errors import BadInput
from bpss_kg.namespaces import county_graph, is_division_code
from bpss_kg.tables import ImportPreview, commit_import, preview_import, template_bytes
from bpss_kg.validation.runner import ValidationRun, validate_county_graph

from .auth import current_writer, requires_token, writer_for
from .context import context
from .messages import message

blueprint = Blueprint("tables", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(name: str, required: bool) -> tuple[bytes, str] | None:
    upload: FileStorage | None = request.files.get(name)
    if upload is None or not upload.filename:
        if required:
            raise BadInput(f"upload the table as multipart form field {name!r}")
        return None
    limit = context().settings.max_upload_bytes
    upload.stream.seek(0)  # read again when a commit checks the table a second time
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise BadInput(f"the file is larger than the upload limit of {limit:,} bytes")
    return data, upload.filename


def _preview() -> ImportPreview:
    county = (request.form.get("county") or "").strip()
    if not county:
        raise BadInput("give the county's GB/T 2260 code in form field 'county'")
    table = _upload("file", required=True)
    assert table is not None
    indicators = _upload("indicators", required=False)
    return preview_import(context().store, table[0], table[1], county,
                          indicator_bytes=indicators[0] if indicators else None,
                          indicator_filename=indicators[1] if indicators else None)


def _commit(writer: Writer, preview: ImportPreview, checked_at: int | None) -> ImportPreview:
    """Write a checked table through the write gate. When another write has reached the
    county's graph since the table was checked (journal number ``checked_at``), it is checked
    again inside the gate, against the graph as it is then."""
    ctx = context()
    graph = str(county_graph(preview.county))
    journal = getattr(ctx.store, "changes", None)

    def write() -> ImportPreview:
        changed = journal.changed_since(checked_at) if journal and checked_at is not None \
            else None
        current = preview if changed is not None and graph not in changed else _preview()
        return commit_import(ctx.store, current)

    return ctx.gate.write(writer, "import", {graph}, write)[0]


def _checked() -> tuple[ImportPreview, int | None]:
    """The uploaded table checked, and the journal number of the state it was checked on."""
    journal = getattr(context().store, "changes", None)
    number = journal.sequence if journal is not None else None
    return _preview(), number


def _validation(preview: ImportPreview) -> ValidationRun | None:
    if not preview.ok:
        return None
    return validate_county_graph(preview.graph, preview.county)


@blueprint.get("/api/template.xlsx")
def template() -> Response:
    return Response(template_bytes(), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=standard-detail-table-template.xlsx"})


@blueprint.post("/api/import/preview")
def preview() -> Response:
    """Check an uploaded table: its problems, or a summary and the would-be graph's report."""
    result = _preview()
    body = result.to_dict()
    run = _validation(result)
    if run is not None:
        body["validation"] = {"conforms": run.conforms,
                              "findings": [f.to_dict() | {"fault": run.shapes.info(f.shape).fault}
                                           for f in run.findings]}
    return jsonify(body)


@blueprint.post("/api/import/commit")
@requires_token
def commit() -> Response:
    """Check and write an uploaded table (all or nothing)."""
    result, checked_at = _checked()
    if not result.ok:
        response = jsonify(result.to_dict())
        response.status_code = 400
        return response
    result = _commit(current_writer(), result, checked_at)
    return jsonify(result.to_dict() | {"imported": True, "triples_written": len(result.graph)})


def _lang() -> str:
    return getattr(g, "lang", "zh")


@blueprint.route("/import", methods=["GET", "POST"])
def page() -> str:
    """The county office's form: check a table (its problems, or the validation report of the
    would-be county graph, one row per finding with the rule, what to fix and the spreadsheet
    row), then import it with a token. The table check and the token check are reported apart.
    """
    lang = _lang()
    county = (request.values.get("county") or "").strip()
    state: dict[str, object] = {"county": county, "posted": request.method == "POST"}
    if request.method != "POST":
        return render_template("import.html", **state)
    if not is_division_code(county):
        state["error"] = message("import.bad_county", lang, county=county)
        return render_template("import.html", **state)
    try:
        result, checked_at = _checked()
    except BadInput as error:
        state["error"] = message("import.unreadable", lang, reason=str(error))
        return render_template("import.html", **state)
    state["preview"] = result
    run = _validation(result)
    if run is not None:
        state["run"] = run
        state["findings"] = readable_findings(run.findings, Namer(context().store, result.graph),
                                              lang, result.rows)
    if request.form.get("action") == "import":
        state["import_error"] = _import(result, checked_at, lang, state)
    return render_template("import.html", **state)


def _import(result: ImportPreview, checked_at: int | None, lang: str,
            state: dict[str, object]) -> str | None:
    """Write a checked table; the reason in the user's language when it is not written."""
    token = request.form.get("token") or ""
    if not result.ok:
        return message("import.fix_table_first", lang)
    if not context().writes_enabled:
        return message("import.writes_disabled", lang)
    if not token.strip():
        return message("import.no_token", lang)
    writer = writer_for(token)
    if writer is None:
        return message("import.bad_token", lang)
    try:
        state["written"] = len(_commit(writer, result, checked_at).graph)
    except Forbidden as error:
        return message("import.forbidden", lang, reason=str(error))
    return None
