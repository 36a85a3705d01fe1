"""`dyadwatch dyad A B` and `dyadwatch themes A B`: how a relationship moves, and on what."""

from __future__ import annotations

import csv
import io
from typing import Any

import click
from rich.table import Table

from dyadwatch.cli.common import db_option, dumps, open_store, out_console, period_bound, warn
from dyadwatch.relations.codes import RelationsError
from dyadwatch.relations.periods import FREQS
from dyadwatch.relations.series import QUAD_NAMES, dyad_series
from dyadwatch.relations.summary import themes_summary
from dyadwatch.relations.themes import theme_ids
from dyadwatch.store import Store
from dyadwatch.store.series import has_documents


def code_pending_documents(store: Store, *, quiet: bool) -> None:
    """Code documents the current coder has not seen, when the coding pipeline is installed."""
    with store.connect() as conn:
        if not has_documents(conn):
            return  # nothing to code (e.g. events loaded directly): no coder to load
    try:
        from dyadwatch.events.pipeline import code_pending
    except ModuleNotFoundError as exc:
        if exc.name in ("dyadwatch.events", "dyadwatch.events.pipeline"):
            return  # events are stored by other means (or not at all): use them as they are
        warn(f"cannot code pending documents ({exc}); using the events already stored")
        return
    code_pending(store, quiet=quiet)


