"""Where at street level worked out in SQL (data/place_summary.py) without real data: it gives
what `busiest_places` and the map's Python binning give (the demo's streets), the concentration
from the counts' histogram equals counting street by street, and the SQL grid sums points into
the same cells as numpy, a half rounded to even."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlite_utils
from fakes.where_store import NOW, add_streets

from briefings.place_map import CELLS, MIN_SPAN, _gridded
from data.db import open_db
from data.place_queries import MapPoint, Places, Street, busiest_places
from data.place_summary import TABLE, Grid, _binned, half_at, summarise_places


def flat(drawn: list[tuple[float, float, int]]) -> list[float]:
    return [v for cell in drawn for v in cell]


@pytest.mark.parametrize("indicator", ["burglary", "all-crime", "robbery"])
@pytest.mark.parametrize("over", [0, 5000], ids=["binned", "points"])
def test_the_summary_equals_the_busiest_places(cspbot, db_path: Path, tmp_path: Path,
                                               indicator: str, over: int) -> None:
    assert cspbot("demo").exit_code == 0
    add_streets(db_path, tmp_path / "streets")
    db = open_db(db_path)
    try:
        places = busiest_places(db, "kettering", "kettering", indicator, NOW)
        found = summarise_places(db, "kettering", "kettering", indicator, NOW, 2, 3,
                                 Grid(over, CELLS, MIN_SPAN))
        assert not db.execute("SELECT name FROM temp.sqlite_master").fetchall()  # dropped
    finally:
        db.close()
    assert (found.total, found.points, found.streets, found.half_at) == (
        places.total, len(places.points), len(places.streets), places.half_at())
    assert found.top_streets == places.streets[:2]
    assert found.top_points == places.points[:3]
    if not places.points:
        assert found.drawn == [] and found.busiest == 0
        return
    assert found.busiest == places.points[0].count
    assert found.binned == (len(places.points) > over)
    expected = _gridded(places.points) if found.binned else [
        (p.longitude, p.latitude, p.count) for p in places.points]
    assert [n for _, _, n in found.drawn] == [n for _, _, n in expected]
    assert flat(found.drawn) == pytest.approx(flat(expected), rel=1e-12)  # another order


@pytest.mark.parametrize("seed", range(20))
def test_the_concentration_from_the_histogram_equals_counting_street_by_street(
        seed: int) -> None:
    rng = random.Random(seed)
    counts = sorted((rng.choice([1, 1, 1, 2, 3, 5, 8, 40]) for _ in range(rng.randint(1, 60))),
                    reverse=True)
    point = MapPoint("", "", 0.0, 0.0, 0)
    places = Places([], points=[point._replace(count=n) for n in counts],
                    streets=[Street(str(k), "", "", n, point) for k, n in enumerate(counts)])
    histogram = sorted({n: counts.count(n) for n in counts}.items(), reverse=True)
    assert half_at(histogram, sum(counts)) == places.half_at()
    assert half_at([], 0) == 0


def grid_points(rng: random.Random, n: int, ties: bool) -> list[MapPoint]:
    """Random points; with `ties`, latitudes exactly half a cell off the grid (the span is 150
    cells of 2^-7 degrees, so that cell and latitude / cell are exact)."""
    cell = 2.0 ** -7
    points = []
    for k in range(n):
        lat = (52.0 + (rng.randrange(150) + 0.5) * cell if ties
               else 52.5 + rng.random() * 0.3)
        points.append(MapPoint(f"Street {k}", "E01000001", -1.2 + rng.random() * 0.4, lat,
                               rng.randint(1, 9)))
    if ties:
        points += [MapPoint("Edge", "E01000001", -1.0, 52.0, 1),
                   MapPoint("Edge", "E01000002", -1.0, 52.0 + CELLS * cell, 1)]
    return sorted(points, key=lambda p: (-p.count, p.location, p.lsoa))


@pytest.mark.parametrize("ties", [False, True], ids=["random", "halves"])
def test_the_sql_grid_sums_the_points_into_numpys_cells(ties: bool) -> None:
    points = grid_points(random.Random(7), 3000, ties)
    db = sqlite_utils.Database(memory=True)
    db.execute(f"CREATE TABLE {TABLE} (location, lsoa, longitude REAL, latitude REAL, n)")
    db.conn.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)", points)
    lons, lats = [p.longitude for p in points], [p.latitude for p in points]
    cells = _binned(db, Grid(0, CELLS, MIN_SPAN), min(lons), max(lons), min(lats), max(lats))
    expected = _gridded(points)
    assert [n for _, _, n in cells] == [n for _, _, n in expected]  # the same cells, in order
    assert flat(cells) == pytest.approx(flat(expected), rel=1e-12)  # another order
