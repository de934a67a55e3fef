"""What `/csp where` shows at street level, worked out in SQL (issue 14): the same figures as
data/place_queries.py's `busiest_places` gives with every map point and street in Python, but
only what the answer shows comes back: the total, the number of map points and of streets, how
concentrated the crime is (`half_at`), the busiest streets (each with its busiest point), the
busiest map points (the map's table) and what the map draws: every point, or, above
`Grid.over` points, the points summed into a grid of cells (briefings/place_map.py's rule).

The per-point totals are summed once into a TEMP table of the connection (`where_points`),
dropped after; the small queries run on it. A force of 200,000 map points is answered in a
tenth of the time its points take as Python tuples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlite_utils

from data import place_queries
from data.boundaries import area_ground
from data.catalogue import expand
from data.place_queries import _IN_GROUND, MapPoint, Street, _json, _names

TABLE = "temp.where_points"
STREETS = "temp.where_streets"


class Grid(NamedTuple):
    """How the map sums many points: more than `over` points are summed into square cells,
    `cells` of them across the map's larger span (`min_span` degrees of latitude at least)."""

    over: int
    cells: int
    min_span: float


@dataclass
class PlaceSummary:
    months: list[str]
    total: int = 0  # crimes at the map points
    points: int = 0  # map points with any crime
    streets: int = 0  # streets (location text within an LSOA) with any crime
    half_at: int = 0  # the fewest streets holding at least half of the crimes
    busiest: int = 0  # the count of the busiest map point
    top_streets: list[Street] = field(default_factory=list)  # busiest first
    top_points: list[MapPoint] = field(default_factory=list)  # busiest first
    drawn: list[tuple[float, float, int]] = field(default_factory=list)  # lon, lat, count
    binned: bool = False  # `drawn` is cells, not points


def summarise_places(db: sqlite_utils.Database, pid: str, area: str, indicator: str,
                     months: list[str], streets: int, rows: int, grid: Grid) -> PlaceSummary:
    """The indicator's crimes in the area over `months`: `streets` busiest streets, `rows`
    busiest map points, and the map's points or cells."""
    found = PlaceSummary(list(months))
    codes = list(area_ground(db, pid, area).codes)
    if not codes or not months:
        return found
    _sum_points(db, codes, indicator, months)
    try:
        count, total, busiest, *bounds = db.execute(
            "SELECT COUNT(*), SUM(n), MAX(n), MIN(longitude), MAX(longitude), MIN(latitude), "
            f"MAX(latitude) FROM {TABLE}").fetchone()
        if not count:
            return found
        found.points, found.total, found.busiest = count, total, busiest
        _summarise_streets(db, found, streets)
        order = "ORDER BY n DESC, location, lsoa, longitude, latitude"
        found.top_points = list(map(MapPoint._make, db.execute(
            f"SELECT location, lsoa, longitude, latitude, n FROM {TABLE} {order} LIMIT ?",
            (count if count <= grid.over else rows,))))
        if count > grid.over:
            found.drawn, found.binned = _binned(db, grid, *bounds), True
        else:
            found.drawn = [(p.longitude, p.latitude, p.count) for p in found.top_points]
            found.top_points = found.top_points[:rows]
    finally:
        for table in (TABLE, STREETS):
            db.execute(f"DROP TABLE IF EXISTS {table}")
    return found


def _sum_points(db: sqlite_utils.Database, codes: list[str], indicator: str,
                months: list[str]) -> None:
    """`where_points`: each map point of the ground with its crimes over the months (> 0).
    Each row's count is worked out before the grouping (LIMIT -1 keeps the subquery whole),
    so that the sort behind GROUP BY carries two numbers a row, not every crime type."""
    column = " + ".join(f'c."{slug}"' for slug in expand(indicator))
    marks = ",".join("?" * len(months))
    stored = db.execute("SELECT COUNT(*) FROM lsoas").fetchone()[0]
    narrow = len(codes) < place_queries.NARROW * stored
    db.execute(f"DROP TABLE IF EXISTS {TABLE}")
    db.execute(
        f"CREATE TABLE {TABLE} AS SELECT p.location, p.lsoa, p.longitude, p.latitude, s.n "
        f"FROM (SELECT place, SUM(n) AS n FROM (SELECT c.place, {column} AS n FROM "
        f"police_place_counts c WHERE c.month IN ({marks}) {_IN_GROUND if narrow else ''} "
        "LIMIT -1) WHERE n > 0 GROUP BY place) s JOIN police_places p ON p.id = s.place "
        "WHERE p.lsoa IN (SELECT value FROM json_each(?))",
        [*months, *([_json(codes)] if narrow else []), _json(codes)])


