"""The store's schema, as sqlite-utils migrations applied in order by `data.db.open_db`.

Never edit a migration that has shipped: add a new one. Police.uk counts are kept at LSOA level
and per reporting force, so that partnerships and areas are sets of LSOAs defined later without
re-ingesting, and a later download from one force replaces only that force's figures.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cspbot")


@migrations(name="0001_indicators_and_police_counts")
def _police_counts(db: sqlite_utils.Database) -> None:
    from data.catalogue import ALIASES, CATALOGUE, POLICE_TYPES

    db.table("indicators").create({
        "slug": str, "name": str, "kind": str, "police_type": str, "unit": str,
        "polarity": str, "components": str, "description": str,
    }, pk="slug")
    db.table("indicators").insert_all(
        {"slug": i.slug, "name": i.name, "kind": i.kind, "police_type": i.police_type,
          "unit": i.unit, "polarity": i.polarity, "components": ",".join(i.components),
          "description": i.description} for i in CATALOGUE)
    db.table("indicator_aliases").create({"alias": str, "slug": str}, pk="alias",
                                   foreign_keys=[("slug", "indicators", "slug")])
    db.table("indicator_aliases").insert_all({"alias": a, "slug": s} for a, s in ALIASES.items())

    db.table("lsoas").create({"code": str, "name": str, "local_authority": str, "month": str},
                       pk="code")
    db.table("lsoas").create_index(["local_authority"])
    db.table("ingests").create({
        "id": int, "kind": str, "file": str, "sha256": str, "force": str, "months": str,
        "rows": int, "placed": int, "unplaced": int, "revised": int, "ingested_at": str,
    }, pk="id")
    # Wide: one row per force, month and LSOA, one column per police.uk crime type (a type
    # missing from a month is 0). Four times fewer rows than one per type, so ingest is fast.
    type_columns = ", ".join(f'"{i.slug}" INTEGER NOT NULL DEFAULT 0' for i in POLICE_TYPES)
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
        f"SELECT force, month, lsoa, local_authority, '{i.slug}' AS indicator, "
        f'"{i.slug}" AS count FROM police_counts WHERE "{i.slug}" > 0' for i in POLICE_TYPES))
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
    db.table("revisions").create({
        "ingest_id": int, "month": str, "local_authority": str, "indicator": str,
        "old": int, "new": int,
    }, foreign_keys=[("ingest_id", "ingests", "id")])
    db.table("revisions").create_index(["month", "local_authority"])
