"""The store's map points and their monthly counts as numpy arrays, kept in memory while the
store's points do not change: what `/csp where` sums at street level (data/place_summary.py).

A where answer sums a 12-month window of counts per map point, then per street, and bins the
points for the map. In SQL that is a sort of every row of the window (a force of 1,000
neighbourhoods: 385,000 rows, 170,000 points, about 0.7 s); on arrays it is a numpy sum
(about 0.05 s). So the points (`Points`: each point's LSOA, street, place in the answer's order
and position) are read once, and each month's counts (`MonthCounts`) the first time a window
needs it; an import, a partnership (re)load or new points make them stale (`places_version`),
and they are read again. A store in memory is never kept.

Arrays are indexed by a point's position in `Points.ids` (the police_places ids, ascending).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Generic, TypeVar

import numpy as np
import sqlite_utils

from data.catalogue import POLICE_SLUGS
from data.kept import store_version

COUNTS = ", ".join(f'"{slug}"' for slug in POLICE_SLUGS)  # the count columns, as SQL
H = TypeVar("H")
M = TypeVar("M")


@dataclass(frozen=True)
class Points:
    """Every map point of the store. `rank` orders points as an answer lists them after their
    counts (location, LSOA, longitude, latitude); `street` numbers each (location, LSOA) pair
    in that order."""

    ids: np.ndarray  # int64, ascending
    lsoa: np.ndarray  # int32: index into `codes`
    street: np.ndarray  # int32: dense rank of (location, LSOA)
    rank: np.ndarray  # int32: rank of (location, LSOA, longitude, latitude, id)
    longitude: np.ndarray  # float64
    latitude: np.ndarray  # float64
    locations: list[str]
    codes: list[str]  # the LSOA codes, by index
    code_index: dict[str, int]


@dataclass(frozen=True)
class MonthCounts:
    """One month's rows of police_places_counts: the point (an index into Points) and the count
    of each crime type (columns in `types` order)."""

    point: np.ndarray  # int32
    counts: np.ndarray  # uint16 (int64 if a count is larger), a row per point, a column per type
    types: tuple[str, ...]


def places_version(db: sqlite_utils.Database) -> tuple[Hashable, ...] | None:
    """What the store's map points and their counts depend on; None for a store in memory."""
    version = store_version(db)
    if version is None:
        return None
    return (*version, *db.execute(
        "SELECT (SELECT MAX(id) FROM police_places), "
        "(SELECT MIN(month) FROM police_place_counts), "
        "(SELECT MAX(month) FROM police_place_counts)").fetchone())


class KeptMonths(Generic[H, M]):
    """Arrays kept per store file while its version holds: a head read once (the points, or
    the LSOA codes), and each month read the first time it is asked for."""

    def __init__(self, read_head: Callable[[sqlite_utils.Database], H],
                 read_month: Callable[[sqlite_utils.Database, H, str], M]) -> None:
        self.read_head, self.read_month = read_head, read_month
        self.lock = threading.Lock()  # one reader at a time: a worker's threads share them
        self.kept: dict[str, tuple[tuple[Hashable, ...], H, dict[str, M]]] = {}

    def get(self, db: sqlite_utils.Database, months: list[str]) -> tuple[H, list[M]]:
        with snapshot(db):  # the version and every row read from one state of the store
            version = places_version(db)
            if version is None:
                head = self.read_head(db)
                return head, [self.read_month(db, head, m) for m in months]
            with self.lock:
                found = self.kept.get(str(version[0]))
                if found is None or found[0] != version:
                    found = (version, self.read_head(db), {})
                    self.kept[str(version[0])] = found
                _, head, by_month = found
                for month in months:
                    if month not in by_month:
                        by_month[month] = self.read_month(db, head, month)
                return head, [by_month[m] for m in months]


def window_arrays(db: sqlite_utils.Database, months: list[str]
                  ) -> tuple[Points, list[MonthCounts]]:
    """The store's points and the counts of `months`, kept (or read now and kept)."""
    return _POINTS.get(db, months)


@contextmanager
def snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """A read transaction (unless one is open already): an import committing meanwhile is not
    seen halfway."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")


def read_points(db: sqlite_utils.Database) -> Points:
    """Every map point, with the orders an answer needs."""
    rows = db.execute("SELECT id, lsoa, location, longitude, latitude FROM police_places "
                      "ORDER BY id").fetchall()
    count = len(rows)
    ids = np.fromiter((r[0] for r in rows), np.int64, count)
    longitude = np.fromiter((r[3] for r in rows), np.float64, count)
    latitude = np.fromiter((r[4] for r in rows), np.float64, count)
    code_index: dict[str, int] = {}
    lsoa = np.fromiter((code_index.setdefault(r[1], len(code_index)) for r in rows), np.int32,
                       count)
    # Python orders str by code point, as SQLite's BINARY collation orders UTF-8 bytes
    order = sorted(range(count), key=lambda i: (rows[i][2], rows[i][1], rows[i][3], rows[i][4],
                                                rows[i][0]))
    rank = np.empty(count, np.int32)
    rank[order] = np.arange(count, dtype=np.int32)
    street = np.empty(count, np.int32)
    number, last = -1, None
    for i in order:
        if (rows[i][2], rows[i][1]) != last:
            number, last = number + 1, (rows[i][2], rows[i][1])
        street[i] = number
    return Points(ids, lsoa, street, rank, longitude, latitude, [r[2] for r in rows],
                  list(code_index), code_index)


def read_month(db: sqlite_utils.Database, points: Points, month: str) -> MonthCounts:
    """One month's counts of every map point that has any."""
    rows = db.execute(f"SELECT place, {COUNTS} FROM police_place_counts WHERE month = ?",
                      (month,)).fetchall()
    width = len(POLICE_SLUGS) + 1
    flat = np.fromiter(chain.from_iterable(rows), np.int64, len(rows) * width)
    table = flat.reshape(len(rows), width)
    point = np.searchsorted(points.ids, table[:, 0]).astype(np.int32)
    return MonthCounts(point, compact(table[:, 1:]), POLICE_SLUGS)


def compact(counts: np.ndarray) -> np.ndarray:
    """Counts as uint16 (half the memory of int32), or int64 if one is larger."""
    small = not len(counts) or (counts.min() >= 0 and counts.max() <= np.iinfo(np.uint16).max)
    return counts.astype(np.uint16 if small else np.int64)


_POINTS = KeptMonths(read_points, read_month)