def _summarise_streets(db: sqlite_utils.Database, found: PlaceSummary, top: int) -> None:
    """The streets' count, the concentration and the `top` busiest, each with its busiest
    point (the first of its points in the points' order)."""
    db.execute(f"DROP TABLE IF EXISTS {STREETS}")
    db.execute(f"CREATE TABLE {STREETS} AS SELECT location, lsoa, SUM(n) AS n FROM {TABLE} "
               "GROUP BY location, lsoa")
    counts = db.execute(f"SELECT n, COUNT(*) FROM {STREETS} GROUP BY n ORDER BY n DESC"
                        ).fetchall()
    found.streets = sum(c for _, c in counts)
    found.half_at = half_at(counts, found.total)
    busiest = db.execute(f"SELECT location, lsoa, n FROM {STREETS} ORDER BY n DESC, location, "
                         "lsoa LIMIT ?", (top,)).fetchall()
    points: dict[tuple[str, str], MapPoint] = {}
    pairs = ",".join(["(?, ?)"] * len(busiest))
    for p in map(MapPoint._make, db.execute(
            f"SELECT location, lsoa, longitude, latitude, n FROM {TABLE} WHERE (location, lsoa) "
            f"IN (VALUES {pairs}) ORDER BY n DESC, location, lsoa, longitude, latitude",
            [v for loc, lsoa, _ in busiest for v in (loc, lsoa)])):
        points.setdefault((p.location, p.lsoa), p)
    names = _names(db, sorted({lsoa for _, lsoa, _ in busiest}))
    found.top_streets = [Street(loc, lsoa, names.get(lsoa, lsoa), n, points[loc, lsoa])
                         for loc, lsoa, n in busiest]


def half_at(counts: list[tuple[int, int]], total: int) -> int:
    """The fewest streets holding at least half of `total`, from (count, streets with that
    count), most first: as Places.half_at counts them one by one (0 when there are none)."""
    held = ranked = 0
    for n, streets in counts:
        if 2 * (held + streets * n) >= total:  # within this run: the first j with enough
            return ranked + max(1, -((2 * held - total) // (2 * n)))
        held, ranked = held + streets * n, ranked + streets
    return 0


def _binned(db: sqlite_utils.Database, grid: Grid, lon0: float, lon1: float, lat0: float,
            lat1: float) -> list[tuple[float, float, int]]:
    """The points summed into cells, as briefings/place_map.py's `_gridded` sums them (cells
    in the order of their keys, a half rounded to even as numpy rounds it), each at its
    points' count-weighted centre."""
    stretch = 1 / math.cos(math.radians((lat1 + lat0) / 2))
    cell = max(lat1 - lat0, (lon1 - lon0) / stretch, grid.min_span) / grid.cells
    return [(x / n, y / n, int(n)) for x, y, n in db.execute(
        "SELECT SUM(longitude * n), SUM(latitude * n), SUM(n) FROM (SELECT longitude, "
        f"latitude, n, {_even('x', 'fx')} * 1e6 + {_even('y', 'fy')} AS key FROM (SELECT "
        "longitude, latitude, n, longitude / :cell / :stretch AS x, latitude / :cell AS y, "
        "floor(longitude / :cell / :stretch) AS fx, floor(latitude / :cell) AS fy FROM "
        f"{TABLE})) GROUP BY key ORDER BY key", {"cell": cell, "stretch": stretch})]


def _even(x: str, fx: str) -> str:
    """SQL: `x` rounded to the nearest integer, a half to the even one (numpy's rounding;
    SQLite's round takes a half away from zero), `fx` being floor(x). x - floor(x) is exact."""
    return (f"(CASE WHEN {x} - {fx} > 0.5 THEN {fx} + 1 WHEN {x} - {fx} < 0.5 THEN {fx} "
            f"ELSE {fx} + (CAST({fx} AS INTEGER) % 2 <> 0) END)")
