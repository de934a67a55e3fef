"""Data coverage on police.uk files (METHOD 2.9, "J0"): a partnership's home forces, the months
held for it, and the force-months in which a force could not place an unusual share of its rows.

Home forces are those the partnership file names (`forces`, stored in `partnerships.forces`), or
else worked out from the rows placed in its LSOAs (`home_forces`). Incomplete months are worked
out per force (`incomplete_months`) and stored in `police_incomplete` by every police.uk import
(`record_incomplete_months`, in the import's transaction); `cspbot status` reads them from there.
`months_held` is what every judgement asks: data/held.py refuses a month that is not held.
"""

from __future__ import annotations

import bisect
import json
import statistics
from collections.abc import Iterable
from dataclasses import asdict, astuple, dataclass
from typing import Any

import sqlite_utils

from data.catalogue import POLICE_TYPES
from data.partnerships import area_condition
from data.queries import month_range

HOME_SHARE = 0.10  # a force placing at least this share of an area's rows is a home force ...
HOME_ROWS_PER_LSOA = 1.0  # ... when it also places this many rows a month per LSOA of the area
INCOMPLETE_SHARE = 0.05  # an incomplete force-month has at least this share unplaced ...
INCOMPLETE_TIMES_MEDIAN = 3.0  # ... at least this many times the force's median share ...
XMR_LIMIT = 2.66  # ... and above mean + 2.66 x the mean moving range of the shares
ALL_ROWS = " + ".join(f'"{i.slug}"' for i in POLICE_TYPES)


@dataclass(frozen=True)
class IncompleteMonth:
    """A force-month whose share of rows with no location stands out from the force's usual."""

    force: str
    month: str
    unplaced: int  # rows with "No Location" (no LSOA)
    rows: int  # every row of the force-month, placed and unplaced
    share: float  # unplaced / rows
    usual_share: float  # the force's median share over its held months
    usual_unplaced: int  # the force's median unplaced count over its held months


def rows_per_month(db: sqlite_utils.Database, pid: str,
                   area: str | None = None) -> dict[str, float]:
    """Each force's rows placed in the area's LSOAs (the partnership itself when `area` is
    None) per month of its files imported, most first."""
    condition, params = area_condition(db, pid, area or pid)
    held = dict(db.execute("SELECT force, COUNT(*) FROM police_months GROUP BY force"))
    per_month = {force: rows / held[force] for force, rows in db.execute(
        f"SELECT force, SUM({ALL_ROWS}) FROM police_counts WHERE {condition} GROUP BY force",
        params) if rows and held.get(force)}
    return dict(sorted(per_month.items(), key=lambda kv: (-kv[1], kv[0])))


def force_shares(db: sqlite_utils.Database, pid: str,
                 area: str | None = None) -> dict[str, float]:
    """Each force's share of the rows placed in the area's LSOAs, largest first. A force is
    weighed per month of its files imported (`rows_per_month`), so a force with more months
    loaded does not outweigh one with fewer."""
    per_month = rows_per_month(db, pid, area)
    total = sum(per_month.values())
    return {force: n / total for force, n in per_month.items()}


def named_forces(db: sqlite_utils.Database, pid: str) -> list[str]:
    """The home forces the partnership file names (`forces`); [] when it names none."""
    row = db.execute("SELECT forces FROM partnerships WHERE id = ?", (pid,)).fetchone()
    return list(json.loads(row[0])) if row and row[0] else []


def lsoa_count(db: sqlite_utils.Database, pid: str, area: str | None = None) -> int:
    """How many LSOAs of the area (the partnership when None) any force placed a row in."""
    condition, params = area_condition(db, pid, area or pid)
    return int(db.execute(f"SELECT COUNT(DISTINCT lsoa) FROM police_counts WHERE {condition}",
                          params).fetchone()[0])


def home_forces(db: sqlite_utils.Database, pid: str, named: list[str] | None = None,
                area: str | None = None) -> list[str]:
    """The partnership's home forces: those named (`named`, else its file's `forces`), or else
    every force that places at least 10 % of the rows in its LSOAs and, on average, at least
    one row a month per LSOA of the area (its LSOAs where any force placed a row). The second
    rule keeps a neighbour's spill-over out when the home force's files are not loaded: with
    only Leicestershire's files, Leicestershire places 0.4 rows a month in 12 LSOAs of
    Kettering (0.03 each), against 5 to 19 per LSOA in each of its own nine partnerships.
    Empty when no police.uk row is placed there."""
    named = named or named_forces(db, pid)
    if named:
        return list(named)
    per_month = rows_per_month(db, pid, area)
    total = sum(per_month.values())
    lsoas = lsoa_count(db, pid, area) if per_month else 0
    return sorted(f for f, n in per_month.items()
                  if n / total >= HOME_SHARE and n >= HOME_ROWS_PER_LSOA * lsoas)


def held_months(db: sqlite_utils.Database, pid: str, forces: list[str] | None = None,
                area: str | None = None) -> list[str]:
    """The months held for the partnership: those for which every home force's street file has
    been imported (`forces`, or its home forces worked out by `home_forces`)."""
    forces = home_forces(db, pid, area=area) if forces is None else forces
    if not forces:
        return []
    marks = ",".join("?" * len(forces))
    return [r[0] for r in db.execute(
        f"SELECT month FROM police_months WHERE force IN ({marks}) GROUP BY month "
        "HAVING COUNT(DISTINCT force) = ? ORDER BY month", [*forces, len(set(forces))])]


