"""The months held for a partnership (METHOD 2.9, J0) on small police.uk-format files written by
the test (tests/fakes/street_files.py, imported through the real loader): the partnership
file's `forces`, home forces that a neighbour's spill-over never becomes, `months_held` and
`nearest_held`, incomplete months stored by every import, `data_ready` waiting on a gap, and
briefings, answers and posts refused for a month that is not held. The same on the real files is
in test_held_real.py."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import astuple
from pathlib import Path

import pytest
import sqlite_utils
from fakes.policeuk_import import ingest
from fakes.street_files import street_file
from sqlite_utils.migrations import Migrations

from data.briefing_data import data_ready
from data.coverage import (
    home_forces,
    incomplete_months,
    months_held,
    nearest_held,
    record_incomplete_months,
    stored_incomplete_months,
)
from data.db import open_db
from data.migrations import STEPS
from data.queries import month_range
from handlers import Context, Reply, dispatch

ALPHA, BETA = "Alpha Police", "Beta Police"
YEAR = month_range("2021-01", "2021-12")
GAP = ("2021-05", "2021-06")
TOWN = ("Testtown 001A", "Testtown 002A", "Testtown 003A")
ADMIN, CHANNEL = "U0TESTADM1", "C0TESTCSP1"
PARTNERSHIP = """[partnership]
id = "testtown"
name = "Testtown Community Safety Partnership"
local_authorities = ["Testtown"]
slack_channels = ["C0TESTCSP1"]
{forces}

[[areas]]
id = "north"
name = "Testtown North"
local_authorities = ["Otherville"]

[[indicators]]
id = "youth-asb"
name = "Youth anti-social behaviour"

[[agencies]]
id = "council"
name = "The council"

[[people]]
id = "ada"
name = "Ada Admin"
agency = "council"
role = "admin"
slack = "U0TESTADM1"

[[priorities]]
id = "burglary"
name = "Burglary"
leads = ["council"]
indicators = ["burglary"]

[[subscriptions]]
platform = "slack"
channel = "C0TESTCSP1"
schedule = "working day 3 at 09:00"
"""


def write_partnership(folder: Path, forces: str = "") -> Path:
    path = folder / "testtown.toml"
    path.write_text(PARTNERSHIP.format(forces=forces), encoding="utf-8")
    return path


def alpha_files(folder: Path, lost: dict[str, int] | None = None) -> Path:
    """Alpha Police, Testtown's force: 2021 but May and June, 90 rows a month in Testtown's
    three LSOAs and 2 unplaced (or `lost[month]`)."""
    folder.mkdir(exist_ok=True)
    for month in YEAR:
        if month not in GAP:
            unplaced = (lost or {}).get(month, 2)
            share = (90 - unplaced) // 3
            street_file(folder, ALPHA, month, dict.fromkeys(TOWN, share), unplaced)
    return folder


def beta_files(folder: Path) -> Path:
    """Beta Police, the neighbour: all 2021, 100 rows a month in Otherville and 1 a month in
    one of Testtown's LSOAs in turn (its spill-over)."""
    folder.mkdir(exist_ok=True)
    for n, month in enumerate(YEAR):
        street_file(folder, BETA, month, {"Otherville 001A": 100, TOWN[n % 3]: 1}, 0)
    return folder


@pytest.fixture
def testtown(cspbot, tmp_path: Path, db):  # type: ignore[no-untyped-def]
    """Both forces' files and Testtown's partnership file (no `forces`)."""
    ingest(cspbot, alpha_files(tmp_path / "alpha"), beta_files(tmp_path / "beta"))
    assert cspbot("partnership", "load", write_partnership(tmp_path)).exit_code == 0
    return db


def held_year() -> list[str]:
    return [m for m in YEAR if m not in GAP]


# The partnership file's `forces`

@pytest.mark.parametrize(("forces", "problem"), [
    ('forces = ["Alpha"]', "'Alpha' is not a police force as police.uk names it"),
    ('forces = ["Leicestershire"]', "Did you mean 'Leicestershire Police'?"),
    ('forces = ["leicestershire police"]', "Did you mean 'Leicestershire Police'?"),
    ('forces = ["Alpha Police", "Alpha Police"]', "'Alpha Police' is named twice"),
    ('forces = "Alpha Police"', "forces: must be a list of police force names"),
])
def test_a_force_must_be_named_as_police_uk_names_it(cspbot, tmp_path: Path, forces: str,
                                                      problem: str) -> None:
    result = cspbot("partnership", "load", write_partnership(tmp_path, forces))
    assert result.exit_code == 1 and "testtown.toml: partnership.forces: " in result.output
    assert problem in result.output and "Nothing was loaded" in result.output


