"""Generate the Kettering demo data set: monthly values, survey waves and population.

    python data/seed/generate_demo.py [--out DIR] [--check]

Writes three CSV files to DIR (default: this script's folder):

- ``demo-values.csv``      month,indicator,area,value: monthly counts, 2005-04 to 2010-03, for
  all crime, vehicle crime, domestic burglary, repeat domestic burglary, violence with injury
  (the borough and the town centre), criminal damage and arson, and ASB incidents;
- ``demo-survey.csv``      indicator,area,wave,...: the residents' survey measures NI 17 (a high
  level of perceived ASB) and "teenagers hanging around", Place Survey 2008 and a 2009/10 wave;
- ``demo-population.csv``  area,financial_year,population: FY 2005/06 to 2010/11.

THE DATA IS ILLUSTRATIVE. These are not Kettering's real figures: the report the partnership
file is written from (seed/kettering-cdrp-report-2010.txt, section 1.2) gives conclusions, not
numbers. The series are shaped so that the statistics of METHOD.md, applied with as-of month
2010-03 and the targets of kettering.toml, give the report's principal conclusions: overall
crime down; vehicle crime well down and on course for its target; domestic burglary and repeat
domestic burglary significantly up and not on course; violence with injury increased after
several years of reduction but on course; town-centre violence slightly down but not on course;
criminal damage and ASB incidents reducing (criminal damage on course); NI 17 and "teenagers
hanging around" significantly reduced, NI 17 below its target.

One compromise: repeat domestic burglary is far larger than in life (60 % of domestic burglaries,
some 15-30 a month, where a few a month is usual). The report gives it the same judgement as
domestic burglary, "significantly up" (METHOD: a significant rise of 10-20 %), and a rise of under
20 % only passes the exact Poisson test with about 250 or more a year; at a few a month it would be
"slightly up" (not significant). It is drawn as a binomial share of the domestic burglary counts,
so it never exceeds them.

Each monthly series is a log-linear trend through a few (month, level) knots, times a summer-
peaking seasonal factor, with gamma-Poisson (over-dispersed) noise drawn from
``numpy.random.default_rng(seed)``. Levels and seeds are fixed below. They were chosen once,
offline, by trying seeds until every judgement held with its p-value and band edge clear of the
threshold: the script itself is a straight, deterministic computation, and running it again
gives the same bytes.

``--check`` reads the written files back and prints the METHOD judgements per series (J1 period
change, J2 seasonal Mann-Kendall trend and its prior window, J3 quasi-Poisson projection against
the target, J5 survey change). The checking code is in the section "METHOD.md judgements" and
uses the reference libraries named there (scipy, statsmodels, pymannkendall); generating the
files needs only numpy.
"""

from __future__ import annotations

import argparse
import csv
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
PARTNERSHIP_FILE = HERE / "kettering.toml"
VALUES_FILE, SURVEY_FILE, POPULATION_FILE = (
    "demo-values.csv", "demo-survey.csv", "demo-population.csv")
VALUES_COLUMNS = ("month", "indicator", "area", "value")
SURVEY_COLUMNS = ("indicator", "area", "wave", "fieldwork_end", "percent", "weighted_count",
                  "base_n", "design_effect")
POPULATION_COLUMNS = ("area", "financial_year", "population")

PARTNERSHIP = "kettering"
FIRST_MONTH, AS_OF = "2005-04", "2010-03"
N_MONTHS = 60
SUMMER_PEAK = 7  # calendar month of the seasonal peak (July)


# ---------------------------------------------------------------------------------------------
# The parameters (fixed)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    """One monthly series: expected level through knots, seasonality, noise and its seed."""

    indicator: str
    area: str
    knots: tuple[tuple[str, float], ...]  # (month, expected monthly count before seasonality)
    seasonal_amplitude: float  # factor 1 + a*cos(2*pi*(month - July)/12), mean 1 over a year
    gamma_shape: float | None  # gamma-Poisson mixing shape k (variance mu + mu^2/k); None: Poisson
    seed: int
    # A series that is a part of another (same area): its knots are then the expected share, and
    # each month's count is a binomial draw from the parent's count (so never more than it).
    part_of: str | None = None


