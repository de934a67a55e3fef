"""J4 of METHOD: statistical process control, as NHS England's Making Data Count does it.

XmR limits (mean +/- 2.66 x average moving range, optional screening of moving ranges at or
above 3.267 x their average) and the four MDC rules as NHSRplotthedots implements them: a point
outside the limits; a run of 7 points each strictly above (below) the one before (ties break
it); 2 of 3 points in the outer third, all 3 strictly on one side of the mean (only the points
in the outer third are marked); 7 points strictly on one side of the mean. Labels take the first
rule that applies in that order. Improvement or concern follows the rule's direction and the
indicator's polarity. No library implements MDC, hence this module (validated against the
NHSRplotthedots and nhspy-plotthedots fixtures in tests/test_published_fixtures.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from briefings.method import MethodSettings

COMMON = "Common Cause"


@dataclass(frozen=True)
class Limits:
    """Centre line and process limits of an XmR chart."""

    mean: float
    lpl: float
    upl: float
    average_moving_range: float


@dataclass(frozen=True)
class SpcChart:
    """J4 result: the fields of "spc" / "spc_raw" in example-expected.json."""

    window_months: list[str]
    values: str  # what was charted, in words
    values_used: list[float]
    mean: float
    lpl: float
    upl: float
    lpl_screened: float
    upl_screened: float
    special_cause_type: list[str]
    point_type: list[str]
    latest_special_cause_type: str
    latest_point_type: str
    any_concern_last6: bool  # within the latest settings.spc_recent_points points
    any_improvement_last6: bool
    assurance_vs_monthly_target: str | None  # consistent_pass / consistent_fail / inconsistent
    months: list[str]  # the month of each point (held months only, METHOD 2.9)
    baseline_start: str  # first month of the baseline the limits are computed on


def xmr_limits(values: ArrayLike, sigma: float = 2.66, screen: bool = False,
               screen_factor: float = 3.267) -> Limits:
    """Mean +/- sigma x average moving range; with `screen`, moving ranges >= screen_factor x
    their average are left out of the average (Nelson 1982), as NHSRplotthedots does."""
    y = np.asarray(values, dtype=float)
    mean = float(y.mean())
    ranges = np.abs(np.diff(y))
    average = float(ranges.mean()) if len(ranges) else 0.0
    if screen and len(ranges):
        kept = ranges[ranges < screen_factor * average]
        average = float(kept.mean()) if len(kept) else average
    return Limits(mean, mean - sigma * average, mean + sigma * average, average)


def outer_third(limits: Limits, sigma: float = 2.66) -> tuple[float, float]:
    """(lower, upper) bounds of the outer thirds: mean -/+ (2/3) x sigma x average moving
    range ("close to the limits" lies beyond them, inside the limits)."""
    half = 2.0 * sigma / 3.0 * limits.average_moving_range
    return limits.mean - half, limits.mean + half


def trend_runs(values: ArrayLike, length: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Points that belong to `length` points each strictly higher (rising) or strictly lower
    (falling) than the one before; a tie breaks the run."""
    y = np.asarray(values, dtype=float)
    step = np.sign(np.diff(y))
    rising, falling = np.zeros(len(y), bool), np.zeros(len(y), bool)
    for end in range(length - 1, len(y)):
        steps = step[end - length + 1:end]
        if (steps > 0).all():
            rising[end - length + 1:end + 1] = True
        elif (steps < 0).all():
            falling[end - length + 1:end + 1] = True
    return rising, falling


def side_runs(side: np.ndarray, length: int = 7) -> np.ndarray:
    """Points in a run of `length` or more on one side of the mean (a point on it breaks it)."""
    marked = np.zeros(len(side), bool)
    for end in range(length - 1, len(side)):
        window = side[end - length + 1:end + 1]
        if window[0] != 0 and (window == window[0]).all():
            marked[end - length + 1:end + 1] = True
    return marked


def two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Points in the outer third that are 2 (or 3) of 3 consecutive points there, all three
    strictly on the same side of the mean."""
    marked = np.zeros(len(close), bool)
    for start in range(len(close) - 2):
        window = slice(start, start + 3)
        if close[window].sum() >= 2 and abs(side[window].sum()) == 3:
            marked[window] |= close[window]
    return marked


def classify_points(values: ArrayLike, limits: Limits, polarity: str,
                    settings: MethodSettings) -> tuple[list[str], list[str]]:
    """(special_cause_type, point_type) per point, first rule first (METHOD 1.3 priority)."""
    y = np.asarray(values, dtype=float)
    outside = (y > limits.upl) | (y < limits.lpl)
    side = np.sign(y - limits.mean)
    near_low, near_high = outer_third(limits, settings.spc_limit_sigma)
    close = ~outside & ((y < near_low) | (y > near_high))
    rising, falling = trend_runs(y, settings.spc_trend_points)
    paired = two_in_three(close, side)
    shifted = side_runs(side, settings.spc_shift_points)
    n_trend, n_shift = settings.spc_trend_points, settings.spc_shift_points
    labels, kinds = [], []
    for i in range(len(y)):
        high = bool(side[i] > 0)
        if outside[i]:
            label, up = ("Above UCL" if y[i] > limits.upl else "Below LCL"), bool(y[i] > limits.upl)
        elif rising[i] or falling[i]:
            label = f"{n_trend} Point Trend ({'Increasing' if rising[i] else 'Decreasing'})"
            up = bool(rising[i])
        elif paired[i]:
            label, up = f"2 in 3 {'Above' if high else 'Below'} CL", high
        elif shifted[i]:
            label, up = f"{n_shift} Points {'Above' if high else 'Below'} CL", high
        else:
            labels.append(COMMON)
            kinds.append("common_cause")
            continue
        good = up != (polarity == "lower_is_better")
        labels.append(label)
        kinds.append("special_cause_improvement" if good else "special_cause_concern")
    return labels, kinds


def assurance(limits: Limits, target: float | None, polarity: str) -> str | None:
    """MDC assurance icon: the target beyond a process limit means it is consistently passed
    or failed (NHSRplotthedots `ptd_calculate_assurance_type`)."""
    if target is None:
        return None
    lower_better = polarity == "lower_is_better"
    if target > limits.upl:
        return "consistent_pass" if lower_better else "consistent_fail"
    if target < limits.lpl:
        return "consistent_fail" if lower_better else "consistent_pass"
    return "inconsistent"


def build_chart(values: ArrayLike, window: list[str], description: str, polarity: str,
                monthly_target: float | None, settings: MethodSettings,
                months: list[str]) -> SpcChart:
    """J4 for one series of points (one per month of `months`, the first starting the
    baseline): limits (primary and screened), labels, summary, assurance."""
    y = [float(v) for v in np.asarray(values, dtype=float)]
    screened = xmr_limits(y, settings.spc_limit_sigma, True, settings.spc_screen_factor)
    limits = (screened if settings.spc_screening
              else xmr_limits(y, settings.spc_limit_sigma, False))
    labels, kinds = classify_points(y, limits, polarity, settings)
    recent = kinds[-settings.spc_recent_points:]
    return SpcChart(
        window_months=window, values=description, values_used=y, mean=limits.mean,
        lpl=limits.lpl, upl=limits.upl, lpl_screened=screened.lpl, upl_screened=screened.upl,
        special_cause_type=labels, point_type=kinds, latest_special_cause_type=labels[-1],
        latest_point_type=kinds[-1], any_concern_last6="special_cause_concern" in recent,
        any_improvement_last6="special_cause_improvement" in recent,
        assurance_vs_monthly_target=assurance(limits, monthly_target, polarity),
        months=months, baseline_start=months[0])
