"""`cspbot ingest values|survey|population` for Kettering: files land, re-imports change nothing,
revised figures are reported and replaced, and bad files are refused naming file, line and
problem with the store unchanged."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import dump

KETTERING = Path(__file__).resolve().parents[1] / "data" / "seed" / "kettering.toml"
NOTHING = "Nothing was imported: the store is unchanged."

VALUES = """month,indicator,area,value
2009-01,domestic-burglary,kettering,30
2009-01,domestic-burglary,town-centre,4
2009-02,domestic-burglary,kettering,28
2009-01,vehicle-crime,kettering,25
2009-02,vehicle-crime,town-centre,3
"""
SURVEY = """indicator,area,wave,fieldwork_end,percent,weighted_count,base_n,design_effect
asb-perception,kettering,2008,2008-12,22.5,,1100,
teenagers-hanging-around,kettering,2008,2008-12,,330,1100,1.4
asb-perception,town-centre,2008,2008-12,31,,150,1.2
"""
POPULATION = """area,financial_year,population
kettering,2009/10,90000
town-centre,2009/10,8000
kettering,2010/11,91000
"""


@pytest.fixture
def kettering(cspbot) -> None:  # type: ignore[no-untyped-def]
    result = cspbot("partnership", "load", KETTERING)
    assert result.exit_code == 0, result.output


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def ingest(cspbot, kind: str, path: Path, *args: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    result = cspbot("ingest", kind, path, "--partnership", "kettering", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def rows(db_path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql).fetchall()


# --- files that land ----------------------------------------------------------------------------


def test_values_land_reimport_is_unchanged_and_a_later_file_revises(
        cspbot, kettering: None, db_path: Path, tmp_path: Path) -> None:
    first = write(tmp_path, "values-2009-02.csv", VALUES)
    report = ingest(cspbot, "values", first)
    assert (report["status"], report["rows"], report["added"], report["revised"]) == (
        "imported", 5, 5, [])
    stored = "SELECT area, indicator, month, value, source FROM monthly_values ORDER BY 1, 2, 3"
    assert rows(db_path, stored) == [
        ("kettering", "domestic-burglary", "2009-01", 30.0, "file"),
        ("kettering", "domestic-burglary", "2009-02", 28.0, "file"),
        ("kettering", "vehicle-crime", "2009-01", 25.0, "file"),
        ("town-centre", "domestic-burglary", "2009-01", 4.0, "file"),
        ("town-centre", "vehicle-crime", "2009-02", 3.0, "file")]

    before = dump(db_path)
    again = cspbot("ingest", "values", first, "--partnership", "kettering")
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.stdout
    assert dump(db_path) == before

    later = write(tmp_path, "values-2009-03.csv",
                  VALUES.replace("kettering,30", "kettering,31") + "2009-03,domestic-burglary,"
                  "kettering,27\n")
    result = cspbot("ingest", "values", later, "--partnership", "kettering")
    assert result.exit_code == 0, result.output
    assert "6 rows, 1 new, 1 revised" in result.stdout
    assert "revised kettering domestic-burglary 2009-01 30 -> 31" in result.stdout
    assert rows(db_path, stored)[:3] == [
        ("kettering", "domestic-burglary", "2009-01", 31.0, "file"),
        ("kettering", "domestic-burglary", "2009-02", 28.0, "file"),
        ("kettering", "domestic-burglary", "2009-03", 27.0, "file")]
    assert len(rows(db_path, stored)) == 6


def test_values_accept_an_alias_and_give_the_revision_in_json(
        cspbot, kettering: None, db_path: Path, tmp_path: Path) -> None:
    ingest(cspbot, "values", write(tmp_path, "a.csv", VALUES))
    report = ingest(cspbot, "values", write(tmp_path, "b.csv", "month,indicator,area,value\n"
                                            "2009-02,Home burglary,kettering,29\n"))
    assert report["revised"] == ["kettering domestic-burglary 2009-02 28 -> 29"]
    assert rows(db_path, "SELECT value FROM monthly_values WHERE area = 'kettering' AND "
                         "indicator = 'domestic-burglary' AND month = '2009-02'") == [(29.0,)]


def test_export_values_gives_the_imported_rows(cspbot, kettering: None, tmp_path: Path) -> None:
    ingest(cspbot, "values", write(tmp_path, "values.csv", VALUES))
    result = cspbot("export", "values", "--partnership", "kettering", "--indicator",
                    "domestic-burglary")
    assert result.exit_code == 0, result.output
    assert list(csv.DictReader(io.StringIO(result.stdout))) == [
        {"month": "2009-01", "indicator": "domestic-burglary", "area": "kettering",
         "value": "30", "source": "file"},
        {"month": "2009-02", "indicator": "domestic-burglary", "area": "kettering",
         "value": "28", "source": "file"},
        {"month": "2009-01", "indicator": "domestic-burglary", "area": "town-centre",
         "value": "4", "source": "file"}]
    vehicle = cspbot("export", "values", "-p", "kettering", "-i", "vehicle crime", "--area",
                     "town-centre", "--format", "json")
    assert json.loads(vehicle.stdout) == [{"month": "2009-02", "indicator": "vehicle-crime",
                                           "area": "town-centre", "value": 3, "source": "file"}]


def test_export_values_unknown_indicator_lists_the_indicators(cspbot, kettering: None) -> None:
    result = cspbot("export", "values", "-p", "kettering", "-i", "domestic-burglery")
    assert result.exit_code == 1
    assert "Did you mean 'domestic-burglary'" in result.output
    listed = result.output.split("Indicators: ", 1)[1]
    for slug in ("domestic-burglary", "burglary", "violence-with-injury", "all-crime"):
        assert slug in listed


def test_survey_lands_with_percent_or_weighted_count(cspbot, kettering: None, db_path: Path,
                                                    tmp_path: Path) -> None:
    path = write(tmp_path, "survey.csv", SURVEY)
    report = ingest(cspbot, "survey", path)
    assert (report["status"], report["rows"], report["added"]) == ("imported", 3, 3)
    assert rows(db_path, "SELECT area, indicator, wave, fieldwork_end, percent, weighted_count, "
                         "base_n, design_effect FROM survey_results ORDER BY 1, 2") == [
        ("kettering", "asb-perception", "2008", "2008-12", 22.5, None, 1100, 1.0),
        ("kettering", "teenagers-hanging-around", "2008", "2008-12", 30.0, 330.0, 1100, 1.4),
        ("town-centre", "asb-perception", "2008", "2008-12", 31.0, None, 150, 1.2)]
    before = dump(db_path)
    assert ingest(cspbot, "survey", path)["status"] == "unchanged"
    assert dump(db_path) == before
    later = ingest(cspbot, "survey", write(tmp_path, "survey2.csv",
                                           SURVEY.replace("22.5,,1100", "24,,1100")))
    assert later["revised"] == ["kettering asb-perception 2008 22.5 -> 24"]
    assert rows(db_path, "SELECT percent FROM survey_results WHERE area = 'kettering' AND "
                         "indicator = 'asb-perception'") == [(24.0,)]


def test_population_lands_and_revises(cspbot, kettering: None, db_path: Path,
                                      tmp_path: Path) -> None:
    path = write(tmp_path, "population.csv", POPULATION)
    report = ingest(cspbot, "population", path)
    assert (report["status"], report["rows"], report["added"]) == ("imported", 3, 3)
    assert rows(db_path, "SELECT area, financial_year, population FROM population "
                         "ORDER BY 1, 2") == [("kettering", "2009/10", 90000),
                                              ("kettering", "2010/11", 91000),
                                              ("town-centre", "2009/10", 8000)]
    before = dump(db_path)
    assert ingest(cspbot, "population", path)["status"] == "unchanged"
    assert dump(db_path) == before
    later = ingest(cspbot, "population", write(tmp_path, "population2.csv",
                                               POPULATION.replace("90000", "90500")))
    assert later["revised"] == ["kettering 2009/10 90000 -> 90500"]


# --- bad files ----------------------------------------------------------------------------------

GOOD_VALUE = "2009-01,domestic-burglary,kettering,30\n"
VALUES_HEADER = "month,indicator,area,value\n"
SURVEY_HEADER = SURVEY.splitlines()[0] + "\n"

BAD = {
    "wrong-header": ("values", "month,indicator,place,value\n" + GOOD_VALUE,
                     1, ["the header lacks area", "The header should be: month,indicator,area,"
                                                  "value"]),
    "unknown-indicator": ("values", VALUES_HEADER + GOOD_VALUE
                          + "2009-02,domestic-burglery,kettering,3\n",
                          3, ["unknown indicator 'domestic-burglery'",
                              "Did you mean 'domestic-burglary'"]),
    "unknown-area": ("values", VALUES_HEADER + GOOD_VALUE
                     + "2009-02,domestic-burglary,town-center,3\n",
                     3, ["unknown area 'town-center'", "Did you mean 'town-centre'?"]),
    "bad-month": ("values", VALUES_HEADER + GOOD_VALUE + "2009-13,domestic-burglary,kettering,3\n",
                  3, ["month '2009-13' is not a month YYYY-MM"]),
    "month-as-words": ("values", VALUES_HEADER + GOOD_VALUE
                       + "Feb 2009,domestic-burglary,kettering,3\n",
                       3, ["month 'Feb 2009' is not a month YYYY-MM"]),
    "non-numeric-value": ("values", VALUES_HEADER + GOOD_VALUE
                          + "2009-02,domestic-burglary,kettering,three\n",
                          3, ["value 'three' is not a number"]),
    "nan-value": ("values", VALUES_HEADER + GOOD_VALUE
                  + "2009-02,domestic-burglary,kettering,nan\n",
                  3, ["value 'nan' is not a number"]),
    "infinite-value": ("values", VALUES_HEADER + GOOD_VALUE
                       + "2009-02,domestic-burglary,kettering,inf\n",
                       3, ["value 'inf' is not a number"]),
    "negative-value": ("values", VALUES_HEADER + GOOD_VALUE
                       + "2009-02,domestic-burglary,kettering,-1\n",
                       3, ["value -1 is out of range: expected at least 0"]),
    "duplicate-row": ("values", VALUES_HEADER + GOOD_VALUE
                      + "2009-02,domestic-burglary,kettering,3\n"
                      + "2009-01,dwelling burglary,kettering,31\n",
                      4, ["repeats kettering domestic-burglary 2009-01 (first on line 2)"]),
    "survey-indicator-in-values": ("values", VALUES_HEADER + GOOD_VALUE
                                   + "2009-02,asb-perception,kettering,20\n",
                                   3, ["'asb-perception' is a survey indicator",
                                       "cspbot ingest survey"]),
    "percent-over-100": ("survey", SURVEY_HEADER + "asb-perception,kettering,2008,2008-12,"
                         "22.5,,1100,\nasb-perception,town-centre,2008,2008-12,101,,150,\n",
                         3, ["percent 101 is out of range: expected from 0 to 100"]),
    "percent-nan": ("survey", SURVEY_HEADER + "asb-perception,kettering,2008,2008-12,nan,,"
                    "1100,\n", 2, ["percent 'nan' is not a number"]),
    "weighted-count-over-base": ("survey", SURVEY_HEADER + "asb-perception,kettering,2008,"
                                 "2008-12,,1200,1100,\n",
                                 2, ["weighted_count", "is more than base_n 1100"]),
    "financial-year-not-consecutive": ("population", "area,financial_year,population\n"
                                       "kettering,2009/10,90000\nkettering,2010/12,91000\n",
                                       3, ["financial_year '2010/12' is not two consecutive "
                                           "years"]),
    "empty-file": ("values", "", None, ["is empty", "Expected a header: month,indicator,area,"
                                                    "value"]),
}


@pytest.mark.parametrize("kind,text,line,expected", BAD.values(), ids=BAD.keys())
def test_a_bad_file_names_file_line_and_problem_and_changes_nothing(
        cspbot, kettering: None, db_path: Path, tmp_path: Path, kind: str, text: str,
        line: int | None, expected: list[str]) -> None:
    ingest(cspbot, "values", write(tmp_path, "good.csv", VALUES))
    path = write(tmp_path, "bad.csv", text)
    before = dump(db_path)
    result = cspbot("ingest", kind, path, "--partnership", "kettering")
    assert result.exit_code == 1, result.output
    where = f"{path}, line {line}: " if line else f"{path}: "
    assert result.output.startswith(f"Error: {where}"), result.output
    for fragment in expected:
        assert fragment in result.output
    assert result.output.rstrip().endswith(NOTHING)
    assert dump(db_path) == before


def test_ingest_without_a_partnership_says_to_load_one(cspbot, db_path: Path,
                                                      tmp_path: Path) -> None:
    path = write(tmp_path, "values.csv", VALUES)
    before = dump(db_path)
    result = cspbot("ingest", "values", path)
    assert result.exit_code == 1
    assert "Error: The store holds no partnership yet." in result.output
    assert "cspbot partnership load FILE.toml" in result.output
    assert dump(db_path) == before


def test_ingest_for_an_unknown_partnership_suggests_the_right_one(
        cspbot, kettering: None, db_path: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "values.csv", VALUES)
    before = dump(db_path)
    result = cspbot("ingest", "values", path, "--partnership", "ketering")
    assert result.exit_code == 1
    assert "Error: No partnership 'ketering' in the store. Did you mean 'kettering'?" in (
        result.output)
    assert "Partnerships: kettering." in result.output
    assert dump(db_path) == before