SERIES: tuple[Series, ...] = (
    # Overall crime is down: flat to mid 2008, then a fall of 6-8 % into 2009/10.
    Series("all-crime", "kettering",
           (("2005-04", 690), ("2008-06", 672), ("2009-05", 620), ("2010-03", 612)),
           0.10, 800, 0),
    # Vehicle crime is well down: slow fall, then a steep one during 2008/09 and 2009/10.
    Series("vehicle-crime", "kettering",
           (("2005-04", 94), ("2008-03", 84), ("2008-12", 80), ("2009-06", 63), ("2010-03", 58)),
           0.12, 60, 1),
    # Domestic burglary falls to 2008, then rises through 2009/10 (significantly up).
    Series("domestic-burglary", "kettering",
           (("2005-04", 36), ("2008-03", 32.5), ("2009-01", 32.5), ("2009-05", 38),
            ("2010-03", 38.5)),
           0.08, None, 0),
    # Repeat domestic burglary: a share of domestic burglary, so the same shape (its size: see
    # the module docstring).
    Series("repeat-domestic-burglary", "kettering",
           (("2005-04", 0.6), ("2010-03", 0.6)),
           0.0, None, 296, part_of="domestic-burglary"),
    # Violence with injury: several years of reduction to 2008/09, then an increase in 2009/10.
    Series("violence-with-injury", "kettering",
           (("2005-04", 66), ("2007-09", 55), ("2008-09", 41), ("2009-04", 49), ("2010-03", 50)),
           0.15, 150, 0),
    # Town-centre violence: rose in 2008/09, a little lower in 2009/10 (not on course).
    Series("violence-with-injury", "town-centre",
           (("2005-04", 13), ("2007-09", 12.5), ("2008-09", 15.5), ("2009-06", 14),
            ("2010-03", 14)),
           0.15, None, 0),
    # Criminal damage and arson: a steady reduction of about 10 % a year.
    Series("criminal-damage-arson", "kettering",
           (("2005-04", 185), ("2007-04", 168), ("2010-03", 125)),
           0.15, 150, 0),
    # ASB incidents: strongly seasonal, reducing by about 8 % a year since 2007.
    Series("anti-social-behaviour", "kettering",
           (("2005-04", 560), ("2007-04", 560), ("2010-03", 440)),
           0.25, 120, 0),
)


@dataclass(frozen=True)
class Wave:
    wave: str
    fieldwork_end: str
    base_n: int
    design_effect: float


PLACE_SURVEY_2008 = Wave("2008", "2008-12", 1104, 1.3)
WAVE_2009_10 = Wave("2009/10", "2010-02", 1012, 1.3)

# (indicator, area, wave, expected percent); the reported percent is a binomial draw around it.
SURVEYS: tuple[tuple[str, str, Wave, float], ...] = (
    ("asb-perception", "kettering", PLACE_SURVEY_2008, 24.5),
    ("asb-perception", "kettering", WAVE_2009_10, 17.5),
    ("teenagers-hanging-around", "kettering", PLACE_SURVEY_2008, 38.0),
    ("teenagers-hanging-around", "kettering", WAVE_2009_10, 31.0),
)
SURVEY_SEED = 0

# Mid-year population estimates by financial year (rounded): the borough and the town centre.
POPULATION: dict[str, tuple[int, ...]] = {
    "kettering": (86900, 87500, 88100, 88600, 89200, 89800),
    "town-centre": (5930, 5960, 5990, 6020, 6060, 6090),
}
POPULATION_YEARS = ("2005/06", "2006/07", "2007/08", "2008/09", "2009/10", "2010/11")


# ---------------------------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------------------------

