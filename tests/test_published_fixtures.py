"""Published golden numbers (METHOD.md section 3.2) reproduced by our functions in briefings/.

Numbers only: each case cites where it is published, by repository and path. Where the source
prints rounded figures, the tolerance is half a unit of the last printed digit.
"""

from __future__ import annotations

import math

import numpy as np
import pymannkendall as mk  # type: ignore[import-untyped]
import pytest
from statsmodels.stats import rates  # type: ignore[import-untyped]

from briefings.method import MethodSettings
from briefings.period import byars_interval, compare_periods, count_interval, exact_poisson_pvalues
from briefings.spc import (
    classify_points,
    outer_third,
    side_runs,
    trend_runs,
    two_in_three,
    xmr_limits,
)
from briefings.survey import compare_waves
from briefings.trend import detect_seasonal_trend

SETTINGS = MethodSettings()

# R: set.seed(123); rnorm(20), as printed (8 decimals) in the glimpse snapshot of
# nhs-r-community/NHSRplotthedots tests/testthat/_snaps/ptd_spc_standard.md
# (data from tests/testthat/test-ptd_spc_standard.R).
RNORM_20 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499,
            0.46091621, -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383,
            0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
            0.70135590, -0.47279141]
RNORM_20_Y15_IS_10 = RNORM_20[:14] + [10.0] + RNORM_20[15:]  # R's data$y[15] <- 10


def test_rnorm_20_mean() -> None:
    # NHSRplotthedots tests/testthat/_snaps/ptd_spc_standard.md: mean_col 0.1416238
    assert float(np.mean(RNORM_20)) == pytest.approx(0.1416238, abs=5e-8)


@pytest.mark.parametrize(("data", "screen", "mean", "lpl", "upl"), [
    # NHSRplotthedots tests/testthat/_snaps/ptd_spc_standard.md (r1, r2, r3)
    (RNORM_20, True, 0.1416238, -3.01138, 3.294627),
    (RNORM_20_Y15_IS_10, True, 0.6694159, -2.383666, 3.722497),
    (RNORM_20_Y15_IS_10, False, 0.6694159, -4.596625, 5.935457),
], ids=["rnorm20-screened", "y15=10-screened", "y15=10-unscreened"])
def test_nhsrplotthedots_limits(data: list[float], screen: bool, mean: float, lpl: float,
                                upl: float) -> None:
    limits = xmr_limits(data, screen=screen)
    assert (limits.mean, limits.lpl, limits.upl) == pytest.approx((mean, lpl, upl), abs=5e-6)


# NHSRplotthedots vignettes/deviations.Rmd: data and the captions' rounded limits.
DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


@pytest.mark.parametrize(("screen", "upl", "mean", "lpl"), [
    (True, 4.6, 1.94, -0.72),     # R package default (screen_outliers = TRUE)
    (False, 6.95, 1.94, -3.06),   # Making Data Count Excel tools (screen_outliers = FALSE)
], ids=["screened", "excel-unscreened"])
def test_deviations_vignette(screen: bool, upl: float, mean: float, lpl: float) -> None:
    limits = xmr_limits(DEVIATIONS, screen=screen)
    assert (round(limits.upl, 2), round(limits.mean, 2), round(limits.lpl, 2)) == (upl, mean, lpl)


def test_deviations_vignette_point_5_is_special_cause_improvement() -> None:
    # NHSRplotthedots vignettes/deviations.Rmd: the 10 (point 5) is flagged, improvement being
    # an increase (ptd_spc's default improvement_direction).
    limits = xmr_limits(DEVIATIONS, screen=True)
    labels, kinds = classify_points(DEVIATIONS, limits, "higher_is_better", SETTINGS)
    assert (labels[4], kinds[4]) == ("Above UCL", "special_cause_improvement")


# NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R: rule vectors. Ours mark every
# point of a run (their ptd_part_of_seven_trend applied to the rule's output).
@pytest.mark.parametrize(("side", "marked"), [
    ([1] * 6, [0] * 6),                          # 6 points do not make a shift
    ([1] * 6 + [-1], [0] * 7),
    ([1] * 8 + [-1], [1] * 8 + [0]),
    ([-1] * 8 + [1], [1] * 8 + [0]),
    ([-1] + [1] * 8 + [-1], [0] + [1] * 8 + [0]),
    ([1] + [-1] * 8 + [1], [0] + [1] * 8 + [0]),
])
def test_seven_points_one_side_of_the_mean(side: list[int], marked: list[int]) -> None:
    assert side_runs(np.array(side, dtype=float)).astype(int).tolist() == marked


