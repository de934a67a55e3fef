"""J1 of METHOD: is the latest period up or down on the one before ("well down", "stable")?

Rolling 12 months (or financial year to date) against the same months a year earlier, as a rate
over exposure: an exact conditional Poisson test (`scipy.stats.binomtest`), its mid-p
(`statsmodels test_poisson_2indep(method='cond-midp')`), and a quasi-Poisson z test using the
month-paired dispersion of the 2 x k table (`scipy.stats.chi2_contingency`). A change is
significant only if both p-values are below alpha. Also Byar's interval for a count (METHOD 2.8,
small counts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats  # type: ignore[import-untyped]
from statsmodels.stats.rates import test_poisson_2indep  # type: ignore[import-untyped]

from briefings.method import MethodSettings


@dataclass(frozen=True)
class PeriodChange:
    """J1 result; the fields are those of "yoy" in example-expected.json, then our additions."""

    current_months: list[str]
    previous_months: list[str]
    count_current: int
    count_previous: int
    exposure_current: float
    exposure_previous: float
    value_current: float
    value_previous: float
    rate_ratio: float | None  # None when the previous count is 0
    pct_change: float | None
    p_exact: float
    p_midp: float
    dispersion_phi: float | None  # None when the table has fewer than 2 usable months
    phi_used: float
    z_quasi: float | None  # None when either count is 0 (then p_quasi = p_exact)
    p_quasi: float
    p_value: float
    significant: bool
    direction: str  # "down", "up" or "none"
    band: str
    small_counts: bool  # a count below settings.small_count_threshold: say counts, not %
    value_ci_current: list[float]  # Byar's (count >= 10) or exact interval of the value
    value_ci_previous: list[float]
    matched_months: int  # calendar months compared (METHOD 2.9): all of the window without gaps


def compare_periods(current: ArrayLike, previous: ArrayLike,
                    exposure_current: ArrayLike, exposure_previous: ArrayLike,
                    months: tuple[list[str], list[str]], settings: MethodSettings) -> PeriodChange:
    """J1 on two windows of monthly counts paired by calendar month, with monthly exposures
    (with gaps, only the calendar months held in both windows are passed: METHOD 2.9)."""
    cur = np.asarray(current, dtype=float)
    prev = np.asarray(previous, dtype=float)
    c1, c2 = int(round(cur.sum())), int(round(prev.sum()))
    e1 = float(np.mean(np.asarray(exposure_current, dtype=float)))
    e2 = float(np.mean(np.asarray(exposure_previous, dtype=float)))
    ratio = (c1 / e1) / (c2 / e2) if c2 > 0 else None
    pct = (ratio - 1.0) * 100.0 if ratio is not None else None
    p_exact, p_midp = exact_poisson_pvalues(c1, e1, c2, e2)
    phi = month_paired_dispersion(cur, prev)
    phi_used = max(1.0, phi) if phi is not None else 1.0
    if c1 > 0 and c2 > 0 and ratio is not None:
        z_value = math.log(ratio) / math.sqrt(phi_used * (1.0 / c1 + 1.0 / c2))
        z: float | None = z_value
        p_quasi = float(2.0 * stats.norm.sf(abs(z_value)))
    else:
        z, p_quasi = None, p_exact
    p_value = max(p_exact, p_quasi)
    direction = _direction(c1 / e1, c2 / e2)
    level = settings.confidence_level
    change = PeriodChange(
        current_months=months[0], previous_months=months[1], count_current=c1,
        count_previous=c2, exposure_current=e1, exposure_previous=e2, value_current=c1 / e1,
        value_previous=c2 / e2, rate_ratio=ratio, pct_change=pct, p_exact=p_exact,
        p_midp=p_midp, dispersion_phi=phi, phi_used=phi_used, z_quasi=z, p_quasi=p_quasi,
        p_value=p_value, significant=False, direction=direction, band="stable",
        small_counts=min(c1, c2) < settings.small_count_threshold,
        value_ci_current=[b / e1 for b in count_interval(c1, level)],
        value_ci_previous=[b / e2 for b in count_interval(c2, level)],
        matched_months=len(cur))
    return decide_change(change, p_value, settings)


def decide_change(change: PeriodChange, p_value: float, settings: MethodSettings
                  ) -> PeriodChange:
    """Significance and band from a p-value (J1's own, or one adjusted across a briefing)."""
    significant = p_value < settings.alpha
    return replace(change, significant=significant,
                   band=band_of(change.pct_change, change.direction, significant, settings))


def exact_poisson_pvalues(c1: int, e1: float, c2: int, e2: float) -> tuple[float, float]:
    """Two-sided exact conditional p-value and its mid-p for c1/e1 vs c2/e2 (1.0, 1.0 if no
    events at all)."""
    if c1 + c2 == 0:
        return 1.0, 1.0
    p_exact = float(stats.binomtest(c1, c1 + c2, e1 / (e1 + e2)).pvalue)
    p_midp = float(test_poisson_2indep(c1, e1, c2, e2, method="cond-midp").pvalue)
    return p_exact, min(p_midp, 1.0)


def month_paired_dispersion(current: np.ndarray, previous: np.ndarray) -> float | None:
    """Pearson X^2/df of the period x calendar-month table, months with zero total dropped."""
    table = np.vstack([current, previous])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return None
    result = stats.chi2_contingency(table, correction=False)
    return float(result.statistic / result.dof)


def band_of(pct: float | None, direction: str, significant: bool,
            settings: MethodSettings) -> str:
    """The J1 band (METHOD 2.2 table): 'stable', 'slightly down', ..., 'sharply up'."""
    if direction == "none":
        return "stable"
    size = abs(pct) if pct is not None else math.inf  # from zero: as large as can be
    down = direction == "down"
    if not significant:
        if size < settings.stable_pct:
            return "stable"
        words = "slightly down" if down else "slightly up"
        return words + (", not statistically significant" if settings.say_not_significant
                        else "")
    if size < settings.moderate_pct:
        return "down" if down else "up"
    if size < settings.large_pct:
        return "significantly down" if down else "significantly up"
    return "well down" if down else "sharply up"


def byars_interval(count: float, level: float = 0.95) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval of a count (PHE technical guide)."""
    z = float(stats.norm.ppf(0.5 + level / 2))
    low = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    up = count + 1
    high = up * (1 - 1 / (9 * up) + z / (3 * math.sqrt(up))) ** 3
    return low, high


def exact_poisson_interval(count: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood, chi-squared) interval of a Poisson count."""
    tail = (1 - level) / 2
    low = 0.0 if count == 0 else float(stats.chi2.ppf(tail, 2 * count) / 2)
    return low, float(stats.chi2.ppf(1 - tail, 2 * count + 2) / 2)


def count_interval(count: float, level: float = 0.95) -> tuple[float, float]:
    """The PHE rule: exact interval below 10 events, Byar's from 10."""
    return exact_poisson_interval(count, level) if count < 10 else byars_interval(count, level)


def _direction(current_value: float, previous_value: float) -> str:
    if current_value < previous_value:
        return "down"
    return "up" if current_value > previous_value else "none"
