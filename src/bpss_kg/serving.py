"""Run the web service under gunicorn (a production server) without letting a slow client or a
fork stall it.

Process layout of ``bpss-kg serve``::

    gunicorn master            binds the port, restarts the worker; never opens the store
    └─ worker (one)            asyncio event loop (gunicorn's ASGI worker) reads requests;
       │                      a pool of threads runs the Flask app on complete requests;
       │                      holds the store (an embedded store has one writer)
       └─ query workers        spawned processes evaluating SPARQL on store checkpoints

Two things decide this layout:

* RocksDB must not be opened before gunicorn forks: its background threads (flushes,
  compactions) exist only in the process that opened it, and a forked child that writes then
  waits forever for a flush. So everything that needs the store before serving (``--sample``,
  the checks that give exit codes) runs in a separate spawned process that exits first, and
  the app is created in the worker after the fork.
* A request reaches a thread only when it is complete: the event loop reads headers and body
  (``BufferedRequests`` spools bodies over 1 MiB to a temporary file), so clients that send a
  header line every few seconds hold a socket, not a thread, and cannot starve other clients.

The access log has no user field: gunicorn would take it from an ``Authorization: Basic``
header, and no credential may reach a log.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from .config import Settings
from .errors import BpssError, StoreError, StoreInUse

SERVER_FILE = "server.json"
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
SPOOL_BYTES = 1 << 20
CHUNK = 1 << 16

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BufferedRequests:
    """ASGI middleware: read a request's whole body on the event loop before the application
    sees it, refusing bodies over ``max_body`` bytes with 413."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await _too_large(send, self.max_body)
            return
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await _too_large(send, self.max_body)
                    return
                body.write(chunk)
                if not message.get("more_body", False):
                    break
            body.seek(0)
            await self.app(scope, _replay(body, receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: Any, receive: Receive) -> Receive:
    """A ``receive`` that hands the buffered body out in chunks, then waits for disconnect."""
    done = False

    async def replayed() -> Message:
        nonlocal done
        if done:
            return await receive()
        chunk = body.read(CHUNK)
        more = len(chunk) == CHUNK
        if not more:
            done = True
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replayed


async def _too_large(send: Send, limit: int) -> None:
    text = f"the request body is larger than the limit of {limit:,} bytes\n".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(text)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": text})


def asgi_app(settings: Settings, threads: int) -> ASGIApp:
    """The Flask app as an ASGI application for gunicorn's event-loop worker."""
    from a2wsgi import WSGIMiddleware

    from server import create_app

    flask_app = create_app(settings)
    return BufferedRequests(WSGIMiddleware(flask_app, workers=threads),  # type: ignore[arg-type]
                            max_body=settings.max_upload_bytes)


# -- the record of a running server, for CLI commands beside it ---------------------------------
def server_file(settings: Settings) -> Path | None:
    return None if settings.store_is_remote else settings.store_path / SERVER_FILE


def write_server_file(settings: Settings, url: str) -> None:
    path = server_file(settings)
    if path is None:
        return
    tmp = path.with_name(f".{SERVER_FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
    os.replace(tmp, path)


def remove_server_file(settings: Settings) -> None:
    path = server_file(settings)
    if path is None:
        return
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def running_server(settings: Settings) -> str | None:
    """The URL of the ``bpss-kg serve`` holding this store, or None when none runs."""
    path = server_file(settings)
    if path is None:
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        pid, url = int(record["pid"]), str(record["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if _running(pid) else None


def _running(pid: int) -> bool:
    """True when ``pid`` is a live process (not a zombie left by a killed server)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in ("Z", "X")


# -- before the fork ------------------------------------------------------------------------------
def _prepare(settings: Settings, sample: bool, reply: Any, parent: int) -> None:
    """In a spawned process: open the store (exit codes for an unusable one), load the sample
    into an empty store, close. Replies (status, message)."""
    from . import loading
    from .processes import bind_to_parent

    bind_to_parent(parent)
    from .store import open_store

    try:
        store = open_store(settings)
        try:
            message = ""
            if sample and len(store) == 0:
                report = loading.load_sample(store)
                message = f"loaded the sample data: {report.quads_after:,} quads"
        finally:
            store.close()
        reply.send(("ok", message))
    except StoreInUse as error:
        reply.send(("in-use", str(error)))
    except BpssError as error:
        reply.send(("store" if isinstance(error, StoreError) else "bad", str(error)))
    except Exception as error:  # reported to the user; the server does not start
        reply.send(("store", f"{type(error).__name__}: {error}"))


def prepare_store(settings: Settings, sample: bool) -> str:
    """Run the pre-serve checks in a spawned process (the master must never open RocksDB);
    returns what it did; raises the library error it reported."""
    from .errors import BadInput

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_prepare, args=(settings, sample, sender, os.getpid()),
                              name="bpss-kg-prepare")
    process.start()
    sender.close()
    try:
        status, message = receiver.recv()
    except EOFError:
        status, message = "store", "the store check ended without an answer"
    process.join()
    if status == "in-use":
        raise StoreInUse(message)
    if status == "store":
        raise StoreError(message)
    if status == "bad":
        raise BadInput(message)
    return message


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, object], threads: int,
                 url: str) -> None:
        self.settings = settings
        self.options = options
        self.threads = threads
        self.url = url
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        app = asgi_app(self.settings, self.threads)
        write_server_file(self.settings, self.url)
        return app


def serve(settings: Settings, host: str, port: int, threads: int = 16) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "asgi",
        "asgi_lifespan": "off",
        "worker_connections": 2000,
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "loglevel": "info",
        "control_socket_disable": True,
        "worker_exit": lambda _server, _worker: remove_server_file(settings),
    }
    url_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    _Application(settings, options, threads, f"http://{url_host}:{port}").run()
