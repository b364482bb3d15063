"""The data store: the inquiry log, feedback on answers, staff accounts and their login sessions, and the rate
limits' token buckets (so that replicas on one store share each client's limit).

One narrow interface (DataStore); SQLite under ASSISTANT_DATA_DIR is the default. Everything stored is already free
of personal data: callers hand in masked text, and this module masks once more on the way in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from .pii import mask

Helpful = Literal["helpful", "unhelpful", "none"]


class Inquiry(BaseModel):
    """One question as it was answered: what was asked (masked), what became of it, and how users rated it."""

    id: int = 0
    at: str = ""  # UTC, ISO 8601
    channel: str = "chat"  # 'chat' (web UI) or 'api'
    session: str = ""
    question: str
    rewritten_question: str = ""
    language: str = ""
    outcome: str = ""
    abstained: bool = False
    answer: str = ""
    citations: list[dict] = Field(default_factory=list)  # {"source", "page", "snippet"}
    latency_ms: float = 0.0
    generator: str = ""
    helpful: bool | None = None  # the latest feedback, if any
    comment: str = ""


class InquiryFilter(BaseModel):
    """Which inquiries a staff member wants to see; empty fields do not filter."""

    text: str = ""  # in the question or the rewritten question
    outcome: str = ""
    language: str = ""
    channel: str = ""
    feedback: Helpful | Literal[""] = ""
    since: str = ""  # ISO date or time, inclusive
    until: str = ""  # ISO date or time, inclusive of that whole day
    limit: int = Field(500, ge=1, le=100_000)


class DataStoreError(RuntimeError):
    """The data store cannot be used (a folder that cannot be written, a damaged database file)."""


class DataStore(Protocol):
    def log_inquiry(self, inquiry: Inquiry) -> int: ...
    def inquiry(self, inquiry_id: int) -> Inquiry | None: ...
    def inquiries(self, where: InquiryFilter) -> list[Inquiry]: ...
    def add_feedback(self, inquiry_id: int, helpful: bool, comment: str = "") -> None: ...
    def set_staff(self, username: str, password: str) -> None: ...
    def check_staff(self, username: str, password: str) -> bool: ...
    def open_session(self, username: str, hours: float) -> str: ...
    def session_user(self, token: str) -> str | None: ...
    def close_session(self, token: str) -> None: ...
    def take_token(self, bucket: str, per_second: float, burst: int, now: float) -> float: ...
    def forget_buckets(self, idle_since: float) -> int: ...


def _now() -> datetime:
    return datetime.now(UTC)


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash, 'scrypt$<salt hex>$<hash hex>'."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    kind, salt, _ = (stored.split("$") + ["", ""])[:3]
    return kind == "scrypt" and hmac.compare_digest(hash_password(password, bytes.fromhex(salt)), stored)


def _token_key(token: str) -> str:
    # Only a hash of a session token is stored: a copy of the database logs nobody in.
    return hashlib.sha256(token.encode()).hexdigest()


# {id}: the dialect's auto-numbered key; {real}: its double-precision float.
SCHEMA = """
CREATE TABLE IF NOT EXISTS inquiries (
    id {id}, at TEXT NOT NULL, channel TEXT NOT NULL, session TEXT NOT NULL,
    question TEXT NOT NULL, rewritten_question TEXT NOT NULL, language TEXT NOT NULL, outcome TEXT NOT NULL,
    abstained INTEGER NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL, latency_ms {real} NOT NULL,
    generator TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    id {id}, inquiry_id INTEGER NOT NULL REFERENCES inquiries(id), at TEXT NOT NULL,
    helpful INTEGER NOT NULL, comment TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staff (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token_key TEXT PRIMARY KEY, username TEXT NOT NULL, expires TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rate_buckets (bucket TEXT PRIMARY KEY, tokens {real} NOT NULL, at {real} NOT NULL)
"""

# Each inquiry with its latest feedback.
_SELECT = """
SELECT i.*, f.helpful AS helpful, COALESCE(f.comment, '') AS comment FROM inquiries i
LEFT JOIN feedback f ON f.id = (SELECT MAX(id) FROM feedback WHERE inquiry_id = i.id)
"""


class SqlDataStore:
    """The data store's SQL, written once for SQLite and PostgreSQL; a subclass gives a connection (a context
    manager holding one transaction whose execute() takes '?' parameters and returns rows as mappings)."""

    # What a SELECT adds to lock the rows it reads until the transaction ends (SQLite: the INSERT before it already
    # holds the database's write lock).
    _LOCK_ROWS = ""

    def _connect(self):
        raise NotImplementedError

    def _create(self, db, schema: str) -> None:
        for statement in filter(str.strip, schema.split(";")):
            db.execute(statement)

    def log_inquiry(self, inquiry: Inquiry) -> int:
        row = inquiry.model_copy(update={
            "at": inquiry.at or _now().isoformat(timespec="seconds"),
            "question": mask(inquiry.question)[0],
            "rewritten_question": mask(inquiry.rewritten_question)[0],
        })
        with self._connect() as db:
            (found,) = db.execute(
                "INSERT INTO inquiries (at, channel, session, question, rewritten_question, language, outcome, "
                "abstained, answer, citations, latency_ms, generator) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (row.at, row.channel, row.session, row.question, row.rewritten_question, row.language, row.outcome,
                 int(row.abstained), row.answer, json.dumps(row.citations, ensure_ascii=False), row.latency_ms,
                 row.generator),
            )
            return int(found["id"])

    def inquiry(self, inquiry_id: int) -> Inquiry | None:
        with self._connect() as db:
            rows = db.execute(_SELECT + " WHERE i.id = ?", (inquiry_id,))
        return _inquiry(rows[0]) if rows else None

    def inquiries(self, where: InquiryFilter) -> list[Inquiry]:
        """Matching inquiries, newest first."""
        clauses, args = [], []
        if where.text:
            clauses.append("(i.question LIKE ? OR i.rewritten_question LIKE ?)")
            args += [f"%{where.text}%"] * 2
        for name in ("outcome", "language", "channel"):
            if value := getattr(where, name):
                clauses.append(f"i.{name} = ?")
                args.append(value)
        if where.feedback:
            clauses.append({"helpful": "f.helpful = 1", "unhelpful": "f.helpful = 0", "none": "f.id IS NULL"}[where.feedback])
        if where.since:
            clauses.append("i.at >= ?")
            args.append(where.since)
        if where.until:
            clauses.append("i.at < ?")
            args.append(_day_after(where.until))
        sql = _SELECT + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY i.id DESC LIMIT ?"
        with self._connect() as db:
            return [_inquiry(row) for row in db.execute(sql, (*args, where.limit))]

    def add_feedback(self, inquiry_id: int, helpful: bool, comment: str = "") -> None:
        with self._connect() as db:
            if not db.execute("SELECT 1 FROM inquiries WHERE id = ?", (inquiry_id,)):
                raise KeyError(inquiry_id)
            db.execute(
                "INSERT INTO feedback (inquiry_id, at, helpful, comment) VALUES (?,?,?,?)",
                (inquiry_id, _now().isoformat(timespec="seconds"), int(helpful), mask(comment.strip())[0]),
            )

    def set_staff(self, username: str, password: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO staff (username, password_hash) VALUES (?, ?) "
                "ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash",
                (username, hash_password(password)),
            )

    def check_staff(self, username: str, password: str) -> bool:
        with self._connect() as db:
            rows = db.execute("SELECT password_hash FROM staff WHERE username = ?", (username,))
        # A missing user costs as much as a wrong password, so timing does not tell which names exist.
        matches = password_matches(password, rows[0]["password_hash"] if rows else hash_password(""))
        return bool(rows) and matches

    def open_session(self, username: str, hours: float) -> str:
        token = secrets.token_urlsafe(32)
        expires = (_now() + timedelta(hours=hours)).isoformat(timespec="seconds")
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (_now().isoformat(timespec="seconds"),))
            db.execute("INSERT INTO sessions (token_key, username, expires) VALUES (?,?,?)",
                       (_token_key(token), username, expires))
        return token

    def session_user(self, token: str) -> str | None:
        if not token:
            return None
        with self._connect() as db:
            rows = db.execute("SELECT username, expires FROM sessions WHERE token_key = ?", (_token_key(token),))
        if not rows or rows[0]["expires"] < _now().isoformat(timespec="seconds"):
            return None
        return rows[0]["username"]

    def close_session(self, token: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE token_key = ?", (_token_key(token),))

    def take_token(self, bucket: str, per_second: float, burst: int, now: float) -> float:
        """Spend one token of a token bucket that every process on this store shares (it holds at most burst and
        gains per_second; a new one is full): 0 when one was spent, else the seconds until one will be."""
        with self._connect() as db:  # one transaction: no other process reads the bucket between read and write
            db.execute("INSERT INTO rate_buckets (bucket, tokens, at) VALUES (?,?,?) ON CONFLICT (bucket) DO NOTHING",
                       (bucket, float(burst), now))
            row = db.execute(f"SELECT tokens, at FROM rate_buckets WHERE bucket = ?{self._LOCK_ROWS}", (bucket,))[0]
            # A replica whose clock lags the one that wrote last gains nothing, rather than a negative amount.
            tokens = min(float(burst), row["tokens"] + max(0.0, now - row["at"]) * per_second)
            spent = tokens >= 1
            db.execute("UPDATE rate_buckets SET tokens = ?, at = ? WHERE bucket = ?",
                       (tokens - 1 if spent else tokens, max(now, row["at"]), bucket))
        return 0.0 if spent else (1 - tokens) / per_second

    def forget_buckets(self, idle_since: float) -> int:
        """Delete the buckets untouched since then (the caller knows they are full again, like a new one); how many."""
        with self._connect() as db:
            return len(db.execute("DELETE FROM rate_buckets WHERE at < ? RETURNING bucket", (idle_since,)))


class _SqliteConnection:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        return self._db.execute(sql, args).fetchall()


class SqliteDataStore(SqlDataStore):
    """The data store in one SQLite file (WAL mode, so the chat logs while staff read the log)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / "assistant.sqlite3"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                self._create(db, SCHEMA.format(id="INTEGER PRIMARY KEY AUTOINCREMENT", real="REAL"))
        except (OSError, sqlite3.Error) as exc:
            raise DataStoreError(f"cannot use the data store at {self.path}: {exc}") from exc

    @contextmanager
    def _connect(self) -> Iterator[_SqliteConnection]:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:  # one transaction: committed on success, rolled back on error
                yield _SqliteConnection(db)
        finally:
            db.close()


def _day_after(until: str) -> str:
    """The exclusive upper bound for 'until': a bare date includes its whole day."""
    if len(until) == 10:
        return (datetime.fromisoformat(until) + timedelta(days=1)).date().isoformat()
    return until


def _inquiry(row) -> Inquiry:
    data = dict(row)
    data["citations"] = json.loads(data["citations"])
    data["abstained"] = bool(data["abstained"])
    data["helpful"] = None if data["helpful"] is None else bool(data["helpful"])
    return Inquiry.model_validate(data)


def open_datastore(data_dir: Path, database_url: str | None = None) -> DataStore:
    """The configured data store: PostgreSQL at database_url when one is given, else SQLite in the data folder."""
    if database_url:
        from .datastore_postgres import PostgresDataStore

        return PostgresDataStore(database_url)
    return SqliteDataStore(data_dir)
