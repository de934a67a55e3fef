"""METHOD 2.9 in `assess`: series with months not held (null counts), built by punching gaps
into the golden example's series. Every expected figure is computed here independently, from
the input, with scipy and statsmodels, not copied from an earlier run."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]
from statsmodels.genmod.families import Poisson  # type: ignore[import-untyped]
from statsmodels.genmod.generalized_linear_model import GLM  # type: ignore[import-untyped]

from briefings.assess import assess
from briefings.held_series import Series
from briefings.inputs import SeriesSpec
from briefings.method import MethodSettings
from briefings.months import format_month, fy_of, fy_position, parse_month
from briefings.narrative import describe_series
from briefings.sections import series_facts
from data.errors import DataError

GOLDEN = Path(__file__).resolve().parent / "golden"
DOC = json.loads((GOLDEN / "example-input.json").read_text())
FIRST = parse_month("2005-04")  # every example series runs 2005-04 .. 2010-03 (60 months)
AS_OF = parse_month("2010-03")
CURRENT = list(range(AS_OF - 11, AS_OF + 1))  # the J1 windows
WINDOW = list(range(AS_OF - 35, AS_OF + 1))  # the J2-J4 window


def _index(month: str) -> int:
    return parse_month(month) - FIRST


def punched(series_id: str, *months: str, **changes: Any) -> dict[str, Any]:
    """A one-series document: the golden series with the given months set to null."""
    given = next(s for s in DOC["series"] if s["id"] == series_id)
    counts = list(given["counts"])
    for m in months:
        counts[_index(m)] = None
    series = dict(given, counts=counts, **changes)
    return {"calendar": DOC["calendar"], "population_by_fy": DOC["population_by_fy"],
            "series": [series], "surveys": []}


def judged(doc: dict[str, Any], settings: MethodSettings | None = None) -> dict[str, Any]:
    out = assess(doc, settings)
    json.dumps(out, allow_nan=False)  # JSON-ready: no NaN ever leaks out for a gap
    return out["series"][0]


def codes(out: dict[str, Any]) -> list[str]:
    return [f["code"] for f in out["flags"]]


def count_of(doc: dict[str, Any], month: int) -> int | None:
    return doc["series"][0]["counts"][month - FIRST]


# No gap: today's output, with the new keys at their no-gap values -------------------------

def test_without_gaps_the_new_keys_take_their_no_gap_values() -> None:
    out = assess(DOC)
    for given, s in zip(DOC["series"], out["series"], strict=True):
        assert s["yoy"]["matched_months"] == 12
        assert s["same_month_last_year"] is None
        assert s["latest_12_months"] == {"first": "2009-04", "last": "2010-03",
                                         "total": sum(given["counts"][-12:])}
        assert s["trend_glm"]["held_months"] == 36
        assert s["trend_glm"]["fitted_months"] == [format_month(m) for m in WINDOW]
        assert len(s["trend_glm"]["fitted_monthly"]) == 36
        assert s["mann_kendall"]["current"]["held_months"] == 36
        assert s["mann_kendall"]["prior"]["held_months"] == 36
        for chart in ("spc", "spc_raw"):
            assert s[chart]["months"] == [format_month(m) for m in WINDOW]
            assert s[chart]["baseline_start"] == "2007-04"
        assert s["spc_raw"]["values_used"] == given["counts"][-36:]
        assert not {"matched_months", "too_many_gaps_for_period_change", "no_trend_gaps",
                    "spc_new_baseline"} & set(codes(s))


def test_fytd_without_gaps_matches_every_month_of_the_year_so_far() -> None:
    doc = punched("example_flat_large", as_of="2009-09")
    assert judged(doc, MethodSettings(comparison="fytd"))["yoy"]["matched_months"] == 6


# J1 ------------------------------------------------------------------------------------------

def _j1_by_hand(doc: dict[str, Any]) -> dict[str, float]:
    """J1 of a count series on the calendar months held in both windows: exact and quasi."""
    pairs = [(count_of(doc, m), count_of(doc, m - 12)) for m in CURRENT]
    kept = np.array([p for p in pairs if None not in p], dtype=float)
    c1, c2 = int(kept[:, 0].sum()), int(kept[:, 1].sum())
    p_exact = stats.binomtest(c1, c1 + c2, 0.5).pvalue
    table = kept.T[:, kept.T.sum(axis=0) > 0]
    chi2 = stats.chi2_contingency(table, correction=False)
    phi = max(1.0, chi2.statistic / chi2.dof)
    z = math.log(c1 / c2) / math.sqrt(phi * (1 / c1 + 1 / c2))
    return {"matched": len(kept), "c1": c1, "c2": c2, "p_exact": p_exact,
            "p_value": max(p_exact, 2 * stats.norm.sf(abs(z)))}


@pytest.mark.parametrize("months", [("2009-06", "2009-11"), ("2008-06", "2009-11"),
                                    ("2009-01", "2008-01", "2010-03")])
def test_up_to_three_missing_months_compare_the_matched_months(months: tuple[str, ...]) -> None:
    doc = punched("example_overdisp_flat_large", *months)
    out = judged(doc)
    want = _j1_by_hand(doc)
    yoy = out["yoy"]
    assert yoy["matched_months"] == want["matched"] == 12 - len({m[5:] for m in months})
    assert (yoy["count_current"], yoy["count_previous"]) == (want["c1"], want["c2"])
    assert yoy["p_exact"] == pytest.approx(want["p_exact"], rel=1e-9)
    assert yoy["p_value"] == pytest.approx(want["p_value"], rel=1e-9)
    assert yoy["current_months"] == ["2009-04", "2010-03"]
    assert "matched_months" in codes(out) and out["same_month_last_year"] is None


def test_matched_months_of_a_rate_use_the_exposures_of_those_months_only() -> None:
    doc = punched("example_ni16_sac_decline", "2009-05", "2008-12")
    yoy = judged(doc)["yoy"]
    population = DOC["population_by_fy"]
    kept = [m for m in CURRENT if m not in (parse_month("2009-05"), parse_month("2009-12"))]
    e1 = np.mean([population[fy_of(m)] / 1000 for m in kept])
    e2 = np.mean([population[fy_of(m - 12)] / 1000 for m in kept])
    c1 = sum(count_of(doc, m) for m in kept)
    c2 = sum(count_of(doc, m - 12) for m in kept)
    assert yoy["matched_months"] == 10
    assert yoy["exposure_current"] == pytest.approx(e1) and yoy["value_current"] == \
        pytest.approx(c1 / e1)
    assert yoy["p_exact"] == pytest.approx(stats.binomtest(c1, c1 + c2, e1 / (e1 + e2)).pvalue,
                                           rel=1e-9)


@pytest.mark.parametrize("series_id", ["example_flat_large", "example_ni16_sac_decline"])
def test_more_missing_gives_the_same_month_a_year_earlier(series_id: str) -> None:
    doc = punched(series_id, "2009-05", "2009-06", "2009-07", "2008-08", "2008-09")
    out = judged(doc)
    assert out["yoy"] is None and out["phrases"]["yoy"] is None
    assert "too_many_gaps_for_period_change" in codes(out)
    c1, c2 = count_of(doc, AS_OF), count_of(doc, AS_OF - 12)
    e1, e2 = (1.0, 1.0) if series_id == "example_flat_large" else (
        DOC["population_by_fy"][fy_of(AS_OF)], DOC["population_by_fy"][fy_of(AS_OF - 12)])
    p_value = stats.binomtest(c1, c1 + c2, e1 / (e1 + e2)).pvalue
    assert out["same_month_last_year"] == {
        "month": "2010-03", "count_current": c1, "count_previous": c2,
        "p_value": pytest.approx(p_value, rel=1e-12), "significant": p_value < 0.05}
    assert out["latest_12_months"] is None  # 2009-05 .. 2009-07 are in the latest 12


def test_the_latest_12_months_are_given_when_held_and_the_month_is_null_when_missing() -> None:
    doc = punched("example_flat_large", "2008-04", "2008-05", "2008-06", "2008-07",
                  "2009-03")
    out = judged(doc)
    assert out["yoy"] is None and out["same_month_last_year"] is None  # 2009-03 not held
    assert out["latest_12_months"] == {"first": "2009-04", "last": "2010-03",
                                       "total": sum(DOC["series"][0]["counts"][-12:])}


def test_a_gap_is_never_read_as_a_count() -> None:
    doc = punched("example_flat_large", "2009-06")
    series = Series(where="s", id="s", indicator="s", unit="count", polarity="lower_is_better",
                    first=FIRST, as_of=AS_OF,
                    counts=np.array([np.nan if c is None else c
                                     for c in doc["series"][0]["counts"]], dtype=float),
                    population=None, target=None, months_after_as_of=0)
    with pytest.raises(ValueError, match="not held"):
        series.counts_for(CURRENT)
    assert not series.is_held(parse_month("2009-06")) and len(series.held_of(CURRENT)) == 11
    assert np.isnan(series.values_for(CURRENT)[2])


# J2 and J3 -----------------------------------------------------------------------------------

def test_trend_uses_the_held_months_of_its_window() -> None:
    doc = punched("example_step_up_recent", "2008-10", "2009-02")
    out = judged(doc)
    held = [m for m in WINDOW if count_of(doc, m) is not None]
    assert out["trend_glm"]["held_months"] == 34 == len(held)
    assert out["mann_kendall"]["current"]["held_months"] == 34
    assert out["trend_glm"]["fitted_months"] == [format_month(m) for m in WINDOW]
    y = np.array([count_of(doc, m) for m in held], dtype=float)
    columns = [np.ones(len(held)), (np.array(held) - AS_OF) / 12.0]
    if out["trend_glm"]["seasonal_terms"]:
        columns += [np.array([fy_position(m) == k for m in held], float) for k in range(1, 12)]
    fit = GLM(y, np.column_stack(columns), family=Poisson()).fit()
    assert out["trend_glm"]["beta_log_per_year"] == pytest.approx(fit.params[1], rel=1e-6)
    seasons: dict[int, list[float]] = {}
    for m in WINDOW:  # Hirsch-Slack S: per calendar month, over the years held
        if count_of(doc, m) is not None:
            seasons.setdefault(m % 12, []).append(count_of(doc, m))
    s = sum(np.sign(v[j] - v[i]) for v in seasons.values()
            for i in range(len(v)) for j in range(i + 1, len(v)))
    assert out["mann_kendall"]["current"]["s"] == s


def test_no_trend_when_a_calendar_month_is_held_only_once() -> None:
    out = judged(punched("example_flat_large", "2007-10", "2008-10"))
    assert out["trend_glm"] is None and out["projection"] is None
    assert out["mann_kendall"]["current"] is None and out["phrases"]["trend"] is None
    reason = next(f["message"] for f in out["flags"] if f["code"] == "no_trend_gaps")
    assert "October is held fewer than twice in 2007-04 to 2010-03" in reason
    assert out["yoy"]["matched_months"] == 11  # J1 holds on without October
    assert out["spc"]["months"][0] == "2007-04" and len(out["spc"]["months"]) == 34


def test_no_trend_with_fewer_than_24_held_months() -> None:
    gaps = [format_month(m) for m in WINDOW[1:26:2]]  # 13 of the 36 months
    out = judged(punched("example_flat_large", *gaps))
    assert out["trend_glm"] is None
    assert "only 23 of the 36 months from 2007-04 to 2010-03 are held" in \
        out["flags"][[f["code"] for f in out["flags"]].index("no_trend_gaps")]["message"]


# J4 ------------------------------------------------------------------------------------------

def test_a_gap_of_four_months_starts_a_new_spc_baseline() -> None:
    doc = punched("example_flat_large", "2009-01", "2009-02", "2009-03", "2009-04")
    out = judged(doc)
    after = [m for m in WINDOW if m >= parse_month("2009-05")]
    for chart in ("spc", "spc_raw"):
        assert out[chart]["baseline_start"] == "2009-05"
        assert out[chart]["months"] == [format_month(m) for m in after]
    raw = np.array([count_of(doc, m) for m in after], dtype=float)
    assert out["spc_raw"]["values_used"] == raw.tolist()
    average_range = np.abs(np.diff(raw)).mean()
    assert out["spc_raw"]["mean"] == pytest.approx(raw.mean(), rel=1e-12)
    assert out["spc_raw"]["upl"] == pytest.approx(raw.mean() + 2.66 * average_range, rel=1e-12)
    assert {"spc_new_baseline", "spc_trial_limits"} <= set(codes(out))  # 11 points
    assert len(out["spc"]["point_type"]) == len(after) == 11


def test_a_gap_of_three_months_keeps_one_baseline() -> None:
    doc = punched("example_flat_large", "2009-01", "2009-02", "2009-03")
    out = judged(doc)
    held = [m for m in WINDOW if count_of(doc, m) is not None]
    assert out["spc_raw"]["baseline_start"] == "2007-04"
    assert out["spc_raw"]["months"] == [format_month(m) for m in held]
    raw = np.array([count_of(doc, m) for m in held], dtype=float)
    assert out["spc_raw"]["lpl"] == pytest.approx(
        raw.mean() - 2.66 * np.abs(np.diff(raw)).mean(), rel=1e-12)
    assert "spc_new_baseline" not in codes(out)


# Gaps everywhere: never a crash --------------------------------------------------------------

ALL = [format_month(m) for m in range(FIRST, AS_OF + 1)]


@pytest.mark.parametrize("months", [
    ALL, ALL[:-1], ALL[1:], ALL[-36:], ALL[-24:], ALL[-12:], ALL[:48], ALL[-13:-1],
    ALL[-36:-1], ALL[::2], ["2010-03"], ALL[-40:-2]], ids=lambda m: f"{m[0]}..{m[-1]}x{len(m)}")
@pytest.mark.parametrize("series_id", ["example_flat_large", "example_ni16_sac_decline",
                                       "example_zero_heavy"])
def test_series_of_gaps_are_judged_without_crashing(months: list[str], series_id: str) -> None:
    doc = punched(series_id, *months)
    for settings in (MethodSettings(), MethodSettings(comparison="fytd")):
        out = judged(doc, settings)
        describe_series(out, "Burglary")
        for chart in ("spc", "spc_raw"):
            if out[chart] is not None:
                assert len(out[chart]["months"]) == len(out[chart]["values_used"]) >= 2
                assert set(out[chart]["months"]).isdisjoint(months)
    spec = SeriesSpec(key="k", indicator="burglary", area="p", kind="monthly", name="Burglary",
                      area_name="P", unit="count", polarity="lower-is-better", sensitive=False,
                      months=ALL, values=doc["series"][0]["counts"])
    series_facts(spec, out, str)


def test_a_population_not_known_is_only_needed_for_months_held() -> None:
    year = [format_month(m) for m in range(parse_month("2007-04"), parse_month("2008-04"))]
    unknown = dict(DOC["population_by_fy"], **{"2007/08": None})
    doc = punched("example_ni16_sac_decline", *year, population_by_fy=unknown)
    out = judged(doc)
    assert out["yoy"]["matched_months"] == 12 and out["trend_glm"]["held_months"] == 24
    assert out["projection"]["target_value"] is None
    assert "baseline_year_not_held" in codes(out)  # the baseline 2007/08 is a gap
    with pytest.raises(DataError, match="no population for 2007/08"):
        assess(punched("example_ni16_sac_decline", population_by_fy=unknown))


def test_anything_else_malformed_in_counts_is_refused() -> None:
    for bad in ("12", True, -1, 2.5, float("nan"), [3]):
        doc = punched("example_flat_large")
        doc["series"][0]["counts"][7] = bad
        with pytest.raises(DataError, match=r"'counts' item 7 .* or null for a month not held"):
            assess(doc)


# The words -----------------------------------------------------------------------------------

def test_the_sentence_and_facts_say_how_many_months_were_matched() -> None:
    out = judged(punched("example_flat_large", "2009-06", "2009-11"))
    sentence = describe_series(out, "Overall crime").text
    assert "(based on 10 matched months)" in sentence
    spec = SeriesSpec(key="k", indicator="all-crime", area="p", kind="monthly", name="All crime",
                      area_name="P", unit="count", polarity="lower-is-better", sensitive=False,
                      months=ALL, values=punched("example_flat_large")["series"][0]["counts"])
    facts = {f.label: f.value for f in series_facts(spec, out, "{:,}".format)}
    assert "in the 12 months before, based on 10 matched months (" in facts["Latest 12 months"]


def test_the_sentence_without_j1_gives_the_month_the_12_months_and_why_no_trend() -> None:
    doc = punched("example_flat_large", "2009-05", "2009-06", "2009-07", "2009-08",
                  "2008-10", "2007-10")
    out = judged(doc)
    c1, c2 = count_of(doc, AS_OF), count_of(doc, AS_OF - 12)
    p_value = stats.binomtest(c1, c1 + c2, 0.5).pvalue
    verdict = "a significant change" if p_value < 0.05 else "not a significant change"
    sentence = describe_series(out, "Overall crime").text
    assert sentence.startswith("Overall crime cannot be compared with the 12 months before")
    assert f"2010-03: {c1:,} against {c2:,} in 2009-03 ({verdict})" in sentence
    assert "no trend judgement: October is held fewer than twice" in sentence
    assert "too few months of figures" not in sentence
    spec = SeriesSpec(key="k", indicator="all-crime", area="p", kind="monthly", name="All crime",
                      area_name="P", unit="count", polarity="lower-is-better", sensitive=False,
                      months=ALL[:-1], values=doc["series"][0]["counts"][:-1])
    facts = {f.label: f.value for f in series_facts(spec, out, "{:,}".format)}
    assert facts["Same month a year earlier"].startswith(f"2010-03: {c1:,} against {c2:,}")
    assert facts["Trend"].startswith("no trend judgement: October")


def test_the_latest_12_months_in_words() -> None:
    doc = punched("example_flat_large", "2008-04", "2008-05", "2008-06", "2008-07")
    out = judged(doc)
    total = sum(DOC["series"][0]["counts"][-12:])
    assert f"latest 12 months: {total:,} (2009-04 to 2010-03)" in \
        describe_series(out, "Overall crime").text


# cspbot assess -------------------------------------------------------------------------------

def test_cspbot_assess_reads_and_writes_nulls(cspbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = punched("example_flat_large", "2009-05", "2009-06", "2009-07", "2009-08")
    given = tmp_path / "gaps.json"
    given.write_text(json.dumps(doc))
    assert '"counts": [' in given.read_text() and "null" in given.read_text()
    answer = tmp_path / "answer.json"
    result = cspbot("assess", given, "--out", answer)
    assert result.exit_code == 0, result.output
    written = json.loads(answer.read_text())
    assert written == json.loads(json.dumps(assess(doc)))
    series = written["series"][0]
    assert series["yoy"] is None and series["same_month_last_year"]["month"] == "2010-03"
    doc["series"][0]["counts"][3] = "none"
    given.write_text(json.dumps(doc))
    refused = cspbot("assess", given)
    assert refused.exit_code == 1 and "null for a month not held" in refused.output
