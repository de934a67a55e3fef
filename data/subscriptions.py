"""Subscriptions: where and when a partnership's monthly briefing is posted.

They come from partnership files (source 'file') or from chat (`/csp subscribe`, source
'chat'). Schedules are checked by bot/scheduler/schedules.py; here they are only stored.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from data.db import write_transaction


def active(db: sqlite_utils.Database, partnership: str | None = None) -> list[dict[str, Any]]:
    where, params = "active = 1", []
    if partnership:
        where, params = where + " AND partnership = ?", [partnership]
    return [dict(r) for r in db.query(f"SELECT * FROM subscriptions WHERE {where} ORDER BY id",
                                      params)]


def get(db: sqlite_utils.Database, subscription: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM subscriptions WHERE id = ?", [subscription]))
    return dict(rows[0]) if rows else None


def find(db: sqlite_utils.Database, platform: str, channel: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM subscriptions WHERE platform = ? AND channel = ? "
                         "ORDER BY active DESC, id DESC LIMIT 1", [platform, channel]))
    return dict(rows[0]) if rows else None


def subscribe(db: sqlite_utils.Database, partnership: str, platform: str, channel: str,
              schedule: str, time_zone: str = "Europe/London") -> int:
    """Add or reactivate a chat subscription; returns its id."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO subscriptions (partnership, platform, channel, schedule, time_zone, "
            "active, source) VALUES (?, ?, ?, ?, ?, 1, 'chat') ON CONFLICT(partnership, "
            "platform, channel) DO UPDATE SET schedule = excluded.schedule, active = 1",
            (partnership, platform, channel, schedule, time_zone))
        return int(db.execute("SELECT id FROM subscriptions WHERE partnership = ? AND "
                              "platform = ? AND channel = ?",
                              (partnership, platform, channel)).fetchone()[0])


def unsubscribe(db: sqlite_utils.Database, partnership: str, platform: str,
                channel: str) -> bool:
    with write_transaction(db):
        return bool(db.execute("UPDATE subscriptions SET active = 0 WHERE partnership = ? AND "
                               "platform = ? AND channel = ? AND active = 1",
                               (partnership, platform, channel)).rowcount)


def version(db: sqlite_utils.Database) -> str:
    """Changes whenever a subscription changes, or a partnership's own date (`as_of`): the
    scheduler rebuilds its jobs then."""
    row = db.execute("SELECT COUNT(*), COALESCE(GROUP_CONCAT(id || ':' || schedule || ':' || "
                     "active, ','), '') FROM subscriptions").fetchone()
    dates = db.execute("SELECT COALESCE(GROUP_CONCAT(id || ':' || as_of, ','), '') "
                       "FROM partnerships WHERE as_of IS NOT NULL").fetchone()
    return f"{row[0]}|{row[1]}|{dates[0]}"
