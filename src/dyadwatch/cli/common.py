"""What every command shares: the --db option, opening the store, output helpers."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import click
from rich.console import Console

from dyadwatch.store import Store, StoreError

T = TypeVar("T")

#: Messages and tables for people go to stderr/stdout through these consoles.
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
# When piped, tables are read by other programs or files: give them room, not 80 columns.
out_console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _remember_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    # --db may be given before or after the command name; the innermost one wins.
    if value is not None:
        ctx.ensure_object(dict)["db"] = value
    return value


def db_option(function: Callable) -> Callable:
    """Add ``--db URL_OR_PATH`` to a command (also read from DYADWATCH_DB)."""
    return click.option(
        "--db",
        "db",
        metavar="URL_OR_PATH",
        envvar="DYADWATCH_DB",
        expose_value=False,
        callback=_remember_db,
        is_eager=True,
        help="Database: a SQLite path or a postgresql:// URL (default ./dyadwatch.db).",
    )(function)


def db_url(ctx: click.Context | None = None) -> str | None:
    """The database named on the command line (or None for env/default)."""
    ctx = ctx or click.get_current_context()
    while ctx is not None:
        if isinstance(ctx.obj, dict) and ctx.obj.get("db"):
            return ctx.obj["db"]
        ctx = ctx.parent
    return None


def open_store(ctx: click.Context | None = None) -> Store:
    """Open the store for the current command, or exit with one clear line."""
    try:
        return Store(db_url(ctx))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def warn(message: str) -> None:
    """One line to stderr about a problem that does not stop the run."""
    err_console.print(f"[yellow]warning:[/yellow] {message}", markup=True, highlight=False)


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(value, default=json_default, ensure_ascii=False, indent=indent)


def progress(
    items: Iterable[T], *, total: int | None, label: str, quiet: bool = False
) -> Iterator[T]:
    """Iterate with a Rich progress bar on a terminal; silently when piped or quiet."""
    if quiet or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def period_bound(value: str | None, *, end: bool, option: str) -> date | None:
    """--since/--until: YYYY, YYYY-MM or YYYY-MM-DD; a partial date is its first day
    (its last day when it closes a range)."""
    if value is None:
        return None
    match = _PARTIAL_DATE.match(value.strip())
    if not match:
        raise click.BadParameter(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", param_hint=option)
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day is not None:
            return date(year, int(month), int(day))
        if month is not None:
            first = date(year, int(month), 1)
            if not end:
                return first
            return date(year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: {exc}", param_hint=option) from exc
