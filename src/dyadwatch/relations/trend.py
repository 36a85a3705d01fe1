"""Trend figures for an index series: rolling level and slope, window labels, change points,
and a bootstrap band.

Labels and change points follow fixed, documented rules so a reader can check them
against the numbers printed beside them. The thresholds are the module constants below.

Labels (one per period, for the trailing window of ``WINDOW`` periods that ends there):

* ``scale`` = max(standard deviation of the index over all periods with data, ``SCALE_FLOOR``).
* A move between two periods is *clear* when it is at least ``MOVE_THRESHOLD`` × scale
  and the two periods' bootstrap bands do not overlap (so thin periods are not over-read);
  a period without events has no band and takes part in no clear move.
* **volatile**: the window holds a clear rise and a clear fall.
* **thaw**: otherwise, the last value is above the first by a clear move.
* **escalation**: otherwise, the last value is below the first by a clear move.
* **stable**: none of the above (including windows with fewer than two values).

Change points: ``ruptures`` PELT with the ``l2`` cost (shifts in the mean; run as
``KernelCPD`` with the linear kernel, the same cost in C), minimum
segment ``MIN_SEGMENT`` periods, penalty ``PENALTY_FACTOR`` × σ² × ln(n), where σ is
the noise level estimated robustly from period-to-period differences (MAD / √2 × 1.4826).
That is the BIC-style penalty for a mean shift in Gaussian noise: a break must explain
more than noise would.

Bootstrap band: each period's events are resampled with replacement ``BOOTSTRAP_SAMPLES``
times (Poisson bootstrap: each event drawn Poisson(1) times) together with
``PRIOR_EVENTS`` pseudo-events drawn from the whole series' distribution (so a period
resting on one event is not read as exact), the figure is recomputed on each sample,
and the band is the ``BAND`` central interval. The generator is seeded (``SEED`` and the
period key), so runs repeat exactly.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import numpy as np

WINDOW = 3
MOVE_THRESHOLD = 0.5
SCALE_FLOOR = 0.1
MIN_SEGMENT = 2
PENALTY_FACTOR = 2.0
BOOTSTRAP_SAMPLES = 400
PRIOR_EVENTS = 2.0
NORMAL_FROM = 30.0
BAND = 0.90
SEED = 20220224

LABELS = ("thaw", "stable", "escalation", "volatile")


def thresholds() -> dict[str, float | int]:
    """The constants above, for output next to the figures they produced."""
    return {
        "window": WINDOW,
        "move_threshold_scales": MOVE_THRESHOLD,
        "scale_floor": SCALE_FLOOR,
        "min_segment": MIN_SEGMENT,
        "penalty_factor": PENALTY_FACTOR,
        "bootstrap_samples": BOOTSTRAP_SAMPLES,
        "prior_events": PRIOR_EVENTS,
        "band": BAND,
        "seed": SEED,
    }


def rolling(values: Sequence[float | None], window: int = WINDOW) -> tuple[list, list]:
    """Trailing rolling mean and least-squares slope (per period) over the last ``window`` values.

    Periods without a value (None) are skipped, not treated as zero; positions are kept,
    so a gap stretches the slope's run as it should.
    """
    levels: list[float | None] = []
    slopes: list[float | None] = []
    for i in range(len(values)):
        xs = [j for j in range(max(0, i - window + 1), i + 1) if values[j] is not None]
        if values[i] is None or not xs:
            levels.append(None)
            slopes.append(None)
            continue
        ys = np.array([values[j] for j in xs], dtype=float)
        levels.append(float(ys.mean()))
        if len(xs) < 2:
            slopes.append(None)
            continue
        x = np.array(xs, dtype=float)
        slope = float(np.polyfit(x, ys, 1)[0])
        slopes.append(slope)
    return levels, slopes


def label_scale(values: Sequence[float | None]) -> float:
    data = [v for v in values if v is not None]
    spread = float(np.std(data)) if len(data) >= 2 else 0.0
    return max(spread, SCALE_FLOOR)


def _clear_move(i: int, j: int, values, bands, scale: float) -> int:
    """+1 for a clear rise from period i to j, -1 for a clear fall, 0 otherwise."""
    delta = values[j] - values[i]
    if abs(delta) < MOVE_THRESHOLD * scale:
        return 0
    if bands is not None:
        if bands[i] is None or bands[j] is None:
            return 0  # a period without events has no uncertainty estimate: never a clear move
        (lo_i, hi_i), (lo_j, hi_j) = bands[i], bands[j]
        if delta > 0 and lo_j <= hi_i:
            return 0
        if delta < 0 and hi_j >= lo_i:
            return 0
    return 1 if delta > 0 else -1


def labels(
    values: Sequence[float | None],
    bands: Sequence[tuple[float, float] | None] | None = None,
    window: int = WINDOW,
) -> list[str | None]:
    """One label per period (None where the period has no value); see the module docstring."""
    scale = label_scale(values)
    out: list[str | None] = []
    for i in range(len(values)):
        if values[i] is None:
            out.append(None)
            continue
        idx = [j for j in range(max(0, i - window + 1), i + 1) if values[j] is not None]
        if len(idx) < 2:
            out.append("stable")
            continue
        moves = {_clear_move(a, b, values, bands, scale) for a, b in zip(idx, idx[1:], strict=False)}
        if 1 in moves and -1 in moves:
            out.append("volatile")
            continue
        net = _clear_move(idx[0], idx[-1], values, bands, scale)
        out.append("thaw" if net > 0 else "escalation" if net < 0 else "stable")
    return out


def noise_sigma(values: Sequence[float]) -> float:
    """Noise level from period-to-period differences, robust to the breaks themselves."""
    if len(values) < 3:
        return float(np.std(values)) if values else 0.0
    diffs = np.diff(np.asarray(values, dtype=float))
    mad = float(np.median(np.abs(diffs - np.median(diffs))))
    sigma = 1.4826 * mad / math.sqrt(2)
    if sigma == 0.0:
        # Piecewise-constant data: a small fraction of the spread of the differences,
        # so exact steps are still found and flat runs are not split.
        sigma = float(np.std(diffs)) / math.sqrt(2) / 10
    return sigma


def change_points(values: Sequence[float], standard_errors: Sequence[float] | None = None) -> list[int]:
    """Indices (into ``values``) where a new segment starts, by PELT over the mean.

    σ is the larger of the difference-based noise estimate and the root mean square of
    the periods' bootstrap standard errors (runs of identical values, e.g. empty periods,
    make the first one too small). Breaks whose shift in level is under
    ``MOVE_THRESHOLD`` × the label scale are dropped, so a reported break is one the
    labels would also call a clear move.
    """
    n = len(values)
    if n < 2 * MIN_SEGMENT:
        return []
    import ruptures

    signal = np.asarray(values, dtype=float)
    sigma = noise_sigma(list(values))
    if standard_errors:
        sigma = max(sigma, float(np.sqrt(np.mean(np.square(standard_errors)))))
    if sigma == 0.0:
        return []
    penalty = PENALTY_FACTOR * sigma**2 * math.log(n)
    # KernelCPD with the linear kernel is PELT over the l2 cost, implemented in C.
    algo = ruptures.KernelCPD(kernel="linear", min_size=MIN_SEGMENT).fit(signal.reshape(-1, 1))
    breaks = [int(b) for b in algo.predict(pen=penalty) if 0 < b < n]
    min_shift = MOVE_THRESHOLD * label_scale(list(values))
    while breaks:
        bounds = [0, *breaks, n]
        shifts = [
            abs(signal[bounds[k + 1] : bounds[k + 2]].mean() - signal[bounds[k] : bounds[k + 1]].mean())
            for k in range(len(breaks))
        ]
        weakest = int(np.argmin(shifts))
        if shifts[weakest] >= min_shift:
            break
        del breaks[weakest]  # merge the two segments and look again
    return breaks


def bootstrap_band(
    values: np.ndarray,
    counts: np.ndarray,
    *,
    key: str,
    stories: int | None = None,
    prior: tuple[np.ndarray, np.ndarray] | None = None,
    samples: int = BOOTSTRAP_SAMPLES,
    band: float = BAND,
) -> tuple[float, float] | None:
    """Central ``band`` interval of the period's figure over events resampled with replacement.

    ``values``/``counts``: the distinct Goldstein values of a period's events and how many
    events have each. A resample's figure is its Goldstein sum divided by the resampled
    events (tone), or by max(``stories``, resampled events) (index) — the same definitions
    as the point values. Resampling is the Poisson bootstrap (each event drawn Poisson(1)
    times). ``prior`` (values, counts over the whole series) adds ``PRIOR_EVENTS`` pseudo-
    events drawn from the series-wide distribution, so a period resting on one or two
    events gets a wide band instead of a falsely exact one; with dozens of events their
    effect vanishes. The generator is seeded from ``SEED`` and the period ``key``, so a
    period's band is the same whatever range is asked.
    """
    if counts.sum() == 0:
        return None
    rng = np.random.default_rng([SEED, zlib.crc32(key.encode("utf-8"))])
    draws = _poisson(rng, counts.astype(float), samples)
    n_star = draws.sum(axis=1)
    sums = draws @ values
    if prior is not None and PRIOR_EVENTS > 0:
        # Pseudo-events: a Poisson(PRIOR_EVENTS) number m per resample, valued as m draws
        # from the series-wide distribution — their sum taken as normal with the
        # distribution's mean and variance (m·μ, m·σ²), which is all a weak prior needs.
        prior_values, prior_counts = prior
        weights = prior_counts / prior_counts.sum()
        mean = float(weights @ prior_values)
        sd = math.sqrt(max(float(weights @ (prior_values - mean) ** 2), 0.0))
        extra = rng.poisson(PRIOR_EVENTS, size=samples)
        sums = sums + extra * mean + np.sqrt(extra) * sd * rng.standard_normal(samples)
        n_star = n_star + extra
    denominators = n_star if stories is None else np.maximum(n_star, stories)
    valid = denominators > 0
    if not valid.any():
        return None
    stats = np.sort(sums[valid] / denominators[valid])
    tail = (1.0 - band) / 2
    return _sorted_quantile(stats, tail), _sorted_quantile(stats, 1.0 - tail)


def _poisson(rng: np.random.Generator, rates: np.ndarray, samples: int) -> np.ndarray:
    """Poisson(rate) counts per category and resample; the normal approximation (rounded,
    clipped at 0) for rates of ``NORMAL_FROM`` and more, where it is accurate and ~10×
    cheaper than numpy's exact sampler."""
    draws = np.empty((samples, len(rates)))
    small = rates < NORMAL_FROM
    if small.any():
        draws[:, small] = rng.poisson(rates[small], size=(samples, int(small.sum())))
    if not small.all():
        big = rates[~small]
        normal = rng.standard_normal((samples, len(big))) * np.sqrt(big) + big
        draws[:, ~small] = np.maximum(np.rint(normal), 0.0)
    return draws


def _sorted_quantile(ordered: np.ndarray, q: float) -> float:
    # numpy's default (linear) quantile, on data already sorted: np.quantile costs more
    # than the whole resampling for a short series of samples.
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return float(ordered[below] + (ordered[above] - ordered[below]) * (position - below))
