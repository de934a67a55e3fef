"""The audit trail of actions cannot be rewritten unseen: REPLACE is refused like UPDATE and
DELETE, and a row altered or removed behind the triggers' back is named by
`cspbot audit verify`. Every change is recorded, a partnership file's reload included, with who
(person id, chat id) and how (slack, teams, console, file).

Tampering is done as an outsider would: a separate sqlite3 connection to the store's file.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from data.action_plan import update_from_chat
from data.audit_trail import Author, chain_hash
from data.db import open_db
from data.migrations import migrations

REPO = Path(__file__).resolve().parents[1]
KETTERING = REPO / "data" / "seed" / "kettering.toml"
GUARDS = ("action_updates_never_edited", "action_updates_never_deleted",
          "action_updates_never_replaced", "action_updates_only_appended")
COLUMNS = "id, partnership, action, at, by, source, field, old, new, note, person_id, chat_id"


def query(db_path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql, params).fetchall()


def tamper(db_path: Path, *statements: str) -> None:
    """Run SQL on the store as someone with the file would (sqlite3, no CSP Bot)."""
    with closing(sqlite3.connect(db_path)) as conn, conn:
        for statement in statements:
            conn.execute(statement)


def trail(db_path: Path) -> list[tuple[Any, ...]]:
    return query(db_path, f"SELECT {COLUMNS}, hash FROM action_updates ORDER BY id")


@pytest.fixture
def loaded(cspbot, db_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The store with Kettering loaded (21 audit rows, one 'created' per action)."""
    result = cspbot("partnership", "load", KETTERING)
    assert result.exit_code == 0, result.output
    return db_path


def verify(cspbot, *args: str) -> tuple[int, str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """`cspbot audit verify`: (exit code, the text output, the --json output)."""
    text = cspbot("audit", "verify", *args)
    data = cspbot("audit", "verify", "--json", *args)
    assert text.exit_code == data.exit_code, (text.output, data.output)
    return text.exit_code, text.output, json.loads(data.stdout)


# --- REPLACE and friends are refused ----------------------------------------------------------


@pytest.mark.parametrize("statement", [
    "INSERT OR REPLACE INTO action_updates (id, partnership, action, at, by, source, field, old, "
    "new, hash) VALUES (5, 'kettering', '4.6.2', '2010-01-01', 'x', 'file', 'status', "
    "'on-track', 'complete', 'h')",
    "REPLACE INTO action_updates (id, partnership, action, at, by, source, field, old, new, "
    "hash) VALUES (5, 'kettering', '4.6.2', '2010-01-01', 'x', 'file', 'status', 'on-track', "
    "'complete', 'h')",
    "REPLACE INTO action_updates (id, partnership, action, at, by, source, field, old, new, "
    "hash) VALUES (21, 'kettering', '4.6.2', '2010-01-01', 'x', 'file', 'status', 'on-track', "
    "'complete', 'h')",  # the newest row
    "INSERT INTO action_updates (id, partnership, action, at, by, source, field, hash) "
    "SELECT id, partnership, action, at, 'x', source, field, hash FROM action_updates "
    "WHERE id = 3",
    "INSERT INTO action_updates (id, partnership, action, at, by, source, field, hash) VALUES "
    "(3, 'kettering', '4.6.2', '2010-01-01', 'x', 'file', 'status', 'h') ON CONFLICT(id) DO "
    "UPDATE SET by = 'x'",
    "INSERT INTO action_updates (id, partnership, action, at, by, source, field, hash) VALUES "
    "(-1, 'kettering', '4.6.2', '2010-01-01', 'x', 'file', 'status', 'h')",
    "UPDATE OR REPLACE action_updates SET id = 4 WHERE id = 5",
])
def test_no_statement_rewrites_a_row(cspbot, loaded: Path, statement: str) -> None:
    before = trail(loaded)
    with pytest.raises(sqlite3.IntegrityError, match="action_updates is an audit trail"):
        tamper(loaded, statement)
    with closing(sqlite3.connect(loaded)) as conn:  # recursive triggers change nothing
        conn.execute("PRAGMA recursive_triggers = ON")
        with pytest.raises(sqlite3.IntegrityError, match="action_updates is an audit trail"):
            conn.execute(statement)
    assert trail(loaded) == before and len(before) == 21
    assert verify(cspbot)[0] == 0


def test_a_row_added_from_sql_without_its_hash_is_refused(loaded: Path) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="action_updates.hash"):
        tamper(loaded, "INSERT INTO action_updates (partnership, action, at, by, source, field) "
                       "VALUES ('kettering', '4.6.2', '2010-01-01', 'x', 'file', 'status')")


# --- cspbot audit verify --------------------------------------------------------------------


