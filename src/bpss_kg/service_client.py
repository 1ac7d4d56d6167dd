"""Writes sent to a running ``bpss-kg serve`` (its URL and a token) instead of the store: the
way a CLI command writes while the server holds the embedded store's writer lock."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pyoxigraph as ox

from .errors import BadInput, StoreError
from .store.base import LoadSource

TIMEOUT = 600.0


def _send(request: urllib.request.Request) -> bytes:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace").strip()
        with contextlib.suppress(ValueError, AttributeError):
            answer = json.loads(body)
            problems = answer.get("problems")
            body = "\n".join(p["message"] for p in problems) if problems else answer.get(
                "message", body)
        if error.code in (401, 403):
            raise BadInput(f"the service refused the write ({error.code}): {body}") from None
        if error.code >= 500:
            raise StoreError(f"the service failed ({error.code}): {body}") from None
        raise BadInput(f"the service answered {error.code}: {body}") from None
    except urllib.error.URLError as error:
        raise StoreError(f"cannot reach the service: {error.reason}") from None


def encode_multipart(fields: dict[str, str],
                     files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body of form fields and (file name, bytes) uploads, and its
    Content-Type."""
    boundary = f"bpss-kg-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def import_through(url: str, token: str, table: Path, county: str,
                   indicators: Path | None = None) -> dict[str, object]:
    """``POST /api/import/commit``: the service checks and writes the table (all or nothing)."""
    paths = {"file": table} | ({"indicators": indicators} if indicators else {})
    body, content_type = encode_multipart(
        {"county": county}, {name: (path.name, path.read_bytes()) for name, path in paths.items()})
    request = urllib.request.Request(f"{url}/api/import/commit", data=body, method="POST",
                                     headers={"Content-Type": content_type,
                                              "Authorization": f"Bearer {token}"})
    return json.loads(_send(request))


def load_through(url: str, token: str, sources: list[LoadSource]) -> int:
    """Every source's quads in one ``INSERT DATA`` sent to ``/update`` (one transaction on the
    server); returns the number of quads sent. Files are parsed here first, so a syntax
    error is reported with its file and line before anything is sent."""
    from .store.oxigraph import parse_sources

    blocks: dict[str, list[str]] = {}
    count = 0
    for quad in parse_sources(sources):  # base IRIs, bounds and errors as for a local load
        graph = quad.graph_name
        key = str(graph) if isinstance(graph, ox.NamedNode) else ""
        blocks.setdefault(key, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
        count += 1
    body = "INSERT DATA {\n" + "\n".join(
        (f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}") if graph else "\n".join(lines)
        for graph, lines in blocks.items()) + "\n}"
    request = urllib.request.Request(f"{url}/update", data=body.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/sparql-update",
                                              "Authorization": f"Bearer {token}"})
    _send(request)
    return count
