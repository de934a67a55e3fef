"""What `/csp where` shows at street level (issue 14): the same figures as
data/place_queries.py's `busiest_places` gives with every map point and street as Python
tuples, but only what the answer shows is made: the total, the number of map points and of
streets, how concentrated the crime is (`half_at`), the busiest streets (each with its busiest
point), the busiest map points (the map's table) and what the map draws: every point, or, above
`Grid.over` points, the points summed into a grid of cells (`binned`, briefings/place_map.py's
rule too).

The sums are made on the store's points and monthly counts as numpy arrays, read once and kept
while the store's points do not change (data/place_arrays.py): a force of 1,000 neighbourhoods
(170,000 points with crime in a year) is summed in a tenth of the time SQL takes to sort its
rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import sqlite_utils

from data.boundaries import area_ground
from data.catalogue import expand
from data.place_arrays import MonthCounts, Points, window_arrays
from data.place_queries import MapPoint, Street, _names


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
    points, counts = window_arrays(db, months)
    n = _point_totals(points, counts, expand(indicator))
    ground = np.zeros(len(points.codes), bool)
    ground[[points.code_index[c] for c in codes if c in points.code_index]] = True
    at = np.flatnonzero((n > 0) & ground[points.lsoa])  # the ground's points with any crime
    if not len(at):
        return found
    at = at[np.lexsort((points.rank[at], -n[at]))]  # busiest first, then as SQL orders text
    n_at = n[at]
    found.points, found.total, found.busiest = len(at), int(n_at.sum()), int(n_at[0])
    _summarise_streets(db, found, points, at, n_at, streets)
    shown = at if len(at) <= grid.over else at[:rows]
    found.top_points = [_point(points, i, int(c)) for i, c in zip(shown.tolist(),
                                                                  n[shown].tolist(), strict=True)]
    if len(at) > grid.over:
        found.drawn = binned(points.longitude[at], points.latitude[at], n_at, grid.cells,
                             grid.min_span)
        found.binned = True
    else:
        found.drawn = [(p.longitude, p.latitude, p.count) for p in found.top_points]
        found.top_points = found.top_points[:rows]
    return found


def _point_totals(points: Points, counts: list[MonthCounts], types: tuple[str, ...]
                  ) -> np.ndarray:
    """Each map point's crimes of `types` over the months (int64, by point index)."""
    total = np.zeros(len(points.ids), np.int64)
    for month in counts:
        columns = [month.types.index(t) for t in types]
        np.add.at(total, month.point, month.counts[:, columns].sum(axis=1, dtype=np.int64))
    return total


def _point(points: Points, i: int, count: int) -> MapPoint:
    return MapPoint(points.locations[i], points.codes[points.lsoa[i]],
                    float(points.longitude[i]), float(points.latitude[i]), count)


def _summarise_streets(db: sqlite_utils.Database, found: PlaceSummary, points: Points,
                       at: np.ndarray, n_at: np.ndarray, top: int) -> None:
    """The streets' count, the concentration and the `top` busiest, each with its busiest
    point (its first point in `at`'s order)."""
    street, first = np.unique(points.street[at], return_index=True)  # first: in `at` order
    totals = np.zeros(len(street), np.int64)
    np.add.at(totals, np.searchsorted(street, points.street[at]), n_at)
    values, many = np.unique(totals, return_counts=True)
    found.streets = len(street)
    found.half_at = half_at(list(zip(values[::-1].tolist(), many[::-1].tolist(),
                                     strict=True)), found.total)
    busiest = np.lexsort((street, -totals))[:top]  # ties: as (location, LSOA) order
    chosen = [(_point(points, int(at[first[k]]), int(n_at[first[k]])), int(totals[k]))
              for k in busiest.tolist()]
    names = _names(db, sorted({point.lsoa for point, _ in chosen}))
    found.top_streets = [Street(point.location, point.lsoa, names.get(point.lsoa, point.lsoa),
                                count, point) for point, count in chosen]


def half_at(counts: list[tuple[int, int]], total: int) -> int:
    """The fewest streets holding at least half of `total`, from (count, streets with that
    count), most first: as Places.half_at counts them one by one (0 when there are none)."""
    held = ranked = 0
    for n, streets in counts:
        if 2 * (held + streets * n) >= total:  # within this run: the first j with enough
            return ranked + max(1, -((2 * held - total) // (2 * n)))
        held, ranked = held + streets * n, ranked + streets
    return 0


def binned(longitude: np.ndarray, latitude: np.ndarray, count: np.ndarray, cells: int,
           min_span: float) -> list[tuple[float, float, int]]:
    """Map points summed into square cells, `cells` across the larger span (`min_span` degrees
    of latitude at least), each cell at its points' count-weighted centre, cells in the order
    of their keys. The sums follow the points' order: give them busiest first."""
    lon, lat, n = (np.asarray(a, dtype=float) for a in (longitude, latitude, count))
    stretch = 1 / math.cos(math.radians((lat.max() + lat.min()) / 2))
    cell = max(lat.max() - lat.min(), (lon.max() - lon.min()) / stretch, min_span) / cells
    keys = np.round(lon / cell / stretch) * 1e6 + np.round(lat / cell)
    _, which = np.unique(keys, return_inverse=True)
    total = np.bincount(which, weights=n)
    x, y = np.bincount(which, weights=lon * n) / total, np.bincount(which, weights=lat * n) / total
    return list(zip(x.tolist(), y.tolist(), total.astype(int).tolist(), strict=True))
