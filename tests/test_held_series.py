"""Police.uk series as METHOD 2.9 has them (data/held_series.py, data/values.py): figures only
for held months, true zeros in held months, a neighbour's rows only in held months, incomplete
months left out for an area that lost its rows (and said), and a series keeping its gaps as
None (briefings/inputs.py). On files written by the test; the real files are in
test_leicestershire_csps.py and test_j0_real.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.policeuk_import import ingest
from fakes.street_files import partnership, street_file

from briefings.inputs import SeriesSpec, cut_series
from data.db import open_db
from data.held_series import area_coverage, describe_left_out
from data.queries import month_range
from data.values import monthly_counts, partnership_values

YEAR = month_range("2021-01", "2021-12")
ALPHA, BETA = "Alpha Police", "Beta Police"


@pytest.fixture
def db(cspbot, tmp_path: Path, db_path: Path):  # type: ignore[no-untyped-def]
    """Alpha Police: 2021 but May and June. Testtown 001A: 98 burglaries a month and 2 with no
    location, but 60 and 40 in September; Testtown 001B: 2 burglaries in odd months, none in
    even ones. Beta Police, the neighbour: all 2021, 3 rows a month in Testtown 001A."""
    folder = tmp_path / "policeuk"
    folder.mkdir()
    for n, month in enumerate(YEAR, start=1):
        if month not in ("2021-05", "2021-06"):
            lost = 40 if month == "2021-09" else 2
            street_file(folder, ALPHA, month, {"Testtown 001A": 100 - lost,
                                               "Testtown 001B": 2 * (n % 2)}, lost)
        street_file(folder, BETA, month, {"Otherville 001A": 97, "Testtown 001A": 3}, 0)
    ingest(cspbot, folder)
    assert cspbot("partnership", "load", partnership(tmp_path, "testtown", "Testtown")
                  ).exit_code == 0
    database = open_db(db_path)
    yield database
    database.close()


def test_only_held_months_have_figures_and_a_neighbours_rows_never_make_one(db) -> None:
    counts = {r.month: r.count for r in monthly_counts(db, partnership="testtown",
                                                       indicator="burglary")}
    held = [m for m in YEAR if m not in ("2021-05", "2021-06", "2021-09")]
    assert sorted(counts) == held  # Beta's 3 rows in May and June make no month
    assert counts["2021-01"] == 98 + 2 + 3  # the neighbour's rows count in a held month
    assert counts["2021-02"] == 98 + 0 + 3


def test_a_held_month_without_rows_in_a_small_area_is_a_true_zero(db) -> None:
    rows = {(r.month, r.indicator): r.value for r in partnership_values(db, "testtown")}
    db.execute("INSERT INTO areas (partnership, id, name, kind) VALUES "
               "('testtown', 'b', 'Testtown 001B', 'sub-area')")
    db.execute("INSERT INTO area_members (partnership, area, kind, value) VALUES "
               "('testtown', 'b', 'lsoa', (SELECT code FROM lsoas WHERE name = 'Testtown 001B'))")
    db.conn.commit()
    small = {r.month: r.value for r in partnership_values(db, "testtown", area="b",
                                                          indicator="burglary")}
    assert small["2021-02"] == 0 and small["2021-03"] == 2  # zero: Alpha's file is in
    assert "2021-05" not in small and "2021-06" not in small  # gaps: it is not
    assert rows[("2021-01", "burglary")] == 103


def test_an_incomplete_month_is_left_out_for_an_area_that_lost_its_rows_and_said(db) -> None:
    coverage = area_coverage(db, "testtown", "testtown")
    assert coverage.forces == [ALPHA]
    assert [i.month for i in coverage.left_out] == ["2021-09"]
    assert "2021-09" not in coverage.held
    assert describe_left_out(coverage.left_out[0], "Testtown") == (
        "2021-09 is left out for Testtown: Alpha Police could not place 40 crimes that month, "
        "against about 2 usually.")


def test_a_series_keeps_its_gaps_as_none_and_notes_them() -> None:
    spec = SeriesSpec("burglary@t", "burglary", "t", "monthly", "Burglary", "T", "count",
                      "lower-is-better", False)
    by_month = {m: (float(n), "police.uk") for n, m in enumerate(YEAR) if m not in
                ("2021-05", "2021-06")}
    cut_series(spec, by_month, "2021-12")
    assert spec.months == YEAR
    assert spec.values[4] is None and spec.values[5] is None and spec.values[6] == 6.0
    assert spec.notes == ["No figures for 2021-05..2021-06 (2 months): a missing month is a "
                          "gap, not a zero."]
