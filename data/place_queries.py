"""Where crimes happened at street level (issue 14): a police.uk indicator's crimes in an area's
ground (data/boundaries.py) over given months, at police.uk's map points (data/places.py), and
by street: police.uk's location text within its LSOA ("On or near Park Road", Charnwood 012A).
A street's count is the sum of its map points; `half_at` says how concentrated the crime is
("half of burglaries at 41 of 1,210 locations"). The months given are held months only (METHOD
2.9): `data/windows.py` chooses them.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import sqlite_utils

from data.boundaries import area_ground
from data.catalogue import expand
from data.contributions import neighbourhood_of

NARROW = 1 / 3  # a ground with fewer of the store's LSOAs has its own map points sought


class MapPoint(NamedTuple):  # a tuple: a force's 100,000 points are made fast
    location: str
    lsoa: str
    longitude: float
    latitude: float
    count: int  # type: ignore[assignment]  # (a field named as tuple.count, which it hides)


class Street(NamedTuple):  # a tuple too: a force has 100,000 streets
    """A location text within one LSOA: its crimes, and its busiest map point."""

    location: str
    lsoa: str
    lsoa_name: str
    count: int  # type: ignore[assignment]  # (a field named as tuple.count, which it hides)
    point: MapPoint

    @property
    def place(self) -> str:
        """The location text, or what it is when police.uk gives only "On or near"."""
        return self.location if self.location.strip() not in ("On or near", "") else (
            f"{self.location.strip() or 'On or near'} (no street named)")

    @property
    def neighbourhood(self) -> str:
        return neighbourhood_of(self.lsoa_name)


@dataclass
class Places:
    months: list[str]
    points: list[MapPoint] = field(default_factory=list)  # busiest first
    streets: list[Street] = field(default_factory=list)  # busiest first

    @cached_property
    def total(self) -> int:  # asked three times of 100,000 points: summed once
        return sum(p[4] for p in self.points)

    def half_at(self) -> int:
        """The fewest streets that hold at least half of the crimes (0 when there are none)."""
        held, half = 0, self.total / 2
        for n, street in enumerate(self.streets, 1):
            held += street.count
            if held >= half:
                return n
        return 0


def busiest_places(db: sqlite_utils.Database, pid: str, area: str, indicator: str,
                   months: list[str]) -> Places:
    """The indicator's crimes in the area over `months`, by map point and by street."""
    found = Places(list(months))
    codes = list(area_ground(db, pid, area).codes)
    if not codes or not months:
        return found
    column = " + ".join(f'c."{slug}"' for slug in expand(indicator))
    marks = ",".join("?" * len(months))
    # A ground of under NARROW of the store's LSOAs: its own points are sought month by month
    # (about 10 us a point); a larger one: every point of those months is summed (with no
    # seeking), and the ground's picked after.
    narrow = len(codes) < NARROW * db.execute("SELECT COUNT(*) FROM lsoas").fetchone()[0]
    with _collector_paused():  # 100,000s of tuples: no collection passes meanwhile
        found.points = list(map(MapPoint._make, db.execute(
            f"SELECT p.location, p.lsoa, p.longitude, p.latitude, s.n FROM (SELECT c.place, "
            f"SUM({column}) AS n FROM police_place_counts c WHERE c.month IN ({marks}) "
            f"{_IN_GROUND if narrow else ''} GROUP BY c.place HAVING n > 0) s "
            "JOIN police_places p ON p.id = s.place "
            "WHERE p.lsoa IN (SELECT value FROM json_each(?)) ORDER BY s.n DESC, 1, 2, 3, 4",
            [*months, *([_json(codes)] if narrow else []), _json(codes)])))
        totals: defaultdict[tuple[str, str], int] = defaultdict(int)
        for p in found.points:
            totals[p[0], p[1]] += p[4]
        # busiest first: a street's busiest point is its first, the last one written here
        busiest = {(p[0], p[1]): p for p in reversed(found.points)}
        names = _names(db, sorted({lsoa for _, lsoa in totals}))
        found.streets = [Street(loc, lsoa, names.get(lsoa, lsoa), -n, busiest[loc, lsoa])
                         for n, loc, lsoa in sorted((-n, loc, lsoa)
                                                    for (loc, lsoa), n in totals.items())]
    return found


_IN_GROUND = ("AND c.place IN (SELECT id FROM police_places WHERE lsoa IN (SELECT value FROM "
              "json_each(?)))")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while many tuples (which hold no cycles) are
    made: it would otherwise walk them again and again (a third of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def places_held(db: sqlite_utils.Database) -> bool:
    """Whether any place count is held (a store imported before they were kept has none)."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM police_place_counts)").fetchone()[0] == 1


def _json(values: list[str]) -> str:
    return json.dumps(values)


def _names(db: sqlite_utils.Database, codes: list[str]) -> dict[str, str]:
    return dict(db.execute("SELECT code, name FROM lsoas WHERE code IN (SELECT value FROM "
                           "json_each(?))", (_json(codes),)).fetchall())