def test_an_intact_trail_verifies_in_one_line(cspbot, loaded: Path) -> None:
    code, out, data = verify(cspbot)
    assert code == 0
    newest = trail(loaded)[-1]
    assert out == (f"Audit trail intact: 21 rows (21 in the whole chain, every one checked); "
                   f"newest row 21, hash {newest[-1][:16]}.\n")
    assert data["intact"] is True and data["problems"] == [] and data["newest_hash"] == newest[-1]
    code, out, data = verify(cspbot, "--partnership", "kettering")
    assert code == 0 and out.startswith("Audit trail of kettering intact: 21 rows")


def test_each_row_is_chained_to_the_one_before(loaded: Path) -> None:
    previous = ""
    for row in trail(loaded):
        assert row[-1] == chain_hash(previous, row[1:-1])  # the id aside
        previous = row[-1]


def test_a_row_altered_with_the_triggers_dropped_is_named(cspbot, loaded: Path) -> None:
    tamper(loaded, *(f"DROP TRIGGER {name}" for name in GUARDS),
           "UPDATE action_updates SET new = 'complete' WHERE id = 14")
    code, out, data = verify(cspbot)
    assert code == 1
    at = query(loaded, "SELECT action, at FROM action_updates WHERE id = 14")[0]
    assert out.startswith(f"Audit trail NOT intact: row 14 (kettering {at[0]}, created, {at[1]}) "
                          "was altered after it was written: it no longer matches its hash "
                          "(and 1 more problem).\n")
    assert "- the triggers action_updates_never_edited, " in out  # the guards, dropped
    assert out.endswith("take the rows as written from a backup that verifies intact.\n")
    first = data["problems"][0]
    assert (first["kind"], first["first"], first["row"]["new"]) == ("altered", 14, "complete")
    assert [p["kind"] for p in data["problems"]] == ["altered", "unguarded"]


