"""Answers of costly store queries kept in memory while the store does not change.

A kept answer is keyed by the store's file, its imports (and the force-months they hold) and
every partnership file loaded: an import or a (re)load makes every kept answer stale. A store in
memory is never kept. Callers get their own copy's worth of safety by keeping immutable values
or copying what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import sqlite_utils

T = TypeVar("T")
LIMIT = 2048  # answers kept before all are dropped
_kept: dict[tuple[Hashable, ...], object] = {}


def store_version(db: sqlite_utils.Database) -> tuple[Hashable, ...] | None:
    """What every kept answer depends on; None for a store in memory."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    if not path:
        return None
    return (path, *db.execute(
        "SELECT (SELECT MAX(id) FROM ingests), (SELECT COUNT(*) FROM ingests), "
        "(SELECT MAX(ingested_at) FROM ingests), (SELECT COUNT(*) FROM police_months), "
        "(SELECT COUNT(*) FROM police_incomplete), "
        "(SELECT group_concat(id || loaded_at || sha256) FROM partnerships)").fetchone())


def kept(db: sqlite_utils.Database, key: tuple[Hashable, ...], work: Callable[[], T]) -> T:
    """`work()`, or what it gave for `key` while the store has not changed."""
    version = store_version(db)
    if version is None:
        return work()
    full = (*version, *key)
    if full not in _kept:
        if len(_kept) >= LIMIT:
            _kept.clear()
        _kept[full] = work()
    return _kept[full]  # type: ignore[return-value]
