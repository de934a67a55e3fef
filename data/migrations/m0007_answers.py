"""Migration 0007_answers: prepared chat answers (sentence, facts, chart), kept until the data
change. Shipped, so frozen: never edit it (data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0007_answers"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE IF NOT EXISTS answers (
    partnership TEXT NOT NULL, question TEXT NOT NULL, version TEXT NOT NULL,
    as_of TEXT NOT NULL, body TEXT NOT NULL, chart BLOB, made_at TEXT NOT NULL,
    PRIMARY KEY (partnership, question))""")
