"""Who may write what: scoped write tokens and the audit log of every write.

A national deployment has one office per county (2,846) and per province writing its own
data, so one shared token is not enough. Each office gets its own token, scoped to the graphs
it may write:

* ``county`` 330481 → the county's graph ``bpssg:county/330481`` (and graphs below it,
  ``bpssg:county/330481/…``);
* ``province`` 330000 → the graphs of every county whose code starts with 33;
* ``admin`` → any graph, and writes whose graphs cannot be told from the request.

Tokens are random (256 bits) and stored only as SHA-256 digests (a digest of a secret that
long cannot be searched back to it; a slow KDF would only slow every request), in
``<store>/access.sqlite`` beside the store, together with the audit log: who (token id and
label, never the token), when, what (method and path), which graph, triples added and removed.
The file is SQLite in WAL mode, so ``bpss-kg token …`` and ``bpss-kg audit`` work while the
server runs, and a revoked token is refused from the next request on.

The server's ``BPSS_KG_UPDATE_TOKEN`` remains an admin token (id ``env``).
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import hmac
import secrets
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from . import resources
from .errors import BadInput, BpssError, NotFound
from .namespaces import COUNTY_PREFIX

ACCESS_FILE = "access.sqlite"
TOKEN_PREFIX = "bpss_"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, scope TEXT NOT NULL, code TEXT,
  label TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY, time TEXT NOT NULL, token TEXT NOT NULL, label TEXT NOT NULL,
  scope TEXT NOT NULL, action TEXT NOT NULL, graph TEXT NOT NULL, added INTEGER,
  removed INTEGER);
CREATE INDEX IF NOT EXISTS audit_graph ON audit (graph);
"""


class Forbidden(BpssError):
    """The credentials are valid but do not allow this write (HTTP 403)."""


