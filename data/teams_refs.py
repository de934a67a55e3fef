"""Teams conversation references: where a Teams conversation is reached (its service URL and
tenant), kept when CSP Bot is installed there or spoken to, so that briefings can be posted to
it later without a message to answer.

A subscription's `channel` is the conversation id; this table adds what posting needs besides.
Migration 0006 (data/migrations/m0006_teams_conversations.py) creates the table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from data.db import write_transaction

TABLE = "teams_conversations"
FIELDS = ("service_url", "tenant", "kind", "team", "name", "added_by")


def get(db: sqlite_utils.Database, conversation: str) -> dict[str, Any] | None:
    """The reference of a conversation (base id, without ';messageid='), or None."""
    rows = list(db.query(f"SELECT * FROM {TABLE} WHERE conversation = ?", [conversation]))
    return dict(rows[0]) if rows else None


def remember(db: sqlite_utils.Database, conversation: str, service_url: str,
             tenant: str | None = None, kind: str | None = None, team: str | None = None,
             name: str | None = None, added_by: str | None = None) -> bool:
    """Add or refresh a conversation's reference; True when something changed (no write when
    nothing did: this runs on every message)."""
    new = {"service_url": service_url, "tenant": tenant, "kind": kind, "team": team,
           "name": name, "added_by": added_by}
    old = get(db, conversation)
    if old is not None and old["active"] and all(
            old[k] == v for k, v in new.items() if v is not None):
        return False
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with write_transaction(db):
        db.execute(
            f"INSERT INTO {TABLE} (conversation, {', '.join(FIELDS)}, updated_at, active) "
            f"VALUES (?, {', '.join('?' * len(FIELDS))}, ?, 1) ON CONFLICT(conversation) DO "
            "UPDATE SET " + ", ".join(f"{k} = COALESCE(excluded.{k}, {k})" for k in FIELDS)
            + ", updated_at = excluded.updated_at, active = 1",
            (conversation, *[new[k] for k in FIELDS], now))
    return True


def forget(db: sqlite_utils.Database, conversation: str) -> bool:
    """Mark a conversation as left (CSP Bot was removed from it); True if it was active."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with write_transaction(db):
        return bool(db.execute(f"UPDATE {TABLE} SET active = 0, updated_at = ? WHERE "
                               "conversation = ? AND active = 1", (now, conversation)).rowcount)
