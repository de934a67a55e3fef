"""Data coverage (METHOD 2.9, J0, data/coverage.py) on small police.uk-format files written by the
test: home forces, held months and gaps, incomplete force-months, and `cspbot status` showing
them. The same against the real files is in test_coverage_real.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.policeuk_import import ingest
from fakes.street_files import partnership, street_file

from data.coverage import (
    IncompleteMonth,
    force_shares,
    gaps,
    held_months,
    home_forces,
    incomplete_months,
)
from data.db import open_db
from data.queries import month_range

YEAR = month_range("2021-01", "2021-12")
ALPHA, BETA = "Alpha Police", "Beta Police"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """Alpha Police: 2021 but May and June, 98 rows placed in Testtown and 2 unplaced a month,
    but 20 of 100 unplaced in September. Beta Police, its neighbour: all 2021, 97 rows in
    Otherville and 3 in Testtown a month, none unplaced."""
    folder = tmp_path / "policeuk"
    folder.mkdir()
    for month in YEAR:
        if month not in ("2021-05", "2021-06"):
            lost = 20 if month == "2021-09" else 2
            street_file(folder, ALPHA, month, {"Testtown 001A": 100 - lost}, lost)
        street_file(folder, BETA, month, {"Otherville 001A": 97, "Testtown 001A": 3}, 0)
    partnership(tmp_path, "testtown", "Testtown")
    partnership(tmp_path, "border", "Testtown", "Otherville")
    return folder


@pytest.fixture
def store(cspbot, files: Path, db_path: Path):  # type: ignore[no-untyped-def]
    ingest(cspbot, files)
    for pid in ("testtown", "border"):
        assert cspbot("partnership", "load", files.parent / f"{pid}.toml").exit_code == 0
    database = open_db(db_path)
    yield database
    database.close()


def test_the_home_force_places_most_rows_and_a_neighbours_few_rows_do_not_count(store) -> None:
    shares = force_shares(store, "testtown")
    assert list(shares) == [ALPHA, BETA]
    alpha = (98 * 9 + 80) / 10  # Alpha's rows in Testtown per month of its files
    assert shares[BETA] == pytest.approx(3 / (3 + alpha))
    assert home_forces(store, "testtown") == [ALPHA]
    assert home_forces(store, "border") == [ALPHA, BETA]  # each places at least 10 %
    assert home_forces(store, "testtown", named=[BETA]) == [BETA]


def test_held_months_need_every_home_forces_file(store) -> None:
    held = held_months(store, "testtown")
    assert held == [m for m in YEAR if m not in ("2021-05", "2021-06")]
    assert gaps(held) == ["2021-05", "2021-06"]
    assert held_months(store, "border") == held  # Beta is held in May and June; Alpha is not
    assert held_months(store, "testtown", forces=[BETA]) == YEAR
    assert gaps(YEAR) == [] and gaps([]) == []


def test_a_force_month_that_lost_its_locations_is_incomplete(store) -> None:
    assert incomplete_months(store, ALPHA) == [
        IncompleteMonth(ALPHA, "2021-09", 20, 100, 0.2, 0.02, 2)]
    assert incomplete_months(store, BETA) == []


def test_a_force_is_weighed_per_month_of_its_files(cspbot, tmp_path: Path, db) -> None:
    """Alpha places 10 rows a month in Testtown in the 2 months of its files loaded; Beta 1 a
    month in 24 months: added up, Beta would place 24 of 44 rows; per month, 1 of 11."""
    folder = tmp_path / "weighed"
    folder.mkdir()
    for month in ("2021-01", "2021-02"):
        street_file(folder, ALPHA, month, {"Testtown 001A": 10}, 0)
    for month in month_range("2020-01", "2021-12"):
        street_file(folder, BETA, month, {"Otherville 001A": 50, "Testtown 001A": 1}, 0)
    ingest(cspbot, folder)
    cspbot("partnership", "load", partnership(tmp_path, "testtown", "Testtown"))
    assert force_shares(db, "testtown")[BETA] == pytest.approx(1 / 11)
    assert home_forces(db, "testtown") == [ALPHA]
    assert held_months(db, "testtown") == ["2021-01", "2021-02"]


@pytest.mark.parametrize(("usual", "odd", "incomplete"), [
    ({}, {"2021-10": 6}, True),  # no unplaced rows usually (a median of 0): 6 % stands out
    ({}, {"2021-10": 4}, False),  # ... but 4 % is under 5 %
    ({"*": 3}, {"2021-10": 8}, False),  # 8 % is under three times the usual 3 %
    # 6 % three times a year against 1 % otherwise is at least 5 % and three times the median,
    # but under the upper process limit, 2.25 % + 2.66 x 2.73 % = 9.5 %
    ({"*": 1}, {"2021-03": 6, "2021-07": 6, "2021-11": 6}, False),
])
def test_an_incomplete_month_meets_all_three_conditions(
        cspbot, tmp_path: Path, db, usual: dict[str, int], odd: dict[str, int],
        incomplete: bool) -> None:
    """METHOD 2.9: at least 5 %, at least three times the median share and above the upper
    process limit of the shares (out of 100 rows a month, `odd` months' unplaced rows)."""
    folder = tmp_path / "shares"
    folder.mkdir()
    for month in YEAR:
        lost = odd.get(month, usual.get("*", 0))
        street_file(folder, ALPHA, month, {"Testtown 001A": 100 - lost}, lost)
    ingest(cspbot, folder)
    found = [(i.month, i.share) for i in incomplete_months(db, ALPHA)]
    assert found == ([("2021-10", 0.06)] if incomplete else [])


def test_status_lists_each_forces_incomplete_months(cspbot, store) -> None:
    text = cspbot("status").stdout
    assert ("Alpha Police 2021-09: 20 of 100 rows not placed (20.0%), usually about 2.0% "
            "(2 rows)") in text
    forces = {f["force"]: f for f in json.loads(cspbot("status", "--json").stdout)["forces"]}
    assert forces[BETA]["incomplete"] == []
    assert forces[ALPHA]["incomplete"] == [
        {"force": ALPHA, "month": "2021-09", "unplaced": 20, "rows": 100, "share": 0.2,
         "usual_share": 0.02, "usual_unplaced": 2}]


def test_status_of_a_partnership_shows_its_home_forces_and_held_months(cspbot, store) -> None:
    text = cspbot("status", "-p", "testtown").stdout
    assert "Home force (placing at least 10% of the rows in its LSOAs): Alpha Police" in text
    assert "rows from other forces: Beta Police (3.0%, 3.0 rows a month)" in text
    assert ("Months held (every home force's file imported): 10, 2021-01 to 2021-12; gaps: "
            "2021-05..2021-06") in text
    assert "incomplete: Alpha Police 2021-09: 20 of 100 rows not placed" in text
    coverage = json.loads(cspbot("status", "-p", "border", "--json").stdout)["coverage"]
    assert coverage["home_forces"] == [ALPHA, BETA]
    assert coverage["rows_per_month"] == {ALPHA: 96.2, BETA: 100.0}
    assert coverage["held"] == {"months": 10, "first": "2021-01", "latest": "2021-12",
                                "gaps": ["2021-05", "2021-06"]}
    assert [i["month"] for i in coverage["incomplete"]] == ["2021-09"]


def test_status_of_a_partnership_without_police_rows_says_so(cspbot, tmp_path: Path) -> None:
    cspbot("partnership", "load", partnership(tmp_path, "testtown", "Testtown"))
    text = cspbot("status", "-p", "testtown").stdout
    assert "Home force: none yet (no police.uk rows placed in its LSOAs)" in text
    coverage = json.loads(cspbot("status", "-p", "testtown", "--json").stdout)["coverage"]
    assert coverage["home_forces"] == [] and coverage["held"]["months"] == 0