def test_rows_altered_with_the_triggers_put_back_are_still_named(cspbot, loaded: Path) -> None:
    """Dropping the guards, editing, and making them again as they were hides nothing."""
    sql = dict(query(loaded, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    tamper(loaded, "DROP TRIGGER action_updates_never_edited",
           "UPDATE action_updates SET by = 'someone else' WHERE id IN (3, 9)",
           sql["action_updates_never_edited"])
    code, out, data = verify(cspbot)
    assert code == 1 and "row 3 " in out.splitlines()[0] and "(and 1 more problem)" in out
    assert [(p["kind"], p["first"]) for p in data["problems"]] == [("altered", 3), ("altered", 9)]


def test_a_row_removed_is_named(cspbot, loaded: Path) -> None:
    tamper(loaded, "DROP TRIGGER action_updates_never_deleted",
           "DELETE FROM action_updates WHERE id IN (7, 8)")
    code, out, data = verify(cspbot)
    assert code == 1
    assert out.splitlines()[0] == ("Audit trail NOT intact: rows 7-8 were removed (before row 9) "
                                   "(and 1 more problem).")
    assert [(p["kind"], p["first"], p["last"]) for p in data["problems"][:1]] == [
        ("removed", 7, 8)]


def test_the_newest_row_removed_is_named_even_after_more_rows(cspbot, loaded: Path) -> None:
    tamper(loaded, "DROP TRIGGER action_updates_never_deleted",
           "DELETE FROM action_updates WHERE id = 21")
    code, out, _ = verify(cspbot)
    assert code == 1 and out.startswith("Audit trail NOT intact: row 21 was removed (the newest)")
    db = open_db(loaded)  # CSP Bot goes on recording after it: the gap stays visible
    try:
        update_from_chat(db, "kettering", "4.6.2", Author("Sam Example", "slack", "kbc-lead",
                                                          "U0KETKBC1"), 1, status="at-risk")
    finally:
        db.close()
    assert query(loaded, "SELECT MAX(id) FROM action_updates") == [(22,)]
    code, out, _ = verify(cspbot)
    assert code == 1 and out.startswith(
        "Audit trail NOT intact: row 21 was removed (before row 22)")


def test_verify_for_one_partnership_names_its_rows_only(cspbot, loaded: Path,
                                                        tmp_path: Path) -> None:
    corby = tmp_path / "corby.toml"
    corby.write_text(
        '[partnership]\nid = "corby"\nname = "Corby CSP"\nlocal_authorities = ["Corby"]\n\n'
        '[[agencies]]\nid = "cbc"\nname = "Corby Borough Council"\n\n[[themes]]\nid = "1"\n'
        'name = "Everything"\n\n[[actions]]\nid = "1.1"\ntitle = "Something"\ntheme = "1"\n',
        encoding="utf-8")
    assert cspbot("partnership", "load", corby).exit_code == 0  # row 22
    tamper(loaded, "DROP TRIGGER action_updates_never_edited",
           "UPDATE action_updates SET note = 'x' WHERE id = 22")
    # Kettering's rows are intact; the guard dropped is reported whichever partnership is asked
    code, out, data = verify(cspbot, "--partnership", "kettering")
    assert code == 1 and data["rows"] == 21 and data["chain"] == 22
    assert [p["kind"] for p in data["problems"]] == ["unguarded"]
    code, out, data = verify(cspbot, "--partnership", "corby")
    assert code == 1 and out.startswith("Audit trail of corby NOT intact: row 22 (corby 1.1, ")
    refused = cspbot("audit", "verify", "--partnership", "corbi")
    assert refused.exit_code == 1 and "No partnership 'corbi' in the store. Did you mean " \
        "'corby'?" in refused.output


# --- the migration chains the rows already there ----------------------------------------------


def test_migration_0009_chains_the_rows_already_there(cspbot, db_path: Path) -> None:
    db = open_db(db_path, migrate=False)
    migrations.apply(db, stop_before=["0009_audit_chain"])
    old = [("kettering", "4.6.2", f"2010-0{n}-01T09:00:00+00:00", "kbc-lead", "chat", "status",
            "on-track", "at-risk", "a note, with \"quotes\" and é" if n == 2 else None)
           for n in range(1, 4)]
    db.conn.executemany("INSERT INTO action_updates (partnership, action, at, by, source, "
                        "field, old, new, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", old)
    db.conn.commit()
    db.close()
    db = open_db(db_path)  # migration 0009 runs
    try:
        rows = [tuple(r) for r in db.execute(f"SELECT {COLUMNS} FROM action_updates")]
        assert rows == [(n, *row, None, None) for n, row in enumerate(old, 1)]
        record_author = Author("Chris Example", "console", "police-lead", "U0KETPOL1")
        db.execute("INSERT INTO partnerships (id, name, time_zone) VALUES ('kettering', 'K', "
                   "'Europe/London')")
        db.execute("INSERT INTO actions VALUES ('kettering', '4.6.2', 't', NULL, NULL, NULL, "
                   "'at-risk', NULL, 0, 'at-risk', 1, 'now', 'x')")
        db.conn.commit()
        update_from_chat(db, "kettering", "4.6.2", record_author, 1, status="complete")
    finally:
        db.close()
    code, out, _ = verify(cspbot)
    assert code == 0 and out.startswith("Audit trail intact: 4 rows"), out


# --- every route records who and how ----------------------------------------------------------


def audit_rows(db_path: Path, after: int) -> list[tuple[Any, ...]]:
    return query(db_path, "SELECT action, by, source, field, old, new, note, person_id, chat_id "
                          "FROM action_updates WHERE id > ? ORDER BY id", after)


def test_a_reload_records_unit_target_and_outputs_added_and_removed(
        cspbot, loaded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kettering.toml"
    shutil.copy(KETTERING, copy)
    shutil.copy(KETTERING.with_name("kettering-lsoas.csv"), tmp_path)
    text = KETTERING.read_text(encoding="utf-8")
    outputs = ('    { measure = "Homes with upgraded security", unit = "homes", current = 122 },\n'
               '    { measure = "Alleyways gated", unit = "alleyways", current = 8 },\n')
    assert outputs in text
    copy.write_text(text.replace(outputs, '    { measure = "Homes with upgraded security", '
                                          'unit = "households", target = 200, current = 122 },\n'),
                    encoding="utf-8")
    result = cspbot("partnership", "load", copy)
    assert result.exit_code == 0 and "actions changed: 4.6.2" in result.output, result.output
    by = ("4.6.2", "file:kettering.toml", "file")
    assert audit_rows(loaded, 21) == [
        (*by, "Homes with upgraded security (unit)", "homes", "households", None, None, None),
        (*by, "Homes with upgraded security (target)", None, "200", None, None, None),
        (*by, "output", "Alleyways gated", None, "no longer in the partnership file", None,
         None),
        (*by, "Alleyways gated (unit)", "alleyways", None, None, None, None),
        (*by, "Alleyways gated", "8", None, None, None, None)]
    shutil.copy(KETTERING, copy)  # the output back, as it was
    assert cspbot("partnership", "load", copy).exit_code == 0
    assert audit_rows(loaded, 26) == [
        (*by, "Homes with upgraded security (unit)", "households", "homes", None, None, None),
        (*by, "Homes with upgraded security (target)", "200", None, None, None, None),
        (*by, "output", None, "Alleyways gated", None, None, None),
        (*by, "Alleyways gated (unit)", None, "alleyways", None, None, None),
        (*by, "Alleyways gated", None, "8", None, None, None)]
    assert verify(cspbot)[0] == 0
