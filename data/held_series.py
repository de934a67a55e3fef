"""Police.uk series that follow METHOD 2.9 (J0): figures for held months only, zeros included.

A month is held for an area when every home force's street file for it is in the store; in a
held month an LSOA with no rows has a true zero, and rows that a neighbouring force places in the
area count too. A month that is not held is left out (a gap, never a zero). In a force-month
that is incomplete (the force could not place an unusual share of its crimes), an area whose
count falls below its own lower process limit, or below half its median, is left out as well,
and the reason is kept so that every answer can say it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import sqlite_utils

from data.coverage import (
    ALL_ROWS,
    XMR_LIMIT,
    IncompleteMonth,
    held_months,
    home_forces,
    stored_incomplete_months,
)
from data.kept import kept
from data.partnerships import area_condition
from data.queries import police_series


@dataclass
class AreaCoverage:
    """Which months of police.uk figures an area may be judged on, and why others are not."""

    forces: list[str]  # the home forces
    held: list[str]  # months held for the area, incomplete months left out
    left_out: list[IncompleteMonth] = field(default_factory=list)  # ... and those left out


def area_coverage(db: sqlite_utils.Database, pid: str, area: str) -> AreaCoverage:
    """The home forces of the partnership, and the months held for one of its areas; kept
    while the store does not change (every answer asks for it)."""
    found = kept(db, ("area_coverage", pid, area), lambda: _work_out(db, pid, area))
    return AreaCoverage(list(found.forces), list(found.held), list(found.left_out))


def _work_out(db: sqlite_utils.Database, pid: str, area: str) -> AreaCoverage:
    forces = home_forces(db, pid)
    held = held_months(db, pid, forces)
    if not held:
        return AreaCoverage(forces, [])
    incomplete = {i.month: i for force in forces for i in stored_incomplete_months(db, force)}
    candidates = [incomplete[m] for m in held if m in incomplete]
    if not candidates:
        return AreaCoverage(forces, held)
    condition, params = area_condition(db, pid, area)
    totals = dict.fromkeys(held, 0)
    for month, n in db.execute(f"SELECT month, SUM({ALL_ROWS}) FROM police_counts WHERE "
                               f"{condition} GROUP BY month", params):
        if month in totals:
            totals[month] = n or 0
    left_out = [i for i in candidates if _falls_short(totals, i.month)]
    gone = {i.month for i in left_out}
    return AreaCoverage(forces, [m for m in held if m not in gone], left_out)


def _falls_short(totals: dict[str, int], month: str) -> bool:
    """Is the area's count in `month` below the lower process limit (mean - 2.66 x mean moving
    range) of its series over the other held months, or below half their median?"""
    others = [n for m, n in totals.items() if m != month]
    if len(others) < 2:
        return False
    moving = statistics.mean(abs(b - a) for a, b in zip(others, others[1:], strict=False))
    lower = statistics.mean(others) - XMR_LIMIT * moving
    return totals[month] < lower or totals[month] < statistics.median(others) / 2


def held_police_series(db: sqlite_utils.Database, pid: str, area: str, slugs: list[str],
                       start: str | None = None, end: str | None = None,
                       coverage: AreaCoverage | None = None) -> list[tuple[str, str, int]]:
    """(month, indicator, count) for the held months of the area between `start` and `end`,
    zeros included; nothing for a month that is not held."""
    coverage = coverage or area_coverage(db, pid, area)
    months = [m for m in coverage.held if (start is None or m >= start)
              and (end is None or m <= end)]
    if not months or not slugs:
        return []
    condition, params = area_condition(db, pid, area)
    found = {(m, slug): n for m, slug, n in police_series(db, condition, params, slugs,
                                                           months[0], months[-1])}
    return [(m, slug, found.get((m, slug), 0)) for m in months for slug in slugs]


def describe_left_out(item: IncompleteMonth, area_name: str) -> str:
    """"2020-03 is left out for Harborough: Leicestershire Police could not place 1,157 crimes
    that month, against about 249 usually." """
    return (f"{item.month} is left out for {area_name}: {item.force} could not place "
            f"{item.unplaced:,} crimes that month, against about {item.usual_unplaced:,} "
            "usually.")