@pytest.mark.parametrize(("values", "rising", "falling"), [
    (list(range(1, 7)), [0] * 6, [0] * 6),
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7, [0] * 7),   # a tie breaks the trend
    (list(range(1, 8)), [1] * 7, [0] * 7),
    ([2, *range(1, 8), 3], [0] + [1] * 7 + [0], [0] * 9),
    (list(range(7, 0, -1)), [0] * 7, [1] * 7),
    ([2, *range(7, 0, -1), 3], [0] * 9, [0] + [1] * 7 + [0]),
])
def test_seven_point_trend(values: list[int], rising: list[int], falling: list[int]) -> None:
    up, down = trend_runs(values)
    assert (up.astype(int).tolist(), down.astype(int).tolist()) == (rising, falling)


# nhs-pycom/nhspy-plotthedots tests/unittests/test_seven_point_trend.py: the last point of each
# 7-point trend (their seven_point_trend marks the 7th point onwards).
@pytest.mark.parametrize(("values", "ends"), [
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0] * 6 + [1] * 4),
    ([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], [0] * 6 + [-1] * 4),
    ([1, 2, 3, 4, 5, 4, 3, 2, 1, 2], [0] * 10),
    ([1, 1, 1, 1, 1, 1, 1], [0] * 7),
    ([1, 2, 3, 2, 1, 2, 3, 4, 5, 6, 7, 4, 3, 2, 1, 2], [0] * 10 + [1] + [0] * 5),
    ([-1, -2, -3, -2, -1, -2, -3, -4, -5, -6, -7, -4, -3, -2, -1, -2], [0] * 10 + [-1] + [0] * 5),
])
def test_nhspy_seven_point_trend(values: list[int], ends: list[int]) -> None:
    # their vector marks the 7th point of a trend onwards; a point is part of a trend when it or
    # one of the 6 after it is so marked (as NHSRplotthedots' ptd_part_of_seven_trend does)
    part_up = [int(any(e == 1 for e in ends[i:i + 7])) for i in range(len(ends))]
    part_down = [int(any(e == -1 for e in ends[i:i + 7])) for i in range(len(ends))]
    up, down = trend_runs(values)
    assert (up.astype(int).tolist(), down.astype(int).tolist()) == (part_up, part_down)


