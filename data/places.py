"""What "where" needs at street level, kept by every police.uk import: per month and map point,
its crimes by type (`police_place_counts`), each map point once with its force, LSOA, location
text and coordinates (`police_places`, an integer id each).

Reading a file counts its rows by map point and crime type (data/street.py), and puts them in
rows (data/reading.py's by_point: the point's LSOA code, location text, longitude and latitude
joined by SEP, with its counts by crime type). Each force-month an
import stores (new, or replacing one held) has its place counts replaced whole, in the import's
transaction: a download of a month held already replaces that month's rows, never adds to them.
A file found unchanged writes its months' place counts only when none are held (a store made
before this table). Rows without an LSOA or coordinates are not placed on the map.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import add, itemgetter

import sqlite_utils

from data.catalogue import POLICE_TYPES
from data.street import SEP

INSERT = (f"INSERT INTO police_place_counts VALUES (?, ?, "
          f"{', '.join('?' * len(POLICE_TYPES))})")
FORCE_MONTH_ROWS = ("month = ? AND place IN (SELECT id FROM police_places WHERE force = ?)")
Place = tuple[str, str, float, float]  # LSOA code, location text, longitude, latitude


class PlaceIds:
    """Each map point's id, per force: the ids stored read once per run, new ones given on the
    way (and inserted before the counts that use them). Most points recur month after month:
    each point's text is worked out once per run."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.stored: dict[str, dict[Place, int]] = {}
        self.by_text: dict[str, dict[str, int | None]] = {}  # force -> joined point -> id
        self.next_id = 0

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

    def ids(self, force: str, points: Iterable[str]) -> list[int | None]:
        """The id of each point (its four fields joined by SEP); None for one not placed."""
        stored, by_text = self._force(force)
        points = list(points)
        new = []
        for point in [p for p in points if p not in by_text]:
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
        return list(map(by_text.__getitem__, points))


def replace_place_counts(db: sqlite_utils.Database, ids: PlaceIds, force: str, month: str,
                         by_point: dict[str, list[int]] | None, fresh: bool = False) -> int:
    """A force-month's place counts replaced by `by_point` (each point's fields joined by SEP,
    with its counts by crime type); how many rows were written. Two texts of one point (the
    same coordinates written differently) make one row. `fresh`: the force-month is new to the
    store, so there are none to delete."""
    conn = db.conn
    if not fresh:
        conn.execute(f"DELETE FROM police_place_counts WHERE {FORCE_MONTH_ROWS}", (month, force))
    if not by_point:
        return 0
    places = ids.ids(force, by_point)
    pairs: Iterable[tuple[int | None, list[int]]] = zip(places, by_point.values(), strict=True)
    if None in places or len(set(places)) < len(places):  # points not placed, or written twice
        merged: dict[int, list[int]] = {}
        for place, counts in pairs:
            if place is not None:
                row = merged.get(place)
                merged[place] = counts if row is None else list(map(add, row, counts))
        pairs = merged.items()
    rows = [(month, place, *counts) for place, counts in pairs]
    rows.sort(key=itemgetter(1))  # in key order (sorting on the id alone: measured faster)
    conn.executemany(INSERT, rows)
    return len(rows)


def place_counts_held(db: sqlite_utils.Database, force: str, month: str) -> bool:
    """Whether any place count is held for the force-month."""
    return db.execute(f"SELECT EXISTS (SELECT 1 FROM police_place_counts WHERE "
                      f"{FORCE_MONTH_ROWS})", (month, force)).fetchone()[0] == 1
