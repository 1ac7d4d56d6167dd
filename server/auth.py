"""Write credentials for every write path: ``Authorization: Bearer <token>``, checked against
the server's ``BPSS_KG_UPDATE_TOKEN`` (admin) and the scoped tokens of ``bpss-kg token``;
constant-time comparison, never logged. What a token may write is checked by the write gate
(``bpss_kg.writes``) once the request's graphs are known."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Response, g, request

from bpss_kg.access import Writer

from .context import context

F = TypeVar("F", bound=Callable[..., object])


def _deny(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="bpss-kg"'
    return response


def writer_for(presented: str | None) -> Writer | None:
    """The writer a presented token stands for, or None."""
    if not presented:
        return None
    ctx = context()
    return ctx.access.writer_for(presented.strip(), ctx.settings.update_token)


def current_writer() -> Writer:
    """The writer of this request (set by ``requires_token``)."""
    return g.bpss_writer


def requires_token(view: F) -> F:
    """401 without credentials, 403 with a wrong token or when writes are not configured; the
    writer is then ``current_writer()``."""

    @wraps(view)
    def guarded(*args: object, **kwargs: object) -> object:
        if not context().writes_enabled:
            return _deny(403, "writes are disabled: no update token is configured "
                              "(BPSS_KG_UPDATE_TOKEN, or `bpss-kg token add`)")
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            return _deny(401, "this write needs 'Authorization: Bearer <token>'")
        writer = writer_for(presented)
        if writer is None:
            return _deny(403, "wrong or revoked token")
        g.bpss_writer = writer
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]
