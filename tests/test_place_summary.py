"""Where at street level (data/place_summary.py, on data/place_arrays.py's kept arrays) without
real data: it gives what `busiest_places` and the map's binning give (the demo's streets), the
concentration from the counts' histogram equals counting street by street, and the kept arrays
are read again when an import changes the store."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from fakes.where_store import FORCE, HEADER, NOW, add_streets

from briefings.place_map import CELLS, GRID, MIN_SPAN, _gridded
from data.db import open_db
from data.place_arrays import window_arrays
from data.place_queries import MapPoint, Places, Street, busiest_places
from data.place_summary import Grid, half_at, summarise_places
from data.policeuk import ingest_police_uk


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


def test_the_kept_arrays_are_read_again_when_the_store_changes(cspbot, db_path: Path,
                                                                tmp_path: Path) -> None:
    """The points and counts are kept between answers, and read again after an import."""
    assert cspbot("demo").exit_code == 0
    add_streets(db_path, tmp_path / "streets")
    db = open_db(db_path)
    try:
        first = summarise_places(db, "kettering", "kettering", "burglary", NOW, 2, 3, GRID)
        points, _ = window_arrays(db, NOW)
        assert window_arrays(db, NOW)[0] is points  # kept
        assert first.total == 12 * (5 + 1 + 2 + 2)
        extra = tmp_path / "extra" / f"{NOW[-1]}-northamptonshire-street.csv"
        extra.parent.mkdir()
        extra.write_text(HEADER + "\n" + ",".join(
            ["", NOW[-1], FORCE, FORCE, "-0.70", "52.40", "On or near Market Place",
             "E01027110", "Kettering 007B", "Burglary", "", ""]) + "\n", encoding="utf-8")
        ingest_police_uk(db, [extra])  # replaces the month's rows: one burglary left in it
        again = summarise_places(db, "kettering", "kettering", "burglary", NOW, 2, 3, GRID)
        assert window_arrays(db, NOW)[0] is not points
    finally:
        db.close()
    assert again.total == 11 * (5 + 1 + 2 + 2) + 1
    assert (again.points, again.streets) == (first.points + 1, first.streets + 1)
