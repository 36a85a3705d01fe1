"""Confidence of a coded event: a score from explainable features, mapped through a
calibration table fitted on the development data (``data/calibration.json``).

The raw score combines the trigger's prior weight (lexicon), the kind of rule (a verb
trigger beats a bare event noun), whether a target was found, and penalties for
subordinate clauses, pronoun sources and content of another trigger.  The calibration
table maps raw scores to the share of events with that score that had the right event
type on plover-gsr-dev (isotonic, binned) - see ``scripts/calibrate_coder.py``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

KIND_FACTOR = {"verb": 1.0, "light": 1.0, "base": 0.8, "noun": 0.75}


@dataclass(frozen=True)
class Features:
    weight: float
    kind: str
    has_target: bool
    depth: int
    governed: bool
    in_condition: bool
    embedded: bool
    suppressed: bool
    pronoun_source: bool
    reciprocal: bool
    reported: bool
    negated: bool
    modality: str


def raw_score(f: Features) -> float:
    score = f.weight * KIND_FACTOR.get(f.kind, 0.7)
    score += 0.12 if f.has_target or f.reciprocal else -0.05
    score -= 0.12 * min(f.depth, 3)
    if f.in_condition:
        score -= 0.25
    if f.embedded:
        score -= 0.15
    if f.suppressed:
        score -= 0.3
    elif f.governed:
        score -= 0.05
    if f.pronoun_source:
        score -= 0.05
    return max(0.01, min(0.99, score))


@lru_cache(maxsize=1)
def _table() -> tuple[list[float], list[float]]:
    try:
        text = resources.files("dyadwatch.events").joinpath("data").joinpath(
            "calibration.json").read_text(encoding="utf-8")
        data = json.loads(text)
        return [float(x) for x in data["raw"]], [float(y) for y in data["calibrated"]]
    except (FileNotFoundError, OSError, KeyError, ValueError):
        return [], []


def interpolate(xs: list[float], ys: list[float], raw: float) -> float:
    """A calibration table (raw scores ``xs`` -> shares right ``ys``) read at ``raw``."""
    if not xs:
        return raw
    i = bisect_right(xs, raw)
    if i == 0:
        return ys[0]
    if i >= len(xs):
        return ys[-1]
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    # Keep the order of raw scores (ties broken by the raw score) so ranking survives.
    return y0 + (y1 - y0) * (raw - x0) / (x1 - x0 or 1.0)


def calibrate(raw: float) -> float:
    return interpolate(*_table(), raw)


def from_raw(raw: float, calibrated: float) -> float:
    """The confidence reported: mostly the calibrated share, with a little of the raw score
    to keep the ranking strict inside flat calibration steps."""
    return round(max(0.01, min(0.99, 0.95 * calibrated + 0.05 * raw)), 3)


def confidence(f: Features) -> float:
    raw = raw_score(f)
    return from_raw(raw, calibrate(raw))
