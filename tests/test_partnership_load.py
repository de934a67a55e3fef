"""`cspbot partnership load` with the Kettering file: what lands, reloads, the audit trail, and
every kind of bad file refused with a message naming the key and the store left unchanged."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tomllib
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from conftest import dump

from data.action_plan import update_from_chat
from data.audit_trail import Author
from data.db import open_db
from data.partnerships import resolve_partnership_indicator

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "seed"
KETTERING = SEED / "kettering.toml"
LOOKUP = SEED / "kettering-lsoas.csv"
SEED_TEXT = KETTERING.read_text(encoding="utf-8")
SEED_TOML = tomllib.loads(SEED_TEXT)
NAME_LINE = SEED_TEXT.splitlines().index('name = "Kettering Community Safety Partnership"') + 1
BY = "file:kettering.toml"


def load(cspbot, path: Path, *args: str):  # type: ignore[no-untyped-def]
    return cspbot("partnership", "load", path, *args)


def loaded(cspbot, path: Path) -> dict:  # type: ignore[no-untyped-def,type-arg]
    result = load(cspbot, path, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def query(db_path: Path, sql: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql, params).fetchall()


def execute(db_path: Path, sql: str, *params: object) -> None:
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute(sql, params)


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def drop_action(text: str, action_id: str) -> str:
    block = re.compile(r'\[\[actions\]\]\nid = "' + re.escape(action_id) + r'"\n.*?\n\n', re.S)
    edited, n = block.subn("", text)
    assert n == 1, action_id
    return edited


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of kettering.toml and its LSOA lookup, to edit."""
    folder = tmp_path / "partnership"
    folder.mkdir()
    shutil.copy(LOOKUP, folder)
    return Path(shutil.copy(KETTERING, folder))


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def audit_rows(db_path: Path, action: str | None = None) -> list[tuple]:  # type: ignore[type-arg]
    sql = "SELECT id, action, by, source, field, old, new, note FROM action_updates"
    if action is None:
        return query(db_path, sql + " ORDER BY id")
    return query(db_path, sql + " WHERE action = ? ORDER BY id", action)


