"""Issue 13 as a user meets it, on the real police.uk files in ../shared/data (skipped when
absent): each case of the issue's "Why", asked through `cspbot` in-process on a store holding
Leicestershire's and Northamptonshire's files, the nine Leicestershire CSPs, a partnership per
Northamptonshire district and the demo (tests/fakes/real_stores.py). Figures said by the answers
are checked against counts made here from the raw files with the csv module."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, policeuk
from fakes import real_stores

from data.db import open_db

NINE = sorted((FIXTURES / "leicestershire").glob("*.toml"))
ONE_LSOA = """
[[areas]]
id = "007e"
name = "Oadby and Wigston 007E"
lsoas = ["E01026000"]
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("j0-real")
    forces = [policeuk("leicestershire"), policeuk("northamptonshire")]
    oadby = folder / "oadby-and-wigston.toml"
    oadby.write_text((FIXTURES / "leicestershire" / "oadby-and-wigston.toml").read_text(
        encoding="utf-8") + ONE_LSOA, encoding="utf-8")
    nine = [oadby if p.stem == "oadby-and-wigston" else p for p in NINE]
    return real_stores.make_store(folder, forces, nine)


@pytest.fixture(scope="module")
def cspbot(store: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return real_stores.cli_on(store, tmp_path_factory.mktemp("charts"))


def raw_counts(lsoas: set[str], crime_type: str | None) -> Counter[str]:
    """Rows per month of both forces' files in those LSOAs (of one crime type, or all crime:
    every type but anti-social behaviour), counted from the raw files."""
    counts: Counter[str] = Counter()
    paths = [*policeuk("leicestershire").glob("*-street.csv.gz"),
             *policeuk("northamptonshire").glob("*-street.csv.gz")]
    for path in sorted(paths):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["LSOA code"] in lsoas and (
                        row["Crime type"] == crime_type if crime_type
                        else row["Crime type"] != "Anti-social behaviour"):
                    counts[row["Month"]] += 1
    return counts


def lsoas_of(store: Path, local_authority: str) -> set[str]:
    db = open_db(store)
    try:
        return {r[0] for r in db.execute("SELECT DISTINCT lsoa FROM police_counts WHERE "
                                         "local_authority = ?", (local_authority,))}
    finally:
        db.close()


def test_a_neighbours_rows_do_not_take_over_the_demo(cspbot) -> None:
    answer = cspbot("ask", "-p", "kettering", "vehicle crime")
    assert answer.exit_code == 0, answer.output
    assert answer.output.startswith("Vehicle crime, to 2010-03")  # its own figures
    assert "2025" not in answer.output.split("\n")[0]


def test_a_month_the_home_force_is_missing_is_refused_not_judged_on_a_neighbours_rows(
        cspbot, tmp_path: Path) -> None:
    briefing = cspbot("briefing", "-p", "n-daventry", "--month", "2022-05", "--out",
                      str(tmp_path))
    assert briefing.exit_code == 1
    assert ("2022-05 is not held for Daventry: Northamptonshire Police's files for 2022-04 to "
            "2023-12 are not in the store. Nearest held months: 2022-03 and 2024-01; latest "
            "held: 2025-12.") in " ".join(briefing.output.split())
    assert not list(tmp_path.iterdir())


def test_a_held_month_without_crime_in_a_small_area_is_a_zero(cspbot) -> None:
    export = cspbot("export", "counts", "-p", "oadby-and-wigston", "--area", "007e",
                    "--indicator", "all-crime", "--format", "json")
    assert export.exit_code == 0, export.output
    rows = {r["month"]: r["count"] for r in json.loads(export.output)}
    assert rows["2022-01"] == 0  # Leicestershire's 2022-01 file is in; no row in E01026000
    raw = raw_counts({"E01026000"}, None)
    assert {m: n for m, n in rows.items() if n} == {m: n for m, n in raw.items()
                                                    if m in rows and n}
    assert "2023-06" not in rows  # a gap in Leicestershire's files: no figure, not a zero
    answer = cspbot("ask", "-p", "oadby-and-wigston", "all crime 007e 2022-01")
    assert answer.exit_code == 0, answer.output
    assert "Latest month (2022-01)" in answer.output and "No figures for 2022-01" not in \
        answer.output


def test_an_incomplete_month_is_left_out_and_said(cspbot) -> None:
    answer = cspbot("ask", "-p", "harborough", "violence 2021-12")
    assert answer.exit_code == 0, answer.output
    text = " ".join(answer.output.split())
    assert ("2020-03 is left out for Harborough Community Safety Partnership: Leicestershire "
            "Police could not place 1,157 crimes that month, against about 249 usually.") in text
    assert "based on 11 matched months" in text
    assert "+28.7%" not in text
    status = cspbot("status", "-p", "harborough")
    assert "2020-03" in status.output and "left out for this partnership" in status.output


def test_a_month_in_a_gap_is_refused_not_shown_with_older_judgements(cspbot,
                                                                      tmp_path: Path) -> None:
    briefing = cspbot("briefing", "-p", "charnwood", "--month", "2023-06", "--out",
                      str(tmp_path))
    assert briefing.exit_code == 1
    text = " ".join(briefing.output.split())
    assert "Nearest held months: 2022-10 and 2024-01; latest held: 2025-12." in text
    answer = cspbot("ask", "-p", "charnwood", "burglary 2023-06")
    assert "2023-06 is not held for Charnwood" in " ".join(answer.output.split())


def test_with_gaps_the_answer_still_gives_the_year_and_the_same_month(cspbot, store) -> None:
    charnwood = lsoas_of(store, "Charnwood")
    all_crime = raw_counts(charnwood, None)  # Northamptonshire places 3 of 2025's there
    answer = cspbot("ask", "-p", "charnwood", "all crime 2025-12")
    text = " ".join(answer.output.split())
    total = sum(all_crime[f"2025-{m:02d}"] for m in range(1, 13))
    assert f"latest 12 months: {total:,} (2025-01 to 2025-12)" in text
    burglary = raw_counts(charnwood, "Burglary")
    april = " ".join(cspbot("ask", "-p", "charnwood", "burglary 2025-04").output.split())
    assert (f"2025-04: {burglary['2025-04']} against {burglary['2024-04']} in 2024-04"
            in april)
    early = " ".join(cspbot("ask", "-p", "charnwood", "burglary 2024-03").output.split())
    assert "monthly figures for Burglary, 2018-10 to 2024-03" in early  # the whole history
    assert "not judged: only 3 months since 2024-01" in early
    assert "within normal variation" not in early


def test_the_lockdown_year_is_named_as_context(cspbot) -> None:
    answer = " ".join(cspbot("ask", "-p", "charnwood", "burglary 2022-10").output.split())
    assert "+25.5%" in answer
    assert ("Context: the months compared include the COVID-19 restrictions (2020-03 to "
            "2021-07)") in answer
    recent = " ".join(cspbot("ask", "-p", "charnwood", "burglary 2025-12").output.split())
    assert "Context:" not in recent  # outside the months judged (the chart still shades it)
    assert "Shaded: COVID-19 restrictions, 2020-03 to 2021-07" in recent
