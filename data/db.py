"""Opening the store: one SQLite file, WAL, a busy timeout, the schema brought up to date.

Every part of CSP Bot reaches the store through `open_db`. Writers that read before they write
(an ingest compares old and new figures) take the write lock at once with `write_transaction`,
so two writers never deadlock and readers keep reading the last committed state (WAL).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from data.migrations import migrations

DEFAULT_BUSY_TIMEOUT_MS = 30_000


def open_db(path: str | Path, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
            migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if need be) the store at `path`: WAL, migrated to the latest schema."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    db.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    if migrate and migrations.pending(db):
        # Only when there is something to apply does opening take the write lock (readers must
        # not wait for an ingest); a second process waits, then finds nothing left to do.
        with write_transaction(db):
            migrations.apply(db)
    return db


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt included)."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.commit()
