"""The month asked for must be held (METHOD 2.9): a briefing, an answer or a post for a month
that is not held for the partnership is refused, saying why and which held months are nearest.

`require_held` is what every path asks before it judges a month: `briefings/monthly.py`,
`briefings/indicator.py`, the chat commands and `cspbot send-briefing`. The months held come
from data/coverage.py (`months_held`).
"""

from __future__ import annotations

import sqlite_utils

from data.coverage import home_forces, months_held, nearest_held
from data.errors import DataError
from data.queries import month_range


class NotHeld(DataError):
    """The month asked for is not held for the partnership (or area): nothing is judged."""

    def __init__(self, message: str, hint: str, month: str, latest: str | None) -> None:
        super().__init__(message, hint)
        self.month, self.latest = month, latest


def require_held(db: sqlite_utils.Database, pid: str, month: str,
                 area: str | None = None) -> list[str]:
    """The months held for the partnership (or its `area`), when `month` is one of them;
    otherwise NotHeld, e.g. "2023-06 is not held for Charnwood Community Safety Partnership:
    Leicestershire Police's files for 2022-11 to 2023-12 are not in the store. Nearest held
    months: 2022-10 and 2024-01; latest held: 2025-12." """
    held = months_held(db, pid, area)
    if month in held:
        return held
    raise not_held(db, pid, month, held, area)


def latest_held(db: sqlite_utils.Database, pid: str, area: str | None = None) -> str | None:
    """The latest month held for the partnership (or its `area`), if any."""
    held = months_held(db, pid, area)
    return held[-1] if held else None


def not_held(db: sqlite_utils.Database, pid: str, month: str, held: list[str],
             area: str | None = None) -> NotHeld:
    """The refusal of `month`, which is not among `held`: what is missing, and the nearest
    held months."""
    row = db.execute("SELECT name FROM areas WHERE partnership = ? AND id = ?",
                     (pid, area or pid)).fetchone()
    where = row[0] if row else pid
    forces = home_forces(db, pid)
    missing = [_missing_files(db, force, month) for force in forces
               if not db.execute("SELECT 1 FROM police_months WHERE force = ? AND month = ?",
                                 (force, month)).fetchone()]
    if not forces:
        own = [r[0] for r in db.execute(
            "SELECT DISTINCT month FROM monthly_values WHERE partnership = ? ORDER BY 1",
            (pid,))]
        missing.append(f"the partnership's own figures for {_span(own, month)} are not" if own
                       else "no police.uk home force's files and none of the partnership's "
                       "own figures are")
    before, after = nearest_held(held, month)
    if before and after:
        nearest = f" Nearest held months: {before} and {after}; latest held: {held[-1]}."
    elif before:
        nearest = f" The latest held month is {before}."
    elif after:
        nearest = f" The first held month is {after}; the latest is {held[-1]}."
    else:
        nearest = " No month is held for it yet."
    if forces:
        hint = ("Import the missing street files from data.police.uk with `cspbot ingest "
                "police-uk FILES`")
    else:
        hint = "Import the partnership's figures with `cspbot ingest values FILE.csv`"
    hint += f", or ask for a held month, e.g. {held[-1]}." if held else "."
    message = (f"{month} is not held for {where}: " + "; ".join(missing)
               + " in the store." + nearest)
    return NotHeld(message, hint, month, held[-1] if held else None)


def _missing_files(db: sqlite_utils.Database, force: str, month: str) -> str:
    """"Leicestershire Police's files for 2022-11 to 2023-12 are not" (the run of the force's
    months missing around `month`)."""
    have = [r[0] for r in db.execute("SELECT month FROM police_months WHERE force = ? "
                                     "ORDER BY month", (force,))]
    if not have:
        return f"no street file of {force} is"
    span = _span(have, month)
    return (f"{force}'s files for {span} are not" if " to " in span
            else f"{force}'s file for {span} is not")


def _span(have: list[str], month: str) -> str:
    """The run of months around `month` missing from the sorted `have`: from the month after
    the latest held before it (or `month`) to the month before the earliest held after it (or
    `month`), e.g. "2022-11 to 2023-12"."""
    before, after = nearest_held(have, month)
    first = month_range(before, month)[1] if before else month
    last = month_range(month, after)[-2] if after else month
    return first if first == last else f"{first} to {last}"
