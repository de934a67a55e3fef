"""The METHOD.md judgements of the demo data, for `python data/seed/generate_demo.py --check`.

`assess` reads the written CSV files back and computes, per series, J1 (period change), J2 (the
seasonal Mann-Kendall trend and its prior window) and J3 (the quasi-Poisson projection against
kettering.toml's target), and J5 (survey change) per survey measure; `check_report` gives them as
text. It uses the reference libraries METHOD.md names (scipy, statsmodels, pymannkendall),
imported only when a judgement is made: generating the files needs only numpy.
"""

from __future__ import annotations

import csv
import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from data.seed.demo_series import (
    AS_OF,
    PARTNERSHIP,
    PARTNERSHIP_FILE,
    SURVEY_FILE,
    VALUES_FILE,
    financial_year,
    month_index,
    month_label,
)

ALPHA = 0.05
BANDS = (5.0, 10.0, 20.0)
TREND_MONTHS = 36


def j1_period_change(counts: np.ndarray, exposure: np.ndarray) -> dict[str, Any]:
    """METHOD 2.2: latest 12 months against the 12 before (the series ends at the as-of month)."""
    from scipy import stats  # type: ignore[import-untyped]

    c1, c2 = int(counts[-12:].sum()), int(counts[-24:-12].sum())
    e1, e2 = float(exposure[-12:].mean()), float(exposure[-24:-12].mean())
    ratio = (c1 / e1) / (c2 / e2) if c1 and c2 else math.nan
    pct = (ratio - 1) * 100 if c2 else math.nan
    p_exact = stats.binomtest(c1, c1 + c2, e1 / (e1 + e2)).pvalue
    table = np.array([counts[-12:], counts[-24:-12]], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    chi2 = stats.chi2_contingency(table, correction=False)
    phi = chi2.statistic / chi2.dof if chi2.dof > 0 else 1.0
    if c1 == 0 or c2 == 0:
        z, p_quasi = math.nan, p_exact
    else:
        z = math.log(ratio) / math.sqrt(max(1.0, phi) * (1 / c1 + 1 / c2))
        p_quasi = 2 * stats.norm.sf(abs(z))
    p = max(p_exact, p_quasi)
    significant = p < ALPHA
    size = abs(pct) if c2 else 0.0
    down = pct < 0
    if not significant:
        band = "stable" if size < BANDS[0] else ("slightly down" if down else "slightly up")
    elif size < BANDS[1]:
        band = "down" if down else "up"
    elif size < BANDS[2]:
        band = "significantly down" if down else "significantly up"
    else:
        band = "well down" if down else "sharply up"
    return {"count_current": c1, "count_previous": c2, "pct_change": pct, "p_exact": p_exact,
            "dispersion_phi": phi, "z_quasi": z, "p_quasi": p_quasi, "p_value": p,
            "significant": significant, "band": band}


def j2_trend(values: np.ndarray) -> dict[str, Any]:
    """METHOD 2.3: seasonal Mann-Kendall on 36 monthly values (three whole years)."""
    import pymannkendall  # type: ignore[import-untyped]

    result = pymannkendall.seasonal_test(np.asarray(values, dtype=float), period=12, alpha=ALPHA)
    label = {"decreasing": "reducing", "increasing": "increasing"}.get(result.trend,
                                                                      "no clear trend")
    return {"trend": result.trend, "label": label, "p": result.p, "s": result.s,
            "slope_per_year": result.slope}


def j3_projection(counts: np.ndarray, exposure: np.ndarray, month_numbers: np.ndarray,
                  target_exposure: np.ndarray, target_month_numbers: np.ndarray,
                  baseline: np.ndarray, reduction_pct: float) -> dict[str, Any]:
    """METHOD 2.4: log-linear quasi-Poisson GLM on the last 36 months, projected to the target FY.

    counts/exposure/month_numbers: the 36 months ending at the as-of month (calendar month 1-12);
    target_*: the 12 months of the target FY, in order (their t follows on from the window);
    baseline: (count, exposure) pairs of the baseline FY months.
    """
    import statsmodels.api as sm  # type: ignore[import-untyped]
    from scipy import stats  # type: ignore[import-untyped]

    def design(months_after_asof: np.ndarray, calendar: np.ndarray) -> np.ndarray:
        dummies = (calendar[:, None] == np.arange(2, 13)[None, :]).astype(float)
        return np.column_stack([np.ones(len(calendar)), months_after_asof / 12, dummies])

    n = len(counts)
    x1 = design(np.arange(-n + 1, 1, dtype=float), month_numbers)
    offset = np.log(exposure)
    poisson = sm.families.Poisson()
    fit1 = sm.GLM(counts, x1, family=poisson, offset=offset).fit()
    fit0 = sm.GLM(counts, x1[:, :2], family=poisson, offset=offset).fit()
    totals = np.bincount(month_numbers.astype(int) - 1, weights=counts, minlength=12)
    season_f = season_p = None
    if (totals > 0).all():
        phi1 = fit1.pearson_chi2 / fit1.df_resid
        season_f = ((fit0.deviance - fit1.deviance) / 11) / max(1.0, phi1)
        season_p = float(stats.f.sf(season_f, 11, fit1.df_resid))
    seasonal = season_p is not None and season_p < ALPHA
    fit = fit1 if seasonal else fit0
    phi = fit.pearson_chi2 / fit.df_resid
    cov = max(1.0, phi) * np.asarray(fit.cov_params())
    beta = float(fit.params[1])
    x_target = design(np.arange(1, len(target_month_numbers) + 1, dtype=float),
                      target_month_numbers)
    x_target = x_target if seasonal else x_target[:, :2]
    mu = np.exp(x_target @ np.asarray(fit.params) + np.log(target_exposure))
    total = float(mu.sum())
    gradient = (mu[:, None] * x_target).sum(axis=0)
    se_log = math.sqrt(float(gradient @ cov @ gradient)) / total
    scale = float(np.mean(target_exposure))
    projected = total / scale
    z = stats.norm.ppf(1 - ALPHA / 2)
    low, high = projected * math.exp(-z * se_log), projected * math.exp(z * se_log)
    baseline_value = float(baseline[:, 0].sum() / baseline[:, 1].mean())
    target = baseline_value * (1 - reduction_pct / 100)
    meets = projected <= target
    if high <= target:
        confidence = "confident_meet"
    elif low > target:
        confidence = "confident_miss"
    else:
        confidence = "likely_meet" if meets else "likely_miss"
    return {"seasonal_terms": seasonal, "season_F": season_f, "season_p": season_p,
            "annual_pct_change": (math.exp(beta) - 1) * 100, "phi": phi,
            "p_value": float(2 * stats.norm.sf(abs(beta / math.sqrt(cov[1, 1])))),
            "projected_value": projected, "ci95_low": low, "ci95_high": high,
            "baseline_value": baseline_value, "target_value": target, "meets_target": meets,
            "confidence": confidence}


def j5_survey_change(before: tuple[float, float, float], after: tuple[float, float, float],
                     target_pct: float | None = None) -> dict[str, Any]:
    """METHOD 2.6: (percent, base_n, design_effect) per wave; pooled z-test on effective n."""
    from statsmodels.stats.proportion import (  # type: ignore[import-untyped]
        proportion_confint,
        proportions_ztest,
    )

    (pct1, n1, d1), (pct2, n2, d2) = before, after
    n1_eff, n2_eff = n1 / d1, n2 / d2
    x1, x2 = pct1 / 100 * n1_eff, pct2 / 100 * n2_eff
    z, p = proportions_ztest([x2, x1], [n2_eff, n1_eff])
    significant = bool(p < ALPHA)
    if not significant:
        label = "has not changed significantly"
    else:
        label = "has significantly reduced" if pct2 < pct1 else "has significantly increased"
    out: dict[str, Any] = {"pct_before": pct1, "pct_after": pct2, "z": float(z),
                           "p_value": float(p), "significant": significant, "label": label}
    if target_pct is not None:
        low, high = (100 * v for v in proportion_confint(x2, n2_eff, method="wilson"))
        out.update(target_pct=target_pct, wilson95=(low, high),
                   position="below target" if pct2 < target_pct else
                   ("above target" if pct2 > target_pct else "at target"),
                   clearly=not (low <= target_pct <= high))
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _targets() -> dict[tuple[str, str], dict[str, Any]]:
    with PARTNERSHIP_FILE.open("rb") as f:
        targets = tomllib.load(f).get("targets", [])
    return {(t["indicator"], t.get("area", PARTNERSHIP)): t for t in targets}


def assess(out: Path, as_of: str = AS_OF) -> dict[tuple[str, str], dict[str, Any]]:
    """The METHOD judgements of every series and survey measure in the files in `out`."""
    targets = _targets()  # every demo series is a count: exposure 1 a month (METHOD 2.1)
    series: dict[tuple[str, str], dict[str, int]] = {}
    for r in _read(out / VALUES_FILE):
        series.setdefault((r["indicator"], r["area"]), {})[r["month"]] = int(r["value"])
    end = month_index(as_of)
    window = [month_label(end - TREND_MONTHS + 1 + i) for i in range(TREND_MONTHS)]
    prior = [month_label(end - 12 - TREND_MONTHS + 1 + i) for i in range(TREND_MONTHS)]
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for key, by_month in series.items():
        months = sorted(m for m in by_month if month_index(m) <= end)
        if [month_index(m) for m in months] != list(range(end - len(months) + 1, end + 1)):
            raise ValueError(f"{key}: months missing before {as_of}")
        counts = np.array([by_month[m] for m in months], dtype=float)
        result: dict[str, Any] = {
            "J1": j1_period_change(counts, np.ones(len(counts))),
            "J2": j2_trend(np.array([by_month[m] for m in window], dtype=float)),
            "J2_prior": j2_trend(np.array([by_month[m] for m in prior], dtype=float)),
        }
        target = targets.get(key)
        if target is not None:
            base_fy, target_fy = target["baseline_year"], target["target_year"]
            base = [m for m in months if financial_year(month_index(m)) == base_fy]
            target_start = month_index(target_fy[:4] + "-04")
            target_months = np.array([(target_start + i) % 12 + 1 for i in range(12)])
            if target_start != end + 1:
                raise ValueError("the target FY must follow the as-of month (as in the demo)")
            result["J3"] = j3_projection(
                np.array([by_month[m] for m in window], dtype=float), np.ones(TREND_MONTHS),
                np.array([month_index(m) % 12 + 1 for m in window]), np.ones(12), target_months,
                np.array([(by_month[m], 1.0) for m in base]), float(target["reduction_pct"]))
        results[key] = result
    waves: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in _read(out / SURVEY_FILE):
        waves.setdefault((r["indicator"], r["area"]), []).append(r)
    for key, rows in waves.items():
        first, last = sorted(rows, key=lambda r: r["fieldwork_end"])[-2:]
        target = targets.get(key)
        results[key] = {"J5": j5_survey_change(
            (float(first["percent"]), int(first["base_n"]), float(first["design_effect"])),
            (float(last["percent"]), int(last["base_n"]), float(last["design_effect"])),
            None if target is None else float(target["value"])),
            "waves": (first["wave"], last["wave"])}
    return results


def check_report(out: Path) -> str:
    """--check: the judgements as text, one block per series."""
    end = month_index(AS_OF)
    lines = [f"METHOD.md judgements, as-of month {AS_OF} (data in {out})"]
    for (indicator, area), r in sorted(assess(out).items()):
        lines.append(f"{indicator} / {area}")
        if "J5" in r:
            s = r["J5"]
            lines.append(f"  J5  {r['waves'][0]} {s['pct_before']:.1f} % -> {r['waves'][1]} "
                         f"{s['pct_after']:.1f} %: z {s['z']:.2f}, p {s['p_value']:.2g}: "
                         f"\"{s['label']}\"")
            if "target_pct" in s:
                lo, hi = s["wilson95"]
                lines.append(f"      target {s['target_pct']:.1f} %: {s['position']} (Wilson 95% "
                             f"{lo:.1f}-{hi:.1f} %{', clearly' if s['clearly'] else ''})")
            continue
        a = r["J1"]
        lines.append(f"  J1  R12 to {AS_OF} {a['count_current']} vs {a['count_previous']}: "
                     f"{a['pct_change']:+.1f} %, p_exact {a['p_exact']:.2g}, phi "
                     f"{a['dispersion_phi']:.2f}, p_quasi {a['p_quasi']:.2g}, p {a['p_value']:.2g}"
                     f": \"{a['band']}\"")
        for name, first in (("J2", end - 35), ("J2_prior", end - 47)):
            t = r[name]
            lines.append(f"  {name + ' ':9s}{month_label(first)}..{month_label(first + 35)}: "
                         f"{t['trend']} (S {t['s']:.0f}, p {t['p']:.2g}, Sen slope "
                         f"{t['slope_per_year']:+.1f} a year): \"{t['label']}\"")
        if "J3" in r:
            p = r["J3"]
            season = (f"month effects kept (F p {p['season_p']:.2g})" if p["seasonal_terms"]
                      else "month effects dropped")
            lines.append(f"  J3  {season}, trend {p['annual_pct_change']:+.1f} % a year, phi "
                         f"{p['phi']:.2f}; projection {p['projected_value']:.1f} (95% CI "
                         f"{p['ci95_low']:.1f}-{p['ci95_high']:.1f}) vs target "
                         f"{p['target_value']:.1f} (baseline {p['baseline_value']:.0f}): "
                         f"{'sufficient' if p['meets_target'] else 'NOT sufficient'} "
                         f"({p['confidence']})")
    return "\n".join(lines)
