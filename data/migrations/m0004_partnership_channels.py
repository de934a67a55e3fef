"""Migration 0004_partnership_channels: the chat channels where a partnership answers (besides its
subscriptions' channels). Shipped, so frozen: never edit it (data/migrations/__init__.py says
why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0004_partnership_channels"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE partnership_channels (
        partnership TEXT NOT NULL REFERENCES partnerships(id), platform TEXT NOT NULL,
        channel TEXT NOT NULL, PRIMARY KEY (platform, channel))""")
