"""Opening the database: URL resolution, SQLite pragmas, schema creation and versioning."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dyadwatch.store import schema

DEFAULT_DB = "dyadwatch.db"


class StoreError(Exception):
    """The database cannot be used as asked (wrong URL, newer schema, ...)."""


def resolve_url(url_or_path: str | None = None) -> str:
    """Turn ``--db`` / ``DYADWATCH_DB`` / the default into an SQLAlchemy URL.

    A plain path means SQLite; ``postgresql://`` selects PostgreSQL through psycopg 3.
    """
    value = url_or_path or os.environ.get("DYADWATCH_DB") or DEFAULT_DB
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser())
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Store:
    """The one door to the database. Query helpers live in the ``store`` modules."""

    def __init__(self, url_or_path: str | None = None, *, create: bool = True) -> None:
        self.url = resolve_url(url_or_path)
        try:
            self.engine: Engine = sa.create_engine(self.url, future=True)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
            raise StoreError(f"cannot open database {url_or_path!r}: {exc}") from exc
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        if create:
            self.create()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def create(self) -> None:
        """Create missing tables and record the schema version; refuse newer schemas."""
        try:
            schema.metadata.create_all(self.engine)
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open database {self.url}: {exc.orig}") from exc
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
            ).first()
            if row is None:
                conn.execute(
                    schema.meta.insert().values(key="schema_version", value=str(schema.SCHEMA_VERSION))
                )
            elif int(row.value) > schema.SCHEMA_VERSION:
                raise StoreError(
                    f"database {self.url} has schema version {row.value}, newer than this "
                    f"dyadwatch ({schema.SCHEMA_VERSION}); upgrade dyadwatch"
                )
            elif int(row.value) < schema.SCHEMA_VERSION:
                migrate(conn, int(row.value))

    def begin(self):
        """A transaction: ``with store.begin() as conn: ...``."""
        return self.engine.begin()

    def connect(self):
        return self.engine.connect()

    def dispose(self) -> None:
        self.engine.dispose()


# Each entry brings a database from version N to N + 1. Empty while there is one version.
MIGRATIONS: dict[int, list[str]] = {}


def migrate(conn, from_version: int) -> None:
    for version in range(from_version, schema.SCHEMA_VERSION):
        for statement in MIGRATIONS.get(version, []):
            conn.execute(sa.text(statement))
    conn.execute(
        schema.meta.update()
        .where(schema.meta.c.key == "schema_version")
        .values(value=str(schema.SCHEMA_VERSION))
    )
