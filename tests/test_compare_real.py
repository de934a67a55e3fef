"""Compared with what (issue 14) on the real police.uk files in ../shared/data (skipped when
absent): Leicestershire's and Northamptonshire's files, the nine Leicestershire CSPs, a
partnership per Northamptonshire district and the demo (tests/fakes/real_stores.py). The force's
whole-area change is checked against its LSOAs and against a count of the raw rows made here
with the csv module; the nine CSPs' ranks against their own monthly counts."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, policeuk
from fakes import real_stores

from briefings.comparison import ordinal
from data.comparison import force_counts, force_lsoa_counts
from data.db import open_db

NINE = sorted((FIXTURES / "leicestershire").glob("*.toml"))
FORCE = "Leicestershire Police"
MONTH = "2022-10"  # the latest month with 24 months held before it (2019-12..2022-10)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("compare-real")
    forces = [policeuk("leicestershire"), policeuk("northamptonshire")]
    return real_stores.make_store(folder, forces, NINE)


@pytest.fixture(scope="module")
def cspbot(store: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return real_stores.cli_on(store, tmp_path_factory.mktemp("charts"))


def raw_placed_rows(months: set[str]) -> dict[str, int]:
    """Burglary rows of Leicestershire's files placed in an LSOA, per month, from the files."""
    counts: dict[str, int] = {}
    for path in sorted(policeuk("leicestershire").glob("*-street.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if (row["Month"] in months and row["Crime type"] == "Burglary"
                        and row["LSOA code"] and row["Falls within"] == FORCE):
                    counts[row["Month"]] = counts.get(row["Month"], 0) + 1
    return counts


def test_the_force_change_is_the_sum_of_its_lsoas_and_of_the_raw_rows(store: Path) -> None:
    db = open_db(store)
    try:
        whole = force_counts(db, FORCE, "burglary", MONTH)
        parts = force_lsoa_counts(db, FORCE, "burglary", whole.window)
    finally:
        db.close()
    assert whole.window.matched == 12 and whole.count_now > 1000
    assert sum(n for n, _ in parts.values()) == whole.count_now
    assert sum(b for _, b in parts.values()) == whole.count_before
    raw = raw_placed_rows(set(whole.window.current) | set(whole.window.previous))
    assert sum(raw.get(m, 0) for m in whole.window.current) == whole.count_now
    assert sum(raw.get(m, 0) for m in whole.window.previous) == whole.count_before


def change_of(cspbot, pid: str) -> float:  # type: ignore[no-untyped-def]
    """The CSP's change over the window, from its own monthly counts (`export counts`)."""
    export = cspbot("export", "counts", "-p", pid, "--indicator", "burglary", "--from",
                    "2020-11", "--to", MONTH, "--format", "json")
    assert export.exit_code == 0, export.output
    rows = {r["month"]: r["count"] for r in json.loads(export.output)}
    now = sum(n for m, n in rows.items() if m >= "2021-11")
    before = sum(n for m, n in rows.items() if m < "2021-11")
    return (now / before - 1) * 100


def test_the_nine_csps_ranks_and_the_line_in_charnwoods_answer(cspbot) -> None:
    changes = {p.stem: change_of(cspbot, p.stem) for p in NINE}
    order = sorted(changes, key=lambda p: -changes[p])
    export = cspbot("export", "compare", "-i", "burglary", "--month", MONTH, "--format", "json")
    assert export.exit_code == 0, export.output
    rows = json.loads(export.stdout)
    ranked = [r for r in rows if r["kind"] == "partnership" and r["pct_change"] is not None]
    names = {p.stem: p.stem.replace("-", " ").capitalize() for p in NINE}
    assert [r["name"].lower() for r in ranked] == [names[p].lower() for p in order]
    for r in ranked:
        pid = next(p for p in NINE if names[p.stem].lower() == r["name"].lower()).stem
        assert r["pct_change"] == pytest.approx(changes[pid])
    force = next(r for r in rows if r["name"] == "Leicestershire")
    answer = cspbot("ask", "-p", "charnwood", f"burglary {MONTH}")
    assert answer.exit_code == 0, answer.output
    place = ordinal(order.index("charnwood") + 1)
    assert (f"Leicestershire as a whole: {force['pct_change']:+.0f}%; Charnwood is {place} "
            "of 9 Leicestershire partnerships (1st = the largest rise)") in " ".join(
                answer.output.split())


def test_compare_burglary_in_chat_words(cspbot) -> None:
    answer = cspbot("ask", "-p", "charnwood", "compare burglary")
    assert answer.exit_code == 0, answer.output
    text = " ".join(answer.output.split())
    assert f"so this is as of {MONTH}, the latest month that can" in text
    assert "of 9 Leicestershire partnerships" in text
    assert "No comparison for Corby" in text  # Northamptonshire's files miss 2022-04..10
