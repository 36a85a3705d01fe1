"""Coding conventions: PLOVER (default) vs PETRARCH, on real spaCy parses and the real registry.

Sentences are written for these tests (not taken from any gold file).
"""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from dyadwatch.events import Coder
from dyadwatch.events.conventions import build_conventions

DAY = date(2025, 3, 14)


@pytest.fixture(scope="module")
def plover() -> Coder:
    return Coder()


@pytest.fixture(scope="module")
def petrarch(plover: Coder) -> Coder:
    coder = Coder(registry=plover.registry, conventions="petrarch")
    coder._nlp = plover.nlp  # share the loaded spaCy pipeline
    return coder


def triples(events) -> set[tuple[str, str | None, str]]:
    return {(e.source.code, e.target.code if e.target else None, (e.cameo or "")[:2])
            for e in events if not e.negated}


def test_default_is_plover_and_versions_differ(plover: Coder, petrarch: Coder) -> None:
    assert plover.conventions.name == "plover"
    assert petrarch.conventions.name == "petrarch"
    assert petrarch.version != plover.version
    assert petrarch.version.endswith("-petrarch")


def test_unknown_conventions_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown coding conventions 'tabari'.*petrarch"):
        Coder(conventions="tabari")


def test_conventions_are_data_with_problems_reported() -> None:
    sections = {"odd": {"__line__": 7, "future_as_act": True, "colour": "blue"}}
    conventions, problems = build_conventions("odd", sections, where="mine.yaml")
    assert conventions.future_as_act and conventions.implied_events
    assert problems == ["mine.yaml:7: conventions 'odd': unknown setting 'colour'"]


def test_stated_future_act_is_the_act_under_petrarch(plover: Coder, petrarch: Coder) -> None:
    text = "Japan will send humanitarian aid to Ukraine."
    # PLOVER: a stated future cooperation is an AGREE (the act kept as a second event).
    assert ("JPN", "UKR", "03") in triples(plover.code_text(text, DAY))
    coded = triples(petrarch.code_text(text, DAY))
    assert ("JPN", "UKR", "07") in coded
    assert ("JPN", "UKR", "03") not in coded  # one code per verb phrase


def test_meeting_place_is_the_target_under_petrarch(plover: Coder, petrarch: Coder) -> None:
    text = "Germany and France will meet in Warsaw next week."
    assert ("DEU", "FRA", "04") in triples(plover.code_text(text, DAY))
    coded = triples(petrarch.code_text(text, DAY))
    assert {("DEU", "POL", "04"), ("FRA", "POL", "04")} <= coded
    assert ("DEU", "FRA", "04") not in coded


def test_statement_about_anothers_attack_is_an_accusation(petrarch: Coder) -> None:
    coded = triples(petrarch.code_text("Armenia said that Azerbaijan had attacked Georgia.", DAY))
    assert ("ARM", "AZE", "11") in coded
    assert not any(code == "19" for _, _, code in coded)


def test_cli_conventions_option() -> None:
    from dyadwatch.cli import main

    result = CliRunner().invoke(main, ["code-text", "Germany and France will meet in Warsaw.",
                                       "--conventions", "petrarch", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"code": "POL"' in result.output
    assert "-petrarch" in result.output


def test_wish_stays_intent_but_will_is_the_act_under_petrarch(petrarch: Coder) -> None:
    assert ("TUR", "SYR", "13") in triples(petrarch.code_text("Turkey wants to attack Syria.", DAY))
    assert ("TUR", "SYR", "19") in triples(petrarch.code_text("Turkey will attack Syria.", DAY))


def test_refused_cooperation_is_reject_under_petrarch(petrarch: Coder) -> None:
    coded = triples(petrarch.code_text("Egypt said it would not provide aid to Libya.", DAY))
    assert ("EGY", "LBY", "12") in coded


def test_agentless_passive_subject_is_the_source_under_petrarch(plover: Coder,
                                                               petrarch: Coder) -> None:
    text = "Poland was criticized over its dispute with Germany."
    assert ("POL", "DEU", "11") in triples(petrarch.code_text(text, DAY))
    assert ("POL", "DEU", "11") not in triples(plover.code_text(text, DAY))


def test_purpose_clause_is_no_separate_event_under_petrarch(plover: Coder,
                                                          petrarch: Coder) -> None:
    text = "Japan met China to discuss trade with Korea."
    assert triples(petrarch.code_text(text, DAY)) == {("JPN", "CHN", "04")}
    assert len(triples(plover.code_text(text, DAY))) > 1


def test_paired_codes_of_a_verb_dictionary_code_both_sides(tmp_path, plover: Coder) -> None:
    verbs = tmp_path / "mine.verbs.txt"
    # A PETRARCH verb block with a paired code, and a block listed by its surface form.
    verbs.write_text("--- ARRIVE  [032:033]  ---\nARRIVE\n\n--- LEFT  [032:033]  ---\nLEFT\n",
                     encoding="utf-8")
    coder = Coder(registry=plover.registry, verbs_files=[verbs], conventions="petrarch")
    coder._nlp = plover.nlp
    coded = {(e.source.code, e.target.code if e.target else None, e.cameo)
             for e in coder.code_text("The Polish president arrived in Lithuania on Monday.", DAY)}
    assert {("POL", "LTU", "032"), ("LTU", "POL", "033")} <= coded
    # "left" is listed as a surface form: matched although its lemma is "leave".
    coded = {(e.source.code, e.cameo)
             for e in coder.code_text("The Polish president left for Lithuania.", DAY)}
    assert ("POL", "032") in coded
    # PLOVER conventions do not add the host's side.
    plain = Coder(registry=plover.registry, verbs_files=[verbs])
    plain._nlp = plover.nlp
    assert not any(e.cameo == "033" for e in plain.code_text(
        "The Polish president arrived in Lithuania on Monday.", DAY))
