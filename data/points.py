"""The police.uk map points kept to follow LSOA codes that changed, and the LSOA names an
import gives.

police.uk places each crime at one of a fixed set of anonymised map points, each with its text
("On or near Market Square"). When a 2011 LSOA was split or merged into 2021 LSOAs (METHOD 2.9,
"Boundary changes"), the same point is reported under the old code in older files and under a
new code in newer ones; data/boundaries.py matches them. `police_points` holds each distinct
(LSOA code, location text, longitude, latitude, force) once, with the first and last month it
was seen and its rows.

The points are derived from what every import keeps for "where" (data/places.py: each map point
and its crimes per month), in SQL, when data/boundaries.py first needs them after an import
(`derive_points`), not by the import itself: an import then writes a map point once, not twice,
and most imports are never followed by a boundary question. Each force-month is derived once
(`police_point_months`): a later download of a month held already adds no rows to the points,
so they are never counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import repeat

import sqlite_utils

from data.catalogue import POLICE_TYPES
from data.db import write_transaction
from data.street import local_authority_of

# A force-month's points (distinct within a month, so no GROUP BY): a point new to the store
# takes the month as its first and last, one held already widens its own and adds its rows.
POINTS_OF_MONTH = (
    "INSERT INTO police_points (force, lsoa, location, longitude, latitude, first_month, "
    "last_month, rows) SELECT p.force, p.lsoa, p.location, p.longitude, p.latitude, c.month, "
    "c.month, " + " + ".join(f'c."{i.slug}"' for i in POLICE_TYPES)
    + " FROM police_place_counts c JOIN police_places p ON p.id = c.place WHERE c.month = ? "
    "AND p.force = ? ON CONFLICT (lsoa, location, longitude, latitude, force) DO UPDATE SET "
    "first_month = MIN(first_month, excluded.first_month), "
    "last_month = MAX(last_month, excluded.last_month), rows = rows + excluded.rows")
NOT_DERIVED = (
    "SELECT force, month FROM police_months m WHERE NOT EXISTS (SELECT 1 FROM "
    "police_point_months d WHERE d.force = m.force AND d.month = m.month) AND EXISTS (SELECT 1 "
    "FROM police_place_counts c JOIN police_places p ON p.id = c.place WHERE c.month = m.month "
    "AND p.force = m.force) ORDER BY force, month")


def derive_points(db: sqlite_utils.Database) -> int:
    """Bring `police_points` up to date with the place counts held: each force-month not
    derived yet (and with place counts: one imported before they were kept has none until its
    file is imported again). How many force-months were derived."""
    missing = db.execute(NOT_DERIVED).fetchall()
    if not missing:
        return 0
    if db.conn.in_transaction:
        _derive(db, missing)
    else:
        with write_transaction(db):
            _derive(db, db.execute(NOT_DERIVED).fetchall())  # again: another may have done it
    return len(missing)


def _derive(db: sqlite_utils.Database, force_months: list[tuple[str, str]]) -> None:
    for force, month in force_months:
        db.execute(POINTS_OF_MONTH, (month, force))
    db.conn.executemany("INSERT OR IGNORE INTO police_point_months VALUES (?, ?)",
                        force_months)


class LsoaNames:
    """The LSOA names (code -> "Kettering 005C") the files of an import run give, written to
    `lsoas` once at its end: each code's name in the latest month that gives it."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.names: dict[str, dict[str, str]] = defaultdict(dict)  # month -> code -> name

    def name(self, month: str, names: dict[str, str]) -> None:
        """Note the names a force-month's file gives."""
        self.names[month].update(names)

    def write(self) -> None:
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
