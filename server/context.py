"""What every request handler needs: the settings and the store, held once per app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from bpss_kg.config import Settings
from bpss_kg.store import Store


@dataclass
class ServerContext:
    settings: Settings
    store: Store


def context() -> ServerContext:
    return current_app.extensions["bpss_kg"]
