"""PLOVER 2024 and CAMEO: event types, scores, Goldstein values and the mappings between them.

The tables are data files in ``ontology/data/`` made by ``scripts/derive_ontology.py`` from
the PLOVER manual and the CAMEO/GDELT lookup tables; this module only reads them.
Corrections to the sources (ACCUSE scores -3, CAMEO 163 sanctions are SANCTION) are made
by that script and documented there.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "CameoCode",
    "PloverMode",
    "PloverType",
    "cameo",
    "cameo_codes",
    "cameo_to_plover",
    "contexts",
    "goldstein",
    "plover_score",
    "plover_to_cameo",
    "plover_types",
    "quad_class_of",
]

QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@dataclass(frozen=True)
class PloverMode:
    name: str
    definition: str
    score: float


@dataclass(frozen=True)
class PloverType:
    """One of the 16 PLOVER 2024 event types."""

    name: str
    quad_class: int
    requires_target: bool
    definition: str
    modes: tuple[PloverMode, ...]
    score: float

    @property
    def mode_names(self) -> tuple[str, ...]:
        return tuple(mode.name for mode in self.modes)


@dataclass(frozen=True)
class CameoCode:
    """A CAMEO event code with its Goldstein value, quad class and PLOVER reading."""

    code: str
    description: str
    root: str
    goldstein: float
    quad_class: int
    plover_event: str | None
    plover_mode: str | None
    plover_context: tuple[str, ...]


def _data_text(name: str) -> str:
    return resources.files("dyadwatch.ontology").joinpath("data", name).read_text("utf-8")


@cache
def _plover() -> dict:
    return json.loads(_data_text("plover.json"))


@cache
def plover_types() -> dict[str, PloverType]:
    """The 16 PLOVER 2024 event types by name (AGREE ... ASSAULT), in manual order."""
    types = {}
    for raw in _plover()["events"]:
        modes = tuple(
            PloverMode(m["mode"], m["definition"], float(m["score"])) for m in raw["modes"]
        )
        types[raw["name"]] = PloverType(
            name=raw["name"],
            quad_class=int(raw["quad_class"]),
            requires_target=bool(raw["requires_target"]),
            definition=raw["definition"],
            modes=modes,
            score=float(raw["score"]),
        )
    return types


def contexts() -> list[str]:
    """The 37 PLOVER 2024 contexts (military, economic, cyber, cbrn, ...)."""
    return [c["context"] for c in _plover()["contexts"]]


def _event_type(event: str) -> PloverType:
    try:
        return plover_types()[event.upper()]
    except KeyError:
        raise KeyError(f"unknown PLOVER event type: {event!r}") from None


def plover_score(event: str, mode: str | None = None) -> float:
    """PLOVER's conflict-cooperation score (-10..+10) for an event, refined by mode if known."""
    kind = _event_type(event)
    if mode:
        for known in kind.modes:
            if known.name == mode.lower():
                return known.score
    return kind.score


@cache
def cameo_codes() -> dict[str, CameoCode]:
    """Every CAMEO code (01 ... 2042) by code string."""
    codes = {}
    for row in csv.DictReader(_data_text("cameo.tsv").splitlines(), delimiter="\t"):
        codes[row["code"]] = CameoCode(
            code=row["code"],
            description=row["description"],
            root=row["root"],
            goldstein=float(row["goldstein"]),
            quad_class=int(row["quad_class"]),
            plover_event=row["plover_event"] or None,
            plover_mode=row["plover_mode"] or None,
            plover_context=tuple(c for c in row["plover_contexts"].split(";") if c),
        )
    return codes


def cameo(code: str) -> CameoCode:
    """The CAMEO code, or its nearest known parent (``"1734"`` -> ``"173"``).

    Raises KeyError when neither the code nor any parent is a CAMEO code.
    """
    codes = cameo_codes()
    text = str(code).strip()
    for length in range(len(text), 1, -1):
        found = codes.get(text[:length])
        if found is not None:
            return found
    raise KeyError(f"unknown CAMEO code: {code!r}")


def cameo_to_plover(code: str) -> tuple[str | None, str | None, list[str]]:
    """(event, mode, contexts) for a CAMEO code; event is None for CAMEO 01x (statements)."""
    found = cameo(code)
    return found.plover_event, found.plover_mode, list(found.plover_context)


@cache
def _nearest() -> dict[tuple[str, str], str]:
    rows = csv.DictReader(_data_text("plover_to_cameo.tsv").splitlines(), delimiter="\t")
    return {(row["event"], row["mode"]): row["cameo"] for row in rows}


def plover_to_cameo(event: str, mode: str | None = None, *, contexts: Sequence[str] = ()) -> str:
    """The nearest CAMEO code for a PLOVER event (and mode, and contexts when known).

    With contexts, a more specific code of the same event and mode is preferred
    (AID + military -> 072, COERCE/restrict + military -> 191); otherwise the
    table's default code for the event:mode, then for the event alone.
    """
    name = _event_type(event).name
    mode_name = (mode or "").lower()
    nearest = _nearest()
    default = nearest.get((name, mode_name)) or nearest[(name, "")]
    wanted = {c.lower() for c in contexts}
    if wanted:
        candidates = [
            c
            for c in cameo_codes().values()
            if c.plover_event == name
            and (c.plover_mode or "") == mode_name
            and wanted.intersection(c.plover_context)
        ]
        if candidates:
            # Most shared contexts, then a code whose quad class agrees with the PLOVER type
            # (REQUEST: DEMAND 10x before APPEAL 02x), then the most general, then the first.
            quad = _event_type(name).quad_class
            best = min(
                candidates,
                key=lambda c: (
                    -len(wanted.intersection(c.plover_context)),
                    c.quad_class != quad,
                    len(c.code),
                    c.code,
                ),
            )
            return best.code
    return default


def goldstein(code: str) -> float:
    """Goldstein conflict-cooperation value (-10..+10) of a CAMEO code."""
    return cameo(code).goldstein


def quad_class_of(event_or_cameo: str) -> int:
    """Quad class of a PLOVER type name or a CAMEO code.

    1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
    """
    text = str(event_or_cameo).strip()
    if text[:1].isdigit():
        return cameo(text).quad_class
    return _event_type(text).quad_class
