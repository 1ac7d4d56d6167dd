"""Public feedback on a standard (畅通意见建议反馈渠道, work guide 编制说明 (六)), issue 19.

Anyone may leave an opinion or suggestion on a standard's page, anonymously; a contact is
optional and never shown publicly. The county office whose system holds the standard reads
every item, answers and closes it; the public sees how many items a standard received and the
answered ones (question and answer, never the contact).

Where it lives: ``feedback.sqlite`` beside the store (like the tokens), **not** in the RDF store.
Everything in the store is readable through ``/sparql``, the Graph Store and the dumps; raw
feedback and contacts must never be, and nothing of an item is public before the office has
answered it (the answer is the moderation).

Abuse is bounded without third-party services: a size limit per field, control characters
refused, markup kept as text (the pages escape it), a hidden honeypot field, a signed form token
that must be at least ``MIN_FORM_SECONDS`` old (bots post at once) and at most a day, a rate
limit per client (``PER_CLIENT_HOUR`` an hour, ``PER_CLIENT_DAY`` a day, counted on an HMAC of
the client address — no address is stored), the same text from the same client refused within
a day, and a cap per standard and day. Limits hold across the service's worker processes
because they are counted in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .access import Writer
from .errors import BadInput, BpssError, NotFound

MAX_TEXT, MIN_TEXT, MAX_CONTACT, MAX_ANSWER = 2000, 5, 200, 4000
MIN_FORM_SECONDS, MAX_FORM_SECONDS = 3.0, 86_400.0
PER_CLIENT_HOUR, PER_CLIENT_DAY, PER_STANDARD_DAY = 5, 20, 200
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY, standard TEXT NOT NULL, county TEXT, text TEXT NOT NULL,
  contact TEXT, created REAL NOT NULL, client TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'new',
  answer TEXT, answered REAL, answered_by TEXT);
CREATE INDEX IF NOT EXISTS feedback_standard ON feedback (standard);
CREATE INDEX IF NOT EXISTS feedback_county ON feedback (county);
CREATE INDEX IF NOT EXISTS feedback_client ON feedback (client, created);
"""


class TooManyRequests(BpssError):
    """A rate limit of the feedback form (HTTP 429)."""


@dataclass(frozen=True)
class Item:
    id: int
    standard: str
    county: str | None
    text: str
    contact: str | None  # for the office only
    created: str
    status: str  # new, answered, closed
    answer: str | None
    answered: str | None
    answered_by: str | None


@dataclass(frozen=True)
class PublicView:
    received: int
    answered: list[Item]  # contact removed


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")


def _clean(value: str, field: str, limit: int, *, required: bool) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    if required and len(text) < MIN_TEXT:
        raise BadInput(f"{field}: write at least {MIN_TEXT} characters / 请至少写 {MIN_TEXT} 个字")
    if len(text) > limit:
        raise BadInput(f"{field}: at most {limit} characters, not {len(text)} / 最多 {limit} 个字")
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs")
           and c not in "\n\t"]
    if bad:
        raise BadInput(f"{field}: control characters are not accepted / 含有控制字符")
    return text


