"""Standard detail tables over HTTP: upload → problems or summary → confirm; the blank template.

``POST /api/import/preview`` (multipart: ``file``, ``county``, optional ``indicators``) checks a
table and writes nothing; ``POST /api/import/commit`` (same form, bearer token) writes it;
``GET /api/template.xlsx`` is the blank template.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from werkzeug.datastructures import FileStorage

from bpss_kg.errors import BadInput
from bpss_kg.tables import ImportPreview, commit_import, preview_import, template_bytes

from .auth import requires_token
from .context import context

blueprint = Blueprint("tables", __name__, url_prefix="/api")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(name: str, required: bool) -> tuple[bytes, str] | None:
    upload: FileStorage | None = request.files.get(name)
    if upload is None or not upload.filename:
        if required:
            raise BadInput(f"upload the table as multipart form field {name!r}")
        return None
    limit = context().settings.max_upload_bytes
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


@blueprint.post("/import/preview")
def import_preview() -> Response:
    """Check an uploaded table; the problems, or a summary of what would be written."""
    return jsonify(_preview().to_dict())


@blueprint.post("/import/commit")
@requires_token
def import_commit() -> Response:
    """Check and write an uploaded table (all or nothing)."""
    preview = _preview()
    if not preview.ok:
        response = jsonify(preview.to_dict())
        response.status_code = 400
        return response
    commit_import(context().store, preview)
    context().after_write()
    return jsonify(preview.to_dict() | {"written": True})


@blueprint.get("/template.xlsx")
def template() -> Response:
    return Response(template_bytes(), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=bpss-kg-template.xlsx"})
