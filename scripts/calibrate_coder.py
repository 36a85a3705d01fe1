"""Fit the coder's confidence calibration on the development gold (plover-gsr-dev).

    python scripts/calibrate_coder.py [../shared/data/gold/plover-gsr-dev.jsonl]

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

DEFAULT = REPO.parent / "shared" / "data" / "gold" / "plover-gsr-dev.jsonl"
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


def main() -> None:
    gold_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    raws: list[tuple[float, bool]] = []
    original = confidence.calibrate
    confidence.calibrate = lambda raw: raw  # measure raw scores
    try:
        coder = coder_module.Coder()
        for line in gold_path.read_text(encoding="utf-8").splitlines():
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
    raws.sort()
    size = max(1, len(raws) // BINS)
    xs, ys, ws = [], [], []
    for start in range(0, len(raws), size):
        chunk = raws[start : start + size]
        xs.append(sum(r for r, _ in chunk) / len(chunk))
        ys.append(sum(ok for _, ok in chunk) / len(chunk))
        ws.append(len(chunk))
    fitted = _pav(ys, ws)
    OUT.write_text(
        json.dumps(
            {
                "about": "raw coder score -> share of plover-gsr-dev events with that score that had "
                "the gold type and a gold source; made by scripts/calibrate_coder.py",
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