def month_index(label: str) -> int:
    """'2005-04' -> months since year 0 (a plain ordinal, so differences are month counts)."""
    year, month = label.split("-")
    return int(year) * 12 + int(month) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def financial_year(index: int) -> str:
    """Financial year (April-March) of a month index, e.g. '2007/08'."""
    start = index // 12 if index % 12 >= 3 else index // 12 - 1
    return f"{start}/{(start + 1) % 100:02d}"


MONTHS = [month_label(month_index(FIRST_MONTH) + i) for i in range(N_MONTHS)]


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

def expected_counts(series: Series) -> np.ndarray:
    """Expected monthly counts: log-linear between the knots, times the seasonal factor."""
    t = np.array([month_index(m) for m in MONTHS], dtype=float)
    knot_t = np.array([month_index(m) for m, _ in series.knots], dtype=float)
    knot_log = np.log([level for _, level in series.knots])
    trend = np.exp(np.interp(t, knot_t, knot_log))
    calendar = t % 12 + 1
    season = 1 + series.seasonal_amplitude * np.cos(2 * np.pi * (calendar - SUMMER_PEAK) / 12)
    return trend * season


def draw_counts(series: Series, parent: list[int] | None = None) -> list[int]:
    """Gamma-Poisson counts around the expected ones (plain Poisson if gamma_shape is None), or
    for a part of another series, binomial draws from the parent's counts."""
    rng = np.random.default_rng(series.seed)
    mu = expected_counts(series)
    if series.part_of is not None:
        if parent is None:
            raise ValueError(f"{series.indicator} is a part of {series.part_of}: give its counts")
        return [int(c) for c in rng.binomial(parent, mu)]
    if series.gamma_shape is not None:
        mu = rng.gamma(series.gamma_shape, mu / series.gamma_shape)
    return [int(c) for c in rng.poisson(mu)]


def all_counts() -> dict[tuple[str, str], list[int]]:
    """Every series' monthly counts, by (indicator, area), in the order of SERIES."""
    drawn: dict[tuple[str, str], list[int]] = {}
    for series in SERIES:
        parent = None if series.part_of is None else drawn[(series.part_of, series.area)]
        drawn[(series.indicator, series.area)] = draw_counts(series, parent)
    return drawn


def values_rows() -> list[tuple[str, str, str, int]]:
    rows = [(month, indicator, area, count) for (indicator, area), counts in all_counts().items()
            for month, count in zip(MONTHS, counts, strict=True)]
    return sorted(rows, key=lambda r: (r[1], r[2], r[0]))


def survey_rows() -> list[tuple[str, str, str, str, str, str, str, str]]:
    rng = np.random.default_rng(SURVEY_SEED)
    rows = []
    for indicator, area, wave, percent in SURVEYS:
        hits = int(rng.binomial(wave.base_n, percent / 100))
        rows.append((indicator, area, wave.wave, wave.fieldwork_end,
                     f"{100 * hits / wave.base_n:.1f}", "", str(wave.base_n),
                     f"{wave.design_effect:.1f}"))
    return sorted(rows, key=lambda r: (r[0], r[1], r[3]))


def population_rows() -> list[tuple[str, str, int]]:
    return [(area, year, people) for area, counts in sorted(POPULATION.items())
            for year, people in zip(POPULATION_YEARS, counts, strict=True)]


def _write(path: Path, header: tuple[str, ...], rows: list[Any]) -> None:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def generate(out: Path) -> list[Path]:
    """Write the three demo files to `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, tuple[str, ...], list[Any]]] = [
        (VALUES_FILE, VALUES_COLUMNS, values_rows()),
        (SURVEY_FILE, SURVEY_COLUMNS, survey_rows()),
        (POPULATION_FILE, POPULATION_COLUMNS, population_rows())]
    for name, header, rows in files:
        _write(out / name, header, rows)
    return [out / name for name, _, _ in files]


# ---------------------------------------------------------------------------------------------
# METHOD.md judgements (used by --check only; needs scipy, statsmodels and pymannkendall)
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for the three CSV files (default: this script's folder)")
    parser.add_argument("--check", action="store_true",
                        help="also print the METHOD.md judgements of the written data")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path}")
    if args.check:
        print(check_report(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
