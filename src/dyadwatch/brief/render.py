"""Renderers: Markdown, self-contained HTML and JSON, through Jinja2 templates.

Templates are package data (``brief/templates``). The HTML has its CSS inline, the chart
as inline SVG and no external resource, so one file can be mailed or printed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import jinja2

FORMATS = ("md", "html", "json")


def show_date(value: Any, precision: str | None = "day") -> str:
    """A date as precise as it is known: 2022-02-24, 2022-02 or 2022."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    if precision == "month":
        return text[:7]
    if precision == "year":
        return text[:4]
    return text[:10]


@lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dyadwatch.brief", "templates"),
        autoescape=html,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["show_date"] = show_date
    return env


def _title(brief: dict[str, Any]) -> str:
    names = brief["dyad"].get("names") or {}
    return f"{names.get('a') or brief['dyad']['a']}–{names.get('b') or brief['dyad']['b']} relations: briefing"


def _period_line(brief: dict[str, Any]) -> str:
    if brief.get("since") and brief.get("until"):
        return f"{brief['dyad']['a']}–{brief['dyad']['b']}, {brief['since']} to {brief['until']}"
    return f"{brief['dyad']['a']}–{brief['dyad']['b']}, no dated events stored"


def _with_quote_split(brief: dict[str, Any]) -> dict[str, Any]:
    """Appendix entries with the cited sentence split around the quote, for highlighting."""
    entries = []
    for entry in brief.get("appendix") or []:
        text, quote = entry["text"], entry["quote"]
        at = text.find(quote)
        if at < 0:
            before, after = "", ""
        else:
            before, after = text[:at], text[at + len(quote):]
        entries.append({**entry, "text_before_quote": before, "text_after_quote": after})
    return {**brief, "appendix": entries}


def render_markdown(brief: dict[str, Any]) -> str:
    template = _environment(False).get_template("brief.md.j2")
    return template.render(brief=brief, title=_title(brief), period_line=_period_line(brief))


def chart_svg(brief: dict[str, Any]) -> str:
    """The chart as inline SVG: drawn on demand and kept, or read from a saved briefing."""
    if not brief.get("chart_svg") and callable(brief.get("_chart")):
        brief["chart_svg"] = brief["_chart"]() or ""
    return brief.get("chart_svg") or ""


def render_html(brief: dict[str, Any]) -> str:
    template = _environment(True).get_template("brief.html.j2")
    return template.render(
        brief=_with_quote_split(brief), title=_title(brief), period_line=_period_line(brief),
        chart_svg=chart_svg(brief),
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def render_json(brief: dict[str, Any]) -> str:
    data = {k: v for k, v in brief.items() if k != "chart_svg" and not k.startswith("_")}
    return json.dumps(data, default=_json_default, ensure_ascii=False, indent=2) + "\n"


def render(brief: dict[str, Any], fmt: str) -> str:
    if fmt == "md":
        return render_markdown(brief)
    if fmt == "html":
        return render_html(brief)
    if fmt == "json":
        return render_json(brief)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
