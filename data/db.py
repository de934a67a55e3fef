"""Opening the store: one SQLite file, WAL, a busy timeout, the schema brought up to date.

Every part of CSP Bot reaches the store through `open_db`. Writers that read before they write
(an ingest compares old and new figures) take the write lock at once with `write_transaction`,
so two writers never deadlock and readers keep reading the last committed state (WAL). A write
that finds the disk full is rolled back whole and reported as such (`DiskFull`).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from data.errors import DiskFull, is_disk_full
from data.migrations import migrations

DEFAULT_BUSY_TIMEOUT_MS = 30_000


def open_db(path: str | Path, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
            migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if need be) the store at `path`: WAL, migrated to the latest schema."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
    # sqlite-utils plugins installed beside CSP Bot are not run on its store: what the store
    # computes does not depend on what else is installed (and finding them scans every
    # installed package, 20 ms of each command's start)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    db.execute("PRAGMA foreign_keys = ON")
    try:
        if str(path) != ":memory:":
            db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as exc:
        if is_disk_full(exc):  # the WAL files cannot be made: nothing was written
            conn.close()
            raise DiskFull("the store cannot be opened (nothing was written).",
                           f"the store ({path})") from exc
        raise
    if migrate and migrations.pending(db):
        # Only when there is something to apply does opening take the write lock (readers must
        # not wait for an ingest); a second process waits, then finds nothing left to do.
        with write_transaction(db):
            migrations.apply(db)
    return db


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt included,
    and a COMMIT that fails). A full disk becomes DiskFull, which says the store is unchanged."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.commit()
    except BaseException as exc:
        db.conn.rollback()
        if is_disk_full(exc):
            raise DiskFull(where=f"the store ({_file_of(db)})") from exc
        raise


def _file_of(db: sqlite_utils.Database) -> str:
    rows = db.conn.execute("PRAGMA database_list").fetchall()
    return next((str(r[2]) for r in rows if r[1] == "main" and r[2]), "in memory")
