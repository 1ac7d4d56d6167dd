"""Bearer-token checks for every write path: constant-time comparison, never logged."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Response, request

from .context import context

F = TypeVar("F", bound=Callable[..., object])


def _deny(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain; charset=utf-8")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="bpss-kg"'
    return response


def token_ok(presented: str | None) -> bool:
    """True when the configured token is set and ``presented`` equals it."""
    expected = context().settings.update_token
    if not expected or presented is None:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def requires_token(view: F) -> F:
    """401 without credentials, 403 with a wrong token or when writes are not configured."""

    @wraps(view)
    def guarded(*args: object, **kwargs: object) -> object:
        if not context().settings.update_token:
            return _deny(403, "writes are disabled: no update token is configured "
                              "(BPSS_KG_UPDATE_TOKEN)")
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not presented:
            return _deny(401, "this write needs 'Authorization: Bearer <token>'")
        if not token_ok(presented.strip()):
            return _deny(403, "wrong token")
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]
