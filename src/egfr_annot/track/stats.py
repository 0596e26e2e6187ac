"""Exponential decay of a clone's VAF: a log-linear weighted least-squares fit with a 95 %
confidence interval, in pure Python (scipy is not a dependency) (issue #10).

Model: ``ln VAF(t) = a + b t`` (t in days), decay rate ``k = -b`` per day, half-life
``ln 2 / k``.

Weights: the binomial sampling variance of each VAF, carried to the log scale with the delta
method: ``Var(ln p^) ~= (1 - p) / (n p)`` with ``n`` the depth, i.e. ``(1 - p) / alt_reads``.
Low-VAF points (few ALT reads) count less.

Interval for ``b`` (then for ``k`` and the half-life, which is monotone in ``k``):

* read counts known, 2 points: ``SE(b) = sqrt(1 / Sxx_w)`` (the sampling variances are taken as
  known), normal quantile 1.96. This is why a 2-point fit still has an interval.
* read counts known, >= 3 points: the residual scale ``phi = chi2 / (n - 2)`` is computed; when
  ``phi > 1`` (the points scatter more than read sampling explains: biology, assay noise) the SE
  is multiplied by ``sqrt(phi)`` and the quantile is Student's t with ``n - 2`` degrees of
  freedom (a quasi-likelihood/Birge-ratio correction: never narrower than sampling alone).
  When ``phi <= 1`` the sampling-only interval is kept.
* read counts missing: >= 3 points use ordinary least squares with the residual variance and
  t(n - 2); 2 points give an estimate without an interval.

The t quantile is computed from the regularised incomplete beta function (continued fraction,
Numerical Recipes 6.4) and bisection: exact to ~1e-10, checked against published tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

Z_975: Final = 1.959963984540054
LN2: Final = math.log(2.0)

FitStatus = Literal[
    "ok",  # decay with an interval that excludes zero
    "ci_includes_zero",  # no significant change (a half-life estimate when the VAF falls)
    "rising",  # the VAF grows significantly: no half-life
    "no_read_counts",  # 2 points without read counts: estimate only
    "too_few_points",  # fewer than 2 detected points
    "same_day",  # all points on one date
    "no_decay_phase",  # on anti-EGFR therapy at the latest sample: nothing to fit yet
    "not_applicable",  # copy-number alterations have no VAF
]


@dataclass(frozen=True, slots=True)
class FitPoint:
    days: float
    vaf: float
    alt_reads: float | None  # ALT reads (or VAF x depth); None when unknown


@dataclass(frozen=True, slots=True)
class DecayFit:
    status: FitStatus
    n_points: int
    method: str
    slope: float | None = None  # d ln(VAF) / d day
    slope_se: float | None = None
    quantile: float | None = None
    rate: float | None = None  # decay rate per day (= -slope)
    rate_low: float | None = None
    rate_high: float | None = None
    half_life: float | None = None  # days
    half_life_low: float | None = None
    half_life_high: float | None = None  # None = unbounded (the interval includes no decay)
    note: str = ""


def fit_decay(points: Sequence[FitPoint]) -> DecayFit:
    """Fit ``ln VAF`` against days; see the module docstring for weights and intervals."""
    n = len(points)
    if n < 2:
        return DecayFit("too_few_points", n, "", note=f"{n} detected point(s): need 2")
    xs = [p.days for p in points]
    if max(xs) == min(xs):
        return DecayFit("same_day", n, "", note="all detected points are on the same date")
    if any(p.vaf <= 0 for p in points):
        raise ValueError("a detected point needs a VAF > 0")
    ys = [math.log(p.vaf) for p in points]
    counts = all(p.alt_reads is not None and p.alt_reads > 0 for p in points)
    if counts:
        ws = [1.0 / _log_vaf_variance(p.vaf, p.alt_reads or 0.0) for p in points]
    else:
        ws = [1.0] * n
    sw = sum(ws)
    xbar = sum(w * x for w, x in zip(ws, xs, strict=True)) / sw
    ybar = sum(w * y for w, y in zip(ws, ys, strict=True)) / sw
    sxx = sum(w * (x - xbar) ** 2 for w, x in zip(ws, xs, strict=True))
    sxy = sum(w * (x - xbar) * (y - ybar) for w, x, y in zip(ws, xs, ys, strict=True))
    slope = sxy / sxx
    intercept = ybar - slope * xbar
    df = n - 2
    rss = sum(w * (y - intercept - slope * x) ** 2 for w, x, y in zip(ws, xs, ys, strict=True))

    if counts:
        se = math.sqrt(1.0 / sxx)
        quantile = Z_975
        method = "WLS on ln VAF, binomial variance (delta method), normal 95% quantile"
        if df >= 1:
            phi = rss / df
            if phi > 1.0:
                se *= math.sqrt(phi)
                quantile = t_quantile(0.975, df)
                method = (
                    f"WLS on ln VAF, binomial variance scaled by the residual variance "
                    f"(phi {phi:.2f}), t({df}) 95% quantile"
                )
            else:
                method += f" (residual scale phi {phi:.2f} <= 1: sampling variance kept)"
    elif df >= 1:
        se = math.sqrt(rss / df / sxx)
        quantile = t_quantile(0.975, df)
        method = f"OLS on ln VAF (read counts missing), residual variance, t({df}) 95% quantile"
    else:
        rate = -slope
        return DecayFit(
            "no_read_counts", n, "OLS on ln VAF (read counts missing)", slope=slope, rate=rate,
            half_life=LN2 / rate if rate > 0 else None,
            note="2 points without read counts: no confidence interval",
        )

    rate = -slope
    low, high = rate - quantile * se, rate + quantile * se
    base = DecayFit("ok", n, method, slope=slope, slope_se=se, quantile=quantile, rate=rate,
                    rate_low=low, rate_high=high)
    if high < 0:
        return replace(base, status="rising",
                       note=f"VAF rising (doubling time {LN2 / slope:.1f} days): no half-life")
    if low <= 0:
        if rate <= 0:
            return replace(base, status="ci_includes_zero",
                           note="no significant change (VAF not decreasing): no half-life")
        return replace(
            base, status="ci_includes_zero", half_life=LN2 / rate, half_life_low=LN2 / high,
            note="the 95% interval of the decay rate includes zero: no significant decay",
        )
    half_life = LN2 / rate
    return replace(base, half_life=half_life, half_life_low=LN2 / high, half_life_high=LN2 / low)


def _log_vaf_variance(vaf: float, alt_reads: float) -> float:
    """Delta-method variance of ln(p^) for a binomial proportion: (1 - p) / (n p) =
    (1 - p) / alt_reads. A VAF of 1 would give 0: floor (1 - p) at 1/(2 n)."""
    depth = alt_reads / vaf
    return max(1.0 - vaf, 0.5 / depth) / alt_reads


# -- Student's t quantile ------------------------------------------------------------------------
def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (0.5 < p < 1) of Student's t with ``df`` degrees of freedom."""
    if not 0.5 < p < 1 or df < 1:
        raise ValueError(f"t_quantile needs 0.5 < p < 1 and df >= 1 (got p={p}, df={df})")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        a = 4 * p * (1 - p)
        return 2 * (p - 0.5) * math.sqrt(2 / a)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    x = df / (df + t * t)
    tail = 0.5 * _betainc(df / 2, 0.5, x)
    return 1 - tail if t >= 0 else tail


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x)
        + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1 - math.exp(log_front) * _betacf(b, a, 1 - x) / b


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return h
