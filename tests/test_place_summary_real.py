"""Where at street level worked out in SQL on the real Leicestershire files (skipped without
../shared/data): data/place_summary.py gives what `busiest_places` and the map's Python binning
give, for a small partnership and for Leicester (over 5,000 map points: the map's points summed
into cells), a wide ground and a narrow one."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import FIXTURES, policeuk
from fakes import real_stores

from briefings.place_map import GRID, MAX_DRAWN, MAX_ROWS, _gridded
from data import place_queries
from data.contributions import contributions
from data.db import open_db
from data.place_queries import busiest_places
from data.place_summary import summarise_places

NINE = sorted((FIXTURES / "leicestershire").glob("*.toml"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return real_stores.make_force_store(tmp_path_factory.mktemp("summary-real") / "csp.db",
                                        policeuk("leicestershire"), NINE)


@pytest.mark.parametrize("narrow", [0.0, math.inf], ids=["summed-wide", "sought-narrow"])
@pytest.mark.parametrize(("pid", "indicator"), [("leicester", "all-crime"),
                                                ("rutland", "burglary"),
                                                ("charnwood", "violent-crime")])
def test_the_summary_equals_the_busiest_places_on_real_files(
        store: Path, pid: str, indicator: str, narrow: float,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(place_queries, "NARROW", narrow)
    db = open_db(store)
    try:
        months = contributions(db, pid, indicator, month="2022-10").window.current
        places = busiest_places(db, pid, pid, indicator, months)
        found = summarise_places(db, pid, pid, indicator, months, 10, MAX_ROWS, GRID)
    finally:
        db.close()
    assert (found.total, found.points, found.streets, found.half_at) == (
        places.total, len(places.points), len(places.streets), places.half_at())
    assert found.top_streets == places.streets[:10]
    assert found.top_points == places.points[:MAX_ROWS]
    assert found.busiest == places.points[0].count
    assert found.binned == (len(places.points) > MAX_DRAWN)
    if pid == "leicester":
        assert found.binned  # the binned path is the one tried here
    expected = _gridded(places.points) if found.binned else [
        (p.longitude, p.latitude, p.count) for p in places.points]
    assert [n for _, _, n in found.drawn] == [n for _, _, n in expected]
    assert [v for c in found.drawn for v in c] == pytest.approx(
        [v for c in expected for v in c], rel=1e-12)
