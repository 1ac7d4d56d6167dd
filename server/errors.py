"""Library exceptions mapped once to HTTP responses (plain text for protocol clients, JSON for
the API)."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from bpss_kg.access import Forbidden
from bpss_kg.errors import (
    BadInput,
    BpssError,
    NotFound,
    QueryTimeout,
    ResultTooLarge,
    StoreError,
)
from bpss_kg.feedback import TooManyRequests
from bpss_kg.store.query_service import NotAcceptable

STATUS: dict[type[BpssError], int] = {
    Forbidden: 403,
    TooManyRequests: 429,
    NotAcceptable: 406,
    BadInput: 400,
    NotFound: 404,
    ResultTooLarge: 413,
    QueryTimeout: 503,
    StoreError: 503,
}


def status_for(error: BpssError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 500


def error_response(error: BpssError) -> Response:
    status = status_for(error)
    if request.path.startswith("/api/"):
        body = {"error": type(error).__name__, "message": error.message}
        if str(error.where):
            body["where"] = str(error.where)
        response = jsonify(body)
    else:
        response = Response(str(error) + "\n", mimetype="text/plain")  # Flask adds charset
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(BpssError, error_response)
