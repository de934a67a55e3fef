"""Any two periods of one indicator in one area, side by side (issue 14): "burglary 2022-10 vs
2021-10", "last month", "this year so far", "2024/25 vs 2023/24".

The period arithmetic (a financial year's months, the same months a year earlier, the year so
far) and the comparison: the two counts, the change and its significance by METHOD J1's tests
(`briefings/period.py`, the months of the two periods paired in order: one month each gives
the exact test alone). Held months only (METHOD 2.9): a pair with a month that is not held is
left out and said (matched months); with more than three left out, or none left, there is no
comparison. A period running past the latest held month is cut there, and both periods are
cut alike. The statistics libraries load only when a comparison is worked out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlite_utils

from briefings.inputs import context_of
from briefings.method import MethodSettings
from briefings.narrative import subject_of
from data.briefing_data import areas, indicator_meta
from data.errors import DataError
from data.held import not_held
from data.held_series import area_coverage, describe_left_out
from data.queries import as_ranges, month_range
from data.values import partnership_values
from data.windows import MAX_MISSING, year_before

if TYPE_CHECKING:
    from briefings.period import PeriodChange

LAST_MONTH, YEAR_SO_FAR = "last month", "year so far"


class NoFigures(DataError):
    """The indicator has no monthly figures in the area (another one the words name may)."""


@dataclass(frozen=True)
class Asked:
    """A period as typed: months `first`..`last`, a financial year ("2024/25", first = its
    April), or relative to the latest held month (LAST_MONTH, YEAR_SO_FAR)."""

    kind: str  # "months", "fy", LAST_MONTH or YEAR_SO_FAR
    first: str = ""
    last: str = ""


@dataclass(frozen=True)
class Period:
    label: str  # "2022-10", "2024/25", "2025-04 to 2025-12"
    months: list[str]


@dataclass
class TwoPeriods:
    """The comparison: `current[i]` is paired with `previous[i]`; both are held."""

    indicator: str
    name: str
    area_name: str
    subject: str  # "Burglary", "Violence and assault with injury in Kettering Town Centre"
    sensitive: bool
    asked: tuple[Period, Period]
    current: list[str]
    previous: list[str]
    change: PeriodChange
    notes: list[str] = field(default_factory=list)


def fy_label(april: str) -> str:
    year = int(april[:4])
    return f"{year}/{(year + 1) % 100:02d}"


def fy_april(month: str) -> str:
    """The April that starts the financial year holding `month`."""
    year = int(month[:4]) - (1 if int(month[5:7]) < 4 else 0)
    return f"{year:04d}-04"


def span_label(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"


def resolve(asked: Asked, latest: str) -> Period:
    """The months of a period as typed, the relative ones counted from `latest`."""
    if asked.kind == LAST_MONTH:
        return Period(latest, [latest])
    if asked.kind == YEAR_SO_FAR:
        months = month_range(fy_april(latest), latest)
        return Period(f"{fy_label(months[0])} so far ({span_label(months)})", months)
    if asked.kind == "fy":
        return Period(fy_label(asked.first),
                      month_range(asked.first, f"{int(asked.first[:4]) + 1:04d}-03"))
    months = month_range(asked.first, asked.last or asked.first)
    return Period(span_label(months), months)


def year_earlier(period: Period, asked: Asked) -> Period:
    """The same months a year earlier, labelled as the period was."""
    months = [year_before(m) for m in period.months]
    if asked.kind == "fy":
        return Period(fy_label(months[0]), months)
    if asked.kind == YEAR_SO_FAR:
        return Period(f"the same months of {fy_label(months[0])} ({span_label(months)})", months)
    return Period(span_label(months), months)


def series_values(db: sqlite_utils.Database, pid: str, indicator: str, area: str
                  ) -> dict[str, float]:
    """The indicator's figure in each held month (METHOD 2.9: a month not held is absent)."""
    meta = indicator_meta(db, pid).get(indicator, {})
    if meta.get("kind") == "survey" or meta.get("unit", "count") != "count":
        raise DataError(f"'{indicator}' is {'a survey' if meta['kind'] == 'survey' else 'a rate'}"
                        ": two periods compare monthly counts.",
                        "/csp help indicators lists what you can ask about")
    return {r.month: r.value for r in partnership_values(db, pid, area, indicator)}


