"""Migration 0012_lsoa_boundaries: what follows an LSOA code across the 2021 boundary changes
(METHOD 2.9): the police.uk map points seen under each code (`police_points`, with the
force-months whose points are held, `police_point_months`) and ONS's LSOA 2011 to 2021 lookup
when one is imported (`lsoa_lookup`). Shipped, so frozen: never edit it (data/migrations/
__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0012_lsoa_boundaries"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE police_points (
        force TEXT NOT NULL, lsoa TEXT NOT NULL, location TEXT NOT NULL,
        longitude REAL NOT NULL, latitude REAL NOT NULL,
        first_month TEXT NOT NULL, last_month TEXT NOT NULL, rows INTEGER NOT NULL,
        PRIMARY KEY (lsoa, location, longitude, latitude, force)
    ) WITHOUT ROWID""")
    db.execute("CREATE INDEX police_points_location ON police_points (location, latitude)")
    db.execute("""CREATE TABLE police_point_months (
        force TEXT NOT NULL, month TEXT NOT NULL, PRIMARY KEY (force, month)
    ) WITHOUT ROWID""")
    db.execute("""CREATE TABLE lsoa_lookup (
        old TEXT NOT NULL, new TEXT NOT NULL, change TEXT,
        ingest_id INTEGER NOT NULL REFERENCES ingests(id),
        PRIMARY KEY (old, new)
    ) WITHOUT ROWID""")
