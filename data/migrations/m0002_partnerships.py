"""Migration 0002_partnerships: partnerships, their areas, people, priorities, action plans, targets
and local figures. Shipped, so frozen: never edit it (data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0002_partnerships"


def migrate(db: sqlite_utils.Database) -> None:
    # The SQL sqlite-utils' add_column() wrote when this shipped. `partnership`: the owner of
    # a local indicator.
    db.execute('ALTER TABLE "indicators" ADD COLUMN "partnership" TEXT')
    db.execute('ALTER TABLE "indicators" ADD COLUMN "sensitive" INTEGER NOT NULL DEFAULT 0')
    # One statement each: sqlite3's executescript() would commit the migration's transaction.
    statements = [
        """CREATE TABLE partnerships (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, formerly TEXT, time_zone TEXT NOT NULL,
        file TEXT, sha256 TEXT, loaded_at TEXT)""",
        """CREATE TABLE areas (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (partnership, id))""",
        """CREATE TABLE area_members (
        partnership TEXT NOT NULL, area TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (partnership, area, kind, value),
        FOREIGN KEY (partnership, area) REFERENCES areas(partnership, id))""",
        """CREATE TABLE agencies (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, kind TEXT, PRIMARY KEY (partnership, id))""",
        """CREATE TABLE people (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, agency TEXT, role TEXT NOT NULL, slack_id TEXT, teams_id TEXT,
        PRIMARY KEY (partnership, id))""",
        """CREATE INDEX people_slack ON people(slack_id)""",
        """CREATE INDEX people_teams ON people(teams_id)""",
        """CREATE TABLE priorities (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, level TEXT NOT NULL, delivery_group TEXT, period_start TEXT,
        period_end TEXT, indicators TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (partnership, id))""",
        """CREATE TABLE priority_leads (
        partnership TEXT NOT NULL, priority TEXT NOT NULL, agency TEXT NOT NULL,
        PRIMARY KEY (partnership, priority, agency))""",
        """CREATE TABLE themes (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, priority TEXT, position INTEGER NOT NULL,
        PRIMARY KEY (partnership, id))""",
        """CREATE TABLE actions (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        title TEXT NOT NULL, theme TEXT, priority TEXT, lead TEXT, status TEXT NOT NULL,
        due TEXT, position INTEGER NOT NULL, file_status TEXT, version INTEGER NOT NULL,
        updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
        PRIMARY KEY (partnership, id))""",
        """CREATE TABLE action_outputs (
        partnership TEXT NOT NULL, action TEXT NOT NULL, position INTEGER NOT NULL,
        measure TEXT NOT NULL, unit TEXT, target REAL, current REAL, file_current REAL,
        PRIMARY KEY (partnership, action, position),
        FOREIGN KEY (partnership, action) REFERENCES actions(partnership, id))""",
        """-- The audit trail: one row per change, never edited or deleted.
    CREATE TABLE action_updates (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL, action TEXT NOT NULL,
        at TEXT NOT NULL, by TEXT NOT NULL, source TEXT NOT NULL, field TEXT NOT NULL,
        old TEXT, new TEXT, note TEXT)""",
        """CREATE INDEX action_updates_action ON action_updates(partnership, action, at)""",
        """CREATE TRIGGER action_updates_never_edited BEFORE UPDATE ON action_updates
        BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never edited'); END""",
        """CREATE TRIGGER action_updates_never_deleted BEFORE DELETE ON action_updates
        BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never deleted'); END""",
        """CREATE TABLE targets (
        partnership TEXT NOT NULL REFERENCES partnerships(id), indicator TEXT NOT NULL,
        area TEXT NOT NULL, baseline_year TEXT NOT NULL, reduction_pct REAL, target_value REAL,
        target_year TEXT NOT NULL, PRIMARY KEY (partnership, indicator, area))""",
        """CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL REFERENCES partnerships(id),
        platform TEXT NOT NULL, channel TEXT NOT NULL, schedule TEXT NOT NULL,
        time_zone TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, source TEXT NOT NULL,
        UNIQUE (partnership, platform, channel))""",
        """CREATE TABLE monthly_values (
        partnership TEXT NOT NULL, area TEXT NOT NULL, indicator TEXT NOT NULL,
        month TEXT NOT NULL, value REAL NOT NULL, source TEXT NOT NULL,
        ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, indicator, month)) WITHOUT ROWID""",
        """CREATE TABLE survey_results (
        partnership TEXT NOT NULL, area TEXT NOT NULL, indicator TEXT NOT NULL,
        wave TEXT NOT NULL, fieldwork_end TEXT NOT NULL, percent REAL, weighted_count REAL,
        base_n INTEGER NOT NULL, design_effect REAL NOT NULL,
        ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, indicator, wave))""",
        """CREATE TABLE population (
        partnership TEXT NOT NULL, area TEXT NOT NULL, financial_year TEXT NOT NULL,
        population INTEGER NOT NULL, ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, financial_year))""",
    ]
    for statement in statements:
        db.execute(statement)
