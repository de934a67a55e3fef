"""`assess`: every judgement of METHOD (J1-J5) for a set of series and surveys, as JSON.

Reads the layout of tests/golden/example-input.json and writes that of example-expected.json
(the reference answers; same keys and meanings, see tests/test_assess_golden.py), plus a
"flags" list per series and survey naming the edge cases of METHOD 2.8 that applied (short
series, small counts, no events, ...), "settings" in "_parameters", and, with the
Benjamini-Hochberg setting, "p_adjusted". A month not held is null in "counts" (METHOD 2.9):
then "yoy.matched_months", "same_month_last_year", "latest_12_months", "held_months",
"fitted_months" and the SPC "months" and "baseline_start" say which months were used. The
statistics live in period.py (J1), trend.py (J2, J3), projection.py (J3), spc.py (J4) and
survey.py (J5); the windows in assess_series.py, and the rules for gaps in gaps.py.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from importlib.metadata import version
from typing import Any

from briefings.assess_input import Survey, read_input
from briefings.assess_series import SeriesResult, assess_series
from briefings.method import MethodSettings
from briefings.months import format_month
from briefings.period import decide_change
from briefings.projection import target_phrase
from briefings.survey import SurveyChange, compare_waves, decide_survey
from briefings.trend import trend_phrase

LIBRARIES = ("numpy", "scipy", "statsmodels", "pymannkendall")


def assess(doc: object, settings: MethodSettings | None = None) -> dict[str, Any]:
    """The output document for an input document (both as parsed JSON).

    Raises data.errors.DataError, naming the series or survey and the field, for bad input.
    """
    settings = settings or MethodSettings()
    calendar, series, surveys = read_input(doc)
    results = [assess_series(s, settings) for s in series]
    changes = [compare_survey(s, settings) for s in surveys]
    adjusted = adjust_p_values(
        [(("series", r.series.id), r.yoy.p_value) for r in results if r.yoy is not None]
        + [(("surveys", s.id), c.p_value) for s, c in zip(surveys, changes, strict=True)],
        settings)
    document = {
        "_about": "Computed by CSP Bot (briefings.assess) per METHOD.md: J1-J5 for each series "
                  "and survey of the input.",
        "_versions": {name: version(name) for name in LIBRARIES},
        "_parameters": describe_parameters(calendar, settings),
        "series": [write_series(r, adjusted.get(("series", r.series.id)), settings)
                   for r in results],
        "surveys": [write_survey(s, c, adjusted.get(("surveys", s.id)), settings)
                    for s, c in zip(surveys, changes, strict=True)],
    }
    return _plain(document)


def describe_parameters(calendar: dict[str, Any], settings: MethodSettings) -> dict[str, Any]:
    """The "_parameters" block: the reference's keys, then every setting."""
    screening = ("outlier screening of moving ranges" if settings.spc_screening
                 else "no outlier screening")
    primary = ("primary on seasonally adjusted counts" if settings.spc_seasonal_adjustment
               else "primary on raw counts")
    return {
        "alpha": settings.alpha, "trend_window_months": settings.trend_window_months,
        "stable_pct": settings.stable_pct, "moderate_pct": settings.moderate_pct,
        "large_pct": settings.large_pct, "baseline_fy": calendar.get("baseline_fy"),
        "target_fy": calendar.get("target_fy"),
        "spc": f"XmR, MDC rules, {screening}, limits over the {settings.trend_window_months}-"
               f"month window; {primary}, spc_raw on raw counts",
        "settings": asdict(settings),
    }


def adjust_p_values(tests: list[tuple[tuple[str, str], float]], settings: MethodSettings
                    ) -> dict[tuple[str, str], float]:
    """Benjamini-Hochberg across the briefing's J1 and J5 tests, when the setting asks."""
    if not settings.bh_correction or not tests:
        return {}
    # Imported here: statsmodels.stats.multitest alone takes ~1.5 s to import, and the
    # correction is off by default.
    from statsmodels.stats.multitest import multipletests  # type: ignore[import-untyped]

    adjusted = multipletests([p for _, p in tests], alpha=settings.alpha, method="fdr_bh")[1]
    return {key: float(p) for (key, _), p in zip(tests, adjusted, strict=True)}


def compare_survey(s: Survey, settings: MethodSettings) -> SurveyChange:
    """J5 for one checked survey."""
    return compare_waves(s.baseline.x, s.baseline.n, s.current.x, s.current.n,
                         s.design_effect, s.target_pct, s.polarity, settings)


def write_series(r: SeriesResult, p_adjusted: float | None, settings: MethodSettings
                 ) -> dict[str, Any]:
    """One series in the reference layout (plus "flags")."""
    s = r.series
    yoy = r.yoy
    if yoy is not None and p_adjusted is not None:
        yoy = decide_change(yoy, p_adjusted, settings)
    yoy_out = asdict(yoy) if yoy is not None else None
    if yoy_out is not None and p_adjusted is not None:
        yoy_out["p_adjusted"] = p_adjusted
    return {
        "id": s.id, "indicator": s.indicator, "unit": s.unit, "polarity": s.polarity,
        "as_of": format_month(s.as_of),
        "yoy": yoy_out,
        "trend_glm": ({**asdict(r.trend), "fitted_monthly": r.fitted_monthly,
                       "fitted_months": r.fitted_months} if r.trend else None),
        "projection": ({**asdict(r.projection), "projected_monthly": r.projected_monthly}
                       if r.projection else None),
        "mann_kendall": {"current": asdict(r.mk_current) if r.mk_current else None,
                         "prior": asdict(r.mk_prior) if r.mk_prior else None},
        "spc": asdict(r.spc) if r.spc else None,
        "spc_raw": asdict(r.spc_raw) if r.spc_raw else None,
        "same_month_last_year": r.same_month_last_year,
        "latest_12_months": r.latest_12_months,
        "phrases": {
            "yoy": yoy.band if yoy is not None else None,
            "trend": trend_phrase(r.mk_current),
            "context": context_phrase(r, yoy),
            "target": target_phrase(r.projection),
        },
        "flags": r.flags,
    }


def context_phrase(r: SeriesResult, yoy: Any) -> str | None:
    """J2 context (METHOD 2.3): a significant J1 change against the earlier 3-year trend."""
    if r.mk_prior is None or yoy is None or not yoy.significant:
        return None
    if r.mk_prior.trend == "decreasing" and yoy.direction == "up":
        return "after a period of reduction, has increased"
    if r.mk_prior.trend == "increasing" and yoy.direction == "down":
        return "after a period of increase, has reduced"
    return None


def write_survey(s: Survey, change: SurveyChange, p_adjusted: float | None,
                 settings: MethodSettings) -> dict[str, Any]:
    """One survey in the reference layout (plus "flags")."""
    if p_adjusted is not None:
        change = decide_survey(change, p_adjusted, settings)
    out: dict[str, Any] = {"id": s.id, "indicator": s.indicator, "polarity": s.polarity}
    out.update(asdict(change))
    if p_adjusted is not None:
        out["p_adjusted"] = p_adjusted
    out["flags"] = ([] if s.design_effect_given else
                    [{"code": "design_effect_assumed",
                      "message": "No design effect given: 1 assumed (n_eff = n)."}])
    return out


def _plain(value: Any) -> Any:
    """JSON-ready: numpy scalars to Python, tuples to lists, NaN and infinities to None."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
