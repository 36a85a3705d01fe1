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


def test_verb_patterns_with_words_before_the_verb(tmp_path, plover: Coder) -> None:
    verbs = tmp_path / "before.verbs.txt"
    # Own dictionary: a negation synonym set before the verb, a chunk that must touch the
    # verb ("LATELY_*"), and the most specific pattern winning.
    verbs.write_text(
        "&NOTAUX\n+DID N'T\n+WILL NOT\n+REALLY DID NOT\n\n"
        "--- CRITICIZE  [122] ---\nCRITICIZE\n"
        "- FIRMLY_&NOTAUX_AGAIN * OVER  [127]\n"
        "- &NOTAUX AGAIN * OVER  [126]\n"
        "- &NOTAUX * OVER  [125]\n"
        "- LATELY_*  [124]\n",
        encoding="utf-8")
    coder = Coder(registry=plover.registry, verbs_files=[verbs], conventions="petrarch")
    coder._nlp = plover.nlp

    def codes(text: str) -> set[tuple[str, str | None, str, bool]]:
        return {(e.source.code, e.target.code if e.target else None, e.cameo or "", e.negated)
                for e in coder.code_text(text, DAY)}

    # The pattern spells out the negation: its code is the act, not a negated 122.
    assert ("FRA", "ITA", "125", False) in codes(
        "France didn't criticize Italy over the fishing dispute.")
    assert ("FRA", "ITA", "126", False) in codes(
        "France will not again criticize Italy over the fishing dispute.")
    assert ("FRA", "ITA", "127", False) in codes(
        "France firmly really did not again criticize Italy over the fishing dispute.")
    # "FIRMLY_&NOTAUX_AGAIN" is one unbroken chunk; with a gap only the gapped pattern fits.
    assert ("FRA", "ITA", "126", False) in codes(
        "France firmly really did not even again criticize Italy over the fishing dispute.")
    # "LATELY_*": only right before the verb.
    assert ("FRA", "ITA", "124", False) in codes("France lately criticized Italy.")
    assert not any(c == "124" for _, _, c, _ in codes("France lately did criticize Italy."))
    assert ("FRA", "ITA", "122", False) in codes("France criticized Italy over the fishing dispute.")


def test_user_agents_file_alone_gives_sectors_under_petrarch(tmp_path, plover: Coder) -> None:
    actors = tmp_path / "mine.actors.txt"
    actors.write_text("NORTHLAND  [NTH]\nSOUTHMARK  [SMK]\nVALTHER  [NTH]\n", encoding="utf-8")
    agents = tmp_path / "mine.agents.txt"
    # No braces: the regular plural counts ("sentries"); "{}" means no plural.
    agents.write_text("PRESIDENT [~GOV]\nSENTRY [~MIL]\nCONSTABLE {} [~COP]\n", encoding="utf-8")
    from dyadwatch.actors import get_registry

    registry = get_registry((str(actors), str(agents)))
    coder = Coder(registry=registry, conventions="petrarch")
    coder._nlp = plover.nlp

    def pairs(text: str) -> set[tuple[str, str | None, str | None, str | None]]:
        return {(e.source.code, e.source.sector, e.target.code if e.target else None,
                 e.target.sector if e.target else None) for e in coder.code_text(text, DAY)}

    # A title right before a named actor: one mention, the named actor in that sector.
    assert ("NTH", "GOV", "SMK", None) in pairs("Northland President Valther criticized Southmark.")
    assert ("NTH", "MIL", "SMK", None) in pairs("Northland sentries attacked Southmark.")
    # "mayor" is a package sector word the user's agents file lacks: PETRARCH gives no sector.
    assert ("NTH", None, "SMK", None) in pairs("The Northland mayor criticized Southmark.")
    assert ("NTH", None, "SMK", None) in pairs("Northland constables attacked Southmark.")
    # Under PLOVER the package sector words still apply.
    plain = Coder(registry=registry)
    plain._nlp = plover.nlp
    assert any(e.source.code == "NTH" and e.source.sector == "GOV"
               for e in plain.code_text("The Northland mayor criticized Southmark.", DAY))


def test_statement_codes_only_under_petrarch(plover: Coder, petrarch: Coder) -> None:
    text = "Poland expressed sympathy to Lithuania after the floods."
    # CAMEO 018 (express sympathy) has no PLOVER type: PETRARCH codes it, PLOVER does not.
    assert any(e.cameo == "018" and e.event == "" and e.source.code == "POL"
               for e in petrarch.code_text(text, DAY))
    assert not any(e.cameo == "018" for e in plover.code_text(text, DAY))


def test_garbled_and_lower_case_names_resolve(petrarch: Coder) -> None:
    # A capital inside a word marks a garbled name; a person's name the parser reads as a
    # name counts in lower case; a lower-case country word does not ("turkey prices").
    coded = {(e.source.code, e.target.code if e.target else None)
             for e in petrarch.code_text("Norway criticized fRance over the fishing quotas.", DAY)}
    assert ("NOR", "FRA") in coded
    doc = petrarch.nlp("President putin criticized Norway on Tuesday.")
    mentions = petrarch.resolve_mentions(doc, DAY)
    assert any(m.actor.code == "RUS" and m.text.lower().endswith("putin") for m in mentions)
    doc = petrarch.nlp("Farmers said turkey prices rose sharply in the autumn.")
    assert not any(m.actor.code == "TUR" for m in petrarch.resolve_mentions(doc, DAY))


def test_passive_subject_counts_as_the_verbs_object_in_patterns(tmp_path, plover: Coder) -> None:
    verbs = tmp_path / "passive.verbs.txt"
    verbs.write_text("--- SUBMIT  [010] ---\nSUBMIT\n- * PROOF  [112]\n", encoding="utf-8")
    coder = Coder(registry=plover.registry, verbs_files=[verbs], conventions="petrarch")
    coder._nlp = plover.nlp
    active = {(e.source.code, e.cameo) for e in coder.code_text("Chile submitted proof against Peru.", DAY)}
    assert ("CHL", "112") in active
    # Passive with a "by" agent: "proof ... was submitted by Chile" is "submit proof".
    passive = {(e.source.code, e.target.code if e.target else None, e.cameo)
               for e in coder.code_text("Proof against Peru was submitted by Chile.", DAY)}
    assert ("CHL", "PER", "112") in passive


def test_agreed_act_is_the_act_under_petrarch(plover: Coder, petrarch: Coder) -> None:
    text = "Canada has agreed to lift its sanctions on Belarus."
    assert ("CAN", "BLR", "08") in triples(petrarch.code_text(text, DAY))
    # PLOVER: agreeing is the commitment.
    assert ("CAN", "BLR", "03") in triples(plover.code_text(text, DAY))


def test_talks_are_held_by_both_sides_under_petrarch(plover: Coder, petrarch: Coder) -> None:
    text = "The Kenyan foreign minister held talks with Ethiopian officials in Nairobi."
    assert {("KEN", "ETH", "04"), ("ETH", "KEN", "04")} <= triples(petrarch.code_text(text, DAY))
    # A meeting "with" someone stays the doer's act.
    met = triples(petrarch.code_text("The Kenyan foreign minister met with Ethiopian officials.", DAY))
    assert ("KEN", "ETH", "04") in met and ("ETH", "KEN", "04") not in met


def test_agreeing_that_something_should_happen_stays_agreement(petrarch: Coder) -> None:
    text = "Canada and Mexico agree that the trade dispute should be settled by arbitration."
    assert ("CAN", "MEX", "03") in triples(petrarch.code_text(text, DAY))
