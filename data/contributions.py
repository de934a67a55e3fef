"""Where a change happened: a police.uk indicator's count in a partnership (or one of its areas)
over the latest 12 months against the 12 before (data/windows.py, held months only: METHOD
2.9), broken down by the partnership's own areas, by neighbourhood (LSOAs grouped by the MSOA
part of their police.uk name: "Charnwood 012A" is in "Charnwood 012") or by LSOA, each part
ranked by its part in the change.

Every LSOA of the area's ground (data/boundaries.py) is counted once, so the parts of a
neighbourhood or LSOA breakdown sum exactly to the whole; in an area breakdown an LSOA in two
of the partnership's areas counts in both (`overlap` says so), and the LSOAs in none of them are
"Rest of <partnership>". The busiest locations and the map (police.uk's map points) are the
next step: `Contributions.window` and `ground` give them the same months and LSOAs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlite_utils

from data.boundaries import area_ground
from data.catalogue import BY_SLUG, expand
from data.errors import DataError
from data.held import require_held
from data.held_series import area_coverage
from data.lsoa_arrays import sum_by_lsoa
from data.partnerships import area_names
from data.windows import Window, comparison_window

BREAKDOWNS = ("area", "neighbourhood", "lsoa")
_MSOA = re.compile(r"^(.*\d{3})[A-Z]$")


@dataclass(frozen=True)
class Part:
    """One area, neighbourhood or LSOA: its count in each window and its part in the change."""

    name: str
    count_now: int
    count_before: int
    share_of_change: float | None  # change / the whole change; None when the whole is 0

    @property
    def change(self) -> int:
        return self.count_now - self.count_before


@dataclass
class Contributions:
    """The whole change and its parts, over `window`'s months."""

    partnership: str
    area: str  # the partnership's id, or one of its areas
    area_name: str
    indicator: str
    by: str
    window: Window
    monthly_now: list[int] = field(default_factory=list)  # per month of window.current
    monthly_before: list[int] = field(default_factory=list)  # per month of window.previous
    parts: list[Part] = field(default_factory=list)
    overlap: bool = False  # an area breakdown whose areas share LSOAs (parts then sum to more)
    comparable: str | None = None  # with window.problem: the latest month that can be compared

    @property
    def count_now(self) -> int:
        return sum(self.monthly_now)

    @property
    def count_before(self) -> int:
        return sum(self.monthly_before)

    @property
    def change(self) -> int:
        return self.count_now - self.count_before


def neighbourhood_of(name: str) -> str:
    """The MSOA part of a police.uk LSOA name: "Charnwood 012A" -> "Charnwood 012"."""
    found = _MSOA.match(name.strip())
    return found[1] if found else name


def contributions(db: sqlite_utils.Database, pid: str, indicator: str, area: str | None = None,
                  month: str | None = None, by: str = "neighbourhood") -> Contributions:
    """The change of `indicator` in the area (the partnership when None) over the latest 12
    months to `month` (default: the latest held) against the 12 before, and its parts. A window
    that cannot be compared has `window.problem` and no parts."""
    if by not in BREAKDOWNS:
        raise DataError(f"Cannot break down by '{by}'.", "Use one of: " + ", ".join(BREAKDOWNS))
    if BY_SLUG.get(indicator) is None:
        raise DataError(f"'{indicator}' is not a police.uk indicator: only police.uk figures "
                        "are known by neighbourhood.", "Ask about a police.uk crime type, "
                        "e.g. burglary.")
    area = area or pid
    names = area_names(db, pid)
    held = area_coverage(db, pid, area).held
    if month is None:
        if not held:
            raise DataError(f"No month is held for {names.get(area, area)} yet.",
                            "Import its police force's street files with `cspbot ingest "
                            "police-uk FILES`.")
        month = held[-1]
    elif month not in held:  # refused unless held (left out as incomplete: the window says)
        require_held(db, pid, month, None if area == pid else area)
    window = comparison_window(held, month)
    found = Contributions(pid, area, names.get(area, area), indicator, by, window)
    if window.problem:
        found.comparable = next((m for m in reversed(held) if m < month
                                 and comparison_window(held, m).problem is None), None)
        return found
    per_lsoa, per_month = sum_by_lsoa(db, list(area_ground(db, pid, area).codes),
                                      expand(indicator), window.current, window.previous)
    found.monthly_now = [per_month[m] for m in window.current]
    found.monthly_before = [per_month[m] for m in window.previous]
    groups = _group(db, pid, area, by, [lsoa for lsoa, _, _ in per_lsoa], names)
    found.overlap = any(len(g) > 1 for g in groups.values())
    totals: dict[str, list[int]] = {}
    for lsoa, a, b in per_lsoa:
        for name in groups[lsoa]:
            pair = totals.setdefault(name, [0, 0])
            pair[0] += a
            pair[1] += b
    if by == "area" and not per_lsoa:
        totals = {found.area_name: [0, 0]}
    found.parts = rank(totals, found.change)
    return found


def rank(totals: dict[str, list[int]], whole: int) -> list[Part]:
    """The parts, the direction of the whole change first: biggest rises first when the whole
    rose, biggest falls first when it fell; then the largest counts, then by name."""
    sign = -1 if whole < 0 else 1
    parts = [Part(name, now, before, (now - before) / whole if whole else None)
             for name, (now, before) in totals.items()]
    return sorted(parts, key=lambda p: (-sign * p.change, -p.count_now, p.name))


def _group(db: sqlite_utils.Database, pid: str, area: str, by: str, lsoas: list[str],
           names: dict[str, str]) -> dict[str, list[str]]:
    """Each LSOA -> the parts it counts in."""
    if by == "area":
        return _areas_of(db, pid, area, lsoas, names)
    named = _lsoa_names(db, lsoas)
    if by == "lsoa":
        return {code: [f"{named[code]} ({code})" if code in named else code] for code in lsoas}
    return {code: [neighbourhood_of(named.get(code, code))] for code in lsoas}


def _lsoa_names(db: sqlite_utils.Database, lsoas: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(lsoas), 500):
        chunk = lsoas[start:start + 500]
        found.update(db.execute(f"SELECT code, name FROM lsoas WHERE code IN "
                                f"({','.join('?' * len(chunk))})", chunk).fetchall())
    return found


def _areas_of(db: sqlite_utils.Database, pid: str, area: str, lsoas: list[str],
              names: dict[str, str]) -> dict[str, list[str]]:
    """Each LSOA -> the partnership's areas it is in (within `area`), or "Rest of ..."."""
    subs = [a for a in names if a != pid and a != area] if area == pid else []
    member: dict[str, list[str]] = {code: [] for code in lsoas}
    for sub in subs:
        codes = set(area_ground(db, pid, sub).codes)
        for code in lsoas:
            if code in codes:
                member[code].append(names[sub])
    rest = f"Rest of {names.get(area, area)}" if subs else names.get(area, area)
    return {code: found or [rest] for code, found in member.items()}
