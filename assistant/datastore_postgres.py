"""The data store on PostgreSQL (Settings.database_url), so replicas share one inquiry log, feedback and logins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.rows import dict_row

from .datastore import SCHEMA, DataStoreError, SqlDataStore


class _PostgresConnection:
    def __init__(self, db: psycopg.Connection) -> None:
        self._db = db

    def execute(self, sql: str, args: tuple = ()) -> list[dict]:
        cursor = self._db.execute(sql.replace("?", "%s"), args)  # the shared SQL is written with '?'
        return cursor.fetchall() if cursor.description else []


class PostgresDataStore(SqlDataStore):
    """The data store in a PostgreSQL database (tables created on first use)."""

    _LOCK_ROWS = " FOR UPDATE"

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            with self._connect() as db:
                # One creator at a time: replicas starting together would otherwise race on CREATE TABLE.
                db.execute("SELECT pg_advisory_xact_lock(727001)")
                self._create(db, SCHEMA.format(id="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
                                               real="DOUBLE PRECISION"))
        except psycopg.Error as exc:
            raise DataStoreError(f"cannot use the PostgreSQL data store: {exc}") from exc

    @contextmanager
    def _connect(self) -> Iterator[_PostgresConnection]:
        with psycopg.connect(self.url, row_factory=dict_row, connect_timeout=10) as db:  # commits on success
            yield _PostgresConnection(db)
