"""J1-J4 for one monthly series: which months each judgement uses, and the edge cases.

Picks the windows of METHOD (R12 or FYTD for J1; the latest whole years, 36 months or the
24-month fall-back, for J2-J4; the 36 months ending a year earlier for J2's context), the
baseline and target values, and records every edge case of METHOD 2.8 as a flag rather than an
exception. With gaps (METHOD 2.9) each judgement uses the months briefings/gaps.py allows, and
says so in a flag. Called by briefings/assess.py, which writes the results out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from briefings import gaps
from briefings.held_series import Series
from briefings.method import MethodSettings
from briefings.months import format_month, fy_of, fy_position, month_span, parse_fy
from briefings.period import PeriodChange, compare_periods
from briefings.projection import Projection, build_projection, projections_disagree
from briefings.spc import SpcChart, build_chart
from briefings.trend import SeasonalTrend, TrendFit, TrendModel, detect_seasonal_trend, fit_trend
from data.words import counted

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
    fitted_months: list[str] | None = None  # ... and its months, every month of the window
    same_month_last_year: dict[str, object] | None = None  # when gaps leave no J1
    latest_12_months: dict[str, object] | None = None  # when all 12 latest months are held
    projected_monthly: list[float] | None = None  # ... and over the target year (for charts)

    def flag(self, code: str, message: str) -> None:
        self.flags.append({"code": code, "message": message})


def assess_series(s: Series, settings: MethodSettings) -> SeriesResult:
    """J1-J4 for one series, with flags for the edge cases of METHOD 2.8."""
    result = SeriesResult(series=s, latest_12_months=gaps.latest_twelve(s))
    span = len(s.counts)  # months from the first to the as-of month, gaps included
    held = (f"{span}" if not np.isnan(s.counts).any()
            else f"{span - int(np.isnan(s.counts).sum())} of {span}")
    if s.months_after_as_of:
        result.flag("months_after_as_of", f"{s.months_after_as_of} month(s) after the as-of "
                    "month were left out.")
    if not s.is_held(s.as_of):
        result.flag("as_of_not_held", f"The as-of month {format_month(s.as_of)} is not held: "
                    "no figure is shown for it.")
    if span >= settings.min_months_period:
        judge_period(result, settings)
    else:
        result.flag("too_short_for_period_change", f"{counted(held, 'month')} held; the period "
                    f"comparison needs {settings.min_months_period}.")
    window = min(settings.trend_window_months, span // 12 * 12)
    if window < settings.min_months_trend:
        result.flag("too_short_for_trend", f"{counted(held, 'month')} held; trends need "
                    f"{settings.min_months_trend}.")
        chart_months = list(range(s.as_of - min(span, settings.trend_window_months) + 1,
                                  s.as_of + 1))
        add_charts(result, chart_months, [1.0] * 12, settings)
        return result
    if window < settings.trend_window_months:
        result.flag("trend_window_shortened", f"Trends use {window} months, not "
                    f"{settings.trend_window_months}: only {held} are held.")
    months = list(range(s.as_of - window + 1, s.as_of + 1))
    why = gaps.trend_gap_reason(s, months, settings)
    if why is not None:
        result.flag("no_trend_gaps", f"No trend judgement: {why}.")
        add_charts(result, months, [1.0] * 12, settings)
        return result
    held_months = s.held_of(months)
    result.mk_current = detect_seasonal_trend(s.values_for(months),
                                              month_span(months[0], months[-1]), settings)
    prior = [m - 12 for m in months]
    prior_why = gaps.trend_gap_reason(s, prior, settings) if span >= window + 12 else None
    if span < window + 12:
        result.flag("no_prior_window", "Too few months for the trend before the latest year.")
    elif prior_why is not None:
        result.flag("no_prior_window", f"No trend before the latest year: {prior_why}.")
    else:
        result.mk_prior = detect_seasonal_trend(s.values_for(prior),
                                                month_span(prior[0], prior[-1]), settings)
    model = fit_trend(s.counts_for(held_months), s.exposure(held_months), held_months,
                      month_span(months[0], months[-1]), settings, as_of=s.as_of)
    if model is None:
        result.flag("no_events", "No events in the trend window: no trend or projection.")
        add_charts(result, months, [1.0] * 12, settings)
        return result
    if model.warned:
        result.flag("model_warning", "The trend model warned (e.g. did not converge).")
    result.trend = model.fit
    result.fitted_monthly = fitted_values(model, months)
    result.fitted_months = [format_month(m) for m in months]
    result.projection = projection(result, model, held_months,
                                   s.values_for(held_months), settings)
    if result.projection is not None and s.target is not None:
        start = parse_fy(s.target.target_fy)
        result.projected_monthly = fitted_values(model, list(range(start, start + 12)))
    add_charts(result, months, model.fit.seasonal_factors_apr_to_mar, settings)
    return result


def fitted_values(model: TrendModel, months: list[int]) -> list[float]:
    """The model's expected value per unit of exposure (a count, or a rate) for each month."""
    return [float(v) for v in np.exp(model.design(months) @ model.params)]


