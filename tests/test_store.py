"""The store: SQLite by default (WAL, foreign keys), PostgreSQL by URL, a versioned schema."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from conftest import POSTGRES, postgres_schema
from dyadwatch.store import Store, StoreError, resolve_url, schema


def test_a_plain_path_is_sqlite_and_postgres_urls_use_psycopg(monkeypatch):
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    assert resolve_url("x/y.db") == "sqlite:///x/y.db"
    assert resolve_url(None) == "sqlite:///dyadwatch.db"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("DYADWATCH_DB", "from-env.db")
    assert resolve_url(None) == "sqlite:///from-env.db"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(store):
    with store.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        version = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).scalar()
    assert int(version) == schema.SCHEMA_VERSION


def test_a_database_from_a_newer_dyadwatch_is_refused(db_path):
    Store(str(db_path)).dispose()
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        conn.execute(schema.meta.update().values(value=str(schema.SCHEMA_VERSION + 1)))
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this dyadwatch"):
        Store(str(db_path))


def test_db_option_and_environment_select_the_database(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dyadwatch.cli import main

    runner = CliRunner()
    monkeypatch.setenv("DYADWATCH_DB", str(tmp_path / "env.db"))
    runner.invoke(main, ["ingest", "--examples", "--quiet"], catch_exceptions=False)
    assert (tmp_path / "env.db").exists()
    # --db after the command name works as well as before it.
    runner.invoke(main, ["ingest", "--examples", "--quiet", "--db", str(tmp_path / "opt.db")], catch_exceptions=False)
    result = runner.invoke(main, ["stats", "--format", "json", "--db", str(tmp_path / "opt.db")])
    assert json.loads(result.output)["documents"] >= 5


@pytest.mark.skipif(not POSTGRES, reason="set DYADWATCH_TEST_POSTGRES to a PostgreSQL URL (.ci/run does)")
def test_postgresql_store_holds_the_same_documents():
    from click.testing import CliRunner

    from dyadwatch.cli import main

    with postgres_schema() as url:
        runner = CliRunner()
        first = runner.invoke(main, ["--db", url, "ingest", "--examples", "--format", "json"], catch_exceptions=False)
        again = runner.invoke(main, ["--db", url, "ingest", "--examples", "--format", "json"], catch_exceptions=False)
        assert json.loads(first.output)["added"] >= 5
        assert json.loads(again.output)["added"] == 0
        stats = json.loads(runner.invoke(main, ["--db", url, "stats", "--format", "json"]).output)
        assert stats["documents"] == json.loads(first.output)["added"]
        assert stats["database"].startswith("postgresql")
