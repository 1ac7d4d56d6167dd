"""Monitoring and improvement records written through the service (issue 19), one at a time:
``/county/<code>/records`` (the county office's form: the stored records, a record entered or
changed, checked, then saved with a token) and ``POST /api/county/<code>/records`` (JSON object
of fields, bearer token; ``?dry_run=true`` checks only). A record is a row of the 监测评估 sheet
(``bpss_kg.tables.record_entry``): the same checks, the same graph as a table import, and the
write goes through the write gate (scope, editions, audit) like every other."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, g, jsonify, render_template, request

from bpss_kg.access import Forbidden, Writer
from bpss_kg.browse.county import county_term
from bpss_kg.errors import BadInput
from bpss_kg.namespaces import BPSS, county_graph
from bpss_kg.tables import commit_import
from bpss_kg.tables.exporting import county_record_rows
from bpss_kg.tables.record_entry import FIELDS, RecordEntry, preview_record
from bpss_kg.tables.records import KINDS, record_iri

from .auth import current_writer, requires_token, writer_for
from .context import context

blueprint = Blueprint("records", __name__)
_TRUE = {"1", "true", "yes", "on"}


def _save(writer: Writer, code: str, fields: Mapping[str, object]) -> RecordEntry:
    """Check the record again inside the write gate (against the county graph as it is then)
    and write it, all or nothing; the checked entry, written only when it is ``ok``."""
    ctx = context()

    def write() -> RecordEntry:
        entry = preview_record(ctx.store, code, fields)
        if entry.ok:
            commit_import(ctx.store, entry.preview)
        return entry

    return ctx.gate.write(writer, "record", {str(county_graph(code))}, write)[0]


@blueprint.post("/api/county/<code>/records")
@requires_token
def api_record(code: str) -> Response:
    """201 with the checked record when written; 200 for a clean dry run; 400 with every
    problem (each naming its field) when it is not written."""
    county_term(code)  # a six-digit code, else 400
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not all(isinstance(v, (str, int, float)) or v is None
                                             for v in body.values()):
        raise BadInput("send the record as a JSON object of fields (strings or numbers): "
                       + ", ".join(c.key for c in FIELDS))
    if (request.args.get("dry_run") or "").lower() in _TRUE:
        entry = preview_record(context().store, code, body)
        response = jsonify(entry.to_dict() | {"written": False})
        response.status_code = 200 if entry.ok else 400
        return response
    entry = _save(current_writer(), code, body)
    response = jsonify(entry.to_dict() | {"written": entry.ok})
    response.status_code = 201 if entry.ok else 400
    return response


def _lang() -> str:
    return getattr(g, "lang", "zh")


@blueprint.route("/county/<code>/records", methods=["GET", "POST"])
def page(code: str) -> str:
    """The county office's records: every stored record (as rows of the 监测评估 sheet, each
    one click from the form), and the form that checks a record and, with a token, saves it."""
    county_term(code)
    ctx = context()
    lang = _lang()
    rows = county_record_rows(ctx.store, code)
    state: dict[str, object] = {"code": code, "rows": rows, "fields": FIELDS,
                                "asked_by": _asked_by(code, rows),
                                "values": {}, "posted": request.method == "POST"}
    edit = request.args.get("edit")
    if request.method == "GET" and edit:  # "整改措施:A1" → that record's row in the form
        kind, _, record_id = edit.partition(":")
        found = next((r for r in rows if r["record_type"] == kind
                      and str(r["record_id"]) == record_id), None)
        state["values"] = {k: "" if v is None else str(v) for k, v in (found or {}).items()}
    if request.method != "POST":
        return render_template("records.html", **state)
    fields = {c.key: request.form.get(c.key, "") for c in FIELDS}
    state["values"] = fields
    entry = preview_record(ctx.store, code, fields)
    state["entry"] = entry
    if request.form.get("action") == "save" and entry.ok:
        state["save_error"] = _save_from_form(code, fields, state, lang)
    return render_template("records.html", **state)


def _asked_by(code: str, rows: list[dict[str, object]]) -> list[tuple[str, str]]:
    """The stored records an improvement action can name as 提出依据: (IRI, what it is)."""
    kinds = {k.zh: k for k in KINDS if k.cls != BPSS.ImprovementAction}
    return [(str(record_iri(code, kinds[str(r["record_type"])], str(r["record_id"]))),
             f"{r['record_type']} {r['record_id']} {r['record_name']}".strip())
            for r in rows if r["record_id"] and str(r["record_type"]) in kinds]


def _save_from_form(code: str, fields: dict[str, str], state: dict[str, object],
                    lang: str) -> str | None:
    en = lang == "en"
    token = (request.form.get("token") or "").strip()
    if not context().writes_enabled:
        return ("Writes are disabled on this service (no token is configured)." if en
                else "本服务未开放写入（未配置令牌）。")
    if not token:
        return "Enter your county's token to save." if en else "请填写本县的写入令牌后再保存。"
    writer = writer_for(token)
    if writer is None:
        return "The token is wrong or revoked." if en else "令牌错误或已被撤销。"
    try:
        entry = _save(writer, code, fields)
    except Forbidden as error:
        return (f"This token may not write this county: {error}" if en
                else f"该令牌无权写入本县数据：{error}")
    state["entry"] = entry
    if not entry.ok:  # another write changed the table between the check and the save
        return ("The record no longer passes the checks against the stored table." if en
                else "按当前存储的表格重新检查后，该记录未通过检查。")
    state["saved"] = True
    state["rows"] = county_record_rows(context().store, code)
    return None
