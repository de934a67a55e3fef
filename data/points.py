"""The police.uk map points an import keeps, so that LSOA codes that changed can be followed.

police.uk places each crime at one of a fixed set of anonymised map points, each with its text
("On or near Market Square"). When a 2011 LSOA was split or merged into 2021 LSOAs (METHOD 2.9,
"Boundary changes"), the same point is reported under the old code in older files and under a
new code in newer ones; data/boundaries.py matches them. `police_points` holds each distinct
(LSOA code, location text, longitude, latitude, force) once, with the first and last month it
was seen and its rows, from the first import of each force-month (`police_point_months`): a
later download of a month held already adds no rows to the points, so they are never counted
twice.

The points of a run are gathered in memory (one Counter a month, made in C) and written once at
its end: most points recur month after month, so a year of files writes each point once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import chain, repeat
from operator import itemgetter

import sqlite_utils

from data.street import PointKey

WITHOUT_MONTH = itemgetter(1, 2, 3, 4, 5)  # (force, LSOA code, location, longitude, latitude)
UPSERT = (
    "INSERT INTO police_points (force, lsoa, location, longitude, latitude, first_month, "
    "last_month, rows) VALUES (?, ?, ?, CAST(? AS REAL), CAST(? AS REAL), ?, ?, ?) "
    "ON CONFLICT (lsoa, location, longitude, latitude, force) DO UPDATE SET "
    "first_month = MIN(first_month, excluded.first_month), "
    "last_month = MAX(last_month, excluded.last_month), rows = rows + excluded.rows")


class PointBook:
    """The map points of the force-months an import run records for the first time."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.by_month: dict[str, dict[tuple[str, ...], int]] = defaultdict(dict)
        self.force_months: set[tuple[str, str]] = set()

    def add(self, points: Counter[PointKey], force_months: set[tuple[str, str]]) -> None:
        """Keep a file's points, for those of its (force, month)s whose points are not held."""
        new = {fm for fm in force_months - self.force_months if not self.db.execute(
            "SELECT 1 FROM police_point_months WHERE force = ? AND month = ?", fm).fetchone()}
        if not new:
            return
        self.force_months |= new
        if new == force_months and len({month for _, month in new}) == 1:  # a month's file
            month = next(iter(new))[1]
            self.by_month[month].update(zip(map(WITHOUT_MONTH, points), points.values(),
                                            strict=True))
            return
        for key, n in points.items():  # rare: several months, or some held already
            if (key[1], key[0]) in new:
                self.by_month[key[0]][WITHOUT_MONTH(key)] = n

    def write(self) -> int:
        """Store the points gathered, placed ones only; how many distinct points were written."""
        first: dict[tuple[str, ...], str] = {}
        last: dict[tuple[str, ...], str] = {}
        for month in sorted(self.by_month):
            last.update(dict.fromkeys(self.by_month[month], month))
        for month in sorted(self.by_month, reverse=True):
            first.update(dict.fromkeys(self.by_month[month], month))
        rows = Counter(chain.from_iterable(chain.from_iterable(
            map(repeat, counted.keys(), counted.values()) for counted in self.by_month.values())))
        placed = [(*key, first[key], last[key], n) for key, n in rows.items()
                  if key[1] and key[3] and key[4]]  # an LSOA code and both coordinates
        self.db.conn.executemany(UPSERT, placed)
        self.db.conn.executemany("INSERT OR IGNORE INTO police_point_months VALUES (?, ?)",
                                 sorted(self.force_months))
        return len(placed)
