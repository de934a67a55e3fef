"""The journal of acknowledged chat commands (table `chat_commands`, migration 0010).

A command is recorded before it is acknowledged, by the bot that receives it (its `owner`, an
id of that bot's life: bot/lives.py), in state `pending`. Its answer moves it to `sending` just
before the answer is posted, then to `answered`; a person told that their command could not be
answered leaves it `told` (`failed` when even that could not be sent). While its owner lives, a
row is the owner's alone; when the owner has died, another bot takes its open rows over, one
statement that changes the owner of only the rows still open and still the dead one's, so of two
bots taking over at once each row goes to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from data.db import write_transaction

TABLE = "chat_commands"
OPEN = ("pending", "sending")
FINISHED = ("answered", "told", "failed")


@dataclass(frozen=True)
class Command:
    """One recorded command, as a bot taking it over reads it."""

    id: int
    platform: str
    user_id: str
    channel_id: str | None
    text: str
    response_url: str
    received_at: datetime
    state: str


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def record(db: sqlite_utils.Database, *, platform: str, user_id: str, channel_id: str | None,
           text: str, response_url: str, owner: str, received_at: datetime | None = None
           ) -> int:
    """Write an acknowledged command (one INSERT, committed at once); its id."""
    with db.conn:
        cursor = db.conn.execute(
            f"INSERT INTO {TABLE} (platform, user_id, channel_id, text, response_url, "
            "received_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (platform, user_id, channel_id, text, response_url,
             stamp(received_at or now()), owner))
    return int(cursor.lastrowid or 0)


def mark(db: sqlite_utils.Database, command: int, state: str) -> bool:
    """Move an open command to `state`; False if it was finished already (nothing changed)."""
    assert state in ("sending", *FINISHED), state
    finished = stamp(now()) if state in FINISHED else None
    with db.conn:
        changed = db.conn.execute(
            f"UPDATE {TABLE} SET state = ?, finished_at = ? WHERE id = ? AND state IN "
            "('pending', 'sending')", (state, finished, command)).rowcount
    return bool(changed)


def open_owners(db: sqlite_utils.Database) -> set[str]:
    """The owners of commands still open."""
    return {owner for owner, in db.execute(
        f"SELECT DISTINCT owner FROM {TABLE} WHERE state IN ('pending', 'sending')")}


def take_over(db: sqlite_utils.Database, dead: str, owner: str) -> list[Command]:
    """Make `owner` the owner of the open commands of `dead`, marked resumed; those commands,
    oldest first (none if another bot took them first)."""
    with write_transaction(db):
        rows = db.execute(
            f"UPDATE {TABLE} SET owner = ?, resumed = 1 WHERE owner = ? AND state IN "
            "('pending', 'sending') RETURNING id, platform, user_id, channel_id, text, "
            "response_url, received_at, state", (owner, dead)).fetchall()
    return sorted((Command(r[0], r[1], r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]),
                           r[7]) for r in rows), key=lambda c: c.id)


def purge(db: sqlite_utils.Database, older_than: timedelta) -> int:
    """Delete the commands finished longer ago than `older_than` (their response URLs with
    them); how many."""
    with db.conn:
        return int(db.conn.execute(f"DELETE FROM {TABLE} WHERE finished_at < ?",
                                   (stamp(now() - older_than),)).rowcount)


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many commands are in each state (the states with none left out)."""
    return dict(db.execute(f"SELECT state, COUNT(*) FROM {TABLE} GROUP BY state").fetchall())
