"""`assess` reproduces the reference answers of METHOD.md's worked example, field by field.

Every field of example-expected.json is compared (recursively; a mismatch reports its path),
except "_versions" and "_about", which describe who computed the file. Tolerances:

* exact: text (labels, bands, phrases, months), booleans, None, and whole numbers (counts);
* relative 1e-9 (absolute 1e-12 near zero): closed-form results - J1 (binomtest, mid-p,
  chi2_contingency dispersion, quasi z and p), J2 (Mann-Kendall), J5 (z test, Wilson,
  Newcombe), raw SPC limits, baseline and target values, OLS and Theil-Sen projections;
* relative 1e-6: results of the iteratively fitted GLM (J3) and what depends on it - "trend_glm",
  the projection and its interval, and the seasonally adjusted SPC chart ("spc").

Our output may add keys the reference does not have; they are listed in EXTRA_KEYS.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from briefings.assess import assess
from briefings.method import MethodSettings
from briefings.months import fy_position, parse_month
from data.errors import DataError

GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "method"
FILES = ("example-input.json", "example-expected.json")

SKIPPED = {"_versions", "_about"}
EXTRA_KEYS = {"flags", "settings", "small_counts", "value_ci_current", "value_ci_previous",
              "fitted_monthly", "projected_monthly",
              # METHOD 2.9 (gaps): at their no-gap values here, see tests/test_assess_gaps.py
              "matched_months", "same_month_last_year", "latest_12_months", "held_months",
              "fitted_months", "months", "baseline_start"}
GLM_PARTS = (".trend_glm.", ".projection.projected_value", ".projection.ci95_", ".spc.")
CLOSED_FORM = {"rel": 1e-9, "abs": 1e-12}
GLM = {"rel": 1e-6, "abs": 1e-12}


def _calendar_order(apr_to_mar: list[float]) -> list[float]:
    """The reference lists 'seasonal_factors_apr_to_mar' January first (see golden/README.md):
    our April-first list, rotated to January first, for comparison."""
    return apr_to_mar[9:] + apr_to_mar[:9]


KNOWN_DEVIATIONS = {"seasonal_factors_apr_to_mar": _calendar_order}


def _tolerance(path: str) -> dict[str, float]:
    return GLM if any(part in path + "." for part in GLM_PARTS) else CLOSED_FORM


def compare(ours: Any, expected: Any, path: str, problems: list[str]) -> None:
    """Walk `expected`, checking `ours` at the same place; append '<path>: <problem>'."""
    if isinstance(expected, dict):
        if not isinstance(ours, dict):
            problems.append(f"{path}: expected an object, got {type(ours).__name__}")
            return
        for key, value in expected.items():
            if key in SKIPPED and path == "$":
                continue
            if key not in ours:
                problems.append(f"{path}.{key}: missing")
                continue
            mine = ours[key]
            if key in KNOWN_DEVIATIONS and isinstance(mine, list):
                mine = KNOWN_DEVIATIONS[key](mine)
            compare(mine, value, f"{path}.{key}", problems)
        extra = set(ours) - set(expected) - EXTRA_KEYS - (SKIPPED if path == "$" else set())
        if extra:
            problems.append(f"{path}: unexpected keys {sorted(extra)}")
    elif isinstance(expected, list):
        if not isinstance(ours, list) or len(ours) != len(expected):
            problems.append(f"{path}: expected a list of {len(expected)}, got {ours!r:.80}")
            return
        for i, (mine, value) in enumerate(zip(ours, expected, strict=True)):
            compare(mine, value, f"{path}[{i}]", problems)
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if ours != expected or type(ours) is not type(expected):
            problems.append(f"{path}: {ours!r} != {expected!r}")
    elif isinstance(expected, int):
        if type(ours) is not int or ours != expected:
            problems.append(f"{path}: {ours!r} != {expected!r} (exact integer)")
    elif isinstance(expected, float):
        tol = _tolerance(path)
        ok = (isinstance(ours, int | float) and not isinstance(ours, bool)
              and math.isclose(ours, expected, rel_tol=tol["rel"], abs_tol=tol["abs"]))
        if not ok:
            problems.append(f"{path}: {ours!r} != {expected!r} (rel {tol['rel']:g})")
    else:
        raise TypeError(f"{path}: unexpected type {type(expected).__name__} in the reference")


def _sources() -> list[Any]:
    return [pytest.param(GOLDEN, id="tests-golden"),
            pytest.param(SHARED, id="shared-method", marks=pytest.mark.skipif(
                not (SHARED / FILES[1]).exists(), reason="../shared/method not present"))]


def _load(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    return tuple(json.loads((folder / name).read_text()) for name in FILES)  # type: ignore


@pytest.fixture(scope="module")
def golden_output() -> dict[str, Any]:
    doc, _ = _load(GOLDEN)
    return assess(doc, MethodSettings())


@pytest.mark.parametrize("folder", _sources())
def test_every_field_matches_the_reference(folder: Path) -> None:
    doc, expected = _load(folder)
    problems: list[str] = []
    compare(assess(doc, MethodSettings()), expected, "$", problems)
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems[:40])


def test_the_comparison_reports_the_path_of_a_mismatch(golden_output: dict[str, Any]) -> None:
    _, expected = _load(GOLDEN)
    changed = json.loads(json.dumps(golden_output))
    changed["series"][2]["yoy"]["band"] = "stable"
    changed["series"][4]["projection"]["projected_value"] *= 1 + 1e-5
    del changed["surveys"][1]["phrase"]
    problems: list[str] = []
    compare(changed, expected, "$", problems)
    assert problems == ["$.series[2].yoy.band: 'stable' != 'sharply up'",
                        "$.series[4].projection.projected_value: "
                        f"{changed['series'][4]['projection']['projected_value']!r} != "
                        f"{expected['series'][4]['projection']['projected_value']!r} (rel 1e-06)",
                        "$.surveys[1].phrase: missing"]


def test_seasonal_factors_are_april_first(golden_output: dict[str, Any]) -> None:
    """Our factors, April first, turn the raw counts into the reference's adjusted SPC values:
    so the reference computed with April-first factors and only listed them January first."""
    doc, expected = _load(GOLDEN)
    for ours, given, want in zip(golden_output["series"], doc["series"], expected["series"],
                                 strict=True):
        factors = ours["trend_glm"]["seasonal_factors_apr_to_mar"]
        first = parse_month(want["spc"]["window_months"][0])
        counts = given["counts"][-36:]
        adjusted = [c / factors[fy_position(first + i)] for i, c in enumerate(counts)]
        assert adjusted == pytest.approx(want["spc"]["values_used"], rel=1e-6)


def test_extra_keys_of_the_example(golden_output: dict[str, Any]) -> None:
    flags = {s["id"]: [f["code"] for f in s["flags"]] for s in golden_output["series"]}
    assert flags["example_zero_heavy"] == ["small_counts", "projections_disagree"]
    assert all(not codes for sid, codes in flags.items() if sid != "example_zero_heavy")
    zero = golden_output["series"][5]["yoy"]
    assert zero["small_counts"] is True
    assert zero["value_ci_current"] == pytest.approx([1.623486, 11.668332], rel=1e-6)
    assert [s["flags"] for s in golden_output["surveys"]] == [[], []]


@pytest.mark.skipif(not (SHARED / FILES[1]).exists(), reason="../shared/method not present")
def test_golden_copies_are_those_of_shared_method() -> None:
    for name in FILES:
        assert (GOLDEN / name).read_bytes() == (SHARED / name).read_bytes(), (
            f"tests/golden/{name} differs from ../shared/method/{name}: copy it again")


def test_cli_writes_the_same_document(cspbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                      golden_output: dict[str, Any]) -> None:
    out = tmp_path / "answer.json"
    result = cspbot("assess", GOLDEN / FILES[0], "--out", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == json.loads(json.dumps(golden_output))
    shown = cspbot("assess", GOLDEN / FILES[0])
    assert json.loads(shown.output) == json.loads(out.read_text())


# Edge cases of METHOD 2.8 and bad input, on variations of the golden input ------------------

def _one_series(**changes: Any) -> dict[str, Any]:
    doc, _ = _load(GOLDEN)
    series = dict(doc["series"][0], **changes)
    return {"calendar": doc["calendar"], "series": [series], "surveys": []}


def test_thirty_months_fall_back_to_a_24_month_window() -> None:
    doc = _one_series(counts=_load(GOLDEN)[0]["series"][0]["counts"][-30:], first_month="2007-10")
    out = assess(doc)["series"][0]
    codes = [f["code"] for f in out["flags"]]
    assert "trend_window_shortened" in codes and "no_prior_window" in codes
    assert out["trend_glm"]["window_months"] == ["2008-04", "2010-03"]
    assert out["mann_kendall"]["prior"] is None and out["yoy"] is not None
    assert out["projection"]["baseline_value"] is None  # 2007/08 is not wholly held


def test_twenty_months_give_only_the_charts() -> None:
    doc = _one_series(counts=[40, 44] * 5 + [48, 52] * 5, first_month="2008-08")
    out = assess(doc)["series"][0]
    assert out["yoy"] is None and out["trend_glm"] is None and out["projection"] is None
    assert {"too_short_for_period_change", "too_short_for_trend"} <= {
        f["code"] for f in out["flags"]}
    assert len(out["spc"]["values_used"]) == 20
    assert out["spc"]["special_cause_type"][-10:] == ["7 Points Above CL"] * 10


def test_no_events_at_all() -> None:
    out = assess(_one_series(counts=[0] * 60))["series"][0]
    assert out["yoy"]["p_value"] == 1.0 and out["yoy"]["band"] == "stable"
    assert out["yoy"]["rate_ratio"] is None and out["trend_glm"] is None
    assert "no_events" in [f["code"] for f in out["flags"]]


def test_benjamini_hochberg_and_fytd_are_settings() -> None:
    doc, _ = _load(GOLDEN)
    out = assess(doc, MethodSettings(bh_correction=True))
    assert all("p_adjusted" in s["yoy"] for s in out["series"])
    assert out["series"][2]["yoy"]["p_adjusted"] >= out["series"][2]["yoy"]["p_value"]
    doc["series"][0]["as_of"] = "2009-09"
    fytd = assess(doc, MethodSettings(comparison="fytd"))["series"][0]["yoy"]
    assert fytd["current_months"] == ["2009-04", "2009-09"]
    assert fytd["previous_months"] == ["2008-04", "2008-09"]


@pytest.mark.parametrize(("change", "words"), [
    ({"counts": [1, -2, 3]}, ["series 'example_flat_large' (series[0])", "'counts' item 1"]),
    ({"as_of": "2010-13"}, ["'as_of'", "YYYY-MM"]),
    ({"as_of": "2011-01"}, ["'as_of' 2011-01 is outside the months held"]),
    ({"unit": "rate"}, ["'unit' is 'rate'", "count, rate_per_1000"]),
    ({"unit": "rate_per_1000", "population_by_fy": {"2009/10": 86800}},
     ["'population_by_fy' has no population for", "2008/09"]),
    ({"target": {"baseline_fy": "2007/8", "reduction_pct": 10, "target_fy": "2010/11"}},
     ["'target.baseline_fy'", "YYYY/YY"]),
    ({"polarity": None}, ["the field 'polarity' is missing"]),
])
def test_bad_input_names_the_series_and_the_field(change: dict[str, Any],
                                                  words: list[str]) -> None:
    doc = _one_series(**change)
    doc["population_by_fy"] = None
    with pytest.raises(DataError) as caught:
        assess(doc)
    for word in words:
        assert word in str(caught.value)


def test_bad_survey_and_duplicate_ids() -> None:
    doc, _ = _load(GOLDEN)
    doc["surveys"][1]["current"]["pct"] = 20.0
    with pytest.raises(DataError, match=r"surveys 'example_ni17_small_drop' \(surveys\[1\]\): "
                       r"'current' has pct 20.0 but x_weighted/n is 16.80%"):
        assess(doc)
    doc, _ = _load(GOLDEN)
    doc["series"][1]["id"] = doc["series"][0]["id"]
    with pytest.raises(DataError, match="share the id 'example_flat_large'"):
        assess(doc)
