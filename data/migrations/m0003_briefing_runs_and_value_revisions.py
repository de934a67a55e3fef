"""Migration 0003_briefing_runs_and_value_revisions: when each briefing was published, and every
local figure a later file revised. Shipped, so frozen: never edit it (data/migrations/__init__.py
says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0003_briefing_runs_and_value_revisions"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE briefing_runs (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL REFERENCES partnerships(id),
        month TEXT NOT NULL, built_at TEXT NOT NULL, purpose TEXT NOT NULL)""")
    db.execute("CREATE INDEX briefing_runs_partnership ON briefing_runs(partnership, built_at)")
    db.execute("""CREATE TABLE value_revisions (
        ingest_id INTEGER NOT NULL REFERENCES ingests(id), partnership TEXT NOT NULL,
        area TEXT NOT NULL, indicator TEXT NOT NULL, period TEXT NOT NULL, old REAL,
        new REAL)""")
