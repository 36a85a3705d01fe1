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
* **thaw**: otherwise, the last value is above the first by a clear move — or by a move
  of at least ``MOVE_THRESHOLD`` × scale when the window also holds a clear rise between
  two consecutive periods (a thin first period does not hide a clear step after it).
* **escalation**: the same, downwards.
* **stable**: none of the above (including windows with fewer than two values).

The *tendency* applies the same rules with a weaker test of a move: at least
``MOVE_THRESHOLD`` × scale, and one period's band excludes the other period's value
(a busy period rules out the thin one's value, though the thin one's wide band still
overlaps it). Where the label is "stable" but the tendency is not, the reader is told
the move with a caveat, e.g. "escalation (thin data)" (``label_texts``), rather than a
"stable" that claims nothing moved. Wiggles inside both bands stay "stable".

Change points: exact PELT over shifts in the mean with a *weighted* squared-error cost,
each period weighted by its precision 1 / (se² + τ²): se is the period's bootstrap
standard error (from its band), τ² the month-to-month variance beyond sampling error,
estimated robustly from neighbouring differences (``extra_variance``). A period resting on
two events thus counts for less than one resting on thirty; with one variance for all
(the plain l2 cost) a few thin, erratic months set the noise level and hide a sharp,
sustained shift carried by busy months. The cost is then on the χ² scale, and the penalty
per break is ``PENALTY_FACTOR`` × ln(n) with factor 3: the MBIC penalty (Zhang & Siegmund
2007; the default of R's ``changepoint``), stricter than BIC's 2 so pure noise rarely
yields a break. Minimum segment ``MIN_SEGMENT`` periods; breaks shifting the level by
less than ``MOVE_THRESHOLD`` × scale are merged away. Without bands (direct callers) all
periods get one σ², estimated from period-to-period differences (MAD / √2 × 1.4826).

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
PENALTY_FACTOR = 3.0
VARIANCE_FLOOR = (SCALE_FLOOR / 10) ** 2
# Median of the χ² distribution with one degree of freedom (scipy.stats.chi2.ppf(0.5, 1)).
CHI2_1_MEDIAN = 0.454936423119572
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


def _clear_move(i: int, j: int, values, bands, scale: float, tentative: bool = False) -> int:
    """+1 for a clear rise from period i to j, -1 for a clear fall, 0 otherwise.

    ``tentative``: the weaker test behind the "(thin data)" caveat — one period's band
    excludes the other's value, though the bands themselves overlap.
    """
    delta = values[j] - values[i]
    if abs(delta) < MOVE_THRESHOLD * scale:
        return 0
    if bands is not None:
        if bands[i] is None or bands[j] is None:
            return 0  # a period without events has no uncertainty estimate: never a clear move
        (lo_i, hi_i), (lo_j, hi_j) = bands[i], bands[j]
        if tentative:
            if lo_j <= values[i] <= hi_j and lo_i <= values[j] <= hi_i:
                return 0
        elif (delta > 0 and lo_j <= hi_i) or (delta < 0 and hi_j >= lo_i):
            return 0
    return 1 if delta > 0 else -1


def labels(
    values: Sequence[float | None],
    bands: Sequence[tuple[float, float] | None] | None = None,
    window: int = WINDOW,
    *,
    tentative: bool = False,
) -> list[str | None]:
    """One label per period (None where the period has no value); see the module docstring.

    ``tentative=True`` gives the *tendency*: the same rules with the weaker move test.
    """
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
        moves = {
            _clear_move(a, b, values, bands, scale, tentative) for a, b in zip(idx, idx[1:], strict=False)
        }
        if 1 in moves and -1 in moves:
            out.append("volatile")
            continue
        net = _clear_move(idx[0], idx[-1], values, bands, scale, tentative)
        if net == 0:
            # A clear step inside the window carries a sizable net move in its direction:
            # a thin first period (wide band) must not hide a clear fall between two busy ones.
            size = _clear_move(idx[0], idx[-1], values, None, scale)
            if size in moves:
                net = size
        out.append("thaw" if net > 0 else "escalation" if net < 0 else "stable")
    return out


def label_texts(clear: Sequence[str | None], tendency: Sequence[str | None]) -> list[str | None]:
    """What to tell a reader per period: the label, or — where the label is "stable" only
    because the bands overlap while the tendency sees a move — that move with a caveat
    ("escalation (thin data)"). "Stable" claims nothing moved, which is wrong there; the
    caveat says the move is there but too few events back it to call it clear.

    ``clear``: ``labels`` with the bands; ``tendency``: ``labels(..., tentative=True)``.
    """
    return [
        f"{t} (thin data)" if c == "stable" and t not in (None, "stable") else c
        for c, t in zip(clear, tendency, strict=True)
    ]


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


def extra_variance(values: Sequence[float], variances: Sequence[float]) -> float:
    """Between-period variance beyond sampling error (τ²), robust to the breaks themselves.

    Without a break, the difference of two neighbouring periods has variance
    vᵢ + vᵢ₊₁ + 2τ² (vᵢ: a period's squared standard error). τ² is the smallest value
    ≥ 0 at which the median of dᵢ² / (vᵢ + vᵢ₊₁ + 2τ²) is no more than the median of
    χ²₁, the value it would have for pure noise. The median, like ``noise_sigma``'s MAD,
    lets a few breaks through without inflating the estimate (a mean or a total would
    count the very shift to be found as noise).
    """
    x = np.asarray(values, dtype=float)
    v = np.asarray(variances, dtype=float)
    if len(x) < 2:
        return 0.0
    d2 = np.diff(x) ** 2
    pair = v[:-1] + v[1:]

    def excess(tau2: float) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(d2 > 0, d2 / (pair + 2 * tau2), 0.0)
        return float(np.median(ratio)) - CHI2_1_MEDIAN

    if excess(0.0) <= 0:
        return 0.0
    lo, hi = 0.0, float(d2.max()) / (2 * CHI2_1_MEDIAN)  # at ``hi`` every ratio is ≤ the target
    for _ in range(60):  # bisection: the median ratio falls as τ² grows
        mid = (lo + hi) / 2
        if excess(mid) > 0:
            lo = mid
        else:
            hi = mid
    return hi


def period_variances(values: Sequence[float], standard_errors: Sequence[float | None] | None) -> np.ndarray:
    """The noise variance of each period's value, for weighting the change-point cost.

    With bootstrap standard errors: vᵢ = seᵢ² + τ² (``extra_variance``), so a month
    resting on two events weighs less than one resting on thirty, and real month-to-month
    wobble beyond sampling error is not read as a break. A period without a standard
    error (e.g. an index of 0 from stories without events) takes the mean of the others.
    Without any: one σ² for all (``noise_sigma``). Floored at ``VARIANCE_FLOOR`` so
    identical values (zero spread) do not get infinite weight.
    """
    n = len(values)
    known = [float(e) ** 2 for e in (standard_errors or []) if e is not None]
    if not known:
        return np.full(n, max(noise_sigma(list(values)) ** 2, VARIANCE_FLOOR))
    if len(standard_errors or []) != n:
        raise ValueError(f"{len(standard_errors or [])} standard errors for {n} values")
    fill = float(np.mean(known))
    se2 = np.array([fill if e is None else float(e) ** 2 for e in standard_errors or []])
    return np.maximum(se2 + extra_variance(values, se2), VARIANCE_FLOOR)


def optimal_breaks(values: Sequence[float], variances: Sequence[float], penalty: float,
                   min_size: int = MIN_SEGMENT) -> list[int]:
    """Exact PELT over the weighted squared-error cost of a piecewise-constant mean.

    A segment's cost is Σ wᵢ (xᵢ − x̄_w)² with wᵢ = 1/vᵢ — minus twice the Gaussian
    log-likelihood of a constant mean under known, unequal variances — so ``penalty`` is on
    the χ² scale. (ruptures' costs assume one variance for all periods, which lets a few
    thin, noisy months hide a break carried by busy ones.) Prefix sums make each segment
    cost O(1); PELT's pruning (valid for this cost) keeps the search near-linear.

    Why not ``ruptures.Pelt`` with a custom cost: with a minimum segment above 1 its pruning
    drops a start as soon as a later break beats it, before that break is allowed, and so
    misses the optimum (``Pelt(model="l2", min_size=2, jump=1)`` on [1, 4, 1, 1, 3] with
    penalty 1 returns a break at 2, cost 8.17, where no break costs 8.0); it is also 20–100×
    slower on daily series, one Python call per segment cost. The drop here waits
    ``min_size`` periods.
    """
    x = np.asarray(values, dtype=float)
    w = 1.0 / np.asarray(variances, dtype=float)
    n = len(x)
    if n < 2 * min_size:
        return []
    sw = np.concatenate(([0.0], np.cumsum(w)))
    swx = np.concatenate(([0.0], np.cumsum(w * x)))
    swx2 = np.concatenate(([0.0], np.cumsum(w * x * x)))

    def cost(starts: np.ndarray, end: int) -> np.ndarray:
        total = sw[end] - sw[starts]
        return (swx2[end] - swx2[starts]) - (swx[end] - swx[starts]) ** 2 / total

    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    candidates = np.array([0])
    beaten: dict[int, np.ndarray] = {}  # time → starts to drop from then on
    for end in range(min_size, n + 1):
        if end in beaten:
            candidates = np.setdiff1d(candidates, beaten.pop(end), assume_unique=True)
        start = end - min_size
        if start >= min_size:  # a break at ``start`` leaves a first segment of min_size or more
            candidates = np.append(candidates, start)
        fits = best[candidates] + cost(candidates, end)
        k = int(np.argmin(fits))
        best[end], last[end] = fits[k] + penalty, candidates[k]
        # Pruning (Killick et al. 2012): a start that does worse than a break at ``end`` can
        # never be the best last break again — but only once a break at ``end`` is allowed,
        # min_size periods later, so it is dropped then, not now.
        worse = candidates[fits > best[end]]
        if len(worse):
            beaten[end + min_size] = worse
    breaks = []
    end = n
    while end > 0:
        end = int(last[end])
        if end > 0:
            breaks.append(end)
    return sorted(breaks)


def change_points(values: Sequence[float], standard_errors: Sequence[float | None] | None = None) -> list[int]:
    """Indices (into ``values``) where a new segment starts: PELT over the mean, each period
    weighted by its precision (see the module docstring).

    ``standard_errors``: one per value (None where a period has none), from the bootstrap
    bands. Breaks whose shift in level is under ``MOVE_THRESHOLD`` × the label scale are
    dropped, so a reported break is one the labels would also call a sizable move.
    """
    n = len(values)
    if n < 2 * MIN_SEGMENT:
        return []
    signal = np.asarray(values, dtype=float)
    if float(np.ptp(signal)) == 0.0:
        return []
    variances = period_variances(values, standard_errors)
    breaks = optimal_breaks(signal, variances, PENALTY_FACTOR * math.log(n))
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
