"""Fixtures shared by the whole suite: where the shared data lives, a fresh store, the CLI."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
# The project's data sits beside the checkout (CI clones next to it too).
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"
CORPORA = DATA / "corpora"
GOLD = DATA / "gold"


#: A PostgreSQL URL for the tests that run on PostgreSQL too (.ci/run starts one).
POSTGRES = os.environ.get("DYADWATCH_TEST_POSTGRES")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL on a schema of its own in the test PostgreSQL, dropped afterwards,
    so runs never see each other's rows."""
    import sqlalchemy as sa

    from dyadwatch.store.db import resolve_url

    assert POSTGRES, "set DYADWATCH_TEST_POSTGRES"
    name = "t_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(resolve_url(POSTGRES))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    separator = "&" if "?" in POSTGRES else "?"
    try:
        yield f"{POSTGRES}{separator}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()


def require_shared() -> None:
    if not DATA.is_dir():
        pytest.skip(f"shared data not found at {DATA}")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def store(db_path: Path):
    from dyadwatch.store import Store

    opened = Store(str(db_path))
    yield opened
    opened.dispose()


@pytest.fixture
def cli(db_path: Path):
    """Run `dyadwatch ...` against the test database; returns the click Result."""
    from dyadwatch.cli import main

    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return invoke


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
