"""Migration 0015_police_places: the counts behind "where" at street level (issue 14): each
police.uk map point once (`police_places`: force, LSOA, location text, longitude, latitude, with
an integer id) and, per month and map point, its crimes by type (`police_place_counts`, one
column per crime type as in police_counts; a zero costs one byte). A force-month imported again
replaces its rows. Each point is stored once per force: the ingest reads a force's points
before it adds any (data/places.py), so no index on the point's fields is kept. Shipped, so
frozen: never edit it (data/migrations/__init__.py says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0015_police_places"
CRIME_TYPES = (  # the police.uk crime types' slugs when this shipped (m0001's)
    "anti-social-behaviour", "bicycle-theft", "burglary", "criminal-damage-arson", "drugs",
    "other-crime", "other-theft", "possession-of-weapons", "public-order", "robbery",
    "shoplifting", "theft-from-the-person", "vehicle-crime", "violent-crime")


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE police_places (
        id INTEGER PRIMARY KEY, force TEXT NOT NULL, lsoa TEXT NOT NULL,
        location TEXT NOT NULL, longitude REAL NOT NULL, latitude REAL NOT NULL
    )""")
    db.execute("CREATE INDEX police_places_force ON police_places (force)")
    counts = ", ".join(f'"{slug}" INTEGER NOT NULL' for slug in CRIME_TYPES)
    db.execute(f"""CREATE TABLE police_place_counts (
        month TEXT NOT NULL, place INTEGER NOT NULL REFERENCES police_places(id), {counts},
        PRIMARY KEY (month, place)
    ) WITHOUT ROWID""")
