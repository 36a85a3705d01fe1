"""PLOVER 2024 / CAMEO tables shipped in dyadwatch.ontology."""

from __future__ import annotations

import pytest

from dyadwatch import ontology


def test_sixteen_plover_types_with_quad_classes() -> None:
    types = ontology.plover_types()
    assert len(types) == 16
    assert list(types)[:2] == ["AGREE", "CONSULT"]
    assert types["CONSULT"].quad_class == 1
    assert types["AID"].quad_class == 2
    assert types["THREATEN"].quad_class == 3
    assert types["ASSAULT"].quad_class == 4
    assert types["SANCTION"].requires_target is True
    assert types["ACCUSE"].requires_target is False
    assert "phone" in types["CONSULT"].mode_names
    assert "discontinue" in types["SANCTION"].mode_names


def test_accuse_scores_minus_three_whatever_the_manual_prints() -> None:
    assert ontology.plover_score("ACCUSE") == -3.0
    assert ontology.plover_score("accuse", "allege") == -3.5
    # Every conflict type scores below every cooperation type's base score.
    types = ontology.plover_types()
    conflict = [t.score for t in types.values() if t.quad_class >= 3 and t.name != "REQUEST"]
    assert max(conflict) < 0
    assert ontology.plover_score("CONSULT", "visit") == 4.0
    assert ontology.plover_score("CONSULT", "no-such-mode") == 2.5


def test_contexts() -> None:
    names = ontology.contexts()
    assert len(names) == 37
    assert {"military", "economic", "cyber", "cbrn", "diplomatic"} <= set(names)


def test_international_sanctions_are_sanction_not_coerce() -> None:
    event, mode, contexts = ontology.cameo_to_plover("163")
    assert (event, mode) == ("SANCTION", "discontinue")
    assert "economic" in contexts
    assert ontology.plover_to_cameo("SANCTION", "discontinue") == "163"


@pytest.mark.parametrize(
    ("code", "goldstein", "quad"),
    [
        ("042", 1.9, 1),
        ("057", 8.0, 1),
        ("0871", 9.0, 2),
        ("112", -2.0, 3),
        ("163", -8.0, 4),
        ("195", -10.0, 4),
        ("1712", -9.2, 4),
    ],
)
def test_goldstein_and_quad_class_of_cameo_codes(code: str, goldstein: float, quad: int) -> None:
    assert ontology.goldstein(code) == goldstein
    assert ontology.quad_class_of(code) == quad
    assert ontology.cameo(code).quad_class == quad


def test_cameo_code_details_and_parent_fallback() -> None:
    code = ontology.cameo("0841")
    assert code.root == "08"
    assert (code.plover_event, code.plover_mode) == ("RETREAT", "release")
    assert ontology.cameo("1734").code == "173"  # unknown sub-code: nearest parent
    assert ontology.cameo_to_plover("010")[0] is None  # statements are dropped by PLOVER
    assert ontology.cameo_to_plover("0233")[:2] == ("REQUEST", "assist")  # appeals are requests
    with pytest.raises(KeyError):
        ontology.cameo("999")


def test_every_plover_event_and_mode_has_a_nearest_cameo_code_of_that_event() -> None:
    for name, kind in ontology.plover_types().items():
        for mode in (None, *kind.mode_names):
            code = ontology.plover_to_cameo(name, mode)
            assert ontology.cameo_to_plover(code)[0] == name, (name, mode, code)
            assert ontology.quad_class_of(code) in (1, 2, 3, 4)


def test_contexts_refine_the_nearest_code() -> None:
    assert ontology.plover_to_cameo("AID") == "070"
    assert ontology.plover_to_cameo("AID", contexts=["military"]) == "072"
    assert ontology.plover_to_cameo("COERCE", "restrict", contexts=["military"]) == "191"
    assert ontology.plover_to_cameo("CONSULT", "phone") == "041"


def test_modes_are_plover_2024_modes() -> None:
    types = ontology.plover_types()
    for code in ontology.cameo_codes().values():
        if code.plover_event and code.plover_mode:
            assert code.plover_mode in types[code.plover_event].mode_names, code
        for context in code.plover_context:
            assert context in ontology.contexts(), code


def test_unknown_event_type_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="FIGHT"):
        ontology.plover_score("FIGHT")
