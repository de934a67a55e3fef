"""The delivery ledger: which briefing went to which channel for which period, part by part.

A delivery is claimed once per subscription and period (a forced re-send starts a new
generation, with its reason). Each part of the post (headline, each chart, the details) is
recorded the moment it lands, so a retry resumes after the last part that succeeded and never
repeats one. Flags record that admins were told once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from data.db import write_transaction

STATES = ("pending", "waiting_for_data", "sending", "delivered", "failed")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def current(db: sqlite_utils.Database, subscription: int, period: str) -> dict[str, Any] | None:
    """The latest generation of a subscription's delivery for a period, if any."""
    rows = list(db.query("SELECT * FROM deliveries WHERE subscription = ? AND period = ? "
                         "ORDER BY generation DESC LIMIT 1", [subscription, period]))
    return dict(rows[0]) if rows else None


def claim(db: sqlite_utils.Database, subscription: int, period: str, *,
          first_due: str | None = None, force_reason: str | None = None) -> dict[str, Any]:
    """The delivery row to work on (created if need be; a new generation when forced)."""
    with write_transaction(db):
        sub = db.execute("SELECT partnership, platform, channel FROM subscriptions WHERE id = ?",
                         (subscription,)).fetchone()
        if sub is None:
            raise KeyError(f"no subscription {subscription}")
        row = current(db, subscription, period)
        if row is None or force_reason is not None:
            generation = 1 if row is None else row["generation"] + 1
            stamp = now()
            db.execute(
                "INSERT INTO deliveries (subscription, partnership, platform, channel, period, "
                "generation, state, forced_reason, first_due, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
                (subscription, *sub, period, generation, force_reason, first_due, stamp, stamp))
            row = current(db, subscription, period)
        assert row is not None
        return row


def parts_done(db: sqlite_utils.Database, delivery: int) -> dict[str, str | None]:
    return {part: ref for part, ref in db.execute(
        "SELECT part, ref FROM delivery_parts WHERE delivery = ? ORDER BY position",
        (delivery,))}


def record_part(db: sqlite_utils.Database, delivery: int, part: str, position: int,
                ref: str | None) -> None:
    with write_transaction(db):
        db.execute("INSERT OR IGNORE INTO delivery_parts VALUES (?, ?, ?, ?, ?)",
                   (delivery, part, position, ref, now()))


def set_state(db: sqlite_utils.Database, delivery: int, state: str, *,
              error: str | None = None, late: bool | None = None,
              attempt: bool = False) -> None:
    assert state in STATES
    with write_transaction(db):
        db.execute(
            "UPDATE deliveries SET state = ?, updated_at = ?, last_error = COALESCE(?, "
            "last_error), late = COALESCE(?, late), attempts = attempts + ?, delivered_at = "
            "CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?",
            (state, now(), error, None if late is None else int(late), int(attempt), state,
             now(), delivery))


def flag_once(db: sqlite_utils.Database, delivery: int, flag: str) -> bool:
    """Set a notification flag; True only the first time (so admins are told once)."""
    assert flag in ("notified_waiting", "alerted_failure")
    with write_transaction(db):
        changed = db.execute(f"UPDATE deliveries SET {flag} = 1 WHERE id = ? AND {flag} = 0",
                             (delivery,)).rowcount
    return bool(changed)


def deliveries(db: sqlite_utils.Database, partnership: str, limit: int = 20
               ) -> list[dict[str, Any]]:
    """The latest deliveries of a partnership, newest first, with their parts count."""
    return [dict(r) for r in db.query(
        "SELECT d.*, (SELECT COUNT(*) FROM delivery_parts p WHERE p.delivery = d.id) AS parts "
        "FROM deliveries d WHERE d.partnership = ? ORDER BY d.updated_at DESC, d.id DESC "
        "LIMIT ?", [partnership, limit])]
