"""Coding conventions: the documented ways PLOVER and PETRARCH code the same sentence.

dyadwatch codes PLOVER by default.  A researcher replicating PETRARCH-style data (or
scoring against PETRARCH's own output) wants PETRARCH's conventions instead: the stated
future act coded as the act, no implied extra events, verbs only, places of meetings as
targets, "the first actor after the verb" as the target when the parse names none, and
PETRARCH-2's statement transformations ("A said B attacked C" = A accuses B).

The differences are data: the ``conventions`` section of ``events/data/triggers.yaml``
(one mapping per convention name).  This module only reads and validates that section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_CONVENTIONS = "plover"


@dataclass(frozen=True)
class StatementRule:
    """PETRARCH-2 transformation of a statement verb over an event clause.

    "A said A attacked B" -> A-B ``own_act_cameo``; "A said C attacked B" -> A-C
    ``other_act_cameo`` (A accuses C).  Applies when the content event is one of
    ``content_events`` (PLOVER types) or its CAMEO code starts with one of ``content_roots``,
    and the statement verb's lemma is in ``verbs``.
    """

    verbs: frozenset[str]
    content_events: frozenset[str]
    content_roots: tuple[str, ...] = ()
    own_act_cameo: str | None = None
    other_act_cameo: str | None = None


@dataclass(frozen=True)
class Conventions:
    """Switches that differ between coding conventions (see triggers.yaml ``conventions``)."""

    name: str = DEFAULT_CONVENTIONS
    description: str = ""
    # PLOVER: stated future cooperation is AGREE, stated future conflict THREATEN.
    # PETRARCH: the stated act itself ("will supply arms" = 07).
    future_as_act: bool = False
    # With ``future_as_act``: verbs whose complement stays an intent (AGREE / THREATEN),
    # PETRARCH's WANT transformation ("wants to attack" = threaten).
    intent_verbs: frozenset[str] = frozenset()
    # ... and auxiliaries that state an intent rather than the act ("said it would free").
    intent_aux: frozenset[str] = frozenset()
    # With ``future_as_act``: governing verbs whose complement is coded as the act, like an
    # intent ("agreed to lift sanctions" = the easing, agreed).
    act_verbs: frozenset[str] = frozenset()
    # PLOVER: implied events ("signed a pact" is also AGREE; the stated future act kept
    # as a second event).  PETRARCH: one code per verb phrase.
    implied_events: bool = True
    # PETRARCH codes verb phrases only; event nouns ("the release of ...") give nothing.
    noun_events: bool = True
    # PETRARCH codes the main verb phrase only: a subjectless non-finite verb under a coded
    # one ("met X to discuss Y", "jailed X for helping Y") is no event of its own.
    subordinate_events: bool = True
    # PETRARCH: the subject of an agentless passive is the source ("X was criticized over
    # its dispute with Y" = X-Y), except for attacks (the place of the event acts).
    passive_subject_source: bool = False
    # PETRARCH verb dictionaries' paired codes "[032:033]": also code the target's side.
    paired_codes: bool = False
    # Event types whose "in/at PLACE" names the target, besides the defaults.
    place_target_events: frozenset[str] = frozenset()
    # When nothing else names a target, the first actor named after the verb inside its
    # phrase is the target (PETRARCH's reading of the verb phrase).
    first_actor_target: bool = False
    # Coordinated doers meeting "in PLACE": PLOVER makes them each other's targets,
    # PETRARCH codes the place.
    place_over_partners: bool = False
    # PETRARCH codes sectors from the user's agents dictionary alone: when one is loaded, a
    # sector word only the package knows ("mayor", "leaders") adds no sector.
    user_agents_only: bool = False
    # PETRARCH codes CAMEO 01x statements that name what is stated ("expressed sorrow" 018,
    # "claimed responsibility" 015); PLOVER has no type for them.
    statement_codes: bool = False
    statement_rules: tuple[StatementRule, ...] = field(default_factory=tuple)


def _words(value: Any, upper: bool = False) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(str(v).upper() if upper else str(v).lower() for v in value
                     if not isinstance(v, bool))


def build_conventions(name: str, sections: Mapping[str, Mapping[str, Any]],
                      where: str = "triggers.yaml") -> tuple[Conventions, list[str]]:
    """The named conventions from the lexicon's ``conventions`` section, and problems found.

    An unknown name raises ``ValueError`` naming the known ones.
    """
    name = (name or DEFAULT_CONVENTIONS).lower()
    if name not in sections:
        known = ", ".join(sorted(sections)) or DEFAULT_CONVENTIONS
        raise ValueError(f"unknown coding conventions {name!r} (known: {known})")
    spec = sections[name]
    problems: list[str] = []
    line = spec.get("__line__", "?")
    known_keys = {"description", "future_as_act", "intent_verbs", "intent_aux", "act_verbs", "implied_events", "noun_events",
                  "subordinate_events", "passive_subject_source",
                  "paired_codes",
                  "place_target_events", "first_actor_target", "place_over_partners", "user_agents_only", "statement_codes",
                  "statement_rules", "__line__"}
    for key in sorted(set(spec) - known_keys):
        problems.append(f"{where}:{line}: conventions {name!r}: unknown setting {key!r}")
    rules = []
    for rule in spec.get("statement_rules") or ():
        if not isinstance(rule, Mapping) or not rule.get("verbs") or not (
                rule.get("content_events") or rule.get("content_roots")):
            problems.append(f"{where}:{line}: conventions {name!r}: a statement rule needs "
                            "'verbs' and 'content_events' or 'content_roots'")
            continue
        rules.append(StatementRule(
            verbs=_words(rule.get("verbs")),
            content_events=_words(rule.get("content_events"), upper=True),
            content_roots=tuple(str(r) for r in rule.get("content_roots") or ()),
            own_act_cameo=str(rule["own_act_cameo"]) if rule.get("own_act_cameo") else None,
            other_act_cameo=(str(rule["other_act_cameo"]) if rule.get("other_act_cameo")
                             else None)))
    conventions = Conventions(
        name=name,
        description=str(spec.get("description") or "").strip(),
        future_as_act=bool(spec.get("future_as_act", False)),
        intent_verbs=_words(spec.get("intent_verbs")),
        intent_aux=_words(spec.get("intent_aux")),
        act_verbs=_words(spec.get("act_verbs")),
        implied_events=bool(spec.get("implied_events", True)),
        noun_events=bool(spec.get("noun_events", True)),
        subordinate_events=bool(spec.get("subordinate_events", True)),
        passive_subject_source=bool(spec.get("passive_subject_source", False)),
        paired_codes=bool(spec.get("paired_codes", False)),
        place_target_events=_words(spec.get("place_target_events"), upper=True),
        first_actor_target=bool(spec.get("first_actor_target", False)),
        place_over_partners=bool(spec.get("place_over_partners", False)),
        user_agents_only=bool(spec.get("user_agents_only", False)),
        statement_codes=bool(spec.get("statement_codes", False)),
        statement_rules=tuple(rules),
    )
    return conventions, problems


__all__ = ["DEFAULT_CONVENTIONS", "Conventions", "StatementRule", "build_conventions"]
