"""J2 and J3 of METHOD: is the series "reducing", and what is its long-term trend?

J2: seasonal Mann-Kendall test and seasonal Sen slope (`pymannkendall.seasonal_test`, period
12) on monthly values (count / exposure) of whole years. J3: log-linear Poisson GLM
(`statsmodels.api.GLM`, offset log exposure) with a linear trend in years from the as-of month
and calendar-month effects kept only when every month has events and the quasi-likelihood F test
says so; quasi-Poisson covariance (Cov_ML x max(1, phi)). The projection that uses the fitted
model lives in briefings/projection.py.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pymannkendall as mk  # type: ignore[import-untyped]
from numpy.typing import ArrayLike
from scipy import stats  # type: ignore[import-untyped]
from statsmodels.genmod.families import Poisson  # type: ignore[import-untyped]
from statsmodels.genmod.generalized_linear_model import GLM  # type: ignore[import-untyped]

from briefings.method import MethodSettings
from briefings.months import fy_position

MK_TRENDS = {"decreasing": "reducing", "increasing": "increasing"}


@dataclass(frozen=True)
class SeasonalTrend:
    """J2 result: the fields of "mann_kendall.current" / ".prior" in example-expected.json."""

    trend: str  # pymannkendall's words: "increasing", "decreasing", "no trend"
    h: bool
    p: float
    z: float
    Tau: float
    s: float
    var_s: float
    slope_per_year: float  # seasonal Sen slope: change of the monthly value per year
    intercept: float
    window_months: list[str]
    held_months: int  # months of the window held (METHOD 2.9: gaps are left out, never zeros)


@dataclass(frozen=True)
class TrendFit:
    """J3 model summary: the fields of "trend_glm" in example-expected.json."""

    window_months: list[str]
    seasonal_terms: bool
    season_F: float | None  # None when some calendar month has no events (test not run)
    season_p: float | None
    seasonal_factors_apr_to_mar: list[float]
    beta_log_per_year: float
    annual_pct_change: float
    phi: float
    phi_used: float
    se_beta: float
    z: float
    p_value: float
    significant: bool
    direction: str  # "down", "up", or "none" when not significant
    held_months: int  # months of the window held and fitted (METHOD 2.9)


@dataclass(frozen=True)
class TrendModel:
    """The fitted J3 model, for projections: coefficients, quasi covariance, how to build x_t."""

    fit: TrendFit
    params: np.ndarray
    cov: np.ndarray
    as_of: int  # month number the trend term is measured from
    warned: bool  # statsmodels warned (e.g. no convergence): flag the series

    def design(self, months: Sequence[int]) -> np.ndarray:
        """Rows x_t for month numbers: intercept, years from the as-of month, month dummies."""
        return design_matrix(months, self.as_of, self.fit.seasonal_terms)


def detect_seasonal_trend(values: ArrayLike, window: list[str],
                        settings: MethodSettings) -> SeasonalTrend:
    """J2: `pymannkendall.seasonal_test(values, period=12, alpha)` on whole years of values.

    A month not held is NaN: pymannkendall leaves it out of its season's S, variance and
    slopes, and keeps the other years in their places (METHOD 2.9).
    """
    y = np.asarray(values, dtype=float)
    r = mk.seasonal_test(y, period=12, alpha=settings.alpha)
    return SeasonalTrend(
        trend=str(r.trend), h=bool(r.h), p=float(r.p), z=float(r.z), Tau=float(r.Tau),
        s=float(r.s), var_s=float(r.var_s), slope_per_year=float(r.slope),
        intercept=float(r.intercept), window_months=window,
        held_months=int(np.count_nonzero(~np.isnan(y))))


def trend_phrase(result: SeasonalTrend | None) -> str | None:
    """J2 wording: 'reducing', 'increasing' or 'no clear trend'."""
    return None if result is None else MK_TRENDS.get(result.trend, "no clear trend")


def design_matrix(months: Sequence[int], as_of: int, seasonal: bool) -> np.ndarray:
    """Intercept, (t - t_asof)/12 and, if seasonal, 11 dummies (April is the reference)."""
    m = np.asarray(months, dtype=int)
    columns = [np.ones(len(m)), (m - as_of) / 12.0]
    if seasonal:
        position = np.array([fy_position(int(x)) for x in m])
        columns += [(position == k).astype(float) for k in range(1, 12)]
    return np.column_stack(columns)


def fit_trend(counts: ArrayLike, exposures: ArrayLike, months: Sequence[int],
              window: list[str], settings: MethodSettings,
              as_of: int | None = None) -> TrendModel | None:
    """J3: fit M1 (trend + month effects) and M0 (trend); keep month effects per METHOD 2.4.

    `months` are the held months of the window (with gaps, fewer than the window's); the
    trend term is measured from `as_of` (the last of `months` when not given). Returns None
    when the window holds no events at all (nothing to fit).
    """
    y = np.asarray(counts, dtype=float)
    if y.sum() <= 0:
        return None
    offset = np.log(np.asarray(exposures, dtype=float))
    as_of = int(months[-1]) if as_of is None else as_of
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m0 = _fit(y, design_matrix(months, as_of, False), offset)
        positions = np.array([fy_position(int(x)) for x in months])
        every_month = bool(all(y[positions == k].sum() > 0 for k in range(12)))
        season_f = season_p = None
        keep = False
        if every_month:
            m1 = _fit(y, design_matrix(months, as_of, True), offset)
            phi1 = m1.pearson_chi2 / m1.df_resid
            season_f = float(((m0.deviance - m1.deviance) / 11) / max(1.0, phi1))
            season_p = float(stats.f.sf(season_f, 11, m1.df_resid))
            keep = season_p < settings.season_alpha
        chosen = m1 if keep else m0
    warned = any(issubclass(w.category, Warning) for w in caught)
    phi = float(chosen.pearson_chi2 / chosen.df_resid)
    phi_used = max(1.0, phi)
    cov = np.asarray(chosen.cov_params()) * phi_used
    params = np.asarray(chosen.params)
    beta = float(params[1])
    se = math.sqrt(cov[1, 1])
    z = beta / se
    p = float(2.0 * stats.norm.sf(abs(z)))
    significant = p < settings.alpha
    fit = TrendFit(
        window_months=window, seasonal_terms=keep, season_F=season_f, season_p=season_p,
        seasonal_factors_apr_to_mar=seasonal_factors(params, keep),
        beta_log_per_year=beta, annual_pct_change=math.expm1(beta) * 100.0, phi=phi,
        phi_used=phi_used, se_beta=se, z=z, p_value=p, significant=significant,
        direction=("down" if beta < 0 else "up") if significant else "none",
        held_months=len(y))
    return TrendModel(fit=fit, params=params, cov=cov, as_of=as_of, warned=warned)


def seasonal_factors(params: np.ndarray, seasonal: bool) -> list[float]:
    """f_m = exp(gamma_m) / mean(exp(gamma)), April to March (all 1 without month effects)."""
    if not seasonal:
        return [1.0] * 12
    effects = np.exp(np.concatenate([[0.0], params[2:13]]))
    return [float(v) for v in effects / effects.mean()]


def _fit(y: np.ndarray, x: np.ndarray, offset: np.ndarray) -> Any:
    return GLM(y, x, family=Poisson(), offset=offset).fit()