def test_forces_named_in_the_file_are_the_home_forces(cspbot, testtown,
                                                      tmp_path: Path) -> None:
    assert home_forces(testtown, "testtown") == [ALPHA]
    loaded = cspbot("partnership", "load", write_partnership(
        tmp_path, 'forces = ["Beta Police", "Leicestershire Police"]'))
    assert loaded.exit_code == 0
    assert "no police.uk file of 'Leicestershire Police' yet" in loaded.output
    assert json.loads(testtown.execute("SELECT forces FROM partnerships").fetchone()[0]) == [
        BETA, "Leicestershire Police"]
    assert home_forces(testtown, "testtown") == [BETA, "Leicestershire Police"]
    assert months_held(testtown, "testtown") == []  # no Leicestershire file
    cspbot("partnership", "load", write_partnership(tmp_path, 'forces = ["Beta Police"]'))
    assert months_held(testtown, "testtown") == YEAR
    text = cspbot("status", "-p", "testtown").stdout
    assert "Home force (named in the partnership file): Beta Police" in text
    assert "rows from other forces: Alpha Police" in text
    coverage = json.loads(cspbot("status", "-p", "testtown", "--json").stdout)["coverage"]
    assert coverage["named_in_file"] and coverage["home_forces"] == [BETA]
    cspbot("partnership", "load", write_partnership(tmp_path))  # the key taken out again
    assert home_forces(testtown, "testtown") == [ALPHA]


# Home forces worked out: a neighbour's spill-over is not one

def test_a_neighbours_spill_over_never_makes_a_home_force(cspbot, tmp_path: Path, db) -> None:
    """With only Beta's files, Beta places every row in Testtown's LSOAs (100 %), but 1 row a
    month in its three LSOAs: a third of a row per LSOA, under one."""
    ingest(cspbot, beta_files(tmp_path / "beta"))
    cspbot("partnership", "load", write_partnership(tmp_path))
    assert home_forces(db, "testtown") == []
    assert home_forces(db, "testtown", area="north") == [BETA]  # Otherville is Beta's
    assert months_held(db, "testtown") == []
    assert ("Home force: none yet (no force places at least 10% of the rows in its LSOAs and "
            "one row a month per LSOA; rows from other forces: Beta Police (100.0%, 1.0 rows a "
            "month))") in cspbot("status", "-p", "testtown").stdout
    refused = cspbot("briefing", "-p", "testtown", "--month", "2021-03", "--out",
                     tmp_path / "out")
    assert refused.exit_code == 1
    assert ("2021-03 is not held for Testtown Community Safety Partnership: no police.uk home "
            "force's files and none of the partnership's own figures are in the store. No "
            "month is held for it yet.") in refused.output
    ingest(cspbot, alpha_files(tmp_path / "alpha"))
    assert home_forces(db, "testtown") == [ALPHA]  # 88 rows a month in 3 LSOAs; Beta 1 %


# months_held and nearest_held

def test_months_held_are_the_home_forces_files_and_the_partnerships_own_values(
        cspbot, testtown, tmp_path: Path) -> None:
    assert months_held(testtown, "testtown") == held_year()
    assert months_held(testtown, "testtown", area="north") == held_year()  # the same forces
    values = tmp_path / "values.csv"
    values.write_text("month,indicator,area,value\n2020-12,youth-asb,testtown,4\n"
                      "2021-05,youth-asb,north,3\n", encoding="utf-8")
    assert cspbot("ingest", "values", values, "-p", "testtown").exit_code == 0
    assert months_held(testtown, "testtown") == sorted(["2020-12", "2021-05", *held_year()])
    assert months_held(testtown, "testtown", area="north") == sorted(["2021-05", *held_year()])


def test_nearest_held_months_around_a_month() -> None:
    held = ["2022-09", "2022-10", "2024-01", "2025-12"]
    assert nearest_held(held, "2023-06") == ("2022-10", "2024-01")
    assert nearest_held(held, "2024-01") == ("2022-10", "2025-12")  # a held month itself
    assert nearest_held(held, "2026-01") == ("2025-12", None)
    assert nearest_held(held, "2020-01") == (None, "2022-09")
    assert nearest_held([], "2020-01") == (None, None)


# Incomplete months stored by the import

def test_an_import_stores_the_forces_incomplete_months(cspbot, tmp_path: Path, db) -> None:
    ingest(cspbot, alpha_files(tmp_path / "alpha", {"2021-09": 18}), beta_files(tmp_path / "b"))
    stored = stored_incomplete_months(db)
    assert stored == incomplete_months(db, ALPHA) and incomplete_months(db, BETA) == []
    assert [(i.force, i.month, i.unplaced, i.rows, i.usual_unplaced) for i in stored] == [
        (ALPHA, "2021-09", 18, 90, 2)]
    # a corrected September: nothing stands out any more; a lost March does
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    street_file(fixed, ALPHA, "2021-09", dict.fromkeys(TOWN, 29), 2)
    street_file(fixed, ALPHA, "2021-03", dict.fromkeys(TOWN, 24), 18)
    ingest(cspbot, fixed)
    assert [(i.month, i.unplaced) for i in stored_incomplete_months(db, ALPHA)] == [
        ("2021-03", 18)]
    # status reads what is stored: a row taken out of the store is no longer listed
    db.execute("DELETE FROM police_incomplete")
    db.conn.commit()
    assert "Incomplete months (a force could not place an unusual share of its rows in an " \
           "LSOA): none" in cspbot("status").stdout
    with db.conn:
        record_incomplete_months(db, [ALPHA])
    assert "Alpha Police 2021-03: 18 of 90 rows not placed" in cspbot("status").stdout


