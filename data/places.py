"""What "where" needs at street level, kept by every police.uk import: per month and map point,
its crimes by type (`police_place_counts`), each map point once with its force, LSOA, location
text and coordinates (`police_places`, an integer id each).

Reading a file counts its rows by map point and crime type (data/street.py: the point's LSOA
code, location text, longitude, latitude and the crime type joined by SEP). Each force-month an
import stores (new, or replacing one held) has its place counts replaced whole, in the import's
transaction: a download of a month held already replaces that month's rows, never adds to them.
A file found unchanged writes its months' place counts only when none are held (a store made
before this table). Rows without an LSOA or coordinates are not placed on the map.
"""

from __future__ import annotations

from collections import Counter

import sqlite_utils

from data.catalogue import POLICE_TYPES
from data.street import SEP, PointKey

FIRST = 2  # a police_place_counts row: month, place, then one count per crime type
COLUMN_OF = {i.police_type: FIRST + n for n, i in enumerate(POLICE_TYPES)}
INSERT = (f"INSERT INTO police_place_counts VALUES (?, ?, "
          f"{', '.join('?' * len(POLICE_TYPES))})")
FORCE_MONTH_ROWS = ("month = ? AND place IN (SELECT id FROM police_places WHERE force = ?)")
Place = tuple[str, str, float, float]  # LSOA code, location text, longitude, latitude


class PlaceIds:
    """Each map point's id, per force: the ids stored read once per run, new ones given on the
    way (and inserted before the counts that use them)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.stored: dict[str, dict[Place, int]] = {}
        self.by_text: dict[str, dict[str, int | None]] = {}  # force -> joined point -> id
        self.next_id = 0
        self.by_key: dict[str, dict[str, tuple[int, int] | None]] = {}  # force -> key -> cell

    def cells(self, force: str, counted: Counter[PointKey]) -> dict[str, tuple[int, int] | None]:
        """Each key's (place id, police_place_counts column); None for a point not placed.
        Most keys recur month after month: each is worked out once per run."""
        known = self.by_key.setdefault(force, {})
        new = [key for key in counted if key not in known]
        if new:
            split = [key.rpartition(SEP) for key in new]
            for key, (_, _, crime_type), place in zip(new, split, self.ids(
                    force, [s[0] for s in split]), strict=True):
                known[key] = None if place is None else (place, COLUMN_OF[crime_type])
        return known

    def _force(self, force: str) -> tuple[dict[Place, int], dict[str, int | None]]:
        if force not in self.stored:
            self.stored[force] = {(lsoa, loc, lon, lat): pid for pid, lsoa, loc, lon, lat in
                                  self.db.execute(
                                      "SELECT id, lsoa, location, longitude, latitude FROM "
                                      "police_places WHERE force = ?", (force,))}
            self.by_text[force] = {}
            self.next_id = 1 + (self.db.execute(
                "SELECT MAX(id) FROM police_places").fetchone()[0] or 0)
        return self.stored[force], self.by_text[force]

    def ids(self, force: str, points: list[str]) -> list[int | None]:
        """The id of each point (its four fields joined by SEP); None for one not placed."""
        stored, by_text = self._force(force)
        new = []
        for point in points:
            if point in by_text:
                continue
            fields = point.split(SEP)
            found = None
            if len(fields) == 4 and fields[0] and fields[2] and fields[3]:
                try:
                    place = (fields[0], fields[1], float(fields[2]), float(fields[3]))
                except ValueError:
                    place = None
                if place is not None:
                    found = stored.get(place)
                    if found is None:
                        found = stored[place] = self.next_id
                        self.next_id += 1
                        new.append((found, force, *place))
            by_text[point] = found
        self.db.conn.executemany("INSERT INTO police_places VALUES (?, ?, ?, ?, ?, ?)", new)
        return [by_text[p] for p in points]


def replace_place_counts(db: sqlite_utils.Database, ids: PlaceIds, force: str, month: str,
                         counted: Counter[PointKey] | None) -> int:
    """A force-month's place counts replaced by `counted` (keys: the point's fields and the
    crime type, joined by SEP); how many rows were written."""
    conn = db.conn
    conn.execute(f"DELETE FROM police_place_counts WHERE {FORCE_MONTH_ROWS}", (month, force))
    if not counted:
        return 0
    cells = ids.cells(force, counted)
    rows: dict[int, list] = {}
    width = len(POLICE_TYPES)
    for key, n in counted.items():
        cell = cells[key]
        if cell is None:
            continue
        row = rows.get(cell[0])
        if row is None:
            row = rows[cell[0]] = [month, cell[0], *([0] * width)]
        row[cell[1]] += n
    conn.executemany(INSERT, [rows[p] for p in sorted(rows)])
    return len(rows)


def place_counts_held(db: sqlite_utils.Database, force: str, month: str) -> bool:
    """Whether any place count is held for the force-month."""
    return db.execute(f"SELECT EXISTS (SELECT 1 FROM police_place_counts WHERE "
                      f"{FORCE_MONTH_ROWS})", (month, force)).fetchone()[0] == 1


def collapse_types(counted: Counter[PointKey]) -> Counter[str]:
    """Counts by point and crime type -> counts by point (its four fields joined by SEP)."""
    out: Counter[str] = Counter()
    for key, n in counted.items():
        out[key.rpartition(SEP)[0]] += n
    return out
