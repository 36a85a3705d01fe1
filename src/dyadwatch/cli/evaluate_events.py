"""`dyadwatch eval plover-gsr | petrarch | current-style`: scoring the event coder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from dyadwatch.cli.common import db_option, dumps, out_console, progress, warn
from dyadwatch.cli.evaluate import eval_group

# The subcommands attach to ``eval_group``; nothing new at the top level.
COMMANDS: list[click.Command] = []

_FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A Rich table, or one JSON object on stdout.",
)
_DETAILS = click.option(
    "--details",
    is_flag=True,
    help="Add per-record results (JSON) or list the records coded wrong (table).",
)
_QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
_GOLD = click.argument(
    "gold_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


def _coder(**dictionaries: Any) -> tuple[Any, list[str]]:
    from dyadwatch.evaluate.run import make_coder

    try:
        coder = make_coder(**dictionaries)
    except ImportError as exc:
        raise click.ClickException(f"the event coder is not available: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot load the coder's dictionaries: {exc}") from exc
    # Bad lines in dictionary/lexicon files were skipped; say which (file:line).
    registry = getattr(coder, "registry", None)
    problems = [*getattr(registry, "problems", []), *getattr(coder, "problems", [])]
    for problem in problems:
        warn(str(problem))
    coder_problems = [str(problem) for problem in problems]
    return coder, coder_problems


def _run(evaluate: Callable, gold_file: Path, coder: Any, quiet: bool, label: str):
    from dyadwatch.evaluate.gold import GoldProblem

    def wrap(items):
        return progress(items, total=None, label=label, quiet=quiet)

    run = evaluate(gold_file, coder, wrap=wrap)
    for problem in run.problems:
        warn(str(problem) if isinstance(problem, GoldProblem) else problem)
    return run


def _emit_json(run: Any, gold_file: Path, details: bool, dictionary_problems: list[str]) -> None:
    scores = dict(run.scores)
    if not details:
        scores.pop("per_record", None)
    payload = {
        "file": str(gold_file),
        "coder_version": run.coder_version,
        **scores,
        "problems": [str(p) for p in run.problems],
        "dictionary_problems": dictionary_problems,
    }
    click.echo(dumps(payload))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "-" if value is None else str(value)


def _summary(title: str, scores: dict[str, Any], keys: list[str], gold_file: Path) -> Table:
    table = Table(title=title, caption=gold_file.name, show_header=True, header_style="bold")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in keys:
        if key in scores:
            table.add_row(key, _fmt(scores[key]))
    return table


#: Three-letter column heads, so that the 16 x 17 confusion table fits 80 columns.
_ABBREVIATIONS = {
    "AGREE": "AGR",
    "CONSULT": "CNS",
    "SUPPORT": "SUP",
    "CONCEDE": "CNC",
    "COOPERATE": "COO",
    "AID": "AID",
    "RETREAT": "RET",
    "REQUEST": "REQ",
    "ACCUSE": "ACC",
    "REJECT": "REJ",
    "THREATEN": "THR",
    "PROTEST": "PRO",
    "SANCTION": "SAN",
    "MOBILIZE": "MOB",
    "COERCE": "COE",
    "ASSAULT": "ASS",
    "(none)": "-",
}


def _abbreviation(label: str) -> str:
    return _ABBREVIATIONS.get(label, label[:3])


def _confusion(scores: dict[str, Any]) -> tuple[Table, str]:
    confusion: dict[str, dict[str, int]] = scores["confusion"]
    gold_labels = sorted(confusion)
    predicted = sorted({p for row in confusion.values() for p in row if p != "(none)"})
    columns = predicted + (["(none)"] if any("(none)" in row for row in confusion.values()) else [])
    table = Table(
        title="confusion: gold type (rows) x top predicted type (columns; - = no event)",
        box=None,
        padding=(0, 1, 0, 0),
        header_style="bold",
    )
    table.add_column("gold", no_wrap=True)
    for label in columns:
        table.add_column(_abbreviation(label), justify="right", no_wrap=True)
    for gold in gold_labels:
        row = confusion[gold]
        cells = []
        for label in columns:
            count = row.get(label, 0)
            text = str(count) if count else "."
            cells.append(f"[green]{text}[/green]" if label == gold and count else text)
        table.add_row(gold, *cells)
    per_type = scores["per_type"]
    f1_line = "F1 by type: " + ", ".join(
        f"{label} {per_type[label]['f1']:.2f}" for label in gold_labels if label in per_type
    )
    return table, f1_line


def _wrong_records(
    rows: list[dict[str, Any]],
    describe: Callable[[dict], tuple[str, ...]],
    headers: tuple[str, ...],
    title: str,
) -> Table:
    table = Table(title=title, header_style="bold", show_lines=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*describe(row))
    return table


def _events_text(events: list[dict[str, Any]]) -> str:
    return (
        "; ".join(
            f"{e['source']}-{e['event']}-{e['target'] or ''}{' (neg)' if e['negated'] else ''}"
            for e in events
        )
        or "(none)"
    )


@dataclass(frozen=True)
class WrongRecords:
    """How a command lists the records it coded wrong (``--details`` with a table)."""

    is_wrong: Callable[[dict], bool]
    describe: Callable[[dict], tuple[str, ...]]
    headers: tuple[str, ...]
    title: str  # with {n} for the count


def _score_and_report(
    evaluate: Callable,
    gold_file: Path,
    coder: Any,
    dictionary_problems: list[str],
    *,
    output_format: str,
    details: bool,
    quiet: bool,
    title: str,
    keys: list[str],
    wrong: WrongRecords,
    extra: Callable[[dict], None] | None = None,
) -> None:
    """The steps every ``eval`` command shares: code the gold file, then print JSON or tables."""
    run = _run(evaluate, gold_file, coder, quiet, "coding")
    if output_format == "json":
        _emit_json(run, gold_file, details, dictionary_problems)
        return
    scores = run.scores
    out_console.print(_summary(title, scores, keys, gold_file))
    if extra is not None:
        extra(scores)
    if details:
        rows = [r for r in scores["per_record"] if wrong.is_wrong(r)]
        out_console.print(
            _wrong_records(rows, wrong.describe, wrong.headers, wrong.title.format(n=len(rows)))
        )


def _print_confusion(scores: dict[str, Any]) -> None:
    confusion, f1_line = _confusion(scores)
    out_console.print(confusion)
    out_console.print(f1_line)


@eval_group.command("plover-gsr")
@_GOLD
@_FORMAT
@_DETAILS
@_QUIET
@db_option
def eval_plover_gsr(gold_file: Path, output_format: str, details: bool, quiet: bool) -> None:
    """Score the coder on a PLOVER GSR JSONL file (e.g. plover-gsr-dev.jsonl).

    Event accuracy and macro F1 (most confident event vs the gold type), source and
    target F1 (actor code sets), quad-class accuracy and a confusion table.
    """
    from dyadwatch.evaluate.run import evaluate_plover_gsr

    coder, dictionary_problems = _coder()
    keys = [
        "n",
        "event_accuracy",
        "event_macro_f1",
        "source_f1",
        "target_f1",
        "quad_accuracy",
        "no_event",
        "source_precision",
        "source_recall",
        "target_precision",
        "target_recall",
    ]
    wrong = WrongRecords(
        is_wrong=lambda r: not (r["event_correct"] and r["source_correct"] and r["target_correct"]),
        describe=lambda r: (
            r["id"],
            r["text"],
            f"{','.join(r['gold']['source'])}-{r['gold']['event']}-{','.join(r['gold']['target'])}",
            _events_text(r["events"]),
        ),
        headers=("id", "text", "gold", "coded"),
        title="{n} records with an error",
    )
    _score_and_report(evaluate_plover_gsr, gold_file, coder, dictionary_problems,
                      output_format=output_format, details=details, quiet=quiet,
                      title="PLOVER GSR", keys=keys, wrong=wrong, extra=_print_confusion)


@eval_group.command("petrarch")
@_GOLD
@click.option(
    "--actors",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="PETRARCH .actors dictionary (repeatable), added to the registry.",
)
@click.option(
    "--agents",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="PETRARCH .agents dictionary (repeatable), added to the registry.",
)
@click.option(
    "--verbs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="PETRARCH verb dictionary (repeatable), given to the coder.",
)
@click.option(
    "--conventions",
    type=click.Choice(["petrarch", "plover"]),
    default="petrarch",
    show_default=True,
    help="Coding conventions: PETRARCH's own (as its gold files follow) or PLOVER's.",
)
@_FORMAT
@_DETAILS
@_QUIET
@db_option
def eval_petrarch(
    gold_file: Path,
    actors: tuple[str, ...],
    agents: tuple[str, ...],
    verbs: tuple[str, ...],
    conventions: str,
    output_format: str,
    details: bool,
    quiet: bool,
) -> None:
    """Score the coder on PETRARCH validation XML (read leniently).

    Precision, recall and F1 on (source, target, CAMEO root) triples, actors compared by
    country part (IGO for IGO codes); f1_exact on full codes; records passed.
    """
    from dyadwatch.evaluate.run import evaluate_petrarch

    coder, dictionary_problems = _coder(actors=actors, agents=agents, verbs=verbs)
    coder.set_conventions(conventions)
    keys = [
        "records",
        "records_passed",
        "records_passed_root",
        "expected_triples",
        "no_event_records",
        "precision",
        "recall",
        "f1",
        "precision_exact",
        "recall_exact",
        "f1_exact",
    ]
    wrong = WrongRecords(
        is_wrong=lambda r: not r["passed"],
        describe=lambda r: (
            r["id"],
            r["text"],
            " ".join(r["expected"]) or "(none)",
            " ".join(r["predicted"]) or "(none)",
        ),
        headers=("id", "text", "expected", "coded"),
        title="{n} records not passed",
    )
    _score_and_report(evaluate_petrarch, gold_file, coder, dictionary_problems,
                      output_format=output_format, details=details, quiet=quiet,
                      title="PETRARCH validation", keys=keys, wrong=wrong)


@eval_group.command("current-style")
@_GOLD
@_FORMAT
@_DETAILS
@_QUIET
@db_option
def eval_current_style(gold_file: Path, output_format: str, details: bool, quiet: bool) -> None:
    """Score the coder on current-style JSONL (event, actors, negation, modality, speaker)."""
    from dyadwatch.evaluate.run import evaluate_current_style

    coder, dictionary_problems = _coder()
    keys = [
        "n",
        "event_accuracy",
        "source_accuracy",
        "target_accuracy",
        "dyad_accuracy",
        "negated_accuracy",
        "modality_accuracy",
        "reported_by_accuracy",
        "mode_accuracy",
        "mode_n",
        "all_correct",
        "no_event",
    ]
    wrong = WrongRecords(
        is_wrong=lambda r: not r["correct"]["all"],
        describe=lambda r: (
            r["id"],
            r["text"],
            f"{','.join(r['gold']['source'])}-{'/'.join(r['gold']['event'])}-"
            f"{','.join(r['gold']['target'])}",
            ", ".join(k for k, v in r["correct"].items() if not v and k != "all"),
            _events_text(r["events"]),
        ),
        headers=("id", "text", "gold", "wrong", "coded"),
        title="{n} records not fully right",
    )
    _score_and_report(evaluate_current_style, gold_file, coder, dictionary_problems,
                      output_format=output_format, details=details, quiet=quiet,
                      title="current style", keys=keys, wrong=wrong)
