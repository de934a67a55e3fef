"""Migration 0005_delivery_ledger: the exactly-once ledger of scheduled briefings: one row per
subscription, period and generation (a forced re-send is a new generation), and each part of the
post as it lands. Shipped, so frozen: never edit it (data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0005_delivery_ledger"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY, subscription INTEGER NOT NULL REFERENCES subscriptions(id),
        partnership TEXT NOT NULL, platform TEXT NOT NULL, channel TEXT NOT NULL,
        period TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL, late INTEGER NOT NULL DEFAULT 0, forced_reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, first_due TEXT, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, delivered_at TEXT, last_error TEXT,
        notified_waiting INTEGER NOT NULL DEFAULT 0, alerted_failure INTEGER NOT NULL DEFAULT 0,
        UNIQUE (subscription, period, generation))""")
    db.execute("""CREATE TABLE delivery_parts (
        delivery INTEGER NOT NULL REFERENCES deliveries(id), part TEXT NOT NULL,
        position INTEGER NOT NULL, ref TEXT, done_at TEXT NOT NULL,
        PRIMARY KEY (delivery, part))""")
