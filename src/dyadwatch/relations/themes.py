"""Themes: what an event is about (sanctions, war, diplomacy, arms control, ...).

The taxonomy is data (``relations/data/themes.yaml``); this module only loads it and
applies its rules. The coding pipeline calls :func:`assign_themes` once per event and
stores the result in ``events.themes``; the relations series can then be cut by theme.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

THEMES_FILE = "themes.yaml"


@dataclass(frozen=True)
class Theme:
    """One theme and the rules that give it to an event."""

    id: str
    label: str
    events: frozenset[str]
    modes: frozenset[str]
    contexts: frozenset[str]
    conflict_contexts: frozenset[str]
    actors: frozenset[str]
    lexicon: tuple[str, ...]
    pattern: re.Pattern[str] | None
    actor_patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    conflict_events: frozenset[str]

    @property
    def ids(self) -> list[str]:
        return [theme.id for theme in self.themes]

    def get(self, theme_id: str) -> Theme | None:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        return None


def _phrase_regex(phrase: str) -> str:
    # "sanction*" -> any ending; a lone "*" -> any one word; spaces and hyphens are
    # interchangeable so "cease-fire" also finds "cease fire".
    words = re.split(r"[\s\-]+", phrase.strip())
    parts = []
    for word in words:
        if word == "*":
            parts.append(r"\w+")
        elif word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word))
    return r"(?<!\w)" + r"[\s\-]+".join(parts) + r"(?!\w)"


def _compile(lexicon: Iterable[str]) -> re.Pattern[str] | None:
    phrases = [str(p) for p in lexicon if str(p).strip()]
    if not phrases:
        return None
    # Longest first so the alternation prefers "natural gas" over "gas" (only matters
    # for reporting the match, not for whether a theme fires).
    phrases.sort(key=len, reverse=True)
    return re.compile("|".join(_phrase_regex(p) for p in phrases), re.IGNORECASE)


def _upper_set(values: Iterable[Any] | None) -> frozenset[str]:
    return frozenset(str(v).upper() for v in values or ())


def load_taxonomy(text: str | None = None) -> Taxonomy:
    """Parse a taxonomy (YAML text); by default the package's ``themes.yaml``."""
    if text is None:
        text = resources.files("dyadwatch.relations").joinpath("data", THEMES_FILE).read_text("utf-8")
    raw = yaml.safe_load(text) or {}
    themes = []
    for entry in raw.get("themes", []):
        themes.append(
            Theme(
                id=str(entry["id"]),
                label=str(entry.get("label", entry["id"])),
                events=_upper_set(entry.get("events")),
                modes=frozenset(str(m).lower() for m in entry.get("modes") or ()),
                contexts=frozenset(str(c).lower() for c in entry.get("contexts") or ()),
                conflict_contexts=frozenset(str(c).lower() for c in entry.get("conflict_contexts") or ()),
                actors=_upper_set(entry.get("actors")),
                lexicon=tuple(str(p) for p in entry.get("lexicon") or ()),
                pattern=_compile(entry.get("lexicon") or ()),
                actor_patterns=tuple(
                    (str(code).upper(), pattern)
                    for code, phrases in (entry.get("actor_lexicon") or {}).items()
                    if (pattern := _compile(phrases or ())) is not None
                ),
            )
        )
    return Taxonomy(themes=tuple(themes), conflict_events=_upper_set(raw.get("conflict_events")))


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The package taxonomy, loaded once."""
    return load_taxonomy()


def theme_ids() -> list[str]:
    """Theme ids in taxonomy order (the values ``--theme`` accepts)."""
    return taxonomy().ids


def _code(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("code")
    return str(value).upper() if value else None


def _event_codes(event: Mapping[str, Any]) -> set[str]:
    codes = {
        _code(event.get("source_code")),
        _code(event.get("target_code")),
        _code(event.get("source")),
        _code(event.get("target")),
    }
    codes.discard(None)
    return codes  # type: ignore[return-value]


def _mode_key(event_type: str, mode: Any) -> str | None:
    if not mode:
        return None
    mode = str(mode).lower()
    # Accept both the bare mode ("seize") and the qualified form ("COERCE:seize").
    if ":" in mode:
        return mode.replace(" ", "")
    return f"{event_type.lower()}:{mode}"


def assign_themes(event: Mapping[str, Any], sentence: str, *, tax: Taxonomy | None = None) -> list[str]:
    """The themes of one event, in taxonomy order.

    ``event`` needs ``event`` (PLOVER type) and may have ``mode``, ``contexts``,
    ``quad_class`` and the actor codes (``source_code``/``target_code`` or
    ``source``/``target`` as codes or ``{"code": ...}`` dicts). ``sentence`` is the text
    the event was coded from; the theme lexicons are matched in it.
    """
    tax = tax or taxonomy()
    event_type = str(event.get("event") or "").upper()
    mode = _mode_key(event_type, event.get("mode"))
    contexts = {str(c).lower() for c in event.get("contexts") or ()}
    quad = event.get("quad_class")
    is_conflict = quad in (3, 4) if quad is not None else event_type in tax.conflict_events
    codes = _event_codes(event)
    sentence = sentence or ""

    found = []
    for theme in tax.themes:
        if (
            event_type in theme.events
            or (mode is not None and mode in theme.modes)
            or contexts & theme.contexts
            or (is_conflict and contexts & theme.conflict_contexts)
            or codes & theme.actors
            or (theme.pattern is not None and theme.pattern.search(sentence))
            or any(
                code not in codes and pattern.search(sentence) for code, pattern in theme.actor_patterns
            )
        ):
            found.append(theme.id)
    return found
