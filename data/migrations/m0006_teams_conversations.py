"""Migration 0006_teams_conversations: where each Teams conversation is reached (service URL,
tenant), kept at installation so that briefings can be posted there later. Shipped, so frozen:
never edit it (data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0006_teams_conversations"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE IF NOT EXISTS teams_conversations (
    conversation TEXT PRIMARY KEY, service_url TEXT NOT NULL, tenant TEXT, kind TEXT,
    team TEXT, name TEXT, added_by TEXT, updated_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1)""")