class FeedbackBox:
    """The feedback of one service (``feedback.sqlite`` in ``folder``; a temporary file when
    ``folder`` is None: an in-memory store)."""

    def __init__(self, folder: Path | None) -> None:
        if folder is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="bpss-feedback-")
            folder = Path(self._tmp.name)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "feedback.sqlite"
        self._local = threading.local()
        db = self._db()
        with db:
            db.executescript(SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('secret', ?)",
                       (secrets.token_bytes(32),))
        self._secret = bytes(db.execute("SELECT value FROM meta WHERE key = 'secret'")
                             .fetchone()[0])

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return db

    # -- the form ---------------------------------------------------------------------------
    def form_token(self, now: float | None = None) -> str:
        """A token the form carries: when it was made, signed."""
        made = f"{(now or time.time()):.3f}"
        return f"{made}.{hmac.new(self._secret, made.encode(), hashlib.sha256).hexdigest()}"

    def _check_form_token(self, token: str, now: float) -> None:
        made, _, signature = (token or "").rpartition(".")
        expected = hmac.new(self._secret, made.encode(), hashlib.sha256).hexdigest()
        try:
            age = now - float(made)
        except ValueError:
            age = -1.0
        if not hmac.compare_digest(signature, expected) or age < 0:
            raise BadInput("the form has expired or was not made here; reload the page / "
                           "表单已失效，请刷新页面后重新提交")
        if age < MIN_FORM_SECONDS:
            raise BadInput("sent too quickly after the page was opened; please try again / "
                           "提交过快，请稍后再试")
        if age > MAX_FORM_SECONDS:
            raise BadInput("the form is more than a day old; reload the page / "
                           "表单已超过一天，请刷新页面")

    def _client(self, address: str) -> str:
        return hmac.new(self._secret, address.encode(), hashlib.sha256).hexdigest()[:32]

    def submit(self, *, standard: str, county: str | None, text: str, contact: str,
               address: str, form_token: str, honeypot: str = "",
               now: float | None = None) -> int:
        """Store one item; ``BadInput`` (what is wrong) or ``TooManyRequests``."""
        now = time.time() if now is None else now
        if honeypot:
            raise BadInput("not accepted / 未能提交")  # a field people never see was filled
        self._check_form_token(form_token, now)
        body = _clean(text, "opinion 意见", MAX_TEXT, required=True)
        reach = _clean(contact, "contact 联系方式", MAX_CONTACT, required=False) or None
        client = self._client(address)
        db = self._db()
        with db:
            db.execute("BEGIN IMMEDIATE")  # the counts and the insert in one transaction
            hour, day = db.execute(
                "SELECT SUM(created > ?), COUNT(*) FROM feedback WHERE client = ? AND "
                "created > ?", (now - 3600, client, now - 86_400)).fetchone()
            if (hour or 0) >= PER_CLIENT_HOUR or (day or 0) >= PER_CLIENT_DAY:
                raise TooManyRequests("too many opinions from here for now; please try later / "
                                      "提交次数过多，请稍后再试")
            (same,) = db.execute("SELECT COUNT(*) FROM feedback WHERE client = ? AND text = ? "
                                 "AND created > ?", (client, body, now - 86_400)).fetchone()
            if same:
                raise BadInput("this opinion was already sent / 该意见已提交")
            (today,) = db.execute("SELECT COUNT(*) FROM feedback WHERE standard = ? AND "
                                  "created > ?", (standard, now - 86_400)).fetchone()
            if today >= PER_STANDARD_DAY:
                raise TooManyRequests("this standard received many opinions today; please try "
                                      "tomorrow / 该标准今日收到的意见已达上限，请明日再试")
            cursor = db.execute(
                "INSERT INTO feedback (standard, county, text, contact, created, client) "
                "VALUES (?, ?, ?, ?, ?, ?)", (standard, county, body, reach, now, client))
        return int(cursor.lastrowid or 0)

    # -- reading ----------------------------------------------------------------------------
    def _items(self, where: str, params: tuple[object, ...]) -> list[Item]:
        rows = self._db().execute(
            "SELECT id, standard, county, text, contact, created, status, answer, answered, "
            f"answered_by FROM feedback WHERE {where} ORDER BY id", params).fetchall()
        return [Item(r[0], r[1], r[2], r[3], r[4], _iso(r[5]) or "", r[6], r[7], _iso(r[8]),
                     r[9]) for r in rows]

    def public(self, standard: str) -> PublicView:
        """What anyone may see of a standard's feedback: how many items, the answered ones."""
        (received,) = self._db().execute("SELECT COUNT(*) FROM feedback WHERE standard = ?",
                                         (standard,)).fetchone()
        answered = [Item(i.id, i.standard, i.county, i.text, None, i.created, i.status,
                         i.answer, i.answered, None)
                    for i in self._items("standard = ? AND answer IS NOT NULL", (standard,))]
        return PublicView(int(received), answered)

    def for_county(self, county: str) -> list[Item]:
        """Everything of one county's standards, contacts included: for its office only."""
        return self._items("county = ?", (county,))

    def answer(self, item_id: int, writer: Writer, text: str, *, close: bool,
               county: str) -> Item:
        """Answer (and optionally close) an item of ``county``'s standards."""
        body = _clean(text, "answer 答复", MAX_ANSWER, required=not close)
        found = self._items("id = ? AND county = ?", (item_id, county))
        if not found:
            raise NotFound(f"no feedback item {item_id} for county {county}")
        db = self._db()
        with db:
            if body:
                db.execute("UPDATE feedback SET answer = ?, answered = ?, answered_by = ?, "
                           "status = ? WHERE id = ?",
                           (body, time.time(), writer.label, "closed" if close else "answered",
                            item_id))
            else:
                db.execute("UPDATE feedback SET status = 'closed' WHERE id = ?", (item_id,))
        return self._items("id = ?", (item_id,))[0]
