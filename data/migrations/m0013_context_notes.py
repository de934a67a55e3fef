"""Migration 0013_context_notes: a partnership's context notes (METHOD 2.9, "Context") and the
log of notes added and deleted from chat.

`context_notes` holds the notes of a partnership's file (`source = 'file'`, replaced whole on
each reload) and those added from chat (`source = 'chat'`, which a reload keeps). The built-in
national notes (the COVID-19 restrictions) are not stored: they live in data/context.py.
`context_note_log` records each note added or deleted from chat: who (name, person id, chat
user id), how (slack, teams, console), in which channel, when, and the note itself. Triggers
refuse UPDATE and DELETE on it. Ids are AUTOINCREMENT, so a deleted note's number is never
given again. Shipped, so frozen: never edit it (data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0013_context_notes"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE context_notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        partnership TEXT NOT NULL REFERENCES partnerships(id),
        first_month TEXT NOT NULL, last_month TEXT NOT NULL, text TEXT NOT NULL,
        label TEXT, area TEXT,
        source TEXT NOT NULL CHECK (source IN ('file', 'chat')),
        added_by TEXT NOT NULL, added_at TEXT NOT NULL,
        CHECK (first_month <= last_month))""")
    db.execute("CREATE INDEX context_notes_partnership ON context_notes "
               "(partnership, first_month)")
    db.execute("""CREATE TABLE context_note_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, partnership TEXT NOT NULL,
        note INTEGER NOT NULL, event TEXT NOT NULL CHECK (event IN ('added', 'deleted')),
        at TEXT NOT NULL, by TEXT NOT NULL, route TEXT NOT NULL, person_id TEXT,
        chat_id TEXT, channel TEXT, first_month TEXT NOT NULL, last_month TEXT NOT NULL,
        text TEXT NOT NULL)""")
    db.execute("CREATE INDEX context_note_log_partnership ON context_note_log "
               "(partnership, at)")
    db.execute("CREATE TRIGGER context_note_log_never_edited BEFORE UPDATE ON "
               "context_note_log BEGIN SELECT RAISE(ABORT, 'context_note_log is a log: never "
               "edited'); END")
    db.execute("CREATE TRIGGER context_note_log_never_deleted BEFORE DELETE ON "
               "context_note_log BEGIN SELECT RAISE(ABORT, 'context_note_log is a log: never "
               "deleted'); END")
