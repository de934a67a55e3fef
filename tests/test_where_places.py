"""Where at street level without real data: the ingest keeps counts per month, map point and
crime type (police_place_counts), a force-month imported again replaces its rows, `/csp where`
names the busiest streets and draws the map, and the map is drawn for 20 and 5,000 points with
the five busiest streets named."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from fakes.where_store import FORCE, HEADER, add_streets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Annotation, Text

from briefings.place_map import MAX_ROWS, draw_place_map, place_figure
from data.db import open_db
from data.place_queries import MapPoint, Street, busiest_places
from data.policeuk import ingest_police_uk
from handlers.reply import Chart, Context, Reply, Table
from handlers.reply import Text as TextBlock
from handlers.request import Settings
from handlers.router import dispatch

MONTHS = ("2019-01", "2019-02")
ROWS = [("E01027110", "Kettering 007B", "On or near High Street", "-0.7210", "52.3990",
         "Burglary"),
        ("E01027110", "Kettering 007B", "On or near High Street", "-0.7210", "52.3990",
         "Burglary"),
        ("E01027110", "Kettering 007B", "On or near High Street", "-0.7250", "52.3970",
         "Burglary"),
        ("E01027110", "Kettering 007B", "On or near High Street", "-0.7210", "52.3990",
         "Robbery"),
        ("E01027079", "Kettering 004A", "On or near Mill Lane", "-0.7100", "52.4100",
         "Burglary"),
        ("E01027079", "Kettering 004A", "", "", "", "Burglary")]  # no map point


def write(folder: Path, month: str, rows: list[tuple[str, ...]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [HEADER] + [f",{month},{FORCE},{FORCE},{lon},{lat},{loc},{code},{name},{kind},,"
                        for code, name, loc, lon, lat, kind in rows]
    path = folder / f"{month}-northamptonshire-street.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def place_rows(db) -> list[tuple]:  # type: ignore[no-untyped-def]
    return db.execute("SELECT c.month, p.location, p.longitude, c.burglary, c.robbery FROM "
                      "police_place_counts c JOIN police_places p ON p.id = c.place "
                      "ORDER BY 1, 2, 3").fetchall()


def test_counts_per_month_point_and_type_replaced_with_their_force_month(tmp_path: Path
                                                                          ) -> None:
    db = open_db(tmp_path / "csp.db")
    for month in MONTHS:
        write(tmp_path / "a", month, ROWS)
    ingest_police_uk(db, [tmp_path / "a"])
    first = place_rows(db)
    assert [r for r in first if r[0] == "2019-01"] == [
        ("2019-01", "On or near High Street", -0.725, 1, 0),
        ("2019-01", "On or near High Street", -0.721, 2, 1),
        ("2019-01", "On or near Mill Lane", -0.71, 1, 0)]
    ingest_police_uk(db, [tmp_path / "a"])  # the same files again: nothing changes
    assert place_rows(db) == first
    write(tmp_path / "b", "2019-02", ROWS[:1])  # a later download of 2019-02 replaces it
    ingest_police_uk(db, [tmp_path / "b"])
    assert [r for r in place_rows(db) if r[0] == "2019-02"] == [
        ("2019-02", "On or near High Street", -0.721, 1, 0)]
    assert db.execute("SELECT COUNT(*) FROM police_places").fetchone()[0] == 3
    db.close()


def test_a_failed_import_leaves_the_place_counts_as_they_were(tmp_path: Path) -> None:
    db = open_db(tmp_path / "csp.db")
    write(tmp_path / "a", "2019-01", ROWS)
    ingest_police_uk(db, [tmp_path / "a"])
    before = place_rows(db)
    write(tmp_path / "b", "2019-01", ROWS[:2])
    (tmp_path / "b" / "2019-02-northamptonshire-street.csv").write_text("not,a,street,file\n")
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the run lands whole or not at all
        ingest_police_uk(db, [tmp_path / "b"])
    assert place_rows(db) == before
    db.close()


def test_where_names_the_busiest_streets_and_draws_the_map(cspbot, db_path: Path,
                                                           tmp_path: Path) -> None:
    assert cspbot("demo").exit_code == 0
    add_streets(db_path, tmp_path / "streets")
    db = open_db(db_path)
    reply = dispatch("where burglary", Context("U1", "console", today="2010-04-07"), db,
                     Settings())
    assert isinstance(reply, Reply)
    places = busiest_places(db, "kettering", "kettering", "burglary", [
        f"2009-{m:02d}" for m in range(4, 13)] + ["2010-01", "2010-02", "2010-03"])
    db.close()
    streets = [b for b in reply.blocks if isinstance(b, Table) and b.headers[0] == "Location"]
    assert streets and streets[0].rows[0][0] == "On or near High Street"
    assert [int(r[-1]) for r in streets[0].rows] == [s.count for s in places.streets]
    assert sum(s.count for s in places.streets) == 120  # the demo's latest 12 months
    assert any(isinstance(b, TextBlock) and f"at {places.half_at()} of 4 locations" in b.markdown
               for b in reply.blocks)
    chart = next(b for b in reply.blocks if isinstance(b, Chart))
    assert chart.png.startswith(b"\x89PNG") and "High Street" in chart.alt_text
    assert chart.headers == ["location", "lsoa", "latitude", "longitude", "count"]


@pytest.mark.parametrize("n", [20, 5000])
def test_the_map_names_the_five_busiest_streets(n: int) -> None:
    rng = random.Random(n)
    points = sorted((MapPoint(f"On or near Street {k}", f"E0100{k % 50:04d}",
                              -1.2 + rng.random() * 0.2, 52.55 + rng.random() * 0.12,
                              max(1, int(rng.paretovariate(1.2))))
                     for k in range(n)), key=lambda p: -p.count)
    streets = [Street(p.location, p.lsoa, "Leicester 001A", p.count, p) for p in points]
    fig = place_figure("All crime", points, streets[:5])
    labels = [t for t in fig.axes[0].texts if isinstance(t, Annotation)]
    assert sorted(t.get_text().split("\n")[0] for t in labels) == sorted(
        f"{k}. {s.location}" for k, s in enumerate(streets[:5], 1))
    renderer = FigureCanvasAgg(fig).get_renderer()
    tallest = max(Text.get_window_extent(t, renderer).height for t in labels)
    ys = sorted(t.xyann[1] * fig.bbox.height for t in labels)  # in one column, in pixels
    assert {t.xyann[0] for t in labels} == {labels[0].xyann[0]}
    assert all(b - a > tallest for a, b in zip(ys, ys[1:], strict=False))  # no overlap
    chart = draw_place_map("All crime", points, streets, "alt")
    assert chart.png.startswith(b"\x89PNG")
    assert len(chart.rows) == min(n, MAX_ROWS) + (n > MAX_ROWS)  # then a row saying how many more
    assert [r[0] for r in chart.rows[:5]] == [p.location for p in points[:5]]
