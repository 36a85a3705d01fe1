"""`dyadwatch docs` and `dyadwatch stats`: looking at what is stored."""

from __future__ import annotations

import click
from rich.table import Table

from dyadwatch.cli.common import db_option, dumps, open_store, out_console
from dyadwatch.store import documents as doc_store


@click.command("docs")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default="table")
@click.option("--limit", type=int, default=None, help="Show at most this many documents.")
@db_option
def docs_command(output_format: str, limit: int | None) -> None:
    """List stored documents: id, ref, title, url, published, source, story."""
    store = open_store()
    with store.connect() as conn:
        rows = doc_store.list_documents(conn, limit=limit)
    if output_format == "jsonl":
        for row in rows:
            click.echo(dumps(row))
        return
    table = Table(box=None, pad_edge=False)
    # id and date never shrink; the free-text columns share what is left of the terminal.
    for name, least, most in (("id", 3, 7), ("published", 10, 10), ("source", 6, 18),
                              ("title", 12, 50), ("story", 5, 7), ("ref", 6, 30)):
        table.add_column(name, no_wrap=True, overflow="ellipsis", min_width=least, max_width=most)
    for row in rows:
        table.add_row(
            str(row["id"]),
            (row["published"] or "")[:10],
            _short(row["source"], 24),
            _short(row["title"], 60),
            str(row["story"]) if row["story"] != row["id"] else "",
            _short(row["ref"], 40),
        )
    out_console.print(table)
    if not rows:
        out_console.print("No documents stored yet: try `dyadwatch ingest PATH`.")


def _short(value: str | None, width: int) -> str:
    if not value:
        return ""
    return value if len(value) <= width else value[: width - 1] + "…"


@click.command("stats")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@db_option
def stats_command(output_format: str) -> None:
    """Counts of what is stored: documents, sentences, events, skipped inputs, ..."""
    store = open_store()
    with store.connect() as conn:
        figures = doc_store.counts(conn)
        first, last = doc_store.date_range(conn)
    figures_out = {**figures, "first_published": first, "last_published": last, "database": store.url}
    if output_format == "json":
        click.echo(dumps(figures_out))
        return
    table = Table(box=None, show_header=False, pad_edge=False)
    for key, value in figures_out.items():
        table.add_row(key.replace("_", " "), "" if value is None else str(value))
    out_console.print(table)


COMMANDS = [docs_command, stats_command]
