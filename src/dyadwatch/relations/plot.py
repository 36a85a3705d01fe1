"""Charts of a dyad series (matplotlib, Agg backend: no display needed).

Top panel: the index per period with its bootstrap band, the rolling level, shaded
windows labelled thaw/escalation/volatile, and the change points marked. Bottom panel:
events per period, cooperation above the axis and conflict below, so a reader sees how
much the index rests on.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

SVG_SALT = "dyadwatch"

LABEL_COLOURS = {"thaw": "#2b8a3e", "escalation": "#c92a2a", "volatile": "#e67700"}


def _figure(series: dict[str, Any]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    periods = series.get("periods", [])
    fig, (ax, ax_counts) = plt.subplots(
        2, 1, figsize=(10, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1.2]}, layout="constrained"
    )
    theme = f", theme: {series['theme']}" if series.get("theme") else ""
    fig.suptitle(f"{series.get('dyad', '')} relations, by {series.get('freq', '')}{theme}", fontsize=13)
    metric = (series.get("trend") or {}).get("metric", "tone")
    basis = (series.get("index") or {}).get("basis")
    per_story = metric == "index" and basis == "documents"
    ax.set_ylabel("Goldstein per story" if per_story else "mean Goldstein per event")
    ax_counts.set_ylabel("events")
    if not periods:
        ax.text(0.5, 0.5, "no events for this dyad", ha="center", va="center", transform=ax.transAxes)
        return fig, plt

    starts = [date.fromisoformat(p["start"]) for p in periods]
    mids = [date.fromisoformat(p["start"]) + (date.fromisoformat(p["end"]) - date.fromisoformat(p["start"])) / 2 for p in periods]
    key = "goldstein_mean" if metric == "tone" else "index"
    present = [i for i, p in enumerate(periods) if p[key] is not None]
    banded = [i for i in present if periods[i].get("band_low") is not None]
    ax.fill_between(
        [mids[i] for i in banded],
        [periods[i]["band_low"] for i in banded],
        [periods[i]["band_high"] for i in banded],
        color="#4c6ef5",
        alpha=0.18,
        linewidth=0,
        label="90% bootstrap band",
    )
    ax.plot(
        [mids[i] for i in present], [periods[i][key] for i in present],
        color="#364fc7", marker="o", markersize=3, linewidth=1.2,
        label="mean Goldstein per event" if metric == "tone" else "Goldstein per story",
    )
    level = [(mids[i], periods[i]["level"]) for i in present if periods[i].get("level") is not None]
    if level:
        ax.plot(*zip(*level, strict=True), color="#212529", linewidth=2, alpha=0.7, label="rolling level")
    ax.axhline(0, color="#868e96", linewidth=0.8)

    shaded: set[str] = set()
    for i, p in enumerate(periods):
        colour = LABEL_COLOURS.get(p.get("label") or "")
        if colour:
            end = date.fromisoformat(p["end"])
            ax.axvspan(
                starts[i], end, color=colour, alpha=0.08, linewidth=0,
                label=p["label"] if p["label"] not in shaded else None,
            )
            shaded.add(p["label"])

    for cp in series.get("change_points", []):
        when = date.fromisoformat(cp["date"])
        ax.axvline(when, color="#c92a2a", linestyle="--", linewidth=1.3)
        ax.annotate(
            f"{cp['period']}: {cp['level_before']:+.2f} → {cp['level_after']:+.2f}",
            xy=(when, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12), textcoords="offset points",
            fontsize=8, color="#c92a2a",
        )
    # Lower left: the change-point notes sit along the top edge.
    ax.legend(loc="lower left", fontsize=8, framealpha=0.85, edgecolor="none")
    ax.grid(axis="y", alpha=0.3)

    width = max((date.fromisoformat(periods[0]["end"]) - starts[0]).days * 0.8, 0.8)
    coop = [p["quad"]["verbal_cooperation"] + p["quad"]["material_cooperation"] for p in periods]
    conflict = [p["quad"]["verbal_conflict"] + p["quad"]["material_conflict"] for p in periods]
    ax_counts.bar(mids, coop, width=width, color="#2b8a3e", label="cooperation")
    ax_counts.bar(mids, [-c for c in conflict], width=width, color="#c92a2a", label="conflict")
    ax_counts.axhline(0, color="#868e96", linewidth=0.8)
    ax_counts.legend(loc="best", fontsize=8, frameon=False)
    ax_counts.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
    return fig, plt


def save_chart(series: dict[str, Any], path: str | Path) -> Path:
    """Write the chart to ``path``; the suffix (.png or .svg) picks the format."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise ValueError(f"{path}: the chart can be written as .png or .svg, not {path.suffix or 'no suffix'}")
    fig, plt = _figure(series)
    try:
        # Fixed metadata and id salt so the same series gives the same file.
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        with plt.rc_context({"svg.hashsalt": SVG_SALT}):
            fig.savefig(path, format=fmt, dpi=120, metadata=metadata)
    finally:
        plt.close(fig)
    return path


def svg_chart(series: dict[str, Any]) -> str:
    """The chart as SVG text, for embedding in an HTML briefing."""
    fig, plt = _figure(series)
    try:
        buffer = io.StringIO()
        with plt.rc_context({"svg.hashsalt": SVG_SALT}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    return buffer.getvalue()
