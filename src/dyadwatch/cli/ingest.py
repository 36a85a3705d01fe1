"""`dyadwatch ingest`: documents in from files, folders, globs, stdin and URLs."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING

import click

from dyadwatch.cli.common import db_option, dumps, err_console, open_store, progress, warn
from dyadwatch.ingest.dates import DateError, parse_published
from dyadwatch.ingest.errors import ReadError, ReadWarning

if TYPE_CHECKING:
    from dyadwatch.ingest.pipeline import IngestSummary


def _parse_date_option(_ctx, _param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_published(value)[0]
    except DateError as exc:
        raise click.BadParameter(str(exc)) from exc


def _is_url(argument: str) -> bool:
    return argument.startswith(("http://", "https://"))


def tell_problem(problem: ReadError) -> None:
    if isinstance(problem, ReadWarning):
        warn(str(problem))
    else:
        err_console.print(f"[red]skipped[/red] {problem}", markup=True, highlight=False)


def run_ingest(paths: tuple[str, ...], *, published: datetime | None, source: str | None,
               max_bytes: int, quiet: bool) -> IngestSummary:
    """Ingest paths and URLs into the current store; shared with `dyadwatch run`."""
    # Imported here so that `dyadwatch --help` does not wait for spaCy and datasketch.
    from dyadwatch.ingest.files import ReadOptions
    from dyadwatch.ingest.pipeline import ingest_paths

    store = open_store()
    files = tuple(p for p in paths if not _is_url(p))
    urls = tuple(p for p in paths if _is_url(p))
    options = ReadOptions(published=published, source=source, max_bytes=max_bytes)
    summary = ingest_paths(
        store,
        files,
        options,
        on_problem=tell_problem,
        progress=lambda items: progress(items, total=len(items), label="Reading", quiet=quiet),
    )
    if urls:
        from dyadwatch.ingest.web import ingest_urls

        web = ingest_urls(store, list(urls), options=options, on_problem=tell_problem, quiet=quiet)
        for name in ("inputs", "read", "added", "duplicates", "near_duplicates", "sentences",
                     "skipped", "warnings", "unreadable_inputs"):
            setattr(summary, name, getattr(summary, name) + getattr(web, name))
        summary.doc_ids.extend(web.doc_ids)
    return summary


def with_examples(paths: tuple[str, ...], examples: bool) -> tuple[str, ...]:
    """The paths, plus the bundled example folder when --examples is given."""
    if examples:
        from dyadwatch.examples import examples_dir

        paths = (*paths, str(examples_dir()))
    if not paths:
        raise click.UsageError("give at least one PATH or URL (or --examples)")
    return paths


examples_option = click.option(
    "--examples", is_flag=True, help="Also read the illustrative example documents bundled with dyadwatch."
)


@click.command("ingest")
@click.argument("paths", nargs=-1)
@examples_option
@click.option("--published", callback=_parse_date_option, metavar="DATE",
              help="Publication date for inputs that carry none.")
@click.option("--source", metavar="NAME", help="Publisher for inputs that name none.")
@click.option("--max-bytes", type=int, default=200 * 1024 * 1024, show_default=True,
              help="Refuse files larger than this.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@db_option
def ingest_command(paths: tuple[str, ...], examples: bool, published: datetime | None, source: str | None,
                   max_bytes: int, output_format: str, quiet: bool) -> None:
    """Read documents from files, folders, globs, - (stdin), web pages and feeds.

    Text and Markdown, HTML, JSON, JSONL, .jsonl.gz and CSV are recognised by their
    suffix (or sniffed on stdin). Documents already stored are not stored again;
    near-duplicates are grouped into one story. Problems are reported one line each
    and the rest of the batch goes on.
    """
    paths = with_examples(paths, examples)
    summary = run_ingest(paths, published=published, source=source, max_bytes=max_bytes, quiet=quiet)
    figures = summary.as_dict()
    if output_format == "json":
        click.echo(dumps(figures))
    elif not quiet:
        err_console.print(
            f"{summary.added} added, {summary.duplicates} already stored, "
            f"{summary.near_duplicates} grouped with a near-duplicate story, "
            f"{summary.sentences} sentences, {summary.skipped} skipped "
            f"(from {summary.inputs} input{'s' if summary.inputs != 1 else ''})"
        )
    nothing_readable = summary.read == 0 and summary.inputs > 0 and summary.unreadable_inputs >= summary.inputs
    if nothing_readable:
        sys.exit(1)


COMMANDS = [ingest_command]