def months_held(db: sqlite_utils.Database, pid: str, area: str | None = None) -> list[str]:
    """The months held for the partnership (METHOD 2.9), in order: those for which every home
    force's street file has been imported (the partnership's home forces, for any of its
    areas), and those for which the partnership's own monthly values exist (in `area`, when
    given). A partnership with no police.uk home force (the demo) is held where its values are."""
    forces = home_forces(db, pid)
    held = set(held_months(db, pid, forces)) if forces else set()
    where, params = ("AND area = ?", [pid, area]) if area else ("", [pid])
    held.update(r[0] for r in db.execute(
        f"SELECT DISTINCT month FROM monthly_values WHERE partnership = ? {where}", params))
    return sorted(held)


def nearest_held(months: list[str], month: str) -> tuple[str | None, str | None]:
    """(the latest of the sorted `months` before `month`, the earliest after it); None where
    there is none."""
    i = bisect.bisect_left(months, month)
    j = bisect.bisect_right(months, month)
    return (months[i - 1] if i > 0 else None), (months[j] if j < len(months) else None)


def gaps(months: list[str]) -> list[str]:
    """The months between the first and last of `months` that are not among them."""
    if not months:
        return []
    have = set(months)
    return [m for m in month_range(min(months), max(months)) if m not in have]


def incomplete_months(db: sqlite_utils.Database, force: str) -> list[IncompleteMonth]:
    """The force's incomplete months (METHOD 2.9), worked out now: the share of rows with no
    location is at least 5 %, at least three times the force's median share over its held
    months, and above the upper process limit (mean + 2.66 x mean moving range) of those
    shares, in month order."""
    rows = db.execute(
        "SELECT m.month, m.rows, COALESCE((SELECT SUM(u.count) FROM police_unplaced u "
        "WHERE u.force = m.force AND u.month = m.month), 0) FROM police_months m "
        "WHERE m.force = ? ORDER BY m.month", (force,)).fetchall()
    shares = [unplaced / total if total else 0.0 for _, total, unplaced in rows]
    if len(shares) < 2:
        return []
    median = statistics.median(shares)
    moving = statistics.mean(abs(b - a) for a, b in zip(shares, shares[1:], strict=False))
    upper = statistics.mean(shares) + XMR_LIMIT * moving
    usual = round(statistics.median(unplaced for _, _, unplaced in rows))
    return [IncompleteMonth(force, month, unplaced, total, share, median, usual)
            for (month, total, unplaced), share in zip(rows, shares, strict=True)
            if share >= INCOMPLETE_SHARE and share >= INCOMPLETE_TIMES_MEDIAN * median
            and share > upper]


def record_incomplete_months(db: sqlite_utils.Database, forces: Iterable[str]) -> None:
    """Work out again and store each force's incomplete months (`police_incomplete`): called
    by every police.uk import, in its transaction, for the forces whose files it changed."""
    for force in sorted(set(forces)):
        db.execute("DELETE FROM police_incomplete WHERE force = ?", (force,))
        db.conn.executemany("INSERT INTO police_incomplete VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [astuple(i) for i in incomplete_months(db, force)])


def stored_incomplete_months(db: sqlite_utils.Database,
                             force: str | None = None) -> list[IncompleteMonth]:
    """The incomplete months the imports stored (of one force, or of all), by force and month."""
    where, params = ("WHERE force = ?", [force]) if force else ("", [])
    return [IncompleteMonth(*row) for row in db.execute(
        "SELECT force, month, unplaced, rows, share, usual_share, usual_unplaced FROM "
        f"police_incomplete {where} ORDER BY force, month", params)]


def every_incomplete_month(db: sqlite_utils.Database) -> dict[str, list[IncompleteMonth]]:
    """Each force in the store -> its stored incomplete months (an empty list when none)."""
    found: dict[str, list[IncompleteMonth]] = {
        r[0]: [] for r in db.execute("SELECT DISTINCT force FROM police_months ORDER BY 1")}
    for i in stored_incomplete_months(db):
        found.setdefault(i.force, []).append(i)
    return found


def partnership_coverage(db: sqlite_utils.Database, pid: str,
                         named: list[str] | None = None) -> dict[str, Any]:
    """What `cspbot status --partnership` shows of J0: the forces placing rows in the
    partnership's LSOAs, their shares and rows a month, its home forces (named in its file, or
    worked out), the police.uk months held (first, latest, count, gaps) and its home forces'
    stored incomplete months among them."""
    per_month = rows_per_month(db, pid)
    total = sum(per_month.values())
    named = named or named_forces(db, pid)
    forces = home_forces(db, pid, named)
    held = held_months(db, pid, forces)
    within = set(held)
    return {
        "home_forces": forces, "named_in_file": bool(named),
        "force_shares": {force: round(n / total, 4) for force, n in per_month.items()},
        "rows_per_month": {force: round(n, 1) for force, n in per_month.items()},
        "held": {"months": len(held), "first": held[0] if held else None,
                 "latest": held[-1] if held else None, "gaps": gaps(held)},
        "incomplete": [asdict(i) for force in forces for i in stored_incomplete_months(db, force)
                       if i.month in within]}
