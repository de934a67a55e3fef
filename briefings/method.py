"""The settings of the statistical method (METHOD): every threshold, with METHOD's default.

`MethodSettings` is a frozen dataclass; each field carries a one-line help text in its metadata
(`describe_settings()` lists them) so that bot/config.py can expose them as CSP_* settings
without repeating the defaults. `settings_from_mapping()` builds one from text values (as they
come from the environment) and says which value is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any


def _setting(default: Any, help_text: str) -> Any:
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class MethodSettings:
    """Thresholds and parameters of J1-J5 (METHOD section 2); defaults are METHOD's."""

    alpha: float = _setting(
        0.05, "Significance level of J1, J2, J3 and J5 (two-sided).")
    comparison: str = _setting(
        "r12", "J1 comparison: 'r12' (latest 12 months vs the 12 before) or 'fytd' (financial "
        "year to date vs the same months a year earlier).")
    stable_pct: float = _setting(
        5.0, "J1: a change smaller than this % is 'stable'; from it, a change that is not "
        "significant is 'slightly down/up'.")
    moderate_pct: float = _setting(
        10.0, "J1: a significant change of at least this % is 'significantly down/up'.")
    large_pct: float = _setting(
        20.0, "J1: a significant change of at least this % is 'well down' / 'sharply up'.")
    say_not_significant: bool = _setting(
        False, "J1: write 'slightly down, not statistically significant' instead of "
        "'slightly down'.")
    bh_correction: bool = _setting(
        False, "Benjamini-Hochberg correction of the J1 and J5 p-values across one briefing.")
    min_months_period: int = _setting(
        24, "J1 needs at least this many months up to the as-of month.")
    trend_window_months: int = _setting(
        36, "J2, J3 and J4 window: the latest whole years of months (a multiple of 12).")
    min_months_trend: int = _setting(
        24, "Shortest window J2/J3 fall back to, with a warning, when the full window is not "
        "available (a multiple of 12).")
    season_alpha: float = _setting(
        0.05, "J3: calendar-month effects are kept when the quasi-likelihood F test has "
        "p below this.")
    confidence_level: float = _setting(
        0.95, "Level of every confidence interval (projection, Wilson, Newcombe, Byar's).")
    projection_disagreement_pct: float = _setting(
        25.0, "J3: flag the projection when a secondary projection differs from it by more "
        "than this % (a data-quality flag; not in METHOD, which gives no figure).")
    small_count_threshold: int = _setting(
        10, "A 12-month count below this is a small count: report counts, not %, with exact "
        "or Byar's intervals.")
    spc_limit_sigma: float = _setting(
        2.66, "J4: process limits are mean +/- this x the average moving range.")
    spc_screen_factor: float = _setting(
        3.267, "J4: moving ranges at or above this x their average are dropped when screening.")
    spc_screening: bool = _setting(
        False, "J4: screen moving-range outliers for the primary limits (the MDC Excel tools "
        "do not; screened limits are always reported too).")
    spc_seasonal_adjustment: bool = _setting(
        True, "J4: chart counts divided by J3's seasonal factors (the raw-count chart is "
        "always produced too).")
    spc_trend_points: int = _setting(
        7, "J4: a run of this many points each higher (lower) than the last is a trend.")
    spc_shift_points: int = _setting(
        7, "J4: this many points in a row on one side of the mean is a shift.")
    spc_recent_points: int = _setting(
        6, "J4: how many latest points 'any concern / improvement' looks at (the output keys "
        "keep the name 'last6').")
    spc_min_points: int = _setting(
        12, "J4: with fewer points the limits are trial limits (flagged).")

    def __post_init__(self) -> None:
        problems = check_settings(self)
        if problems:
            raise ValueError("; ".join(problems))


def check_settings(s: MethodSettings) -> list[str]:
    """What is wrong with a set of settings, in words (empty when all is well)."""
    problems = []
    for name in ("alpha", "season_alpha", "confidence_level"):
        if not 0 < getattr(s, name) < 1:
            problems.append(f"{name} must be between 0 and 1, not {getattr(s, name)}")
    if not 0 <= s.stable_pct <= s.moderate_pct <= s.large_pct:
        problems.append("the bands must satisfy 0 <= stable_pct <= moderate_pct <= large_pct")
    if s.comparison not in ("r12", "fytd"):
        problems.append(f"comparison must be 'r12' or 'fytd', not '{s.comparison}'")
    for name in ("trend_window_months", "min_months_trend"):
        if getattr(s, name) < 24 or getattr(s, name) % 12:
            problems.append(f"{name} must be a multiple of 12, at least 24")
    if s.min_months_trend > s.trend_window_months:
        problems.append("min_months_trend may not exceed trend_window_months")
    if s.min_months_period < 24:
        problems.append("min_months_period must be at least 24 (two 12-month windows)")
    for name in ("spc_trend_points", "spc_shift_points", "spc_recent_points", "spc_min_points"):
        if getattr(s, name) < 2:
            problems.append(f"{name} must be at least 2")
    if s.spc_limit_sigma <= 0 or s.spc_screen_factor <= 0:
        problems.append("spc_limit_sigma and spc_screen_factor must be positive")
    return problems


def describe_settings() -> list[tuple[str, object, str]]:
    """(name, default, help) of every setting, in order: for bot/config.py and the README."""
    return [(f.name, f.default, f.metadata["help"]) for f in fields(MethodSettings)]


def settings_from_mapping(values: Mapping[str, object]) -> MethodSettings:
    """MethodSettings from {name: value}; text values ('0.01', 'true') are converted.

    Raises ValueError naming the setting and what it expects.
    """
    known = {f.name: f for f in fields(MethodSettings)}
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in known:
            raise ValueError(f"unknown method setting '{name}'")
        kind = type(known[name].default)
        changes[name] = _convert(name, raw, kind)
    return replace(MethodSettings(), **changes)


def _convert(name: str, raw: object, kind: type) -> object:
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if kind is bool:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name} must be true or false, not '{raw}'")
    try:
        return kind(text)
    except ValueError:
        wanted = {int: "a whole number", float: "a number"}.get(kind, "text")
        raise ValueError(f"{name} must be {wanted}, not '{raw}'") from None