def judge_period(result: SeriesResult, settings: MethodSettings) -> None:
    """J1 (METHOD 2.2), with the gaps of METHOD 2.9: on the matched calendar months when at
    most 3 are missing, else no J1 but the latest month against the same month a year ago."""
    s = result.series
    length = 12 if settings.comparison == "r12" else fy_position(s.as_of) + 1
    current = list(range(s.as_of - length + 1, s.as_of + 1))
    previous = [m - 12 for m in current]
    matched = gaps.matched_positions(s, current, previous)
    labels = (month_span(current[0], current[-1]), month_span(previous[0], previous[-1]))
    if not gaps.can_match(length, len(matched)):
        result.flag("too_many_gaps_for_period_change", "No period comparison: "
                    f"{length - len(matched)} of the {length} calendar months are not held in "
                    f"{_words(labels[0])} or in {_words(labels[1])} (at most "
                    f"{gaps.MAX_MISSING} may be missing).")
        result.same_month_last_year = gaps.same_month_last_year(s, settings)
        return
    if len(matched) < length:
        missing = sorted(format_month(m) for m in previous + current if not s.is_held(m))
        result.flag("matched_months", f"Based on {len(matched)} matched months: "
                    f"{', '.join(missing)} not held, so the same calendar months are left "
                    "out of the other year.")
    result.yoy = period_change(s, [current[i] for i in matched], labels, settings)
    if result.yoy.small_counts:
        result.flag("small_counts", f"Fewer than {settings.small_count_threshold} events "
                    "in a period: say the counts, not the % change.")


def period_change(s: Series, current: list[int], labels: tuple[list[str], list[str]],
                  settings: MethodSettings) -> PeriodChange:
    """J1 on the given months of the current window against the same months a year earlier
    (R12 vs the 12 before, or FYTD vs the same months; the matched months with gaps)."""
    previous = [m - 12 for m in current]
    return compare_periods(s.counts_for(current), s.counts_for(previous), s.exposure(current),
                           s.exposure(previous), labels, settings)


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
    r12 = (float(s.counts_for(latest).sum() / s.exposure(latest).mean())
           if result.latest_12_months is not None else None)
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
    months = list(range(start, start + 12))
    if start < s.first or start + 11 > s.as_of or len(s.held_of(months)) < 12:
        result.flag("baseline_year_not_held", f"The baseline year {s.target.baseline_fy} is "
                    "not wholly in the data: no baseline or target value.")
        return None
    return float(s.counts_for(months).sum() / s.exposure(months).mean())


def add_charts(result: SeriesResult, months: list[int], factors: list[float],
               settings: MethodSettings) -> None:
    """J4: the primary (seasonally adjusted) and raw-count XmR charts of the window's held
    months, from the last gap longer than 3 months on (METHOD 2.9)."""
    s = result.series
    points, gap = gaps.spc_baseline(s, months)
    since = ""
    if gap is not None:
        since = f" since the gap of {gaps.gap_words(*gap)}"
        result.flag("spc_new_baseline", f"No figures for {gaps.gap_words(*gap)}: the SPC "
                    f"limits start again at {format_month(points[0])}.")
    if len(points) < 2:
        if len(months) >= 2:
            result.flag("no_spc", f"No SPC chart: {len(points)} held month(s) in "
                        f"{_words(month_span(months[0], months[-1]))}{since}.")
        return
    if len(points) < settings.spc_min_points:
        result.flag("spc_trial_limits", f"Only {len(points)} points{since}: trial limits.")
    counts = s.counts_for(points)
    target = (result.projection.target_value if result.projection else None)
    monthly = target / 12.0 if target is not None and s.unit == "count" else None
    span = month_span(months[0], months[-1])
    labels = [format_month(m) for m in points]
    if settings.spc_seasonal_adjustment:
        adjusted = counts / np.array([factors[fy_position(m)] for m in points])
        result.spc = build_chart(adjusted, span, ADJUSTED, s.polarity, monthly, settings,
                                 labels)
    result.spc_raw = build_chart(counts, span, RAW, s.polarity, monthly, settings, labels)
    if result.spc is None:
        result.spc = result.spc_raw


def _words(span: list[str]) -> str:
    return f"{span[0]} to {span[1]}"
