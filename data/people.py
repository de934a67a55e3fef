"""Who is asking, and for which partnership: people by chat user id, partnerships by channel."""

from __future__ import annotations

from typing import Any

import sqlite_utils

PLATFORM_COLUMN = {"slack": "slack_id", "teams": "teams_id"}


def find_people(db: sqlite_utils.Database, platform: str, user: str) -> list[dict[str, Any]]:
    """The person rows (one per partnership they belong to) of a chat user."""
    column = PLATFORM_COLUMN.get(platform)
    if column is None:
        return []
    return [dict(r) for r in db.query(
        f"SELECT p.*, a.name AS agency_name FROM people p LEFT JOIN agencies a ON "
        f"a.partnership = p.partnership AND a.id = p.agency WHERE p.{column} = ? "
        "ORDER BY p.partnership", [user])]


def person_in(db: sqlite_utils.Database, pid: str, platform: str,
              user: str) -> dict[str, Any] | None:
    return next((p for p in find_people(db, platform, user) if p["partnership"] == pid), None)


def partnership_of_channel(db: sqlite_utils.Database, platform: str,
                           channel: str) -> str | None:
    """The partnership that answers in a channel: listed in its file, or subscribed there."""
    row = db.execute("SELECT partnership FROM partnership_channels WHERE platform = ? AND "
                     "channel = ?", (platform, channel)).fetchone()
    if row is None:
        row = db.execute("SELECT partnership FROM subscriptions WHERE platform = ? AND "
                         "channel = ? AND active = 1", (platform, channel)).fetchone()
    return row[0] if row else None


def admins(db: sqlite_utils.Database, pid: str) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query("SELECT * FROM people WHERE partnership = ? AND "
                                      "role = 'admin' ORDER BY id", [pid])]
