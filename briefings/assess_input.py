"""Reading and checking the input of `assess` (the layout of tests/golden/example-input.json).

Every problem is a DataError that names the series or survey (by id and position), the field,
and what is expected, so that an analyst can fix the file. What comes out is plain, checked
data: month numbers, counts (a month not held, `null` in the file, is a gap: NaN here, never a
zero), populations by financial year, targets (the classes are in briefings/held_series.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from briefings.held_series import HINT, Series, Target
from briefings.months import format_month, parse_fy, parse_month
from data.errors import DataError

UNITS = ("count", "rate_per_1000")
POLARITIES = ("lower_is_better", "higher_is_better")


@dataclass(frozen=True)
class Wave:
    label: str
    x: float
    n: float


@dataclass(frozen=True)
class Survey:
    """One checked survey indicator with two waves."""

    id: str
    indicator: str
    polarity: str
    design_effect: float
    design_effect_given: bool
    target_pct: float | None
    baseline: Wave
    current: Wave


def read_input(doc: object) -> tuple[dict[str, Any], list[Series], list[Survey]]:
    """(calendar, series, surveys) from the parsed JSON; DataError on anything wrong."""
    if not isinstance(doc, dict):
        raise DataError("The input must be a JSON object with 'series' and/or 'surveys'.", HINT)
    if "series" not in doc and "surveys" not in doc:
        raise DataError("The input has neither 'series' nor 'surveys': nothing to assess.", HINT)
    calendar = doc.get("calendar") or {}
    if not isinstance(calendar, dict):
        raise DataError("'calendar' must be an object (baseline_fy, target_fy, ...).", HINT)
    for key in ("baseline_fy", "target_fy"):
        if calendar.get(key) is not None:
            _fy("calendar", key, calendar[key])
    population = doc.get("population_by_fy")
    series_list = _list(doc, "series")
    surveys_list = _list(doc, "surveys")
    series = [_series(i, s, calendar, population) for i, s in enumerate(series_list)]
    surveys = [_survey(i, s) for i, s in enumerate(surveys_list)]
    _unique([s.id for s in series], "series")
    _unique([s.id for s in surveys], "surveys")
    return calendar, series, surveys


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise DataError(f"'{key}' must be a list of objects.", HINT)
    return value


def _unique(ids: list[str], what: str) -> None:
    seen = {i for i in ids if ids.count(i) > 1}
    if seen:
        raise DataError(f"Two {what} share the id '{sorted(seen)[0]}': ids must be unique.")


def _where(kind: str, i: int, item: object) -> str:
    name = item.get("id") if isinstance(item, dict) else None
    return f"{kind} '{name}' ({kind}[{i}])" if isinstance(name, str) else f"{kind}[{i}]"


def _need(where: str, item: dict[str, Any], key: str) -> Any:
    if item.get(key) is None:
        raise DataError(f"{where}: the field '{key}' is missing.", HINT)
    return item[key]


def _choice(where: str, item: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = _need(where, item, key)
    if value not in choices:
        raise DataError(f"{where}: '{key}' is '{value}'; expected one of "
                        f"{', '.join(choices)}.", HINT)
    return str(value)


def _number(where: str, key: str, value: object, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DataError(f"{where}: '{key}' must be a number, not {value!r}.", HINT)
    if positive and value <= 0:
        raise DataError(f"{where}: '{key}' must be greater than 0, not {value}.", HINT)
    return float(value)


def _month(where: str, key: str, value: object) -> int:
    try:
        return parse_month(value)  # type: ignore[arg-type]
    except ValueError as exc:
        raise DataError(f"{where}: '{key}': {exc}.", HINT) from None


def _fy(where: str, key: str, value: object) -> str:
    try:
        parse_fy(value)  # type: ignore[arg-type]
    except ValueError as exc:
        raise DataError(f"{where}: '{key}': {exc}.", HINT) from None
    return str(value)


def _series(i: int, item: object, calendar: dict[str, Any], population: object) -> Series:
    where = _where("series", i, item)
    if not isinstance(item, dict):
        raise DataError(f"{where} must be an object with id, unit, counts, ...", HINT)
    ident = _need(where, item, "id")
    if not isinstance(ident, str) or not ident:
        raise DataError(f"{where}: 'id' must be a non-empty text.", HINT)
    unit = _choice(where, item, "unit", UNITS)
    polarity = _choice(where, item, "polarity", POLARITIES)
    first = _month(where, "first_month", _need(where, item, "first_month"))
    as_of = _month(where, "as_of", _need(where, item, "as_of"))
    counts = _counts(where, _need(where, item, "counts"))
    last = first + len(counts) - 1
    if not first <= as_of <= last:
        raise DataError(f"{where}: 'as_of' {format_month(as_of)} is outside the months held, "
                        f"{format_month(first)} to {format_month(last)}.", HINT)
    pops = (_populations(where, item.get("population_by_fy") or population)
            if unit == "rate_per_1000" else None)
    return Series(where=where, id=ident, indicator=str(item.get("indicator") or ident),
                  unit=unit, polarity=polarity, first=first, as_of=as_of,
                  counts=np.array([np.nan if c is None else c for c in
                                   counts[:as_of - first + 1]], dtype=float),
                  population=pops,
                  target=_target(where, item.get("target"), calendar),
                  months_after_as_of=last - as_of)


def _counts(where: str, value: object) -> list[int | None]:
    if not isinstance(value, list) or not value:
        raise DataError(f"{where}: 'counts' must be a non-empty list of monthly counts.", HINT)
    out: list[int | None] = []
    for k, v in enumerate(value):
        if v is None:  # a month not held: a gap, never a zero (METHOD 2.9)
            out.append(None)
            continue
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        if not ok or v < 0 or float(v) != int(v):
            raise DataError(f"{where}: 'counts' item {k} is {v!r}; every month needs a whole "
                            "number of 0 or more, or null for a month not held (write 0 for "
                            "a month held with none).", HINT)
        out.append(int(v))
    return out


def _populations(where: str, value: object) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise DataError(f"{where}: a rate per 1,000 needs 'population_by_fy' (e.g. "
                        '{"2009/10": 86800}), in the series or at the top level.', HINT)
    # A null population is one not known: a rate needing it says so (Series.exposure).
    return {_fy(where, "population_by_fy", k): _number(where, f"population_by_fy {k}", v, True)
            for k, v in value.items() if v is not None}


def _target(where: str, value: object, calendar: dict[str, Any]) -> Target | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DataError(f"{where}: 'target' must be an object (baseline_fy, reduction_pct, "
                        "target_fy) or null.", HINT)
    target_fy = value.get("target_fy") or calendar.get("target_fy")
    baseline_fy = value.get("baseline_fy") or calendar.get("baseline_fy")
    if target_fy is None:
        raise DataError(f"{where}: 'target' needs 'target_fy' (e.g. 2010/11).", HINT)
    reduction, stated = value.get("reduction_pct"), value.get("target_value")
    if (reduction is None) == (stated is None):
        raise DataError(f"{where}: 'target' needs exactly one of 'reduction_pct' and "
                        "'target_value'.", HINT)
    if reduction is not None and baseline_fy is None:
        raise DataError(f"{where}: 'target' with 'reduction_pct' needs 'baseline_fy'.", HINT)
    return Target(
        baseline_fy=_fy(where, "target.baseline_fy", baseline_fy) if baseline_fy else None,
        target_fy=_fy(where, "target.target_fy", target_fy),
        reduction_pct=None if reduction is None else _number(where, "reduction_pct", reduction),
        target_value=None if stated is None else _number(where, "target_value", stated))


def _survey(i: int, item: object) -> Survey:
    where = _where("surveys", i, item)
    if not isinstance(item, dict):
        raise DataError(f"{where} must be an object with id, baseline, current, ...", HINT)
    ident = _need(where, item, "id")
    deff = item.get("design_effect")
    target = item.get("target_pct")
    return Survey(
        id=str(ident), indicator=str(item.get("indicator") or ident),
        polarity=_choice(where, item, "polarity", POLARITIES),
        design_effect=1.0 if deff is None else _number(where, "design_effect", deff, True),
        design_effect_given=deff is not None,
        target_pct=None if target is None else _number(where, "target_pct", target),
        baseline=_wave(where, "baseline", _need(where, item, "baseline")),
        current=_wave(where, "current", _need(where, item, "current")))


def _wave(where: str, key: str, value: object) -> Wave:
    if not isinstance(value, dict):
        raise DataError(f"{where}: '{key}' must be an object (survey, x_weighted, n, pct).", HINT)
    n = _number(where, f"{key}.n", _need(f"{where}, {key}", value, "n"), positive=True)
    x, pct = value.get("x_weighted"), value.get("pct")
    if x is None and pct is None:
        raise DataError(f"{where}: '{key}' needs 'x_weighted' or 'pct'.", HINT)
    if x is None:
        x = _number(where, f"{key}.pct", pct) / 100.0 * n
    x = _number(where, f"{key}.x_weighted", x)
    if not 0 <= x <= n:
        raise DataError(f"{where}: '{key}.x_weighted' is {x}, outside 0 to n ({n}).", HINT)
    if pct is not None and abs(_number(where, f"{key}.pct", pct) - 100.0 * x / n) > 0.05:
        raise DataError(f"{where}: '{key}' has pct {pct} but x_weighted/n is "
                        f"{100.0 * x / n:.2f}%: give one or make them agree.", HINT)
    return Wave(label=str(value.get("survey") or key), x=x, n=n)