def without_loaded_at(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """The store's rows with partnerships.loaded_at (the 7th column) blanked."""
    return {**tables, "partnerships": [row[:6] for row in tables["partnerships"]]}


# --- a first load -------------------------------------------------------------------------------


def test_load_writes_every_section_of_kettering(cspbot, db_path: Path) -> None:
    result = load(cspbot, KETTERING)
    assert result.exit_code == 0, result.output
    assert "Loaded partnership kettering: Kettering Community Safety Partnership" in result.stdout
    assert ("2 areas, 17 agencies, 7 people, 6 priorities, 6 themes, 21 actions, 9 targets, "
            "1 subscriptions") in result.stdout

    def count(table: str) -> int:
        return query(db_path, f"SELECT COUNT(*) FROM {table} WHERE partnership = 'kettering'")[0][0]

    assert query(db_path, "SELECT id, name, formerly, time_zone FROM partnerships") == [
        ("kettering", "Kettering Community Safety Partnership", "Kettering CDRP",
         "Europe/London")]
    assert sorted(query(db_path, "SELECT id, kind FROM areas")) == [
        ("kettering", "partnership"), ("town-centre", "sub-area")]
    lookup_codes = LOOKUP.read_text().splitlines()[1:]
    assert count("area_members") == 1 + len(lookup_codes) + 6  # LA + lookup + town centre
    assert (count("agencies"), count("people"), count("priorities"), count("themes"),
            count("targets")) == (17, 7, 6, 6, 9)
    leads = {(p["id"], lead) for p in SEED_TOML["priorities"] for lead in p["leads"]}
    assert len(leads) == 6
    assert set(query(db_path, "SELECT priority, agency FROM priority_leads")) == leads
    assert query(db_path, "SELECT level FROM priorities WHERE id = 'public-confidence'") == [
        ("partnership",)]

    actions = query(db_path, "SELECT id, lead, status, due FROM actions ORDER BY position")
    assert len(actions) == 21
    assert actions == [(a["id"], a["lead"], a["status"], a["due"]) for a in SEED_TOML["actions"]]
    outputs = query(db_path, "SELECT action, position, measure, unit, target, current "
                             "FROM action_outputs ORDER BY action, position")
    assert outputs == sorted(
        (a["id"], n, o["measure"], o.get("unit"), o.get("target"), o.get("current"))
        for a in SEED_TOML["actions"] for n, o in enumerate(a.get("outputs", [])))
    assert len(outputs) == 30
    assert query(db_path, "SELECT indicator, area, reduction_pct, target_value FROM targets "
                          "WHERE indicator = 'violence-with-injury' ORDER BY area") == [
        ("violence-with-injury", "kettering", 5.0, None),
        ("violence-with-injury", "town-centre", 10.0, None)]
    assert query(db_path, "SELECT platform, channel, schedule, active, source "
                          "FROM subscriptions") == [
        ("slack", "C0KETCSP01", "working day 3 at 09:00", 1, "file")]
    # Every action starts its audit trail with one 'created' row from the file.
    assert sorted(r[1:7] for r in audit_rows(db_path)) == sorted(
        (a["id"], BY, "file", "created", None, a["status"]) for a in SEED_TOML["actions"])


def test_load_json_reports_counts_and_added_actions(cspbot) -> None:
    report = loaded(cspbot, KETTERING)
    assert report["partnership"] == "kettering" and report["created"] is True
    assert report["counts"] == {"areas": 2, "agencies": 17, "people": 7, "priorities": 6,
                                "themes": 6, "actions": 21, "targets": 9, "subscriptions": 1}
    assert report["actions_added"] == [a["id"] for a in SEED_TOML["actions"]]
    assert report["actions_changed"] == report["actions_withdrawn"] == []
    # No police.uk data in this store: the loader says the name is not known yet.
    assert len(report["warnings"]) == 1 and "'Kettering'" in report["warnings"][0]
    again = loaded(cspbot, KETTERING)
    assert again["created"] is False
    assert again["actions_added"] == again["actions_changed"] == again["actions_withdrawn"] == []
    assert again["counts"] == report["counts"]


# --- reloading ----------------------------------------------------------------------------------


def test_reloading_the_same_file_changes_nothing(cspbot, db_path: Path) -> None:
    loaded(cspbot, KETTERING)
    before = dump(db_path)
    result = load(cspbot, KETTERING)
    assert result.exit_code == 0, result.output
    assert "Reloaded partnership kettering" in result.stdout
    for label in ("actions added", "actions changed", "actions withdrawn"):
        assert label not in result.stdout
    after = dump(db_path)
    assert without_loaded_at(after) == without_loaded_at(before)


def test_reload_applies_a_changed_output_and_status_and_withdraws_a_dropped_action(
        cspbot, db_path: Path, copy: Path) -> None:
    loaded(cspbot, copy)
    before = audit_rows(db_path)
    created_465 = audit_rows(db_path, "4.6.5")
    assert [r[4] for r in created_465] == ["created"]
    edit(copy, lambda t: drop_action(replace(replace(
        t, 'unit = "homes", current = 122', 'unit = "homes", current = 130'),
        'status = "on-track"  # earlier marking done', 'status = "at-risk"  # earlier marking'),
        "4.6.5"))
    report = loaded(cspbot, copy)
    assert report["actions_changed"] == ["4.6.2", "4.6.3"]
    assert report["actions_withdrawn"] == ["4.6.5"]
    assert report["counts"]["actions"] == 21  # the withdrawn action is kept

    assert query(db_path, "SELECT current, file_current FROM action_outputs "
                          "WHERE action = '4.6.2' AND position = 0") == [(130.0, 130.0)]
    assert query(db_path, "SELECT id, status FROM actions WHERE id IN ('4.6.2', '4.6.3', "
                          "'4.6.5') ORDER BY id") == [
        ("4.6.2", "on-track"), ("4.6.3", "at-risk"), ("4.6.5", "withdrawn")]
    after = audit_rows(db_path)
    assert after[:len(before)] == before  # nothing earlier was touched
    assert sorted(r[1:] for r in after[len(before):]) == [
        ("4.6.2", BY, "file", "Homes with upgraded security", "122", "130", None),
        ("4.6.3", BY, "file", "status", "on-track", "at-risk", None),
        ("4.6.5", BY, "file", "status", "on-track", "withdrawn",
         "no longer in the partnership file")]
    assert audit_rows(db_path, "4.6.5")[:1] == created_465

    # Reloading the edited file again adds nothing: 4.6.5 stays withdrawn, once.
    again = loaded(cspbot, copy)
    assert again["actions_changed"] == again["actions_withdrawn"] == []
    assert audit_rows(db_path) == after


def test_an_action_put_back_in_the_file_is_no_longer_withdrawn(cspbot, db_path: Path,
                                                              copy: Path) -> None:
    loaded(cspbot, copy)
    edit(copy, lambda t: drop_action(t, "4.6.5"))
    loaded(cspbot, copy)
    shutil.copy(KETTERING, copy)
    report = loaded(cspbot, copy)
    assert report["actions_changed"] == ["4.6.5"]
    assert query(db_path, "SELECT status FROM actions WHERE id = '4.6.5'") == [("on-track",)]
    assert [r[4:7] for r in audit_rows(db_path, "4.6.5")] == [
        ("created", None, "on-track"), ("status", "on-track", "withdrawn"),
        ("status", "withdrawn", "on-track")]


def simulate_chat_update(db_path: Path) -> None:
    """What saving `/csp update 4.6.2` with 140 and at-risk from Slack writes (the real save:
    values, version and audit trail)."""
    db = open_db(db_path)
    try:
        version = db.execute("SELECT version FROM actions WHERE id = '4.6.2'").fetchone()[0]
        update_from_chat(db, "kettering", "4.6.2",
                         Author("Sam Example", "slack", "kbc-lead", "U0KETKBC1"), version,
                         status="at-risk", value=140.0)
    finally:
        db.close()


def chat_values(db_path: Path) -> tuple[object, ...]:
    return (query(db_path, "SELECT current FROM action_outputs WHERE action = '4.6.2' AND "
                           "position = 0")[0][0],
            query(db_path, "SELECT status FROM actions WHERE id = '4.6.2'")[0][0])


def test_a_value_changed_from_chat_survives_a_reload_until_the_file_changes_it(
        cspbot, db_path: Path, copy: Path) -> None:
    loaded(cspbot, copy)
    simulate_chat_update(db_path)
    trail = audit_rows(db_path)

    report = loaded(cspbot, copy)  # the same file
    assert report["actions_changed"] == []
    assert chat_values(db_path) == (140.0, "at-risk")
    assert audit_rows(db_path) == trail

    edit(copy, lambda t: replace(t, "home security upgrades and alley gating",
                                 "home security upgrades and alley gates"))
    report = loaded(cspbot, copy)  # the file changes another field of the action only
    assert report["actions_changed"] == ["4.6.2"]
    assert chat_values(db_path) == (140.0, "at-risk")
    retitled = audit_rows(db_path)[len(trail):]  # the new title is audited, nothing else
    assert [r[1:5] for r in retitled] == [("4.6.2", BY, "file", "title")]
    assert retitled[0][6].endswith("alley gates")
    trail = audit_rows(db_path)

    edit(copy, lambda t: replace(replace(
        t, 'unit = "homes", current = 122', 'unit = "homes", current = 150'),
        'lead = "kbc"  # lead assumed: not named in the report\nstatus = "on-track"',
        'lead = "kbc"  # lead assumed: not named in the report\nstatus = "off-track"'))
    report = loaded(cspbot, copy)  # now the file's own values change: the file wins
    assert report["actions_changed"] == ["4.6.2"]
    assert chat_values(db_path) == (150.0, "off-track")
    new = audit_rows(db_path)[len(trail):]
    assert sorted(r[1:7] for r in new) == [
        ("4.6.2", BY, "file", "Homes with upgraded security", "140", "150"),
        ("4.6.2", BY, "file", "status", "at-risk", "off-track")]


@pytest.mark.parametrize("statement", [
    "UPDATE action_updates SET new = 'complete'",
    "UPDATE action_updates SET note = 'tidied' WHERE action = '4.6.2'",
    "DELETE FROM action_updates WHERE action = '4.6.2'",
    "DELETE FROM action_updates",
])
def test_the_audit_trail_refuses_edits_and_deletes(cspbot, db_path: Path,
                                                   statement: str) -> None:
    loaded(cspbot, KETTERING)
    before = audit_rows(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="action_updates is an audit trail"):
        execute(db_path, statement)
    assert audit_rows(db_path) == before and len(before) == 21


# --- bad files: refused, the key named, nothing changed -----------------------------------------


def sub(old: str, new: str) -> Callable[[str], str]:
    return lambda text: replace(text, old, new)


BAD_FILES = {
    "invalid-toml": (sub('name = "Kettering Community Safety Partnership"', 'name = "Kettering'),
                     ["kettering.toml: is not valid TOML", f"line {NAME_LINE}"]),
    "no-partnership-table": (lambda text: '[[agencies]]\nid = "kbc"\nname = "KBC"\n',
                             ["kettering.toml: partnership: is missing", "[partnership] table"]),
    "unknown-top-level-key": (sub("[[agencies]]", "[[agency]]"),
                              ["kettering.toml: agency: is not a key here",
                               "Did you mean 'agencies'?"]),
    "unknown-indicator-in-priority": (
        sub('"asb-perception", "teenagers', '"asb-percepton", "teenagers'),
        ["kettering.toml: priorities[0].indicators: unknown indicator 'asb-percepton'",
         "Did you mean 'asb-perception'?"]),
    "unknown-agency-as-priority-lead": (
        sub('leads = ["ncc"]', 'leads = ["nccc"]'),
        ["kettering.toml: priorities[0].leads: unknown agency 'nccc'", "Did you mean 'ncc'",
         "Agency ids: age-concern"]),
    "unknown-agency-as-action-lead": (
        sub('lead = "kbc"  # sessions', 'lead = "kcc"  # sessions'),
        ["kettering.toml: actions[0].lead: unknown agency 'kcc'", "'kbc'"]),
    "duplicate-action-id": (sub('id = "4.1.2"', 'id = "4.1.1"'),
                            ["kettering.toml: actions[1].id: '4.1.1' is already the id of "
                             "actions[0]"]),
    "bad-action-id": (sub('id = "4.1.1"', 'id = "alcohol-1"'),
                      ["kettering.toml: actions[0].id: 'alcohol-1' is not a number like 4.6.2"]),
    "bad-date-format": (sub('due = "2011-03-31"', 'due = "31/03/2011"'),
                        ["kettering.toml: actions[0].due: '31/03/2011' is not a date YYYY-MM-DD"]),
    "bad-date-month": (sub('due = "2011-03-31"', 'due = "2011-13-01"'),
                       ["kettering.toml: actions[0].due: '2011-13-01' is not a date"]),
    "impossible-date": (sub('due = "2011-03-31"', 'due = "2011-02-30"'),
                        ["kettering.toml: actions[0].due: '2011-02-30' is not a date"]),
    "target-with-reduction-and-value": (
        sub("reduction_pct = 15\n", "reduction_pct = 15\nvalue = 300\n"),
        ["kettering.toml: targets[1].reduction_pct: give either reduction_pct or value"]),
    "target-in-unknown-area": (
        sub('area = "town-centre"', 'area = "town-center"'),
        ["kettering.toml: targets[5].area: unknown area 'town-center'", "town-centre"]),
    "slack-channel-name-not-id": (
        sub('channel = "C0KETCSP01"', 'channel = "#kettering-csp"'),
        ["kettering.toml: subscriptions[0].channel: '#kettering-csp' is not a Slack channel id"]),
    "missing-lsoa-lookup": (
        sub('lsoa_lookup = "kettering-lsoas.csv"', 'lsoa_lookup = "kettering-lsoa.csv"'),
        ["kettering.toml: partnership.lsoa_lookup: file", "kettering-lsoa.csv' not found"]),
    "impossible-as-of": (
        sub('formerly = "Kettering CDRP"', 'formerly = "Kettering CDRP"\nas_of = "2010-04-31"'),
        ["kettering.toml: partnership.as_of: '2010-04-31' is not a date"]),
    "one-slack-id-for-two-people": (  # the member would have the admin's rights
        sub('slack = "U0KETMEM1"', 'slack = "U0KETADM1"'),
        ["kettering.toml: people[5].slack: Slack user id U0KETADM1 is already the id of Alex "
         "Example (CSP manager) (people[0]); Robin Example needs their own"]),
    "one-teams-id-for-two-people": (
        sub('teams = "00000000-0000-0000-0000-000000000007"',
            'teams = "00000000-0000-0000-0000-000000000004"'),
        ["kettering.toml: people[6].teams: Teams user id 00000000-0000-0000-0000-000000000004 "
         "is already the id of Chris Example (people[3]); Morgan Example needs their own"]),
    "one-teams-id-in-two-cases": (  # a GUID: the same id whatever the case of its letters
        lambda text: replace(replace(
            text, 'teams = "00000000-0000-0000-0000-000000000004"',
            'teams = "00000000-0000-0000-0000-00000000000a"'),
            'teams = "00000000-0000-0000-0000-000000000007"',
            'teams = "00000000-0000-0000-0000-00000000000A"'),
        ["kettering.toml: people[6].teams: Teams user id 00000000-0000-0000-0000-00000000000A "
         "is already the id of Chris Example (people[3])"]),
    "local-indicator-with-a-built-in-id": (
        sub('id = "domestic-burglary"', 'id = "burglary"'),
        ["kettering.toml: indicators[0].id: 'burglary' is already an indicator of CSP Bot "
         "(built in)"]),
}


@pytest.mark.parametrize("change,expected", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_naming_the_key_and_changes_nothing(
        cspbot, db_path: Path, copy: Path, change: Callable[[str], str],
        expected: list[str]) -> None:
    loaded(cspbot, KETTERING)
    before = dump(db_path)
    edit(copy, change)
    result = load(cspbot, copy)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ")
    for fragment in expected:
        assert fragment in result.output
    assert "Traceback" not in result.output and "Sorry" not in result.output
    assert dump(db_path) == before


def other_partnership(tmp_path: Path, indicator: str) -> Path:
    path = tmp_path / "corby.toml"
    path.write_text('[partnership]\nid = "corby"\nname = "Corby Community Safety Partnership"\n'
                    'local_authorities = ["Corby"]\n\n[[indicators]]\n' + indicator,
                    encoding="utf-8")
    return path


def test_a_second_partnership_may_not_take_an_alias_of_anothers_indicator(
        cspbot, db_path: Path, tmp_path: Path) -> None:
    loaded(cspbot, KETTERING)
    before = dump(db_path)
    corby = other_partnership(tmp_path, 'id = "corby-burglary"\nname = "Corby burglary"\n'
                                        'aliases = ["break-ins at home", "Dwelling burglary"]\n')
    result = load(cspbot, corby)
    assert result.exit_code == 1, result.output
    assert ("Error: corby.toml: indicators[0]: 'Dwelling burglary' already names the "
            "indicator 'domestic-burglary'") in result.output
    assert dump(db_path) == before


def test_a_second_partnership_may_not_take_an_indicator_name_as_its_own(
        cspbot, db_path: Path, tmp_path: Path) -> None:
    """An indicator's name is one of its words too (indicator_aliases): a second partnership
    naming its indicator the same must not take that word from the first."""
    loaded(cspbot, KETTERING)
    corby = other_partnership(tmp_path, 'id = "corby-violence"\n'
                                        'name = "Violence and assault with injury"\n')
    load(cspbot, corby)
    db = open_db(db_path)
    try:
        word = resolve_partnership_indicator(db, "kettering", "Violence and assault with injury")
    finally:
        db.close()
    assert word == "violence-with-injury"


def test_as_of_is_kept_and_a_reload_without_it_returns_to_the_real_date(
        cspbot, db_path: Path, copy: Path) -> None:
    edit(copy, sub('formerly = "Kettering CDRP"', 'formerly = "Kettering CDRP"\n'
                   'as_of = "2010-04-07"'))
    assert load(cspbot, copy).exit_code == 0
    db = open_db(db_path)
    assert db.execute("SELECT as_of FROM partnerships").fetchone()[0] == "2010-04-07"
    edit(copy, sub('as_of = "2010-04-07"\n', ""))
    assert load(cspbot, copy).exit_code == 0
    assert db.execute("SELECT as_of FROM partnerships").fetchone()[0] is None
    db.close()
