"""The illustrative Kettering demo data set (data/seed/generate_demo.py and its three CSV files).

The generator reproduces the committed files byte for byte; the files are well formed; and the
statistics of METHOD.md (recomputed here by a compact implementation of its own, independent of
the generator's --check code, on the same reference libraries) give the principal conclusions of
section 1.2 of the Kettering CDRP report of 2010, as-of month 2010-03.

The last test checks this implementation against the worked example of METHOD.md in the shared
folder next to the repository, and skips when that is absent.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import patsy
import pymannkendall
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from data.seed.demo_check import assess

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "seed"
GENERATOR = SEED / "generate_demo.py"
FILES = {
    "demo-values.csv": "month,indicator,area,value",
    "demo-survey.csv": "indicator,area,wave,fieldwork_end,percent,weighted_count,base_n,"
                       "design_effect",
    "demo-population.csv": "area,financial_year,population",
}
EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "method"

MONTHS = [f"{2005 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(60)]  # 2005-04..2010-03
AS_OF = "2010-03"
BASELINE_FY = [f"{2007 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(12)]  # 2007/08
SERIES = [("all-crime", "kettering"), ("anti-social-behaviour", "kettering"),
          ("criminal-damage-arson", "kettering"), ("domestic-burglary", "kettering"),
          ("repeat-domestic-burglary", "kettering"), ("vehicle-crime", "kettering"),
          ("violence-with-injury", "kettering"), ("violence-with-injury", "town-centre")]

# Targets as the brief and kettering.toml give them: reduction % from 2007/08 by 2010/11.
REDUCTION = {("all-crime", "kettering"): 10, ("vehicle-crime", "kettering"): 15,
             ("domestic-burglary", "kettering"): 10, ("repeat-domestic-burglary", "kettering"): 10,
             ("violence-with-injury", "kettering"): 5, ("violence-with-injury", "town-centre"): 10,
             ("criminal-damage-arson", "kettering"): 10, ("anti-social-behaviour", "kettering"): 5}

# Section 1.2, one row per conclusion: (indicator, area, judgement, accepted outcomes).
CONCLUSIONS = [
    # "Overall crime is down."
    ("all-crime", "kettering", "J1 band", {"down", "slightly down"}),
    # "Vehicle crime is well down and the long-term trend is sufficient to meet the target."
    ("vehicle-crime", "kettering", "J1 band", {"well down"}),
    ("vehicle-crime", "kettering", "J3 sufficient", {True}),
    # "Domestic burglary is significantly up and the long-term trend is not sufficient ..."
    ("domestic-burglary", "kettering", "J1 band", {"significantly up"}),
    ("domestic-burglary", "kettering", "J3 sufficient", {False}),
    # "This applies similarly to repeat domestic burglaries."
    ("repeat-domestic-burglary", "kettering", "J1 band", {"significantly up"}),
    ("repeat-domestic-burglary", "kettering", "J3 sufficient", {False}),
    # "Violence and Assault with Injury, after several years of reduction have increased
    # although the long-term trend is sufficient to meet the target."
    ("violence-with-injury", "kettering", "J2 prior", {"decreasing"}),
    ("violence-with-injury", "kettering", "J1 significant increase", {True}),
    ("violence-with-injury", "kettering", "J3 sufficient", {True}),
    # "However, violence in Kettering Town Centre has reduced but the long-term trend is not
    # sufficient to meet the target."
    ("violence-with-injury", "town-centre", "J1 band", {"down", "slightly down"}),
    ("violence-with-injury", "town-centre", "J3 sufficient", {False}),
    # "Criminal damage and anti-social behaviour incidents are both reducing. The criminal damage
    # long-term trend is sufficient to meet the target."
    ("criminal-damage-arson", "kettering", "J2", {"decreasing"}),
    ("criminal-damage-arson", "kettering", "J3 sufficient", {True}),
    ("anti-social-behaviour", "kettering", "J2", {"decreasing"}),
    # "The percentage of residents who perceive a high-level of ASB in the local area has
    # significantly reduced and the current position is below the target."
    ("asb-perception", "kettering", "J5", {"has significantly reduced"}),
    ("asb-perception", "kettering", "J5 below target", {True}),
    # "... teenagers hanging around ... is, similarly, showing a significant reduction."
    ("teenagers-hanging-around", "kettering", "J5", {"has significantly reduced"}),
]


# ---------------------------------------------------------------------------------------------
# A compact implementation of METHOD.md for monthly counts (exposure 1) and survey waves
# ---------------------------------------------------------------------------------------------

def period_change(y: np.ndarray) -> dict[str, Any]:
    """J1 (METHOD 2.2): the last 12 values against the 12 before."""
    now, before = y[-12:], y[-24:-12]
    c1, c2 = int(now.sum()), int(before.sum())
    pct = 100 * (c1 / c2 - 1)
    p_exact = stats.binomtest(c1, c1 + c2, 0.5).pvalue
    table = np.vstack([now, before])
    table = table[:, table.sum(axis=0) > 0]
    res = stats.chi2_contingency(table, correction=False)
    phi = max(1.0, res.statistic / res.dof)
    p_quasi = 2 * stats.norm.sf(abs(math.log(c1 / c2)) / math.sqrt(phi * (1 / c1 + 1 / c2)))
    p = max(p_exact, p_quasi)
    word = "down" if pct < 0 else "up"
    if p >= 0.05:
        band = "stable" if abs(pct) < 5 else f"slightly {word}"
    elif abs(pct) < 10:
        band = word
    elif abs(pct) < 20:
        band = f"significantly {word}"
    else:
        band = "well down" if pct < 0 else "sharply up"
    return {"pct": pct, "p": p, "band": band}


def mann_kendall(y: np.ndarray) -> Any:
    """J2 (METHOD 2.3): seasonal Mann-Kendall over 36 monthly values."""
    assert len(y) == 36
    return pymannkendall.seasonal_test(y, period=12, alpha=0.05)


def projection(window: np.ndarray, months: list[str], baseline: float,
               reduction: float) -> dict[str, Any]:
    """J3 (METHOD 2.4): quasi-Poisson log-linear model on 36 months, projected to the next FY.

    Coded unlike the generator (patsy sum contrasts for the months, t in years from the window's
    first month): the projection does not depend on the coding.
    """
    calendar = [int(m[5:]) for m in months]
    frame = pd.DataFrame({"t": np.arange(48) / 12, "m": calendar + calendar[:12]})
    poisson = sm.families.Poisson()
    fits = {}
    for formula in ("t + C(m, Sum)", "t"):
        design = np.asarray(patsy.dmatrix(formula, frame))
        fits[formula] = (sm.GLM(window, design[:36], family=poisson).fit(), design[36:])
    (seasonal, _), (linear, _) = fits["t + C(m, Sum)"], fits["t"]
    phi1 = max(1.0, seasonal.pearson_chi2 / seasonal.df_resid)
    f_stat = (linear.deviance - seasonal.deviance) / 11 / phi1
    keep = bool(np.bincount(calendar, weights=window, minlength=13)[1:].all()
                and stats.f.sf(f_stat, 11, seasonal.df_resid) < 0.05)
    fit, x = fits["t + C(m, Sum)" if keep else "t"]
    mu = np.exp(x @ np.asarray(fit.params))
    phi = max(1.0, fit.pearson_chi2 / fit.df_resid)
    g = mu @ x
    se_log = math.sqrt(phi * g @ np.asarray(fit.cov_params()) @ g) / mu.sum()
    target = baseline * (1 - reduction / 100)
    return {"projected": mu.sum(), "target": target, "sufficient": mu.sum() <= target,
            "se_log": se_log, "seasonal": keep}


def survey_change(before: dict[str, str], after: dict[str, str]) -> dict[str, Any]:
    """J5 (METHOD 2.6): pooled two-proportion z-test on effective sample sizes n/deff."""
    n = [int(w["base_n"]) / float(w["design_effect"]) for w in (after, before)]
    p = [float(w["percent"]) / 100 for w in (after, before)]
    _, p_value = proportions_ztest([p[0] * n[0], p[1] * n[1]], n)
    if p_value >= 0.05:
        label = "has not changed significantly"
    else:
        label = "has significantly " + ("reduced" if p[0] < p[1] else "increased")
    return {"p": p_value, "label": label, "percent": 100 * p[0]}


# ---------------------------------------------------------------------------------------------

def read(name: str, folder: Path = SEED) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def counts() -> dict[tuple[str, str], np.ndarray]:
    by_series: dict[tuple[str, str], dict[str, int]] = {}
    for r in read("demo-values.csv"):
        by_series.setdefault((r["indicator"], r["area"]), {})[r["month"]] = int(r["value"])
    return {key: np.array([months[m] for m in MONTHS], dtype=float)
            for key, months in by_series.items()}


def toml_targets() -> dict[tuple[str, str], dict[str, Any]]:
    with (SEED / "kettering.toml").open("rb") as f:
        return {(t["indicator"], t.get("area", "kettering")): t for t in tomllib.load(f)["targets"]}


def judgement(indicator: str, area: str, name: str) -> object:
    if name.startswith("J5"):
        waves = {w["wave"]: w for w in read("demo-survey.csv")
                 if (w["indicator"], w["area"]) == (indicator, area)}
        result = survey_change(waves["2008"], waves["2009/10"])
        if name == "J5":
            return result["label"]
        target = toml_targets()[(indicator, area)]
        assert target["value"] == 20.0
        return result["percent"] < target["value"]
    y = counts()[(indicator, area)]
    if name == "J1 band":
        return period_change(y)["band"]
    if name == "J1 significant increase":
        change = period_change(y)
        return change["p"] < 0.05 and change["pct"] > 0
    if name == "J2":
        return mann_kendall(y[-36:]).trend
    if name == "J2 prior":
        return mann_kendall(y[-48:-12]).trend
    assert name == "J3 sufficient"
    target = toml_targets()[(indicator, area)]
    assert (target["reduction_pct"], target["baseline_year"], target["target_year"]) == (
        REDUCTION[(indicator, area)], "2007/08", "2010/11")
    baseline = float(y[MONTHS.index(BASELINE_FY[0]):MONTHS.index(BASELINE_FY[-1]) + 1].sum())
    return projection(y[-36:], MONTHS[-36:], baseline, REDUCTION[(indicator, area)])[
        "sufficient"]


# ---------------------------------------------------------------------------------------------

def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SEED / name).read_bytes(), name


@pytest.mark.parametrize(("indicator", "area", "name", "accepted"), CONCLUSIONS,
                         ids=[f"{i}/{a}: {n}" for i, a, n, _ in CONCLUSIONS])
def test_method_gives_the_reports_conclusions(indicator: str, area: str, name: str,
                                              accepted: set[object]) -> None:
    assert judgement(indicator, area, name) in accepted


def test_files_are_well_formed() -> None:
    for name, header in FILES.items():
        raw = (SEED / name).read_bytes()
        text = raw.decode("utf-8")
        assert "\r" not in text and text.endswith("\n") and "#" not in text, name
        assert text.splitlines()[0] == header, name
    rows = read("demo-values.csv")
    keys = [(r["indicator"], r["area"], r["month"]) for r in rows]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    for key in SERIES:
        months = [r["month"] for r in rows if (r["indicator"], r["area"]) == key]
        assert months == MONTHS, key  # 60 months, 2005-04 to 2010-03, no gaps
    assert {(r["indicator"], r["area"]) for r in rows} == set(SERIES)
    for r in rows:
        assert r["value"].isdigit(), r  # whole, non-negative counts
    y = counts()
    for key in SERIES:
        assert (y[key][-12:].sum() >= 10 and y[key][-24:-12].sum() >= 10), key
    assert (y[("repeat-domestic-burglary", "kettering")]
            <= y[("domestic-burglary", "kettering")]).all()
    assert (y[("violence-with-injury", "town-centre")]
            <= y[("violence-with-injury", "kettering")]).all()

    waves = read("demo-survey.csv")
    assert [(w["indicator"], w["wave"], w["fieldwork_end"]) for w in waves] == [
        ("asb-perception", "2008", "2008-12"), ("asb-perception", "2009/10", "2010-02"),
        ("teenagers-hanging-around", "2008", "2008-12"),
        ("teenagers-hanging-around", "2009/10", "2010-02")]
    for w in waves:
        assert w["area"] == "kettering" and w["weighted_count"] == ""
        whole, _, tenths = w["percent"].partition(".")
        assert whole.isdigit() and len(tenths) == 1 and 0 < float(w["percent"]) < 100
        assert int(w["base_n"]) > 0 and float(w["design_effect"]) >= 1

    people = read("demo-population.csv")
    years = ["2005/06", "2006/07", "2007/08", "2008/09", "2009/10", "2010/11"]
    assert [(p["area"], p["financial_year"]) for p in people] == (
        [("kettering", fy) for fy in years] + [("town-centre", fy) for fy in years])
    for area, low, high in (("kettering", 80000, 100000), ("town-centre", 4000, 8000)):
        sizes = [int(p["population"]) for p in people if p["area"] == area]
        assert sizes == sorted(sizes) and low < sizes[0] and sizes[-1] < high


def test_generator_check_agrees_with_this_implementation() -> None:
    """The generator's --check code (data/seed/demo_check.py) and the compact one here give the
    same numbers."""
    results = assess(SEED)
    y = counts()
    for key in SERIES:
        mine, theirs = period_change(y[key]), results[key]["J1"]
        assert mine["pct"] == pytest.approx(theirs["pct_change"], rel=1e-9)
        assert mine["p"] == pytest.approx(theirs["p_value"], rel=1e-9)
        assert mine["band"] == theirs["band"]
        assert mann_kendall(y[key][-36:]).p == pytest.approx(results[key]["J2"]["p"], rel=1e-9)
        assert mann_kendall(y[key][-48:-12]).p == pytest.approx(results[key]["J2_prior"]["p"],
                                                                rel=1e-9)
        baseline = float(y[key][24:36].sum())
        j3 = projection(y[key][-36:], MONTHS[-36:], baseline, REDUCTION[key])
        assert j3["projected"] == pytest.approx(results[key]["J3"]["projected_value"], rel=1e-7)
        assert j3["seasonal"] == results[key]["J3"]["seasonal_terms"]
        assert j3["sufficient"] == results[key]["J3"]["meets_target"]
    waves = read("demo-survey.csv")
    for indicator in ("asb-perception", "teenagers-hanging-around"):
        before, after = (w for w in waves if w["indicator"] == indicator)
        mine = survey_change(before, after)
        assert mine["p"] == pytest.approx(results[(indicator, "kettering")]["J5"]["p_value"],
                                          rel=1e-9)


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="METHOD.md's worked example is not here")
def test_this_implementation_reproduces_the_method_example() -> None:
    """The count series and surveys of method/example-input.json against the reference answers."""
    given = json.loads((EXAMPLE / "example-input.json").read_text(encoding="utf-8"))
    expected = json.loads((EXAMPLE / "example-expected.json").read_text(encoding="utf-8"))
    answers = {s["id"]: s for s in expected["series"]}
    checked = 0
    for series in given["series"]:
        if series["unit"] != "count":
            continue
        y, want = np.array(series["counts"], dtype=float), answers[series["id"]]
        change = period_change(y)
        assert change["pct"] == pytest.approx(want["yoy"]["pct_change"], rel=1e-9, abs=1e-12)
        assert change["p"] == pytest.approx(want["yoy"]["p_value"], rel=1e-9)
        assert change["band"] == want["yoy"]["band"]
        assert mann_kendall(y[-36:]).p == pytest.approx(
            want["mann_kendall"]["current"]["p"], rel=1e-9)
        assert mann_kendall(y[-48:-12]).p == pytest.approx(
            want["mann_kendall"]["prior"]["p"], rel=1e-9)
        j3 = projection(y[-36:], MONTHS[-36:], float(y[24:36].sum()),
                        series["target"]["reduction_pct"])
        p = want["projection"]
        assert j3["projected"] == pytest.approx(p["projected_value"], rel=1e-8)
        assert j3["target"] == pytest.approx(p["target_value"], rel=1e-12)
        assert j3["sufficient"] == p["meets_target"]
        assert j3["seasonal"] == want["trend_glm"]["seasonal_terms"]
        z = stats.norm.ppf(0.975)
        assert j3["projected"] * math.exp(z * j3["se_log"]) == pytest.approx(p["ci95_high"],
                                                                              rel=1e-8)
        checked += 1
    assert checked == 5
    for survey, want in zip(given["surveys"], expected["surveys"], strict=True):
        def wave(w: dict[str, Any], deff: float = survey["design_effect"]) -> dict[str, str]:
            return {"base_n": str(w["n"]), "design_effect": str(deff), "percent": str(w["pct"])}
        result = survey_change(wave(survey["baseline"]), wave(survey["current"]))
        assert result["p"] == pytest.approx(want["p_value"], rel=1e-9)
        assert result["label"] == want["phrase"]