def test_a_store_made_before_migration_0011_gets_its_incomplete_months(tmp_path: Path) -> None:
    """Migration 0011 works out the incomplete months of the police.uk files already held."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    old = sqlite_utils.Database(conn)
    before = Migrations("cspbot")
    for step in STEPS[:10]:
        before(name=step.NAME)(step.migrate)
    before.apply(old)
    old.execute("INSERT INTO ingests (id, kind) VALUES (1, 'police-uk')")
    for n, month in enumerate(YEAR):
        unplaced = 20 if month == "2021-09" else n % 3
        old.execute("INSERT INTO police_months VALUES (?, ?, 'x', 1, 100)", (ALPHA, month))
        old.execute("INSERT INTO police_unplaced VALUES (?, ?, 'burglary', ?)",
                    (ALPHA, month, unplaced))
    conn.commit()
    conn.close()
    db = open_db(path)
    try:
        assert [astuple(i) for i in stored_incomplete_months(db)] == [
            astuple(i) for i in incomplete_months(db, ALPHA)]
        assert [i.month for i in stored_incomplete_months(db)] == ["2021-09"]
        assert db.execute("SELECT forces FROM partnerships").fetchall() == []
    finally:
        db.close()


# Waiting for a month, and refusing one, that is not held

def test_data_ready_waits_for_a_month_not_held(testtown) -> None:
    assert data_ready(testtown, "testtown", "2021-04") == (True, [])
    # Beta's files for May are in the store, and place a row in Testtown: not held all the same
    assert data_ready(testtown, "testtown", "2021-05") == (False, [
        "police.uk figures for 2021-05 (Alpha Police's file is not in the store yet)"])
    assert data_ready(testtown, "testtown", "2022-01") == (False, [
        "police.uk figures for 2022-01 (Alpha Police's file is not in the store yet)"])


REFUSAL = ("2021-05 is not held for Testtown Community Safety Partnership: Alpha Police's files "
           "for 2021-05 to 2021-06 are not in the store. Nearest held months: 2021-04 and "
           "2021-07; latest held: 2021-12.")
HINT = "cspbot ingest police-uk FILES`, or ask for a held month, e.g. 2021-12."


def test_a_briefing_for_a_month_not_held_is_refused(cspbot, testtown, tmp_path: Path) -> None:
    refused = cspbot("briefing", "-p", "testtown", "--month", "2021-05", "--out",
                     tmp_path / "out")
    assert refused.exit_code == 1 and REFUSAL in refused.output and HINT in refused.output
    assert not (tmp_path / "out").exists()
    later = cspbot("briefing", "-p", "testtown", "--month", "2022-02", "--out", tmp_path / "o")
    assert later.exit_code == 1 and ("Alpha Police's files for 2022-01 to 2022-02 are not in "
                                     "the store. The latest held month is 2021-12."
                                     ) in later.output
    held = cspbot("briefing", "-p", "testtown", "--month", "2021-07", "--out", tmp_path / "ok")
    assert held.exit_code == 0, held.output


def test_an_answer_for_a_month_not_held_is_refused(cspbot, testtown) -> None:
    refused = cspbot("ask", "-p", "testtown", "burglary 2021-06")
    assert refused.exit_code == 1
    assert REFUSAL.replace("2021-05 is", "2021-06 is") in refused.output
    # no other indicator is tried for the same words: the month is not held for any
    answer = cspbot("ask", "-p", "testtown", "burglary 2021-07")
    assert answer.exit_code == 0 and "Burglary, to 2021-07" in answer.output
    latest = cspbot("ask", "-p", "testtown", "burglary")
    assert latest.exit_code == 0 and "Burglary, to 2021-12" in latest.output


def test_chat_refuses_a_briefing_or_a_post_for_a_month_not_held(testtown) -> None:
    ctx = Context(user=ADMIN, platform="slack", channel=CHANNEL, today="2022-01-10")
    for text in ("briefing 2021-05", "briefing send 2021-05"):
        reply = dispatch(text, ctx, testtown)
        assert isinstance(reply, Reply) and reply.title == "Sorry"
        said = "\n".join(getattr(b, "markdown", "") for b in reply.blocks)
        assert REFUSAL in said and "cspbot ingest police-uk FILES" in said
        assert not reply.effects
    sent = dispatch("briefing send", ctx, testtown)  # the latest held month
    assert isinstance(sent, Reply) and "Sending the briefing for 2021-12" in sent.fallback_text


def test_send_briefing_refuses_a_month_not_held_even_when_missing_is_allowed(
        cspbot, testtown) -> None:
    refused = cspbot("send-briefing", "-p", "testtown", "--month", "2021-05", "--allow-missing",
                     env={"SLACK_BOT_TOKEN": "xoxb-not-used"})
    assert refused.exit_code == 1 and REFUSAL in refused.output
