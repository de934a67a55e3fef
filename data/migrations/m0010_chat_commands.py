"""Migration 0010_chat_commands: every acknowledged chat command, written before it is
acknowledged and kept until it is answered (or the person is told it could not be), so that a
bot restarted after a crash answers what the dead one left. Shipped, so frozen: never edit it
(data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0010_chat_commands"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE chat_commands (
        id INTEGER PRIMARY KEY, platform TEXT NOT NULL, user_id TEXT NOT NULL,
        channel_id TEXT, text TEXT NOT NULL, response_url TEXT NOT NULL,
        received_at TEXT NOT NULL, owner TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'answered', 'told', 'failed')),
        resumed INTEGER NOT NULL DEFAULT 0, finished_at TEXT)""")
    db.execute("""CREATE INDEX chat_commands_open ON chat_commands (owner)
        WHERE state IN ('pending', 'sending')""")
    db.execute("CREATE INDEX chat_commands_finished ON chat_commands (finished_at)")