@pytest.mark.parametrize(("close", "side", "marked"), [
    # NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R (ptd_two_in_three and
    # ptd_part_of_two_in_three), all points on one side of the mean
    ([1, 0, 1], [1] * 3, [1, 0, 1]),
    ([0, 1, 1], [1] * 3, [0, 1, 1]),
    ([1, 1, 0], [1] * 3, [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
    ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
    # 2 of 3 only when all three are on the same side of the mean
    ([1, 1, 0], [1, 1, -1], [0, 0, 0]),
    ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
])
def test_two_in_three(close: list[int], side: list[int], marked: list[int]) -> None:
    got = two_in_three(np.array(close, dtype=bool), np.array(side, dtype=float))
    assert got.astype(int).tolist() == marked


def test_close_points_on_opposite_sides_are_common_cause() -> None:
    # NHSRplotthedots tests/testthat/test-ptd_spc_standard.R, "it only reports special cause for
    # 2 of 3 points close to limits when they are on the same side of the mean"
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    limits = xmr_limits(data, screen=True)
    _, kinds = classify_points(data, limits, "higher_is_better", SETTINGS)
    assert kinds[-2:] == ["common_cause", "common_cause"]


@pytest.mark.parametrize(("values", "mean", "lpl", "upl"), [
    # nhs-pycom/nhspy-plotthedots tests/unittests/test_pandas_spc_x_calc.py (as cited by
    # METHOD.md 3.2); "fixed on 3 points" = limits from the first 3 values
    ([16, 9, 4, 2, 1], 6.4, -3.575, 16.375),
    ([1, 6, 1, 8, 0, 3], 3.1667, -11.7293, 18.0627),
    ([1, 2, 3], 2.0, -0.66, 4.66),
])
def test_nhspy_x_calc(values: list[float], mean: float, lpl: float, upl: float) -> None:
    limits = xmr_limits(values)
    assert (limits.mean, limits.lpl, limits.upl) == pytest.approx((mean, lpl, upl), abs=5e-5)


@pytest.mark.parametrize(("values", "expected"), [
    # nhs-pycom/nhspy-plotthedots tests/unittests/test_limits_calculations.py:
    # (mean, lpl, upl, nlpl, nupl)
    (list(range(1, 11)), (5.5, 2.84, 8.16, 3.7266666666666666, 7.273333333333333)),
    ([1, 2, 3, 4, 5, 4, 3, 2, 1, 2],
     (2.7, 0.040000000000000036, 5.36, 0.9266666666666667, 4.473333333333334)),
    ([1, 2, 3], (2.0, -0.6600000000000001, 4.66, 0.22666666666666657, 3.7733333333333334)),
    ([3, 1, 4, 1, 5, 9, 2], (3.5714285714285716, -6.625238095238096, 13.768095238095238,
                             -3.2263492063492065, 10.36920634920635)),
    ([1, 2, 3, 2, 1, 2, 3, 4, 5, 6, 7, 4, 3, 2, 1, 2],
     (3.0, -0.014666666666666828, 6.014666666666667, 0.9902222222222221, 5.009777777777778)),
])
def test_nhspy_limits_calculations(values: list[float], expected: tuple[float, ...]) -> None:
    limits = xmr_limits(values)
    got = (limits.mean, limits.lpl, limits.upl, *outer_third(limits))
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("count", "low", "high"), [
    # ukhsa-collaboration/PHEindicatormethods tests/testthat/testdata_Byars_Wilson.xlsx (95%)
    (65, 50.163188, 82.849139),
    (1045, 982.593202, 1110.331213),
])
def test_byars_interval(count: int, low: float, high: float) -> None:
    assert byars_interval(count, 0.95) == pytest.approx((low, high), abs=5e-7)
    assert count_interval(count, 0.95) == pytest.approx((low, high), abs=5e-7)


@pytest.mark.parametrize(("x", "n", "low", "high"), [
    # ukhsa-collaboration/PHEindicatormethods tests/testthat/testdata_Byars_Wilson.xlsx (95%)
    (65, 100, 0.552544, 0.736358),
    (1045, 5000, 0.197955, 0.220491),
])
def test_wilson_interval(x: int, n: int, low: float, high: float) -> None:
    change = compare_waves(x, n, x, n, 1.0, None, "lower_is_better", SETTINGS)
    assert [v / 100 for v in change.wilson95_current_pct] == pytest.approx([low, high], abs=5e-7)


def test_wheeler_25_vs_16() -> None:
    # andrewpwheeler.com 2018-04-29 "Testing changes in short run crime patterns: The Poisson
    # e-test": 25 vs 16, equal exposure; E-test p ~ 0.165 (statsmodels 'etest' 0.1648),
    # exact conditional p 0.2110236 = binomtest(25, 41)
    assert rates.test_poisson_2indep(25, 1, 16, 1, method="etest").pvalue == pytest.approx(
        0.1648, abs=5e-5)
    p_exact, _ = exact_poisson_pvalues(25, 1.0, 16, 1.0)
    assert p_exact == pytest.approx(0.2110236, abs=5e-8)
    change = compare_periods([25] + [0] * 11, [16] + [0] * 11, [1.0] * 12, [1.0] * 12,
                             (["a", "b"], ["c", "d"]), SETTINGS)
    assert change.p_exact == pytest.approx(0.2110236, abs=5e-8)
    assert change.z_quasi == pytest.approx(math.log(25 / 16) / math.sqrt(1 / 25 + 1 / 16))
    assert (change.significant, change.band) == (False, "slightly up")


# mmhs013/pyMannKendall tests/test_pymannkendall.py, fixture arbitrary_1d_data (360 values;
# results cross-checked there against R packages modifiedmk, fume, rkt, trend).
NAN = math.nan
ARBITRARY_1D = [
    32, 20, 25, 189, 240, 193, 379, 278, 301, 0, 0, 82, 0, 4, NAN, NAN, 121, 234, 360, 262, 120,
    30, 11, 1, 7, 3, 31, 31, 355, 102, 248, 274, 308, NAN, 5, 26, 11, 16, 6, 48, 388, 539, 431,
    272, 404, 186, 0, 2, 0, 4, 1, 54, 272, 459, 235, 164, 365, 135, 2, NAN, NAN, 4, 0, 128, 210,
    163, 446, 225, 462, 467, 19, 13, 0, 3, 17, 132, 178, 338, 525, 623, 145, 31, 19, 3, 0, 29,
    25, 87, 259, 756, 486, 180, 292, 43, 92, 1, 0, 16, 2, 0, 130, 253, 594, 111, 273, 30, 0, 4,
    0, 27, 24, 41, 292, 378, 499, 265, 320, 227, 4, 0, 4, 14, 8, 48, 416, 240, 404, 207, 733,
    105, 0, 112, 0, 14, 0, 30, 140, 202, 289, 159, 424, 106, 3, 0, 65, 3, 14, 58, 268, 466, 432,
    266, 240, 95, 1, 0, 10, 26, 4, 114, 94, 289, 173, 208, 263, 156, 5, 0, 16, 16, 14, 0, 111,
    475, 534, 432, 471, 117, 70, 1, 3, 28, 7, 401, 184, 283, 338, 171, 335, 176, 0, 0, 10, 11, 9,
    140, 102, 208, 298, 245, 220, 29, 2, 27, 10, 13, 26, 84, 143, 367, 749, 563, 283, 353, 10, 0,
    0, 0, 0, 9, 246, 265, 343, 429, 168, 133, 17, 0, 18, 35, 76, 158, 272, 250, 190, 289, 466,
    84, 0, 0, 0, 0, 0, 22, 217, 299, 185, 115, 344, 203, 8, NAN, NAN, 0, 5, 284, 123, 254, 476,
    496, 326, 27, 20, 0, 4, 53, 72, 113, 214, 364, 219, 220, 156, 264, 0, 13, 0, 0, 45, 90, 137,
    638, 529, 261, 206, 251, 0, 0, 5, 9, 58, 72, 138, 130, 471, 328, 356, 523, 0, 1, 0, 0, 12,
    143, 193, 184, 192, 138, 174, 69, 1, 0, 0, 18, 25, 28, 92, 732, 320, 256, 302, 131, 15, 0,
    27, 0, 22, 20, 213, 393, 474, 374, 109, 159, 0, 0, 0, 3, 3, 49, 205, 128, 194, 570, 169, 89,
    0, 0, 0, 0, 0, 26, 185, 286, 92, 225, 244, 190, 3, 20]


def test_arbitrary_data_has_360_values() -> None:
    assert len(ARBITRARY_1D) == 360


def test_seasonal_mann_kendall() -> None:
    # test_seasonal_test and test_seasonal_sens_slope on arbitrary_1d_data
    r = detect_seasonal_trend(ARBITRARY_1D, ["", ""], SETTINGS)
    assert (r.trend, r.h) == ("decreasing", True)
    assert r.p == pytest.approx(0.03263834596177739, rel=1e-12)
    assert r.z == pytest.approx(-2.136504114534638, rel=1e-12)
    assert r.Tau == pytest.approx(-0.0794979079497908, rel=1e-12)
    assert (r.s, r.var_s) == pytest.approx((-399.0, 34702.333333333336), rel=1e-12)
    assert r.slope_per_year == pytest.approx(-0.08695652173913043, rel=1e-12)
    assert r.intercept == pytest.approx(96.31159420289855, rel=1e-12)


def test_original_mann_kendall_and_sens_slope() -> None:
    # test_original_test and test_sens_slope on arbitrary_1d_data (the library METHOD 3.1 names)
    data = np.array(ARBITRARY_1D, dtype=float)
    r = mk.original_test(data)
    assert r.p == pytest.approx(0.37591058740506833, rel=1e-12)
    assert (r.s, r.var_s) == pytest.approx((-1959.0, 4889800.333333333), rel=1e-12)
    assert mk.sens_slope(data).slope == pytest.approx(-0.006369426751592357, rel=1e-12)

