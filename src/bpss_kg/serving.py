"""Run the web service under gunicorn (a production WSGI server).

One gunicorn worker process holds the store (an embedded store has a single writer) and serves
requests on threads; the heavy lifting is done by the query service's worker processes.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from .config import Settings


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, object]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        from server import create_app

        return create_app(self.settings)


def serve(settings: Settings, host: str, port: int, threads: int = 16) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": 10,
        "accesslog": "-",
        "loglevel": "info",
    }
    _Application(settings, options).run()
