"""`dyadwatch brief`, `dyadwatch run`, `dyadwatch verify-brief` and `dyadwatch eval timeline`."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from dyadwatch.cli.common import db_option, dumps, err_console, open_store, period_bound, warn
from dyadwatch.cli.evaluate import eval_group


def _window(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    since_day = period_bound(since, end=False, option="--since")
    until_day = period_bound(until, end=True, option="--until")
    if since_day and until_day and since_day > until_day:
        raise click.BadParameter(f"--since {since} is after --until {until}", param_hint="--since")
    return since_day, until_day


def _code_pending(store, *, quiet: bool) -> None:
    """Code what the current coder has not seen yet, so the briefing is up to date."""
    from dyadwatch.events.pipeline import code_pending

    code_pending(store, quiet=quiet, warn=warn)


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    err_console.print(f"briefing written to {output}")


def _format_for(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    return {".html": "html", ".htm": "html", ".json": "json"}.get(suffix, "md")


def _brief_and_write(store, dyad: str, since: date | None, until: date | None,
                     fmt: str | None, output: str | None) -> None:
    from dyadwatch.brief import BriefError, FaithfulnessError, build_brief, parse_dyad, render

    try:
        a, b = parse_dyad(dyad)
        brief = build_brief(store, a, b, since=since, until=until)
    except BriefError as exc:
        raise click.ClickException(str(exc)) from exc
    except FaithfulnessError as exc:
        # Never print a briefing whose quotes are not backed by the store.
        raise click.ClickException(str(exc)) from exc
    _write(render(brief, _format_for(fmt, output)), output)


format_option = click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "json"]), default=None,
    help="Output format (default: from the -o suffix, else md).",
)  # fmt: skip
output_option = click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")


@click.command("brief")
@click.option("--dyad", required=True, metavar="A-B", help="The two actors, e.g. USA-RUS.")
@click.option("--since", metavar="DATE", help="First day (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Last day; watch items are what comes after it.")
@format_option
@output_option
@click.option("--no-code", is_flag=True, help="Brief over the stored events without coding new documents first.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar while coding.")
@db_option
def brief_command(dyad: str, since: str | None, until: str | None, fmt: str | None,
                  output: str | None, no_code: bool, quiet: bool) -> None:
    """A cited briefing on the relations between two actors, from what is stored.

    Assessment with figures and chart, developments by theme, takeaways, a dated timeline,
    what to watch after the end date, and numbered sources. Every quote is checked verbatim
    against its stored document before anything is written.
    """
    since_day, until_day = _window(since, until)
    store = open_store()
    if not no_code:
        _code_pending(store, quiet=quiet)
    _brief_and_write(store, dyad, since_day, until_day, fmt, output)


@click.command("run")
@click.argument("paths", nargs=-1)
@click.option("--dyad", required=True, metavar="A-B", help="The two actors, e.g. USA-RUS.")
@click.option("--since", metavar="DATE", help="First day of the briefing.")
@click.option("--until", metavar="DATE", help="Last day of the briefing.")
@format_option
@output_option
@click.option("--examples", is_flag=True, help="Also read the example documents bundled with dyadwatch.")
@click.option("--published", metavar="DATE", help="Publication date for inputs that carry none.")
@click.option("--source", metavar="NAME", help="Publisher for inputs that name none.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary lines.")
@db_option
def run_command(paths: tuple[str, ...], dyad: str, since: str | None, until: str | None,
                fmt: str | None, output: str | None, examples: bool, published: str | None,
                source: str | None, quiet: bool) -> None:
    """Ingest PATHS (files, folders, URLs), code them, and brief on the dyad in one go."""
    from dyadwatch.cli.ingest import run_ingest, with_examples
    from dyadwatch.ingest.dates import DateError, parse_published

    since_day, until_day = _window(since, until)
    published_at = None
    if published:
        try:
            published_at = parse_published(published)[0]
        except DateError as exc:
            raise click.BadParameter(str(exc), param_hint="--published") from exc
    paths = with_examples(paths, examples)
    summary = run_ingest(paths, published=published_at, source=source,
                         max_bytes=200 * 1024 * 1024, quiet=quiet)
    if not quiet:
        err_console.print(f"{summary.added} documents added, {summary.duplicates} already stored, "
                          f"{summary.skipped} skipped")
    store = open_store()
    _code_pending(store, quiet=quiet)
    _brief_and_write(store, dyad, since_day, until_day, fmt, output)


@click.command("verify-brief")
@click.argument("path", type=click.Path(dir_okay=False))
@db_option
def verify_brief_command(path: str) -> None:
    """Check a saved JSON briefing: every quote verbatim in its stored, cited document."""
    from dyadwatch.brief import check

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{path}: not a JSON briefing ({exc})") from exc
    if not isinstance(data, dict) or "sections" not in data:
        raise click.ClickException(f"{path}: not a JSON briefing (no 'sections')")
    store = open_store()
    with store.connect() as conn:
        problems = check(data, conn)
    if problems:
        for problem in problems:
            err_console.print(f"[red]unfaithful[/red] {problem}", markup=True, highlight=False)
        click.echo(f"{path}: {len(problems)} problem(s)")
        sys.exit(1)
    click.echo(f"{path}: every citation found verbatim in its stored document")


@eval_group.command("timeline")
@click.option("--articles", required=True, type=click.Path(dir_okay=False),
              help="Articles as JSON lines {id, time, text}.")
@click.option("--gold", required=True, type=click.Path(dir_okay=False),
              help="Gold timeline (tilse format: date line, summaries, dashes between dates).")
@click.option("--keywords", default="", help="Comma-separated keywords a sentence must contain.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--show", is_flag=True, help="Also print the predicted timeline (table format).")
def eval_timeline_command(articles: str, gold: str, keywords: str, fmt: str, show: bool) -> None:
    """Build a timeline as long as the gold one and score it (date F1, AR-1, AR-2)."""
    from dyadwatch.evaluate.timeline import TimelineInputError, run

    errors: list[str] = []
    try:
        result = run(articles, gold, keywords=[k for k in keywords.split(",") if k.strip()], errors=errors)
    except TimelineInputError as exc:
        raise click.ClickException(str(exc)) from exc
    for message in errors:
        warn(message)
    if fmt == "json":
        click.echo(dumps(result, indent=2))
        return
    click.echo(f"articles {result['n_articles']}, gold dates {result['gold_dates']}, "
               f"predicted dates {result['predicted_dates']}")
    for name in ("date_f1", "ar1_f", "ar2_f"):
        click.echo(f"{name:8} {result[name]:.4f}")
    if show:
        for entry in result["timeline"]:
            click.echo(f"{entry['date']}  " + " ".join(entry["summary"]))


COMMANDS = [brief_command, run_command, verify_brief_command]
