"""`dyadwatch code` and `dyadwatch events`: coding stored documents, listing events."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from dyadwatch.cli.common import (
    db_option,
    dumps,
    err_console,
    open_store,
    out_console,
    warn,
)

FORMATS = ("table", "jsonl", "csv", "parquet")

# Flat columns for csv and parquet, with their pyarrow type names.
FLAT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "int64"), ("doc_id", "int64"), ("date", "date32"), ("date_precision", "string"),
    ("source_code", "string"), ("source_name", "string"), ("source_sector", "string"),
    ("source_person", "string"),
    ("target_code", "string"), ("target_name", "string"), ("target_sector", "string"),
    ("target_person", "string"),
    ("event", "string"), ("mode", "string"), ("contexts", "string"), ("cameo", "string"),
    ("goldstein", "float64"), ("quad_class", "int64"), ("negated", "bool_"),
    ("modality", "string"), ("sentence", "int64"), ("start", "int64"), ("end", "int64"),
    ("trigger", "string"), ("confidence", "float64"), ("report_count", "int64"),
    ("doc_count", "int64"), ("themes", "string"), ("reported_by", "string"),
    ("plover_score", "float64"), ("ref", "string"), ("url", "string"), ("quote", "string"),
)  # fmt: skip


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """One event as a flat record (lists joined with ';') for csv and parquet."""
    flat: dict[str, Any] = {}
    for side in ("source", "target"):
        actor = row.get(side) or {}
        for key in ("code", "name", "sector", "person"):
            flat[f"{side}_{key}"] = actor.get(key)
    evidence = row.get("evidence") or {}
    for key in ("sentence", "start", "end", "trigger"):
        flat[key] = evidence.get(key)
    flat["contexts"] = ";".join(row.get("contexts") or [])
    flat["themes"] = ";".join(row.get("themes") or [])
    flat["reported_by"] = (row.get("reported_by") or {}).get("code")
    for name, _type in FLAT_COLUMNS:
        if name not in flat:
            flat[name] = row.get(name)
    return {name: flat[name] for name, _type in FLAT_COLUMNS}


def _actor_label(actor: dict[str, Any] | None) -> str:
    if not actor:
        return "-"
    label = actor["code"] + (f" {actor['sector']}" if actor.get("sector") else "")
    return label + (f" ({actor['person']})" if actor.get("person") else "")


def _around_trigger(quote: str, trigger: str, width: int) -> str:
    """The part of ``quote`` that shows the trigger when the whole does not fit."""
    if len(quote) <= width or not trigger:
        return quote
    at = quote.find(trigger.split()[0])
    if at < 0 or at + len(trigger) < width - 1:
        return quote
    start = max(0, at - width // 4)
    return "…" + quote[start + 1 :]


def events_table(rows: Sequence[dict[str, Any]], width: int) -> Table:
    """A Rich table that fits ``width`` columns: the evidence column takes what is left."""
    cells = []
    for row in rows:
        event = row["event"] + (f":{row['mode']}" if row.get("mode") else "")
        if row.get("negated"):
            event = "not " + event
        if row.get("modality") not in (None, "asserted", "reported"):
            event += f" [{row['modality']}]"
        quote = " ".join((row.get("quote") or row["evidence"]["trigger"] or "").split())
        cells.append((
            str(row["id"]), row["date"].isoformat() if row.get("date") else "",
            _actor_label(row.get("source"))[:24], event, _actor_label(row.get("target"))[:24],
            f"{row['confidence']:.2f}", str(row.get("report_count", 1)), quote,
        ))  # fmt: skip
    headers = ("id", "date", "source", "event", "target", "conf", "n", "evidence")
    fixed = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(headers[:-1])]
    # Two spaces between columns (SIMPLE box has no vertical rules).
    evidence_width = max(12, width - sum(fixed) - 2 * len(fixed) - 1)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1),
                  collapse_padding=True)  # fmt: skip
    for header, size in zip(headers[:-1], fixed, strict=True):
        justify = "right" if header in ("id", "conf", "n") else "left"
        table.add_column(header, justify=justify, no_wrap=True, min_width=size)
    table.add_column("evidence", no_wrap=True, overflow="ellipsis", max_width=evidence_width)
    for row, cell in zip(rows, cells, strict=True):
        quote = _around_trigger(cell[-1], row["evidence"].get("trigger") or "", evidence_width)
        # Text, not markup: "[future]" and quotes must print as written.
        table.add_row(*(Text(c) for c in (*cell[:-1], quote)))
    return table


def write_events(rows: Sequence[dict[str, Any]], fmt: str, output: Path | None) -> None:
    """Print or save events in one of ``FORMATS``."""
    if fmt == "parquet":
        if output is None:
            raise click.UsageError("--format parquet writes a binary file: give -o FILE")
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in FLAT_COLUMNS])
        flat = [flatten(r) for r in rows]
        table = pa.Table.from_pylist(flat, schema=schema)
        pq.write_table(table, output)
        return
    if fmt == "table":
        if output is None:
            if rows:
                out_console.print(events_table(rows, out_console.width))
            else:
                err_console.print("no events match")
            return
        with output.open("w", encoding="utf-8") as handle:
            from rich.console import Console

            Console(file=handle, width=160, highlight=False).print(events_table(rows, 160))
        return
    buffer = io.StringIO()
    if fmt == "jsonl":
        for row in rows:
            buffer.write(dumps(row) + "\n")
    else:
        writer = csv.DictWriter(buffer, fieldnames=[name for name, _ in FLAT_COLUMNS])
        writer.writeheader()
        for row in rows:
            writer.writerow(flatten(row))
    if output is None:
        sys.stdout.write(buffer.getvalue())
    else:
        output.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _code(store, *, recode: bool = False, workers: int | None = None, quiet: bool = False):
    from dyadwatch.events.pipeline import code_pending

    return code_pending(store, recode=recode, workers=workers, quiet=quiet, warn=warn)


@click.command("code")
@db_option
@click.option("--recode", is_flag=True, help="Code every document again (after lexicon changes).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to use (default DYADWATCH_WORKERS or all cores).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
def code_command(recode: bool, workers: int | None, fmt: str) -> None:
    """Code stored documents into events (only those not coded by this coder version)."""
    store = open_store()
    summary = _code(store, recode=recode, workers=workers, quiet=fmt == "json")
    if fmt == "json":
        click.echo(dumps(summary.as_dict()))
        return
    if not summary.documents:
        out_console.print(f"nothing to code: every document is coded (coder {summary.version})")
        return
    out_console.print(
        f"coded {summary.documents:,} documents: {summary.sentences:,} sentences scanned, "
        f"{summary.candidates:,} candidates parsed, {summary.reports:,} reports, "
        f"{summary.events:,} events ({summary.seconds:.1f} s, {summary.workers} "
        f"worker{'s' if summary.workers > 1 else ''}, coder {summary.version})"
    )
    if summary.failed:
        out_console.print(f"{len(summary.failed)} document(s) had coder errors (see warnings)")


@click.command("events")
@db_option
@click.option("--dyad", metavar="A-B", help="Both directions between two actors, e.g. USA-RUS.")
@click.option("--actor", metavar="CODE", help="Events with this actor as source or target.")
@click.option("--event", "event_type", metavar="TYPE", help="PLOVER type(s), comma-separated.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this date (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this date, inclusive.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--include-negated", is_flag=True, help="Also list negated events.")
@click.option("--modality", help="asserted, reported, future, hypothetical, conditional (comma-separated).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (required for parquet).")  # fmt: skip
def events_command(
    dyad: str | None, actor: str | None, event_type: str | None, since: datetime | None,
    until: datetime | None, min_confidence: float, include_negated: bool,
    modality: str | None, limit: int | None, fmt: str, output: Path | None,
) -> None:  # fmt: skip
    """List coded events (one per development, with its report count).

    Documents not yet coded by this coder version are coded first.
    """
    from dyadwatch.store.events import parse_dyad, query_events

    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a binary file: give -o FILE")
    if dyad:
        try:
            parse_dyad(dyad)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--dyad") from exc
    store = open_store()
    # The progress bar shows only on a terminal and vanishes when done; one line remains.
    summary = _code(store)
    if summary.documents:
        err_console.print(
            f"coded {summary.documents:,} new document(s): {summary.reports:,} reports", highlight=False
        )
    with store.connect() as conn:
        rows = query_events(
            conn, dyad=dyad, actor=actor, event=event_type,
            since=since.date() if since else None, until=until.date() if until else None,
            min_confidence=min_confidence, include_negated=include_negated,
            modality=modality, limit=limit,
        )  # fmt: skip
    write_events(rows, fmt, output)
    if output is not None:
        err_console.print(f"wrote {len(rows):,} events to {output}", highlight=False)


COMMANDS = [code_command, events_command]
