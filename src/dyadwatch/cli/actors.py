"""`dyadwatch actors lookup|list` and `dyadwatch eval actors`.

``actors_file_option`` adds ``--actors FILE`` (repeatable) to any command that resolves
actors; ``registry_for(files)`` gives the registry with those files and reports their
problems (file:line) as warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

import click
from rich.table import Table

from dyadwatch.cli.common import db_option, dumps, out_console, warn
from dyadwatch.cli.evaluate import eval_group

if TYPE_CHECKING:  # the registry imports spaCy: load it only when a command runs
    from dyadwatch.actors import Registry


def actors_file_option(function: Callable) -> Callable:
    """Add ``--actors FILE`` (repeatable): users' actors in registry YAML or PETRARCH format."""
    return click.option(
        "--actors",
        "actors_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Extra actors: the registry's YAML format or a PETRARCH .actors/.agents "
        "dictionary (repeatable).",
    )(function)


def registry_for(files: Sequence[str] = ()) -> Registry:
    """The registry with users' files; each malformed line is one warning, the rest loads."""
    from dyadwatch.actors import get_registry

    registry = get_registry(tuple(files))
    for problem in registry.problems:
        warn(f"{problem} (skipped)")
    return registry


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--date") from exc


@click.group("actors")
@db_option
def actors_group() -> None:
    """Look up actors in the registry: countries, organisations, people, as of a date."""


@actors_group.command("lookup")
@db_option
@click.argument("name")
@click.option("--date", "when", metavar="YYYY-MM-DD", help="Resolve roles as of this date.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--limit", type=int, default=10, show_default=True, help="At most this many matches.")
@actors_file_option
def lookup_command(name: str, when: str | None, fmt: str, limit: int,
                   actors_files: tuple[str, ...]) -> None:
    """Who NAME is (best match first): code, name, sector, role."""
    registry = registry_for(actors_files)
    matches = registry.lookup(name, _parse_date(when))[:limit]
    if fmt == "json":
        click.echo(dumps([m.as_dict() for m in matches], indent=2))
        return
    if not matches:
        out_console.print(f"no actor known as {name!r}")
        return
    table = Table("code", "name", "sector", "role", "person", "how", "score")
    for m in matches:
        table.add_row(m.code, m.name, m.sector or "", m.role or "", m.person or "", m.how,
                      f"{m.score:.2f}")
    out_console.print(table)


@actors_group.command("list")
@db_option
@click.option("--country", metavar="CODE_OR_NAME", help="Only actors of this country/organisation.")
@click.option("--kind", help="Only this kind (state, org, person, institution, group, ...).")
@click.option("--date", "when", metavar="YYYY-MM-DD", help="Show people's roles as of this date.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@actors_file_option
def list_command(country: str | None, kind: str | None, when: str | None, fmt: str,
                 actors_files: tuple[str, ...]) -> None:
    """List registry entries (countries by default; --country X for one country's actors)."""
    registry = registry_for(actors_files)
    day = _parse_date(when)
    entries = registry.list(country)
    if kind:
        entries = [e for e in entries if e.kind == kind]
    elif not country:
        entries = [e for e in entries if e.how in ("name", "org")]
    rows = []
    for entry in entries:
        if entry.kind in ("sector", "title", "dyad"):
            continue
        match = registry.match_for(entry, day)
        rows.append({"code": match.code, "name": entry.name, "kind": entry.kind, "how": entry.how,
                     "sector": match.sector, "role": match.role, "source": entry.source,
                     "aliases": entry.aliases[:8]})
    rows.sort(key=lambda r: (r["code"], r["kind"], r["name"]))
    if fmt == "json":
        click.echo(dumps(rows, indent=2))
        return
    table = Table("code", "name", "kind", "sector", "role", "aliases")
    for row in rows:
        table.add_row(row["code"], row["name"], row["kind"], row["sector"] or "", row["role"] or "",
                      ", ".join(row["aliases"][:4]))
    out_console.print(table)


@eval_group.command("actors")
@db_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--failures/--no-failures", default=False, help="List the cases we get wrong.")
@actors_file_option
def eval_actors_command(path: str, fmt: str, failures: bool, actors_files: tuple[str, ...]) -> None:
    """Score actor resolution on NGEC's actor test cases (JSONL): country and sector accuracy."""
    from dyadwatch.actors.ngec_eval import evaluate

    result = evaluate(path, registry_for(actors_files))
    for line in result["unreadable_lines"]:
        warn(f"{path}:{line}: not a readable test case (skipped)")
    if not failures:
        result.pop("failures")
    if fmt == "json":
        click.echo(dumps(result, indent=2))
        return
    table = Table("measure", "value")
    for key in ("cases", "country_cases", "country_accuracy", "sector_cases", "sector_accuracy"):
        table.add_row(key, str(result[key]))
    skipped = result["skipped"]
    table.add_row("skipped", ", ".join(f"{k}: {v}" for k, v in skipped.items()))
    out_console.print(table)
    for failure in result.get("failures", []):
        out_console.print(dumps(failure))


COMMANDS = [actors_group]
