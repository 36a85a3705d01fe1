"""Example input bundled with dyadwatch: short illustrative news items, written for the
project, about the U.S.–Russia relationship in 2025 (facts as publicly reported, the
project's own words). They show the tool working; they are not a news source."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def examples_dir() -> Path:
    """The folder holding the bundled example documents."""
    return Path(str(resources.files("dyadwatch.examples").joinpath("data")))
