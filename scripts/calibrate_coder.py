"""Fit the coder's confidence calibration on PLOVER-GSR-shaped development files.

    python scripts/calibrate_coder.py [FILE ...]

Default files: ../shared/data/gold/plover-gsr-dev.jsonl and our own wire-style sentences
(tests/fixtures/plover_style_own.jsonl).  Before writing the table the script checks it
the honest way: fitted on each file alone, scored on the other (expected calibration error
and Brier score of the calibrated confidences), and prints both.

Every event the coder emits is labelled right when its type is the gold type and its
source is a gold source (either side for reciprocal records).  Raw scores
(dyadwatch.events.confidence.raw_score) are binned and made monotone with the
pool-adjacent-violators algorithm; the table goes to src/dyadwatch/events/data/calibration.json.
A confidence of 0.7 then means: about 70 % of dev events with that score were right.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from dyadwatch.evaluate.codes import as_gold, normalise  # noqa: E402
from dyadwatch.events import coder as coder_module  # noqa: E402
from dyadwatch.events import confidence  # noqa: E402

DEFAULTS = (REPO.parent / "shared" / "data" / "gold" / "plover-gsr-dev.jsonl",
            REPO / "tests" / "fixtures" / "plover_style_own.jsonl")
OUT = REPO / "src" / "dyadwatch" / "events" / "data" / "calibration.json"
BINS = 10


def _pav(values: list[float], weights: list[float]) -> list[float]:
    blocks = [[v, w, 1] for v, w in zip(values, weights, strict=True)]
    i = 0
    while i < len(blocks) - 1:
        if blocks[i][0] > blocks[i + 1][0]:
            v1, w1, n1 = blocks[i]
            v2, w2, n2 = blocks[i + 1]
            blocks[i] = [(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2]
            del blocks[i + 1]
            i = max(i - 1, 0)
        else:
            i += 1
    out: list[float] = []
    for v, _w, n in blocks:
        out.extend([v] * n)
    return out


def labelled_scores(coder: object, path: Path) -> list[tuple[float, bool]]:
    """(raw score, right?) for every event the coder emits on a gold file."""
    raws: list[tuple[float, bool]] = []
    original = confidence.calibrate
    confidence.calibrate = lambda raw: raw  # measure raw scores
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            codes = {normalise(a["code"]) for a in record["source"]}
            if record.get("reciprocal_src_tar"):
                codes |= {normalise(a["code"]) for a in record["target"]}
            for event in coder.code_text(record["text"], date(2000, 1, 1)):
                source = as_gold(event.source.code, codes)
                ok = event.event == record["event_plover_current"] and source in codes
                raws.append((event.confidence, ok))
    finally:
        confidence.calibrate = original
    return raws


def fit(raws: list[tuple[float, bool]]) -> tuple[list[float], list[float]]:
    """Binned, monotone (pool-adjacent-violators) map from raw score to share right."""
    raws = sorted(raws)
    size = max(1, len(raws) // BINS)
    xs, ys, ws = [], [], []
    for start in range(0, len(raws), size):
        chunk = raws[start : start + size]
        xs.append(sum(r for r, _ in chunk) / len(chunk))
        ys.append(sum(ok for _, ok in chunk) / len(chunk))
        ws.append(len(chunk))
    return xs, _pav(ys, ws)


def apply(table: tuple[list[float], list[float]], raw: float) -> float:
    """The confidence the coder would report for ``raw`` with this table."""
    return confidence.from_raw(raw, confidence.interpolate(*table, raw))


def reliability(table: tuple[list[float], list[float]], raws: list[tuple[float, bool]]
                ) -> tuple[float, float]:
    """Expected calibration error (10 equal-width bins) and Brier score."""
    probs = [(apply(table, r), ok) for r, ok in raws]
    brier = sum((p - ok) ** 2 for p, ok in probs) / len(probs)
    ece = 0.0
    for b in range(BINS):
        inside = [(p, ok) for p, ok in probs
                  if b / BINS <= p < (b + 1) / BINS or (b == BINS - 1 and p == 1.0)]
        if inside:
            gap = abs(sum(p for p, _ in inside) / len(inside)
                      - sum(ok for _, ok in inside) / len(inside))
            ece += gap * len(inside) / len(probs)
    return ece, brier


def main() -> None:
    paths = [Path(a) for a in sys.argv[1:]] or list(DEFAULTS)
    coder = coder_module.Coder()
    per_file = {path: labelled_scores(coder, path) for path in paths}
    if len(per_file) == 2:
        (a, raws_a), (b, raws_b) = per_file.items()
        for train, test, name in ((raws_a, raws_b, b.name), (raws_b, raws_a, a.name)):
            ece, brier = reliability(fit(train), test)
            print(f"fitted on the other file, scored on {name}: ECE {ece:.3f}, "
                  f"Brier {brier:.3f} ({len(test)} events)")
    raws = [item for found in per_file.values() for item in found]
    xs, fitted = fit(raws)
    OUT.write_text(
        json.dumps(
            {
                "about": "raw coder score -> share of development events with that score that "
                "had the gold type and a gold source; made by scripts/calibrate_coder.py from "
                + ", ".join(p.name for p in paths),
                "events": len(raws),
                "raw": [round(x, 4) for x in xs],
                "calibrated": [round(y, 4) for y in fitted],
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(raws)} events; table -> {OUT}")
    for x, y in zip(xs, fitted, strict=True):
        print(f"  raw {x:.2f} -> {y:.2f}")


if __name__ == "__main__":
    main()