def _period_csv(result: dict[str, Any]) -> str:
    event_types = sorted({e for p in result["periods"] for e in p["by_event"]})
    columns = [
        "period", "start", "end", "events", "reports",
        "a_to_b_events", "b_to_a_events", "a_to_b_goldstein_sum", "b_to_a_goldstein_sum",
        *QUAD_NAMES.values(),
        "goldstein_sum", "goldstein_mean", "plover_score_sum", "net_cooperation",
        "stories", "index", "band_low", "band_high", "level", "slope", "label",
        "announced_events",
        *(f"event_{e}" for e in event_types),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for p in result["periods"]:
        row = {
            **{k: p.get(k) for k in columns},
            "a_to_b_events": p["a_to_b"]["events"],
            "b_to_a_events": p["b_to_a"]["events"],
            "a_to_b_goldstein_sum": p["a_to_b"]["goldstein_sum"],
            "b_to_a_goldstein_sum": p["b_to_a"]["goldstein_sum"],
            **p["quad"],
            "announced_events": p["announced"]["events"],
            **{f"event_{e}": p["by_event"].get(e, 0) for e in event_types},
        }
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return buffer.getvalue()


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def _print_table(result: dict[str, Any]) -> None:
    a, b = result["a"]["code"], result["b"]["code"]
    theme = f" · theme {result['theme']}" if result.get("theme") else ""
    title = f"{result['dyad']} by {result['freq']}{theme}"
    if not result["periods"]:
        out_console.print(f"{title}: no events for this dyad in the range asked.")
        return
    table = Table(title=title, title_justify="left", pad_edge=False, box=None, header_style="bold",
                  collapse_padding=True)
    # On a narrow terminal, reports, index and announced counts are left to the lines below.
    wide = out_console.width >= 100
    metric = result["trend"]["metric"]
    columns = [
        ("period", "left"), ("events", "right"), ("reports", "right"), (f"{a}→{b}", "right"),
        (f"{b}→{a}", "right"), ("coop/conf", "right"), ("Goldstein", "right"),
        ("tone", "right"), ("index", "right"), ("90% band", "right"), ("label", "left"),
        ("announced", "right"),
    ]
    if not wide:
        dropped = ("reports", "announced", "Goldstein", "index" if metric == "tone" else "tone")
        columns = [c for c in columns if c[0] not in dropped]
    for header, justify in columns:
        table.add_column(header, justify=justify, no_wrap=True)
    colours = {"thaw": "green", "escalation": "red", "volatile": "yellow"}
    for p in result["periods"]:
        q = p["quad"]
        digits = 2 if wide else 1
        band = "" if p["band_low"] is None else f"{p['band_low']:+.{digits}f}…{p['band_high']:+.{digits}f}"
        label = p["label"] or ""
        text = p.get("label_text") or label  # the label, or a move the bands leave unconfirmed
        coop = q["verbal_cooperation"] + q["material_cooperation"]
        conflict = q["verbal_conflict"] + q["material_conflict"]
        cells = {
            "period": p["period"], "events": str(p["events"]), "reports": str(p["reports"]),
            f"{a}→{b}": str(p["a_to_b"]["events"]), f"{b}→{a}": str(p["b_to_a"]["events"]),
            "coop/conf": f"{coop}/{conflict}", "Goldstein": f"{p['goldstein_sum']:+.1f}",
            "tone": _number(p["goldstein_mean"]), "index": _number(p["index"]), "90% band": band,
            "label": f"[{colours[label]}]{text}[/]" if label in colours else text,
            "announced": str(p["announced"]["events"] or ""),
        }
        table.add_row(*(cells[header] for header, _ in columns))
    out_console.print(table)
    totals, trend = result["totals"], result["trend"]
    out_console.print(
        f"{totals['events']} events ({totals['reports']} reports); {totals['announced']} announced, "
        f"not yet done; {totals['negated_excluded']} negated, not counted.",
    )
    out_console.print(f"Tone: mean Goldstein value per event. Index: {result['index']['definition']}.")
    out_console.print(f"Trend, band, labels and change points follow the {trend['metric']}.")
    latest = trend.get("latest")
    if latest:
        out_console.print(
            f"Trend: slope {_number(trend['slope_per_period'], 3)} per {result['freq']}; latest "
            f"{latest['period']} level {_number(latest['level'])}, {latest.get('label_text') or latest['label']}."
        )
    for cp in result["change_points"]:
        drivers = "; ".join(
            f"#{e['id']} {e['date']} {e['source']}→{e['target']} {e['event']}" for e in cp["events"][:3]
        )
        out_console.print(
            f"Change point {cp['period']} ({cp['direction']}): level {cp['level_before']:+.2f} → "
            f"{cp['level_after']:+.2f}. Driving events: {drivers or 'none found'}."
        )


@click.command("dyad")
@db_option
@click.argument("a")
@click.argument("b")
@click.option("--freq", type=click.Choice(FREQS), default="month", show_default=True, help="Period length.")
@click.option("--since", metavar="DATE", help="First day (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Last day (YYYY, YYYY-MM or YYYY-MM-DD; partial dates end the period).")
@click.option("--theme", type=click.Choice(theme_ids()), help="Only events with this theme.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--metric", type=click.Choice(["tone", "index"]), default="tone", show_default=True,
              help="Figure the trend follows: tone (mean Goldstein per event) or index (Goldstein per story).")
@click.option("--plot", "plot_path", metavar="FILE.png|FILE.svg", help="Also write a chart of the series.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar while coding pending documents.")
def dyad_command(
    a: str, b: str, freq: str, since: str | None, until: str | None, theme: str | None,
    fmt: str, metric: str, plot_path: str | None, quiet: bool,
) -> None:
    """How relations between actors A and B move: events, indices, trend and change points.

    A and B are actor codes (USA, RUS, NATO, ...) or groups (EU-members, NATO-members).
    Negated events never count; future and hypothetical ones are shown apart as announced.
    """
    since_day = period_bound(since, end=False, option="--since")
    until_day = period_bound(until, end=True, option="--until")
    if plot_path and not plot_path.lower().endswith((".png", ".svg")):
        raise click.BadParameter(f"{plot_path}: the chart is written as .png or .svg", param_hint="--plot")
    store = open_store()
    code_pending_documents(store, quiet=quiet)
    try:
        result = dyad_series(
            store, a, b, freq=freq, since=since_day, until=until_day, theme=theme, metric=metric
        )
    except RelationsError as exc:
        raise click.ClickException(str(exc)) from exc
    if plot_path:
        from dyadwatch.relations.plot import save_chart

        try:
            save_chart(result, plot_path)
        except OSError as exc:
            raise click.ClickException(f"cannot write the chart to {plot_path}: {exc.strerror or exc}") from exc
    if fmt == "json":
        click.echo(dumps(result, indent=2))
    elif fmt == "csv":
        click.echo(_period_csv(result), nl=False)
    else:
        _print_table(result)


def _themes_csv(result: dict[str, Any]) -> str:
    columns = ["theme", "label", "events", "share", "reports", "a_to_b", "b_to_a", "goldstein_sum",
               "goldstein_mean", "net_cooperation", "first", "last"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for t in result["themes"]:
        writer.writerow(["" if t.get(c) is None else t.get(c) for c in columns])
    return buffer.getvalue()


@click.command("themes")
@db_option
@click.argument("a")
@click.argument("b")
@click.option("--since", metavar="DATE", help="First day (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Last day (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar while coding pending documents.")
def themes_command(a: str, b: str, since: str | None, until: str | None, fmt: str, quiet: bool) -> None:
    """What relations between A and B are about: counted events per theme, with top events."""
    since_day = period_bound(since, end=False, option="--since")
    until_day = period_bound(until, end=True, option="--until")
    store = open_store()
    code_pending_documents(store, quiet=quiet)
    try:
        result = themes_summary(store, a, b, since=since_day, until=until_day)
    except RelationsError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(dumps(result, indent=2))
        return
    if fmt == "csv":
        click.echo(_themes_csv(result), nl=False)
        return
    if not result["themes"]:
        out_console.print(f"{result['dyad']}: no themed events in the range asked.")
        return
    a_code, b_code = result["a"]["code"], result["b"]["code"]
    table = Table(title=f"{result['dyad']}: themes of {result['events']} events", title_justify="left",
                  box=None, pad_edge=False, header_style="bold")
    for header, justify in [("theme", "left"), ("events", "right"), ("share", "right"),
                            (f"{a_code}→{b_code}", "right"), (f"{b_code}→{a_code}", "right"),
                            ("Goldstein mean", "right"), ("net coop", "right"), ("first", "left"),
                            ("last", "left")]:
        table.add_column(header, justify=justify, no_wrap=True)
    for t in result["themes"]:
        table.add_row(t["label"].split(" (")[0], str(t["events"]), f"{t['share']:.0%}" if t["share"] is not None else "",
                      str(t["a_to_b"]), str(t["b_to_a"]), _number(t["goldstein_mean"]),
                      f"{t['net_cooperation']:+d}", t["first"] or "", t["last"] or "")
    out_console.print(table)
    if result["unthemed"]:
        out_console.print(f"{result['unthemed']} events carry no theme. An event may carry several themes.")


COMMANDS = [dyad_command, themes_command]
