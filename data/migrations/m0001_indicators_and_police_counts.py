"""Migration 0001_indicators_and_police_counts: the national indicators and their words, LSOAs,
ingests, and police.uk's counts. Shipped, so frozen: never edit it (data/migrations/__init__.py
says why).
"""

from __future__ import annotations

import sqlite_utils

NAME = "0001_indicators_and_police_counts"


def migrate(db: sqlite_utils.Database) -> None:
    # Frozen: the catalogue, the crime types and the tables' SQL as they were when this shipped
    # (the SQL as sqlite-utils wrote it then). A change to data/catalogue.py reaches the store by
    # a new migration, never by an edit here (tests/test_migrations.py checks both).
    police = [  # slug, name, kind, police_type of each police.uk crime type
        ("anti-social-behaviour", "Anti-social behaviour", "police", "Anti-social behaviour"),
        ("bicycle-theft", "Bicycle theft", "police", "Bicycle theft"),
        ("burglary", "Burglary", "police", "Burglary"),
        ("criminal-damage-arson", "Criminal damage and arson", "police",
         "Criminal damage and arson"),
        ("drugs", "Drugs", "police", "Drugs"),
        ("other-crime", "Other crime", "police", "Other crime"),
        ("other-theft", "Other theft", "police", "Other theft"),
        ("possession-of-weapons", "Possession of weapons", "police", "Possession of weapons"),
        ("public-order", "Public order", "police", "Public order"),
        ("robbery", "Robbery", "police", "Robbery"),
        ("shoplifting", "Shoplifting", "police", "Shoplifting"),
        ("theft-from-the-person", "Theft from the person", "police", "Theft from the person"),
        ("vehicle-crime", "Vehicle crime", "police", "Vehicle crime"),
        ("violent-crime", "Violence and sexual offences", "police",
         "Violence and sexual offences"),
    ]
    police_types = [row[0] for row in police]
    # slug, name, kind, police_type, unit, polarity, components, description
    indicators = [(*row, "count", "lower-is-better", "", "") for row in police] + [
        ("all-crime", "All crime", "derived", None, "count", "lower-is-better",
         "bicycle-theft,burglary,criminal-damage-arson,drugs,other-crime,other-theft,"
         "possession-of-weapons,public-order,robbery,shoplifting,theft-from-the-person,"
         "vehicle-crime,violent-crime",
         "every police.uk crime type except anti-social behaviour"),
        ("serious-acquisitive-crime", "Serious acquisitive crime", "derived", None, "count",
         "lower-is-better", "burglary,robbery,vehicle-crime", "burglary + robbery + vehicle crime"),
    ]
    aliases = {  # slug -> its aliases, in the order they were inserted
        "anti-social-behaviour": ["anti social behaviour", "asb", "antisocial behaviour",
                                  "nuisance"],
        "bicycle-theft": ["bicycle theft", "bicycle", "bike theft", "bikes", "cycle theft"],
        "burglary": ["burglary", "burglaries", "break ins"],
        "criminal-damage-arson": ["criminal damage arson", "criminal damage and arson", "damage",
                                  "criminal damage", "arson", "vandalism"],
        "drugs": ["drugs", "drug", "drug offences"],
        "other-crime": ["other crime"],
        "other-theft": ["other theft", "theft"],
        "possession-of-weapons": ["possession of weapons", "weapons", "weapon", "knife crime"],
        "public-order": ["public order", "public order offences", "disorder"],
        "robbery": ["robbery", "robberies", "mugging"],
        "shoplifting": ["shoplifting", "shop theft"],
        "theft-from-the-person": ["theft from the person", "theft from person", "pickpocketing"],
        "vehicle-crime": ["vehicle crime", "vehicle", "vehicles", "car crime"],
        "violent-crime": ["violent crime", "violence and sexual offences", "violence", "violent",
                          "assault"],
        "all-crime": ["all crime", "all", "crime", "total crime"],
        "serious-acquisitive-crime": ["serious acquisitive crime", "sac", "serious acquisitive",
                                      "acquisitive crime"],
    }

    db.execute("""CREATE TABLE "indicators" (
   "slug" TEXT PRIMARY KEY,
   "name" TEXT,
   "kind" TEXT,
   "police_type" TEXT,
   "unit" TEXT,
   "polarity" TEXT,
   "components" TEXT,
   "description" TEXT
)""")
    db.conn.executemany("INSERT INTO indicators (slug, name, kind, police_type, unit, polarity, "
                        "components, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", indicators)
    db.execute("""CREATE TABLE "indicator_aliases" (
   "alias" TEXT PRIMARY KEY,
   "slug" TEXT REFERENCES "indicators"("slug")
)""")
    db.conn.executemany("INSERT INTO indicator_aliases (alias, slug) VALUES (?, ?)",
                        [(alias, slug) for slug, words in aliases.items() for alias in words])

    db.execute("""CREATE TABLE "lsoas" (
   "code" TEXT PRIMARY KEY,
   "name" TEXT,
   "local_authority" TEXT,
   "month" TEXT
)""")
    db.execute("""CREATE INDEX "idx_lsoas_local_authority"
    ON "lsoas" ("local_authority")""")
    db.execute("""CREATE TABLE "ingests" (
   "id" INTEGER PRIMARY KEY,
   "kind" TEXT,
   "file" TEXT,
   "sha256" TEXT,
   "force" TEXT,
   "months" TEXT,
   "rows" INTEGER,
   "placed" INTEGER,
   "unplaced" INTEGER,
   "revised" INTEGER,
   "ingested_at" TEXT
)""")
    # Wide: one row per force, month and LSOA, one column per police.uk crime type (a type
    # missing from a month is 0). Four times fewer rows than one per type, so ingest is fast.
    type_columns = ", ".join(f'"{slug}" INTEGER NOT NULL DEFAULT 0' for slug in police_types)
    db.execute(f"""
        CREATE TABLE police_counts (
            force TEXT NOT NULL, month TEXT NOT NULL, lsoa TEXT NOT NULL,
            local_authority TEXT NOT NULL, {type_columns},
            PRIMARY KEY (force, month, lsoa)
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX police_counts_la ON police_counts(local_authority, month)")
    db.execute("CREATE INDEX police_counts_lsoa ON police_counts(lsoa, month)")
    # The same figures one row per crime type, for reading and ad-hoc SQL.
    db.execute("CREATE VIEW police_counts_long AS " + " UNION ALL ".join(
        f"SELECT force, month, lsoa, local_authority, '{slug}' AS indicator, "
        f'"{slug}" AS count FROM police_counts WHERE "{slug}" > 0' for slug in police_types))
    db.execute("""
        CREATE TABLE police_unplaced (
            force TEXT NOT NULL, month TEXT NOT NULL,
            indicator TEXT NOT NULL REFERENCES indicators(slug), count INTEGER NOT NULL,
            PRIMARY KEY (force, month, indicator)
        ) WITHOUT ROWID""")
    db.execute("""
        CREATE TABLE police_months (
            force TEXT NOT NULL, month TEXT NOT NULL, sha256 TEXT NOT NULL,
            ingest_id INTEGER NOT NULL REFERENCES ingests(id), rows INTEGER NOT NULL,
            PRIMARY KEY (force, month)
        ) WITHOUT ROWID""")
    db.execute("""CREATE TABLE "revisions" (
   "ingest_id" INTEGER REFERENCES "ingests"("id"),
   "month" TEXT,
   "local_authority" TEXT,
   "indicator" TEXT,
   "old" INTEGER,
   "new" INTEGER
)""")
    db.execute("""CREATE INDEX "idx_revisions_month_local_authority"
    ON "revisions" ("month", "local_authority")""")
