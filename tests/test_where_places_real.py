"""Where at street level on the real Leicestershire files (skipped without ../shared/data):
the busiest locations and their counts equal an independent count of the raw rows (csv
module), and `cspbot export places` sums to the partnership's count over the same months."""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, policeuk
from fakes import real_stores

from bot.cli.main import cli
from data import place_queries
from data.boundaries import area_ground
from data.contributions import contributions
from data.db import open_db
from data.place_queries import busiest_places

NINE = sorted((FIXTURES / "leicestershire").glob("*.toml"))
MONTH = "2022-10"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return real_stores.make_force_store(tmp_path_factory.mktemp("places-real") / "csp.db",
                                        policeuk("leicestershire"), NINE)


def raw_counts(months: list[str], codes: set[str], crime_type: str) -> Counter[tuple[str, str]]:
    """(location, LSOA) -> rows of the crime type, read straight from the files."""
    found: Counter[tuple[str, str]] = Counter()
    for month in months:
        path = policeuk("leicestershire", f"{month}-leicestershire-street.csv.gz")
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as text:
            for row in csv.DictReader(text):
                if (row["Crime type"] == crime_type and row["LSOA code"] in codes
                        and row["Longitude"] and row["Latitude"]):
                    found[(row["Location"], row["LSOA code"])] += 1
    return found


@pytest.mark.parametrize("narrow", [0.0, math.inf], ids=["summed-wide", "sought-narrow"])
@pytest.mark.parametrize("pid", ["charnwood", "leicester", "rutland"])
def test_the_busiest_locations_equal_a_count_of_the_raw_rows(
        store: Path, pid: str, narrow: float, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(place_queries, "NARROW", narrow)  # either way of reading the points
    db = open_db(store)
    try:
        window = contributions(db, pid, "burglary", month=MONTH).window
        places = busiest_places(db, pid, pid, "burglary", window.current)
        codes = set(area_ground(db, pid, pid).codes)
    finally:
        db.close()
    raw = raw_counts(window.current, codes, "Burglary")
    assert places.total == sum(raw.values())
    assert {(s.location, s.lsoa): s.count for s in places.streets} == dict(raw)
    assert [s.count for s in places.streets[:10]] == sorted(raw.values(), reverse=True)[:10]
    ordered = sorted(raw.values(), reverse=True)
    half = next(n for n in range(1, len(ordered) + 1) if sum(ordered[:n]) * 2 >= sum(ordered))
    assert places.half_at() == half


def test_export_places_sums_to_the_partnerships_count(store: Path) -> None:
    db = open_db(store)
    try:
        found = contributions(db, "charnwood", "burglary", month=MONTH)
    finally:
        db.close()
    w = found.window.current
    result = CliRunner().invoke(cli, ["export", "places", "--partnership", "charnwood",
                                      "--indicator", "burglary", "--from", w[0], "--to", w[-1]],
                                env={"CSP_DB_PATH": str(store)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["location", "lsoa", "latitude", "longitude", "count"]
    assert sum(int(r["count"]) for r in rows) == found.count_now
