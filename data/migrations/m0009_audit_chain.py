"""Migration 0009_audit_chain: an audit trail of actions that cannot be rewritten unseen.

`action_updates` is made again with AUTOINCREMENT (an id is never given twice, and the highest
ever given stays in sqlite_sequence, so removing the newest rows shows), two new columns for who
made a change (`person_id`, the person's id in the partnership file; `chat_id`, their chat user
id) and `hash`, each row chained to the one before: the SHA-256 of the previous row's hash ('' for
the first) and the row's fields, as compact JSON. The rows already there are copied with their
ids and given their hashes here, in id order. Besides the triggers that refuse UPDATE and DELETE,
two refuse an INSERT whose id is not new: before it (REPLACE INTO and INSERT OR REPLACE would
otherwise delete the row they replace, and SQLite fires no DELETE trigger for that) and after it
(an id below the highest). Shipped, so frozen: never edit it (data/migrations/__init__.py says
why).
"""

from __future__ import annotations

import hashlib
import json

import sqlite_utils

NAME = "0009_audit_chain"

COLUMNS = ("partnership", "action", "at", "by", "source", "field", "old", "new", "note")
HASHED = (*COLUMNS, "person_id", "chat_id")


def _chain_hash(previous: str, values: tuple[object, ...]) -> str:
    text = json.dumps([previous, *values], ensure_ascii=False, separators=(",", ":"),
                      default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def migrate(db: sqlite_utils.Database) -> None:
    rows = db.execute(f"SELECT id, {', '.join(COLUMNS)} FROM action_updates ORDER BY id"
                      ).fetchall()
    db.execute("DROP TABLE action_updates")  # its index and triggers go with it
    db.execute("""CREATE TABLE action_updates (
        id INTEGER PRIMARY KEY AUTOINCREMENT, partnership TEXT NOT NULL, action TEXT NOT NULL,
        at TEXT NOT NULL, by TEXT NOT NULL, source TEXT NOT NULL, field TEXT NOT NULL,
        old TEXT, new TEXT, note TEXT, person_id TEXT, chat_id TEXT, hash TEXT NOT NULL)""")
    chained, previous = [], ""
    for row_id, *values in rows:
        hashed = (*values, None, None)  # no person id or chat id was kept before
        previous = _chain_hash(previous, hashed)
        chained.append((row_id, *hashed, previous))
    db.conn.executemany(f"INSERT INTO action_updates (id, {', '.join(HASHED)}, hash) "
                        f"VALUES ({', '.join('?' * (len(HASHED) + 2))})", chained)
    statements = [
        "CREATE INDEX action_updates_action ON action_updates(partnership, action, at)",
        "CREATE TRIGGER action_updates_never_edited BEFORE UPDATE ON action_updates "
        "BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never edited'); END",
        "CREATE TRIGGER action_updates_never_deleted BEFORE DELETE ON action_updates "
        "BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never deleted'); END",
        "CREATE TRIGGER action_updates_never_replaced BEFORE INSERT ON action_updates "
        "WHEN EXISTS (SELECT 1 FROM action_updates WHERE id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never replaced "
        "(an id is never given twice)'); END",
        "CREATE TRIGGER action_updates_only_appended AFTER INSERT ON action_updates "
        "WHEN NEW.id < 1 OR NEW.id < (SELECT MAX(id) FROM action_updates) "
        "BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: rows are only added "
        "at the end'); END",
    ]
    for statement in statements:
        db.execute(statement)
