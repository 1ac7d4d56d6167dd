"""Every setting of bpss-kg, read from ``BPSS_KG_*`` environment variables in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import BadInput

DEFAULT_STORE = "./bpss-store"


def _env_number(name: str, default: float, convert: type, what: str, minimum: float) -> float:
    """One numeric setting; a value that is not one (``BPSS_KG_QUERY_TIMEOUT=abc``) is a
    ``BadInput`` naming the variable, not a traceback."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = convert(raw)
    except ValueError:
        value = None
    if value is None or value != value or value < minimum:  # value != value: NaN
        raise BadInput(f"environment variable {name} must be {what} ≥ {minimum:g}, "
                       f"not {raw!r}")
    return value


def _env_float(name: str, default: float, *, minimum: float = 0.001) -> float:
    return float(_env_number(name, default, float, "a number", minimum))


def _env_int(name: str, default: int, *, minimum: int = 1) -> int:
    return int(_env_number(name, default, int, "a whole number", minimum))


def _env_list(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "")
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    store: str = DEFAULT_STORE
    """Embedded store directory, or ``http(s)://…`` for a remote SPARQL 1.1 endpoint."""
    store_update: str | None = None
    """Update endpoint of a remote store (defaults to the query endpoint)."""
    store_graph_store: str | None = None
    """Graph Store Protocol endpoint of a remote store, if it has one."""
    store_user: str | None = None
    store_password: str | None = None
    store_token: str | None = None
    """Bearer token for a remote store's writes (e.g. another bpss-kg server)."""
    query_timeout: float = 30.0
    """Seconds a query may run before it is stopped."""
    result_limit: int = 100_000
    """Most result rows (or triples) a query may return over HTTP."""
    update_token: str | None = None
    """Bearer token required by every write path of the server; writes are off without one."""
    allowed_services: tuple[str, ...] = field(default_factory=tuple)
    """Endpoints that SPARQL ``SERVICE`` may call; every other SERVICE is refused."""
    base_url: str | None = None
    """Public base URL of the server (for links in DCAT/VoID)."""
    publisher_name: str = "bpss-kg 部署方（未配置发布者）"
    """Publisher named in the DCAT catalog (set it to the body that publishes the data)."""
    publisher_iri: str | None = None
    """IRI of the publisher (default: one under the server's base URL)."""
    data_license: str = "http://creativecommons.org/licenses/by/4.0/"
    """Licence of the published datasets (an IRI; check it with the data owner)."""
    max_upload_bytes: int = 50 * 1024 * 1024
    max_literal_chars: int = 1_000_000
    """Longest literal a document may hold (longer: refused, see input_bounds.py)."""
    query_workers: int = 2
    """Worker processes that run queries (each can be stopped at the time limit)."""
    answer_cache_mb: int = 64
    """Memory for answers kept until the next write (0: every request is evaluated)."""
    engine: str = "maplib"
    """Analytical engine for /sparql reads: "maplib" (with per-query fallback to Oxigraph,
    see bpss_kg.engine) or "oxigraph" (Oxigraph answers every query)."""

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            store=os.environ.get("BPSS_KG_STORE", DEFAULT_STORE),
            store_update=os.environ.get("BPSS_KG_STORE_UPDATE") or None,
            store_graph_store=os.environ.get("BPSS_KG_STORE_GRAPH_STORE") or None,
            store_user=os.environ.get("BPSS_KG_STORE_USER") or None,
            store_password=os.environ.get("BPSS_KG_STORE_PASSWORD") or None,
            store_token=os.environ.get("BPSS_KG_STORE_TOKEN") or None,
            query_timeout=_env_float("BPSS_KG_QUERY_TIMEOUT", 30.0),
            result_limit=_env_int("BPSS_KG_RESULT_LIMIT", 100_000),
            update_token=os.environ.get("BPSS_KG_UPDATE_TOKEN") or None,
            allowed_services=_env_list("BPSS_KG_ALLOWED_SERVICES"),
            base_url=os.environ.get("BPSS_KG_BASE_URL") or None,
            publisher_name=os.environ.get("BPSS_KG_PUBLISHER_NAME")
            or "bpss-kg 部署方（未配置发布者）",
            publisher_iri=os.environ.get("BPSS_KG_PUBLISHER_IRI") or None,
            data_license=os.environ.get("BPSS_KG_DATA_LICENSE")
            or "http://creativecommons.org/licenses/by/4.0/",
            max_upload_bytes=_env_int("BPSS_KG_MAX_UPLOAD_BYTES", 50 * 1024 * 1024),
            max_literal_chars=_env_int("BPSS_KG_MAX_LITERAL_CHARS", 1_000_000),
            query_workers=_env_int("BPSS_KG_QUERY_WORKERS", 2),
            answer_cache_mb=_env_int("BPSS_KG_ANSWER_CACHE_MB", 64, minimum=0),  # 0: no cache
            engine=os.environ.get("BPSS_KG_ENGINE", "maplib").strip().lower() or "maplib",
        )

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the given fields replaced (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    @property
    def store_is_remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))

    @property
    def store_path(self) -> Path:
        return Path(self.store)

    @property
    def state_dir(self) -> Path:
        """Where files beside the data live (tokens, audit log, push state): the store
        directory, or ``./.bpss-kg`` for a remote store."""
        return Path.cwd() / ".bpss-kg" if self.store_is_remote else self.store_path
