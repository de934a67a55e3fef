"""The police.uk map points an import keeps, so that LSOA codes that changed can be followed.

police.uk places each crime at one of a fixed set of anonymised map points, each with its text
("On or near Market Square"). When a 2011 LSOA was split or merged into 2021 LSOAs (METHOD 2.9,
"Boundary changes"), the same point is reported under the old code in older files and under a
new code in newer ones; data/boundaries.py matches them. `police_points` holds each distinct
(LSOA code, location text, longitude, latitude, force) once, with the first and last month it
was seen and its rows, from the first import of each force-month (`police_point_months`): a
later download of a month held already adds no rows to the points, so they are never counted
twice.

The points of a run are gathered in memory (per force and month, each point's rows, keyed by
its fields joined into one string, from what reading the file made) and written once at its end:
most points recur month after month, so a year of files writes each point once.
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import chain, repeat

import sqlite_utils

from data.street import SEP, ForceMonth, local_authority_of

UPSERT = (
    "INSERT INTO police_points (force, lsoa, location, longitude, latitude, first_month, "
    "last_month, rows) VALUES (?, ?, ?, CAST(? AS REAL), CAST(? AS REAL), ?, ?, ?) "
    "ON CONFLICT (lsoa, location, longitude, latitude, force) DO UPDATE SET "
    "first_month = MIN(first_month, excluded.first_month), "
    "last_month = MAX(last_month, excluded.last_month), rows = rows + excluded.rows")


class PointBook:
    """The map points of the force-months an import run records for the first time: per force
    and month, each point (its fields joined by SEP) and its rows."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.points: dict[str, dict[str, Counter[str]]] = defaultdict(dict)  # force, month
        self.names: dict[str, dict[str, str]] = defaultdict(dict)  # month -> code -> name

    def add(self, places: dict[ForceMonth, dict[str, list[int]]]) -> None:
        """Keep a file's points (each with its counts by crime type), for each (force, month)
        whose points are not held yet."""
        for (force, month), by_point in places.items():
            if month in self.points[force] or self.db.execute(
                    "SELECT 1 FROM police_point_months WHERE force = ? AND month = ?",
                    (force, month)).fetchone():
                continue
            self.points[force][month] = Counter(dict(zip(by_point, map(sum, by_point.values()),
                                                         strict=True)))

    def name(self, month: str, names: dict[str, str]) -> None:
        """Note the LSOA names (code -> "Kettering 005C") a force-month's file gives."""
        self.names[month].update(names)

    def write(self) -> int:
        """Store the points gathered, placed ones only; how many distinct points were written."""
        placed = []
        for force, by_month in self.points.items():
            # A point's rows summed month by month in order: a point new in a month goes at
            # the end of `rows`, so the points first seen in each month follow one another.
            last: dict[str, str] = {}
            rows: Counter[str] = Counter()
            first = []
            for month in sorted(by_month):
                held = len(rows)
                rows.update(by_month[month])
                last.update(dict.fromkeys(by_month[month], month))
                first.append(repeat(month, len(rows) - held))
            for (key, n), seen in zip(rows.items(), chain.from_iterable(first), strict=True):
                fields = key.split(SEP)
                if len(fields) == 4 and fields[0] and fields[2] and fields[3]:  # placed
                    placed.append((force, *fields, seen, last[key], n))
        with _indexes_built_after(self.db, "police_points"):
            self.db.conn.executemany(UPSERT, placed)
        self._write_names()
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO police_point_months VALUES (?, ?)",
            [(force, month) for force, by_month in self.points.items() for month in by_month])
        return len(placed)

    def _write_names(self) -> None:
        """`lsoas`: each code's name in the latest month that gives it (run or store)."""
        latest: dict[str, tuple[str, str]] = {}
        for month in sorted(self.names):
            latest.update(zip(self.names[month], zip(self.names[month].values(),
                                                      repeat(month)), strict=False))
        self.db.conn.executemany(
            "INSERT INTO lsoas (code, name, local_authority, month) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
            "local_authority = excluded.local_authority, month = excluded.month "
            "WHERE excluded.month >= lsoas.month",
            [(code, name, local_authority_of(name), month)
             for code, (name, month) in latest.items()])


@contextlib.contextmanager
def _indexes_built_after(db: sqlite_utils.Database, table: str) -> Iterator[None]:
    """Into an empty table (a store's first import), rows go in faster with its secondary
    indexes made afterwards, each from the SQL it was made with (read back from the schema),
    in the same transaction: a store that fails half-way is rolled back with its indexes."""
    if db.execute(f"SELECT EXISTS (SELECT 1 FROM [{table}])").fetchone()[0]:
        yield
        return
    made = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                      "tbl_name = ? AND sql IS NOT NULL", (table,)).fetchall()
    for name, _ in made:
        db.execute(f"DROP INDEX [{name}]")
    yield
    for _, sql in made:
        db.execute(sql)
