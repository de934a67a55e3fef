"""J3 of METHOD, second half: is the long-term trend "sufficient to meet the target"?

Projects the fitted log-linear model (briefings/trend.py) to the 12 months of the target
financial year, with a delta-method interval on the log scale; compares it with the target
value (baseline FY value x (1 - reduction/100), or as stated) and labels the confidence. Two
secondary projections are recorded, not decided on: OLS with month dummies on monthly values,
and the seasonal Theil-Sen line from J2's slope.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats  # type: ignore[import-untyped]

from briefings.method import MethodSettings
from briefings.trend import TrendModel, design_matrix


@dataclass(frozen=True)
class Secondary:
    """Secondary projections (METHOD 2.4.6): "projection.secondary" in example-expected.json."""

    ols_linear_seasonal_projected_value: float
    theil_sen_projected_value: float | None  # None without a J2 slope
    horizon_years_theil_sen: float


@dataclass(frozen=True)
class Projection:
    """The fields of "projection" in example-expected.json."""

    target_months: list[str]
    projected_value: float
    ci95_low: float  # at settings.confidence_level (95% by default, hence the name)
    ci95_high: float
    target_value: float | None
    meets_target: bool | None
    confidence: str | None  # confident_meet, likely_meet, likely_miss, confident_miss
    secondary: Secondary
    baseline_value: float | None


def project_model(model: TrendModel, months: Sequence[int], exposures: ArrayLike,
                  level: float) -> tuple[float, float, float]:
    """T = sum of fitted counts over `months` / mean exposure, and its CI (METHOD 2.4.4)."""
    x = model.design(months)
    mu = np.exp(x @ model.params) * np.asarray(exposures, dtype=float)
    total = float(mu.sum())
    gradient = mu @ x
    se_log = math.sqrt(float(gradient @ model.cov @ gradient)) / total
    z = float(stats.norm.ppf(0.5 + level / 2))
    scale = float(np.mean(np.asarray(exposures, dtype=float)))
    value = total / scale
    return value, value * math.exp(-z * se_log), value * math.exp(z * se_log)


def judge_target(value: float, low: float, high: float, target: float | None,
                 polarity: str) -> tuple[bool | None, str | None]:
    """(meets_target, confidence): meets = value <= target (>= when higher is better)."""
    if target is None:
        return None, None
    lower_better = polarity == "lower_is_better"

    def meets(v: float) -> bool:
        return v <= target if lower_better else v >= target

    worst, best = (high, low) if lower_better else (low, high)
    if meets(worst):
        return True, "confident_meet"
    if not meets(best):
        return False, "confident_miss"
    return (True, "likely_meet") if meets(value) else (False, "likely_miss")


def project_ols_seasonal(values: ArrayLike, months: Sequence[int],
                         target_months: Sequence[int], seasonal: bool) -> float:
    """OLS of monthly values on a linear trend (and month dummies when J3 kept month effects),
    summed over the target months (`numpy.linalg.lstsq`)."""
    as_of = int(months[-1])
    coef = np.linalg.lstsq(design_matrix(months, as_of, seasonal),
                           np.asarray(values, dtype=float), rcond=None)[0]
    return float((design_matrix(target_months, as_of, seasonal) @ coef).sum())


def theil_sen_horizon(as_of: int, target_start: int) -> float:
    """Years from the centre of the latest 12 months to the centre of the target year."""
    return (target_start - as_of + 11) / 12.0


def build_projection(model: TrendModel, window_values: ArrayLike,
                     window_months: Sequence[int], target_months: Sequence[int],
                     target_exposures: ArrayLike, latest_r12_value: float | None,
                     slope_per_year: float | None, baseline_value: float | None,
                     target_value: float | None, polarity: str, labels: list[str],
                     settings: MethodSettings) -> Projection:
    """J3 projection, target judgement and secondary projections for one series (no Theil-Sen
    line without the latest 12-month value, which a gap there leaves unknown)."""
    value, low, high = project_model(model, target_months, target_exposures,
                                     settings.confidence_level)
    meets, confidence = judge_target(value, low, high, target_value, polarity)
    horizon = theil_sen_horizon(model.as_of, int(target_months[0]))
    theil_sen = (latest_r12_value + 12.0 * slope_per_year * horizon
                 if slope_per_year is not None and latest_r12_value is not None else None)
    secondary = Secondary(
        ols_linear_seasonal_projected_value=project_ols_seasonal(
            window_values, window_months, target_months, model.fit.seasonal_terms),
        theil_sen_projected_value=theil_sen, horizon_years_theil_sen=horizon)
    return Projection(target_months=labels, projected_value=value, ci95_low=low,
                      ci95_high=high, target_value=target_value, meets_target=meets,
                      confidence=confidence, secondary=secondary,
                      baseline_value=baseline_value)


def projections_disagree(projection: Projection, settings: MethodSettings) -> bool:
    """The data-quality flag of METHOD 2.4.6: a secondary projection far from T."""
    main = projection.projected_value
    others = [projection.secondary.ols_linear_seasonal_projected_value,
              projection.secondary.theil_sen_projected_value]
    limit = settings.projection_disagreement_pct / 100.0
    return any(v is not None and abs(v - main) > limit * abs(main) for v in others)


def target_phrase(projection: Projection | None) -> str | None:
    """J3 wording: 'the long-term trend is (not) sufficient to meet the target'."""
    if projection is None or projection.meets_target is None:
        return None
    return ("the long-term trend is sufficient to meet the target" if projection.meets_target
            else "the long-term trend is not sufficient to meet the target")
