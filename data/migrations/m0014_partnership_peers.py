"""Migration 0014_partnership_peers: the peer group a partnership file names (`peers`, a JSON
list of partnership ids; `[]` when the file names none, and then the partnerships of the same
home force are its peers). Read by briefings/comparison.py for "Charnwood is 3rd of 9".
Shipped, so frozen: never edit it (data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0014_partnership_peers"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE partnerships ADD COLUMN peers TEXT NOT NULL DEFAULT '[]'")
