"""J1-J4 for one monthly series: which months each judgement uses, and the edge cases.

Picks the windows of METHOD (R12 or FYTD for J1; the latest whole years, 36 months or the
24-month fall-back, for J2-J4; the 36 months ending a year earlier for J2's context), the
baseline and target values, and records every edge case of METHOD 2.8 as a flag rather than an
exception. Called by briefings/assess.py, which writes the results out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from briefings.assess_input import Series
from briefings.method import MethodSettings
from briefings.months import fy_of, fy_position, month_span, parse_fy
from briefings.period import PeriodChange, compare_periods
from briefings.projection import Projection, build_projection, projections_disagree
from briefings.spc import SpcChart, build_chart
from briefings.trend import SeasonalTrend, TrendFit, TrendModel, detect_seasonal_trend, fit_trend

ADJUSTED = "monthly counts / seasonal factor (from the trend GLM)"
RAW = "raw monthly counts (MDC parity)"


@dataclass
class SeriesResult:
    """Everything computed for one series, before it is written out."""

    series: Series
    yoy: PeriodChange | None = None
    trend: TrendFit | None = None
    projection: Projection | None = None
    mk_current: SeasonalTrend | None = None
    mk_prior: SeasonalTrend | None = None
    spc: SpcChart | None = None
    spc_raw: SpcChart | None = None
    flags: list[dict[str, str]] = field(default_factory=list)
    fitted_monthly: list[float] | None = None  # the J3 model's monthly fit over its window
    projected_monthly: list[float] | None = None  # ... and over the target year (for charts)

    def flag(self, code: str, message: str) -> None:
        self.flags.append({"code": code, "message": message})


def assess_series(s: Series, settings: MethodSettings) -> SeriesResult:
    """J1-J4 for one series, with flags for the edge cases of METHOD 2.8."""
    result = SeriesResult(series=s)
    held = len(s.counts)
    if s.months_after_as_of:
        result.flag("months_after_as_of", f"{s.months_after_as_of} month(s) after the as-of "
                    "month were left out.")
    if held >= settings.min_months_period:
        result.yoy = period_change(s, settings)
        if result.yoy.small_counts:
            result.flag("small_counts", f"Fewer than {settings.small_count_threshold} events "
                        "in a period: say the counts, not the % change.")
    else:
        result.flag("too_short_for_period_change", f"{held} months held; the period "
                    f"comparison needs {settings.min_months_period}.")
    window = min(settings.trend_window_months, held // 12 * 12)
    if window < settings.min_months_trend:
        result.flag("too_short_for_trend", f"{held} months held; trends need "
                    f"{settings.min_months_trend}.")
        chart_months = list(range(s.as_of - min(held, settings.trend_window_months) + 1,
                                  s.as_of + 1))
        add_charts(result, chart_months, [1.0] * 12, settings)
        return result
    if window < settings.trend_window_months:
        result.flag("trend_window_shortened", f"Trends use {window} months, not "
                    f"{settings.trend_window_months}: only {held} are held.")
    months = list(range(s.as_of - window + 1, s.as_of + 1))
    values = s.counts_for(months) / s.exposure(months)
    result.mk_current = detect_seasonal_trend(values, month_span(months[0], months[-1]),
                                              settings)
    if held >= window + 12:
        prior = [m - 12 for m in months]
        result.mk_prior = detect_seasonal_trend(
            s.counts_for(prior) / s.exposure(prior), month_span(prior[0], prior[-1]), settings)
    else:
        result.flag("no_prior_window", "Too few months for the trend before the latest year.")
    model = fit_trend(s.counts_for(months), s.exposure(months), months,
                      month_span(months[0], months[-1]), settings)
    if model is None:
        result.flag("no_events", "No events in the trend window: no trend or projection.")
        add_charts(result, months, [1.0] * 12, settings)
        return result
    if model.warned:
        result.flag("model_warning", "The trend model warned (e.g. did not converge).")
    result.trend = model.fit
    result.fitted_monthly = fitted_values(model, months)
    result.projection = projection(result, model, months, values, settings)
    if result.projection is not None and s.target is not None:
        start = parse_fy(s.target.target_fy)
        result.projected_monthly = fitted_values(model, list(range(start, start + 12)))
    add_charts(result, months, model.fit.seasonal_factors_apr_to_mar, settings)
    return result


def fitted_values(model: TrendModel, months: list[int]) -> list[float]:
    """The model's expected value per unit of exposure (a count, or a rate) for each month."""
    return [float(v) for v in np.exp(model.design(months) @ model.params)]