def compare_two(db: sqlite_utils.Database, pid: str, indicator: str, area: str,
                asked: list[Asked], settings: MethodSettings | None = None) -> TwoPeriods:
    """The two periods asked for (one: against the same months a year earlier), compared."""
    values = series_values(db, pid, indicator, area)
    if not values:
        raise NoFigures(f"There are no monthly figures for '{indicator}' here.",
                        "/csp help indicators lists what you can ask about")
    latest = max(values)
    first = resolve(asked[0], latest)
    second = resolve(asked[1], latest) if len(asked) > 1 else year_earlier(first, asked[0])
    if len(first.months) != len(second.months):
        raise DataError(f"{first.label} has {len(first.months)} months and {second.label} "
                        f"{len(second.months)}: compare periods of the same length.",
                        "/csp burglary 2024/25 vs 2023/24")
    try:
        pairs, notes = _held_pairs(db, pid, indicator, area, (first, second), values)
    except DataError as exc:  # say which months the words were taken as
        raise DataError(f"Taking this as {first.label} against {second.label}: {exc.message}",
                        exc.hint) from None
    return _judged(db, pid, indicator, area, (first, second), pairs, values, notes,
                   settings)


def _held_pairs(db: sqlite_utils.Database, pid: str, indicator: str, area: str,
                periods: tuple[Period, Period], values: dict[str, float]
                ) -> tuple[list[tuple[str, str]], list[str]]:
    """The pairs of months compared (both held), and what the reader must be told of those
    left out; a DataError when too many are (METHOD 2.9)."""
    first, second = periods
    latest = max(values)
    notes: list[str] = []
    pairs = list(zip(first.months, second.months, strict=True))
    if len(pairs) > 1:  # a period running past the latest held month is cut there
        pairs = [pair for pair in pairs if max(pair) <= latest]
        if not pairs:
            raise DataError(f"{first.label} is not held yet: the latest held month is "
                            f"{latest}.", "/csp <indicator> this year so far")
        if len(pairs) < len(first.months):
            notes.append(f"Held only to {latest}: the first "
                         + ("month of each period is compared." if len(pairs) == 1 else
                            f"{len(pairs)} months of each period are compared."))
    missing = sorted({m for pair in pairs for m in pair if m not in values})
    left_out = {i.month: i for i in area_coverage(db, pid, area).left_out
                if i.month in missing} if _is_police(db, pid, indicator) else {}
    notes += [describe_left_out(i, areas(db, pid)[area]["name"]) for i in left_out.values()]
    matched = [(c, p) for c, p in pairs if c in values and p in values]
    if not matched and len(pairs) == 1:
        if missing[0] not in left_out:
            raise not_held(db, pid, missing[0], sorted(values), area)
        raise DataError(notes[-1], f"ask for a held month; the latest is {latest}")
    if not matched or len(pairs) - len(matched) > MAX_MISSING:
        raise DataError(f"{_are(missing)} not held here: too many months missing to compare "
                        f"the two periods (at most {MAX_MISSING} may be).",
                        f"ask for held months; the latest is {latest}")
    if missing:
        partners = sorted(m for pair in pairs if pair not in matched for m in pair
                          if m in values)
        notes.append(f"Based on {len(matched)} matched months: {_are(missing)} not held, so "
                     + (f"{_are(partners)} left out too." if partners else "neither is its "
                        "pair compared."))
    return matched, notes


def _judged(db: sqlite_utils.Database, pid: str, indicator: str, area: str,
            asked: tuple[Period, Period], pairs: list[tuple[str, str]],
            values: dict[str, float], notes: list[str],
            settings: MethodSettings | None) -> TwoPeriods:
    from briefings.period import compare_periods  # scipy loads only here

    current, previous = [c for c, _ in pairs], [p for _, p in pairs]
    ones = [1.0] * len(pairs)
    change = compare_periods([values[m] for m in current], [values[m] for m in previous],
                             ones, ones, (current, previous), settings or MethodSettings())
    meta, where = indicator_meta(db, pid)[indicator], areas(db, pid)[area]
    notes += context_of(db, pid, area, current + previous, "periods compared")
    in_area = None if area == pid else where["name"]
    return TwoPeriods(indicator, meta["name"], where["name"],
                      subject_of(indicator, meta["name"], in_area, meta["unit"]),
                      bool(meta["sensitive"]) and where["kind"] != "partnership", asked,
                      current, previous, change, notes)


def _are(months: list[str]) -> str:
    """"2020-03 is", "2024-05..2024-12 are"."""
    return f"{as_ranges(months)} {'is' if len(months) == 1 else 'are'}"


def _is_police(db: sqlite_utils.Database, pid: str, indicator: str) -> bool:
    return indicator_meta(db, pid).get(indicator, {}).get("kind") in ("police", "derived")
