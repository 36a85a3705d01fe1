"""`dyadwatch code-text`: code one sentence and show why - for users tuning lexicons."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from rich.table import Table

from dyadwatch.cli.common import db_option, dumps, out_console, warn

COMMANDS: list[click.Command] = []


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2025-02-14") from exc


def _actor(ref) -> str:
    if ref is None:
        return "-"
    text = ref.code + (f"/{ref.sector}" if ref.sector else "")
    if ref.text:
        text += f' "{ref.text}"'
    return text


@click.command("code-text")
@click.argument("sentence")
@click.option("--date", "when", callback=_parse_date, metavar="YYYY-MM-DD",
              help="Publication date: relative dates resolve against it (default: today).")
@click.option("--actors", "actor_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra actor dictionary (registry format or PETRARCH .actors/.agents).")
@click.option("--lexicon", "lexicon_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra trigger lexicon (the format of events/data/triggers.yaml).")
@click.option("--verbs", "verbs_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="PETRARCH verb dictionary (replaces the package verb lexicon).")
@click.option("--conventions", type=click.Choice(["plover", "petrarch"]), default="plover",
              show_default=True,
              help="Coding conventions: PLOVER 2024, or PETRARCH's (stated acts coded as the "
                   "act, places of meetings as targets, one code per verb phrase...).")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True)
@db_option
def code_text(sentence: str, when: date | None, actor_files: tuple[Path, ...],
              lexicon_files: tuple[Path, ...], verbs_files: tuple[Path, ...],
              conventions: str, output_format: str) -> None:
    """Code SENTENCE into events and show the trigger, rule, actors, modality and date."""
    from dyadwatch.events import Coder

    registry = None
    if actor_files:
        from dyadwatch.actors import get_registry

        registry = get_registry(extra_files=tuple(str(p) for p in actor_files))
    coder = Coder(registry=registry, lexicon_files=lexicon_files, verbs_files=verbs_files,
                  conventions=conventions)
    for problem in coder.problems:
        warn(problem)
    events = coder.code_text(sentence, when or date.today())
    if output_format == "json":
        rows = []
        for e in events:
            rows.append({
                "event": e.event, "mode": e.mode, "contexts": e.contexts, "cameo": e.cameo,
                "goldstein": e.goldstein, "plover_score": e.plover_score,
                "quad_class": e.quad_class,
                "source": e.source.as_dict(), "target": e.target.as_dict() if e.target else None,
                "negated": e.negated, "modality": e.modality,
                "reported_by": e.reported_by.as_dict() if e.reported_by else None,
                "date": e.date, "date_precision": e.date_precision,
                "confidence": e.confidence, "pattern": e.pattern,
                "evidence": e.evidence.as_dict(),
            })
        click.echo(dumps({"sentence": sentence, "coder_version": coder.version,
                          "events": rows}, indent=2))
        return
    if not events:
        out_console.print("no event (no actor, or no trigger with an actor as its doer)")
        return
    table = Table(title=f"{len(events)} event(s) - coder {coder.version}")
    for column in ("conf", "event", "source", "target", "trigger", "pattern", "modality",
                   "date", "cameo"):
        table.add_column(column)
    for e in events:
        modality = e.modality + (" NEGATED" if e.negated else "")
        if e.reported_by:
            modality += f" (reported by {e.reported_by.code})"
        table.add_row(f"{e.confidence:.2f}", e.event + (f":{e.mode}" if e.mode else ""),
                      _actor(e.source), _actor(e.target), e.evidence.trigger, e.pattern or "",
                      modality, f"{e.date} ({e.date_precision})",
                      f"{e.cameo} ({e.goldstein:+.1f})" if e.cameo and e.goldstein is not None
                      else str(e.cameo))
    out_console.print(table)


COMMANDS.append(code_text)
