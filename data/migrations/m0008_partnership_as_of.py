"""Migration 0008_partnership_as_of: the date a demonstration or training partnership takes as today
(partnership file `as_of`); NULL, the real date, for a live partnership. Shipped, so frozen:
never edit it (data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0008_partnership_as_of"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE partnerships ADD COLUMN as_of TEXT")
