"""Data coverage (METHOD 2.9, J0, data/coverage.py) on the real police.uk files in ../shared/data
(skipped when absent): Leicestershire's March 2020, when the force could not place 1,157 rows;
the home force of the nine Leicestershire CSPs with Northamptonshire's files loaded too; held
months and gaps on a store that lacks some months."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, policeuk
from fakes.street_files import KETTERING

from data.coverage import force_shares, held_months, home_forces, incomplete_months
from data.db import open_db
from data.partnership import load_partnership
from data.policeuk import ingest_police_uk

LEICS, NORTHANTS = "Leicestershire Police", "Northamptonshire Police"
NINE = sorted((FIXTURES / "leicestershire").glob("*.toml"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Leicestershire's and Northamptonshire's files, the nine Leicestershire CSPs and a
    partnership for the Kettering district (Northamptonshire), in one store."""
    folder = tmp_path_factory.mktemp("coverage-real")
    path = folder / "csp.db"
    (folder / "kettering.toml").write_text(KETTERING, encoding="utf-8")
    db = open_db(path)
    try:
        ingest_police_uk(db, [policeuk("leicestershire"), policeuk("northamptonshire")])
        for partnership in [*NINE, folder / "kettering.toml"]:
            load_partnership(db, partnership)
    finally:
        db.close()
    return path


@pytest.fixture(scope="module")
def db(store: Path):  # type: ignore[no-untyped-def]
    database = open_db(store)
    yield database
    database.close()


def unplaced_by_pandas(folder: Path) -> pd.DataFrame:
    """month -> rows and rows with no LSOA, from the raw files alone."""
    counts = {}
    for path in sorted(folder.glob("*-street.csv.gz")):
        raw = pd.read_csv(path, usecols=["Month", "LSOA code"], dtype=str, keep_default_na=False)
        assert raw["Month"].nunique() == 1
        counts[raw["Month"].iloc[0]] = (len(raw), int((raw["LSOA code"] == "").sum()))
    return pd.DataFrame.from_dict(counts, orient="index", columns=["rows", "unplaced"])


def test_leicestershire_march_2020_is_its_one_incomplete_month(db) -> None:
    raw = unplaced_by_pandas(policeuk("leicestershire"))
    shares = raw["unplaced"] / raw["rows"]
    [march] = incomplete_months(db, LEICS)
    assert (march.month, march.unplaced, march.rows) == (
        "2020-03", raw.loc["2020-03", "unplaced"], raw.loc["2020-03", "rows"])
    assert (march.unplaced, march.rows) == (1157, 8146)  # the 1,157
    assert march.share == pytest.approx(shares["2020-03"])
    assert march.usual_share == pytest.approx(statistics.median(shares))
    assert march.usual_unplaced == round(statistics.median(raw["unplaced"]))
    assert 240 <= march.usual_unplaced <= 260  # "about 250 usually"
    # the months around it have more unplaced rows than usual too (6.9 %, 4.2 %), but not
    # three times the median: they are not incomplete
    assert shares["2020-02"] > 2 * shares.median() and shares["2020-04"] > shares.median()


def test_northamptonshire_has_no_incomplete_month(db) -> None:
    assert unplaced_by_pandas(policeuk("northamptonshire"))["unplaced"].max() > 0
    assert incomplete_months(db, NORTHANTS) == []


@pytest.mark.parametrize("partnership", [p.stem for p in NINE])
def test_the_nine_csps_home_force_is_leicestershire(db, partnership: str) -> None:
    shares = force_shares(db, partnership)
    assert NORTHANTS in shares  # Northamptonshire's files place some rows in each of the nine
    assert shares[LEICS] > 0.99
    assert home_forces(db, partnership) == [LEICS]
    held = held_months(db, partnership)
    assert len(held) == 56 and (held[0], held[-1]) == ("2018-10", "2025-12")


def test_kettering_district_home_force_is_northamptonshire(db) -> None:
    shares = force_shares(db, "kettering-district")
    assert LEICS in shares and shares[LEICS] < 0.01
    assert home_forces(db, "kettering-district") == [NORTHANTS]


def test_status_names_the_incomplete_month_and_the_home_force(db, store: Path,
                                                              cspbot_on) -> None:
    text = cspbot_on(store, "status").stdout
    assert ("Leicestershire Police 2020-03: 1,157 of 8,146 rows not placed (14.2%), usually "
            "about 2.8% (249 rows)") in text
    harborough = cspbot_on(store, "status", "-p", "harborough").stdout
    assert "Leicestershire Police (99.2%, 426.2 rows a month)" in harborough
    assert "rows from other forces: Northamptonshire Police (0.8%, 3.5 rows a month)" in harborough
    assert ("Months held (every home force's file imported): 56, 2018-10 to 2025-12; gaps: "
            "2019-03..2019-11, 2022-11..2023-12, 2024-05..2024-12") in harborough
    assert "incomplete: Leicestershire Police 2020-03: 1,157 of 8,146" in harborough


def test_held_months_and_gaps_on_a_store_with_months_missing(tmp_path: Path,
                                                             cspbot_on) -> None:
    """Leicestershire's files for 2020-01..2020-06 and 2021-01..2021-03, Northamptonshire's for
    2021-03 only: Harborough's home force is still Leicestershire, 9 months held, a gap of six;
    with both forces named, only 2021-03 is held."""
    leics = [policeuk("leicestershire", f"{m}-leicestershire-street.csv.gz") for m in
             ("2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2021-01",
              "2021-02", "2021-03")]
    northants = policeuk("northamptonshire", "2021-03-northamptonshire-street.csv.gz")
    store = tmp_path / "csp.db"
    db = open_db(store)
    try:
        ingest_police_uk(db, [*leics, northants])
        load_partnership(db, FIXTURES / "leicestershire" / "harborough.toml")
        assert home_forces(db, "harborough") == [LEICS]
        both = held_months(db, "harborough", forces=[LEICS, NORTHANTS])
    finally:
        db.close()
    assert both == ["2021-03"]
    coverage = json.loads(cspbot_on(store, "status", "-p", "harborough", "--json").stdout)
    assert coverage["coverage"]["held"] == {
        "months": 9, "first": "2020-01", "latest": "2021-03",
        "gaps": ["2020-07", "2020-08", "2020-09", "2020-10", "2020-11", "2020-12"]}
    assert "gaps: 2020-07..2020-12" in cspbot_on(store, "status", "-p", "harborough").stdout


@pytest.fixture
def cspbot_on(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the CLI in-process against a given store."""
    from click.testing import CliRunner

    from bot.cli.main import cli

    def run(store: Path, *args: str):  # type: ignore[no-untyped-def]
        env = {"CSP_DB_PATH": str(store), "CSP_LOG_FILE": str(tmp_path / "csp.log")}
        result = CliRunner().invoke(cli, [str(a) for a in args], env=env,
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    return run
