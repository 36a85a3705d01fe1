"""Fixtures shared by the whole suite: where the shared data lives, a fresh store, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
# The project's data sits beside the checkout (CI clones next to it too).
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"
CORPORA = DATA / "corpora"
GOLD = DATA / "gold"


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
