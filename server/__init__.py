"""The bpss-kg web service: SPARQL endpoint, JSON API and UI on one Flask app.

``create_app(settings, store)`` builds an app; tests build their own and never share a global one.
The web layer only translates HTTP to library calls: no SPARQL or RDF logic lives here.
"""

from __future__ import annotations

import atexit

from flask import Flask

from bpss_kg.config import Settings
from bpss_kg.store import Store, open_store
from bpss_kg.store.query_service import QueryService

from .context import ServerContext
from .errors import register_error_handlers


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    store = store if store is not None else open_store(settings)
    queries = QueryService(store, timeout=settings.query_timeout, limit=settings.result_limit,
                           workers=settings.query_workers,
                           cache_bytes=settings.answer_cache_mb * 2**20, engine=settings.engine)
    atexit.register(queries.close)
    app.extensions["bpss_kg"] = ServerContext(settings=settings, store=store, queries=queries)
    register_error_handlers(app)

    from . import (
        api,
        changes,
        feedback,
        graph_store,
        publish,
        records,
        report,
        sparql,
        tables,
        ui,
    )

    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(tables.blueprint)
    app.register_blueprint(ui.blueprint)
    app.register_blueprint(publish.blueprint)
    app.register_blueprint(graph_store.blueprint)
    app.register_blueprint(changes.blueprint)
    app.register_blueprint(feedback.blueprint)
    app.register_blueprint(report.blueprint)
    app.register_blueprint(records.blueprint)
    return app