def period_change(s: Series, settings: MethodSettings) -> PeriodChange:
    """J1 windows: R12 vs the 12 before, or FYTD vs the same months a year earlier."""
    length = 12 if settings.comparison == "r12" else fy_position(s.as_of) + 1
    current = list(range(s.as_of - length + 1, s.as_of + 1))
    previous = [m - 12 for m in current]
    return compare_periods(
        s.counts_for(current), s.counts_for(previous), s.exposure(current),
        s.exposure(previous), (month_span(current[0], current[-1]),
                               month_span(previous[0], previous[-1])), settings)


def projection(result: SeriesResult, model: TrendModel, months: list[int],
               values: np.ndarray, settings: MethodSettings) -> Projection | None:
    """J3 projection to the target FY, with the baseline and target values."""
    s = result.series
    if s.target is None:
        result.flag("no_target", "No target: no projection.")
        return None
    start = parse_fy(s.target.target_fy)
    target_months = list(range(start, start + 12))
    if start + 11 <= s.as_of:
        result.flag("target_year_past", "The target year is over: its projection is the "
                    "model's fit, not an outturn.")
    exposures = target_exposures(s, target_months)
    baseline = baseline_value(result)
    target_value = s.target.target_value
    if target_value is None and baseline is not None and s.target.reduction_pct is not None:
        target_value = baseline * (1 - s.target.reduction_pct / 100.0)
    latest = list(range(s.as_of - 11, s.as_of + 1))
    r12 = float(s.counts_for(latest).sum() / s.exposure(latest).mean())
    slope = result.mk_current.slope_per_year if result.mk_current else None
    made = build_projection(model, values, months, target_months, exposures, r12, slope,
                            baseline, target_value, s.polarity,
                            month_span(target_months[0], target_months[-1]), settings)
    if projections_disagree(made, settings):
        result.flag("projections_disagree", "A secondary projection differs from the model's "
                    f"by more than {settings.projection_disagreement_pct:g}%.")
    return made


def target_exposures(s: Series, target_months: list[int]) -> np.ndarray:
    """Exposure of the target months: the target FY's population when given, else the latest
    one (a rate's projection does not depend on it: it cancels)."""
    if s.unit == "count":
        return np.ones(len(target_months))
    assert s.population is not None
    known = fy_of(target_months[0]) in s.population
    return s.exposure([target_months[0] if known else s.as_of] * len(target_months))


def baseline_value(result: SeriesResult) -> float | None:
    """Value of the baseline FY: its 12 counts over its mean monthly exposure."""
    s = result.series
    if s.target is None or s.target.baseline_fy is None:
        return None
    start = parse_fy(s.target.baseline_fy)
    if start < s.first or start + 11 > s.as_of:
        result.flag("baseline_year_not_held", f"The baseline year {s.target.baseline_fy} is "
                    "not wholly in the data: no baseline or target value.")
        return None
    months = list(range(start, start + 12))
    return float(s.counts_for(months).sum() / s.exposure(months).mean())


def add_charts(result: SeriesResult, months: list[int], factors: list[float],
               settings: MethodSettings) -> None:
    """J4: the primary (seasonally adjusted) and raw-count XmR charts."""
    s = result.series
    if len(months) < 2:
        return
    if len(months) < settings.spc_min_points:
        result.flag("spc_trial_limits", f"Only {len(months)} points: trial limits.")
    counts = s.counts_for(months).astype(float)
    target = (result.projection.target_value if result.projection else None)
    monthly = target / 12.0 if target is not None and s.unit == "count" else None
    span = month_span(months[0], months[-1])
    if settings.spc_seasonal_adjustment:
        adjusted = counts / np.array([factors[fy_position(m)] for m in months])
        result.spc = build_chart(adjusted, span, ADJUSTED, s.polarity, monthly, settings)
    result.spc_raw = build_chart(counts, span, RAW, s.polarity, monthly, settings)
    if result.spc is None:
        result.spc = result.spc_raw
