"""J5 of METHOD: has a survey percentage (e.g. NI 17) changed, and where is it vs target?

Weighted proportions on the effective sample size n / design effect; pooled two-proportion z
test (`statsmodels proportions_ztest`), Wilson intervals per wave (`proportion_confint`),
Newcombe's interval of the difference (`confint_proportions_2indep(method='newcomb')`).
Position vs target by the point estimate, "clearly" only when the Wilson interval excludes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from statsmodels.stats.proportion import (  # type: ignore[import-untyped]
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from briefings.method import MethodSettings


@dataclass(frozen=True)
class SurveyChange:
    """J5 result: the fields of a "surveys" entry in example-expected.json (after id etc.)."""

    pct_baseline: float
    pct_current: float
    change_pp: float
    n_eff_baseline: float
    n_eff_current: float
    z: float | None  # None when neither wave has any spread (0% or 100% in both)
    p_value: float
    significant: bool
    wilson95_baseline_pct: list[float]  # at settings.confidence_level (95% by default)
    wilson95_current_pct: list[float]
    newcombe95_diff_pp: list[float]
    target_pct: float | None
    position_vs_target: str | None  # "below target", "above target", "at target"
    meets_target: bool | None
    position_confident: bool | None
    phrase: str


def compare_waves(x_baseline: float, n_baseline: float, x_current: float, n_current: float,
                  design_effect: float, target_pct: float | None, polarity: str,
                  settings: MethodSettings) -> SurveyChange:
    """J5 for two waves given weighted counts x (of n respondents) and a design effect."""
    p1, p2 = x_baseline / n_baseline, x_current / n_current
    n1, n2 = n_baseline / design_effect, n_current / design_effect
    x1, x2 = p1 * n1, p2 * n2
    alpha = 1.0 - settings.confidence_level
    pooled = (x1 + x2) / (n1 + n2)
    if 0.0 < pooled < 1.0:
        stat, pvalue = proportions_ztest([x2, x1], [n2, n1])
        z: float | None = float(stat)
        p = float(pvalue)
    else:
        z, p = None, 1.0
    wilson1 = [100.0 * v for v in proportion_confint(x1, n1, alpha=alpha, method="wilson")]
    wilson2 = [100.0 * v for v in proportion_confint(x2, n2, alpha=alpha, method="wilson")]
    diff = confint_proportions_2indep(x2, n2, x1, n1, method="newcomb", compare="diff",
                                      alpha=alpha)
    position, meets, confident = position_vs_target(100.0 * p2, wilson2, target_pct, polarity)
    change = SurveyChange(
        pct_baseline=100.0 * p1, pct_current=100.0 * p2, change_pp=100.0 * (p2 - p1),
        n_eff_baseline=n1, n_eff_current=n2, z=z, p_value=p, significant=False,
        wilson95_baseline_pct=[float(v) for v in wilson1],
        wilson95_current_pct=[float(v) for v in wilson2],
        newcombe95_diff_pp=[100.0 * float(v) for v in diff], target_pct=target_pct,
        position_vs_target=position, meets_target=meets, position_confident=confident,
        phrase="")
    return decide_survey(change, p, settings)


def decide_survey(change: SurveyChange, p_value: float, settings: MethodSettings
                  ) -> SurveyChange:
    """Significance and phrase from a p-value (J5's own, or one adjusted across a briefing)."""
    significant = p_value < settings.alpha
    if not significant or change.change_pp == 0:
        phrase = "has not changed significantly"
    else:
        phrase = ("has significantly reduced" if change.change_pp < 0
                  else "has significantly increased")
    return replace(change, significant=significant, phrase=phrase)


def position_vs_target(pct: float, wilson: list[float], target: float | None, polarity: str
                       ) -> tuple[str | None, bool | None, bool | None]:
    """(position, meets_target, confident): confident when the Wilson CI excludes the target."""
    if target is None or math.isnan(pct):
        return None, None, None
    position = ("below target" if pct < target else
                "above target" if pct > target else "at target")
    meets = pct <= target if polarity == "lower_is_better" else pct >= target
    confident = target < wilson[0] or target > wilson[1]
    return position, meets, confident