@cache
def _divisions() -> tuple[frozenset[str], frozenset[str]]:
    """County and province codes of the bundled GB/T 2260 list (MCA 2024)."""
    counties, provinces = set(), set()
    with open(resources.data_dir() / "divisions-mca2024.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counties.add(row["code"])
            provinces.add(row["province_code"])
    return frozenset(counties), frozenset(provinces)


@dataclass(frozen=True)
class Scope:
    kind: str  # "admin", "province" or "county"
    code: str | None = None

    @classmethod
    def admin(cls) -> Scope:
        return cls("admin")

    @classmethod
    def of(cls, kind: str, code: str | None) -> Scope:
        """A checked scope: the code must be a county (or province) of the bundled list."""
        counties, provinces = _divisions()
        if kind == "admin":
            return cls("admin")
        if kind == "county" and code in counties:
            return cls("county", code)
        if kind == "province" and code in provinces:
            return cls("province", code)
        if kind in ("county", "province"):
            raise BadInput(f"{code!r} is not a {kind} code of the GB/T 2260 list (MCA 2024)")
        raise BadInput(f"unknown scope {kind!r}; expected county, province or admin")

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"

    def allows(self, graph: str) -> bool:
        """True when this scope may write ``graph`` (an IRI; "" is the default graph)."""
        if self.is_admin:
            return True
        if not graph.startswith(COUNTY_PREFIX):
            return False
        county = graph[len(COUNTY_PREFIX):].split("/", 1)[0]
        if self.kind == "county":
            return county == self.code
        return self.code is not None and len(county) == 6 and county[:2] == self.code[:2]

    def check(self, graphs: set[str] | None) -> None:
        """``Forbidden`` unless every graph is in scope (None: graphs unknown, admin only)."""
        if graphs is None:
            if not self.is_admin:
                raise Forbidden(f"a {self} token may only send writes whose graphs can be "
                                "told from the request (no GRAPH ?g, ALL, NAMED or LOAD)")
            return
        outside = sorted(g or "(default graph)" for g in graphs if not self.allows(g))
        if outside:
            raise Forbidden(f"a {self} token may not write {', '.join(outside)}; nothing "
                            "was changed")

    def __str__(self) -> str:
        return "admin" if self.is_admin else f"{self.kind} {self.code}"


@dataclass(frozen=True)
class Writer:
    """Who writes: a token's id and label (never the token itself) and its scope."""

    token: str
    label: str
    scope: Scope


def command_line_writer() -> Writer:
    """The person running a writing CLI command on the store itself (admin)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    # the user name goes only into the audit log (the token field), not into public labels
    return Writer(f"cli:{user}", "command line", Scope.admin())


ENV_WRITER = Writer("env", "BPSS_KG_UPDATE_TOKEN", Scope.admin())


@dataclass(frozen=True)
class TokenRecord:
    id: str
    scope: Scope
    label: str
    created: str
    revoked: str | None

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "scope": str(self.scope), "label": self.label,
                "created": self.created, "revoked": self.revoked}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    time: str
    token: str
    label: str
    scope: str
    action: str
    graph: str
    added: int | None
    removed: int | None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class GraphChange:
    """What one write did to one graph (None: not counted, e.g. a bulk load)."""

    graph: str
    added: int | None
    removed: int | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class AccessRegistry:
    """Tokens and the audit log in ``access.sqlite`` (a temporary file when ``folder`` is
    None: an in-memory store)."""

    def __init__(self, folder: Path | None) -> None:
        if folder is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="bpss-access-")
            folder = Path(self._tmp.name)
        self.path = folder / ACCESS_FILE
        self._local = threading.local()
        self._ready = False

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            if not self._ready:
                db.executescript(_SCHEMA)
                self._ready = True
            self._local.db = db
        return db

    def close(self) -> None:
        """Close this thread's connection (a command line process is done with the file)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def __enter__(self) -> AccessRegistry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- tokens --------------------------------------------------------------------------------
    def add(self, scope: Scope, label: str) -> tuple[TokenRecord, str]:
        """A new token; the secret is returned once and never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = TokenRecord(f"tok-{secrets.token_hex(4)}", scope, label.strip() or str(scope),
                             _now(), None)
        self._db().execute("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, NULL)",
                           (record.id, _digest(secret), scope.kind, scope.code, record.label,
                            record.created))
        return record, secret

    def tokens(self) -> list[TokenRecord]:
        rows = self._db().execute("SELECT id, scope, code, label, created, revoked FROM tokens "
                                  "ORDER BY created, id").fetchall()
        return [TokenRecord(i, Scope(kind, code), label, created, revoked)
                for i, kind, code, label, created, revoked in rows]

    def revoke(self, token_id: str) -> TokenRecord:
        db = self._db()
        done = db.execute("UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL",
                          (_now(), token_id)).rowcount
        found = [t for t in self.tokens() if t.id == token_id]
        if not found:
            raise NotFound(f"no token {token_id!r}; `bpss-kg token list` shows them")
        if not done:
            raise BadInput(f"token {token_id} was already revoked on {found[0].revoked}")
        return found[0]

    def has_tokens(self) -> bool:
        return self._db().execute(
            "SELECT 1 FROM tokens WHERE revoked IS NULL LIMIT 1").fetchone() is not None

    def writer_for(self, secret: str, env_token: str | None = None) -> Writer | None:
        """The writer a presented token stands for; None when it is not a valid token."""
        if env_token and hmac.compare_digest(secret.encode("utf-8"), env_token.encode("utf-8")):
            return ENV_WRITER
        row = self._db().execute(
            "SELECT id, scope, code, label FROM tokens WHERE digest = ? AND revoked IS NULL",
            (_digest(secret),)).fetchone()
        if row is None:
            return None
        token_id, kind, code, label = row
        return Writer(token_id, label, Scope(kind, code))

    # -- audit ---------------------------------------------------------------------------------
    def record(self, writer: Writer, action: str, changes: Iterable[GraphChange]) -> None:
        when = _now()
        self._db().executemany(
            "INSERT INTO audit (time, token, label, scope, action, graph, added, removed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(when, writer.token, writer.label, str(writer.scope), action, c.graph or "",
              c.added, c.removed) for c in changes])

    def audit(self, *, graph: str | None = None, since: str | None = None,
              limit: int = 1000) -> list[AuditEntry]:
        """Audit entries, newest first (of one graph, or since an ISO date/time)."""
        clauses, params = [], []
        if graph is not None:
            clauses.append("graph = ?")
            params.append(graph)
        if since is not None:
            clauses.append("time >= ?")
            params.append(since)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._db().execute(
            f"SELECT id, time, token, label, scope, action, graph, added, removed FROM audit "
            f"{where} ORDER BY id DESC LIMIT ?", [*params, limit]).fetchall()
        return [AuditEntry(*row) for row in rows]
