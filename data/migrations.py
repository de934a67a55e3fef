"""The store's schema, as sqlite-utils migrations applied in order by `data.db.open_db`.

Never edit a migration that has shipped: add a new one. Each migration holds its SQL and its data
literally and imports nothing from the project, so that editing another module (the catalogue, a
table's queries) never changes what a shipped migration does: tests/test_migrations.py checks a
fresh store against tests/golden/schema.sql. Only `data.db` imports this module.

Police.uk counts are kept at LSOA level and per reporting force, so that partnerships and areas
are sets of LSOAs defined later without re-ingesting, and a later download from one force
replaces only that force's figures.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cspbot")


@migrations(name="0001_indicators_and_police_counts")
def _police_counts(db: sqlite_utils.Database) -> None:
    """The national indicators and their words, LSOAs, ingests, and police.uk's counts."""
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


@migrations(name="0002_partnerships")
def _partnerships(db: sqlite_utils.Database) -> None:
    """Partnerships, their areas, people, priorities, action plans, targets and local figures."""
    # The SQL sqlite-utils' add_column() wrote when this shipped. `partnership`: the owner of
    # a local indicator.
    db.execute('ALTER TABLE "indicators" ADD COLUMN "partnership" TEXT')
    db.execute('ALTER TABLE "indicators" ADD COLUMN "sensitive" INTEGER NOT NULL DEFAULT 0')
    # One statement each: sqlite3's executescript() would commit the migration's transaction.
    statements = [
        """CREATE TABLE partnerships (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, formerly TEXT, time_zone TEXT NOT NULL,
        file TEXT, sha256 TEXT, loaded_at TEXT)""",
        """CREATE TABLE areas (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (partnership, id))""",
        """CREATE TABLE area_members (
        partnership TEXT NOT NULL, area TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (partnership, area, kind, value),
        FOREIGN KEY (partnership, area) REFERENCES areas(partnership, id))""",
        """CREATE TABLE agencies (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, kind TEXT, PRIMARY KEY (partnership, id))""",
        """CREATE TABLE people (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, agency TEXT, role TEXT NOT NULL, slack_id TEXT, teams_id TEXT,
        PRIMARY KEY (partnership, id))""",
        """CREATE INDEX people_slack ON people(slack_id)""",
        """CREATE INDEX people_teams ON people(teams_id)""",
        """CREATE TABLE priorities (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, level TEXT NOT NULL, delivery_group TEXT, period_start TEXT,
        period_end TEXT, indicators TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (partnership, id))""",
        """CREATE TABLE priority_leads (
        partnership TEXT NOT NULL, priority TEXT NOT NULL, agency TEXT NOT NULL,
        PRIMARY KEY (partnership, priority, agency))""",
        """CREATE TABLE themes (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, priority TEXT, position INTEGER NOT NULL,
        PRIMARY KEY (partnership, id))""",
        """CREATE TABLE actions (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        title TEXT NOT NULL, theme TEXT, priority TEXT, lead TEXT, status TEXT NOT NULL,
        due TEXT, position INTEGER NOT NULL, file_status TEXT, version INTEGER NOT NULL,
        updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
        PRIMARY KEY (partnership, id))""",
        """CREATE TABLE action_outputs (
        partnership TEXT NOT NULL, action TEXT NOT NULL, position INTEGER NOT NULL,
        measure TEXT NOT NULL, unit TEXT, target REAL, current REAL, file_current REAL,
        PRIMARY KEY (partnership, action, position),
        FOREIGN KEY (partnership, action) REFERENCES actions(partnership, id))""",
        """-- The audit trail: one row per change, never edited or deleted.
    CREATE TABLE action_updates (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL, action TEXT NOT NULL,
        at TEXT NOT NULL, by TEXT NOT NULL, source TEXT NOT NULL, field TEXT NOT NULL,
        old TEXT, new TEXT, note TEXT)""",
        """CREATE INDEX action_updates_action ON action_updates(partnership, action, at)""",
        """CREATE TRIGGER action_updates_never_edited BEFORE UPDATE ON action_updates
        BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never edited'); END""",
        """CREATE TRIGGER action_updates_never_deleted BEFORE DELETE ON action_updates
        BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never deleted'); END""",
        """CREATE TABLE targets (
        partnership TEXT NOT NULL REFERENCES partnerships(id), indicator TEXT NOT NULL,
        area TEXT NOT NULL, baseline_year TEXT NOT NULL, reduction_pct REAL, target_value REAL,
        target_year TEXT NOT NULL, PRIMARY KEY (partnership, indicator, area))""",
        """CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL REFERENCES partnerships(id),
        platform TEXT NOT NULL, channel TEXT NOT NULL, schedule TEXT NOT NULL,
        time_zone TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, source TEXT NOT NULL,
        UNIQUE (partnership, platform, channel))""",
        """CREATE TABLE monthly_values (
        partnership TEXT NOT NULL, area TEXT NOT NULL, indicator TEXT NOT NULL,
        month TEXT NOT NULL, value REAL NOT NULL, source TEXT NOT NULL,
        ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, indicator, month)) WITHOUT ROWID""",
        """CREATE TABLE survey_results (
        partnership TEXT NOT NULL, area TEXT NOT NULL, indicator TEXT NOT NULL,
        wave TEXT NOT NULL, fieldwork_end TEXT NOT NULL, percent REAL, weighted_count REAL,
        base_n INTEGER NOT NULL, design_effect REAL NOT NULL,
        ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, indicator, wave))""",
        """CREATE TABLE population (
        partnership TEXT NOT NULL, area TEXT NOT NULL, financial_year TEXT NOT NULL,
        population INTEGER NOT NULL, ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, financial_year))""",
    ]
    for statement in statements:
        db.execute(statement)


@migrations(name="0003_briefing_runs_and_value_revisions")
def _briefing_runs(db: sqlite_utils.Database) -> None:
    """When each briefing was published, and every local figure a later file revised."""
    db.execute("""CREATE TABLE briefing_runs (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL REFERENCES partnerships(id),
        month TEXT NOT NULL, built_at TEXT NOT NULL, purpose TEXT NOT NULL)""")
    db.execute("CREATE INDEX briefing_runs_partnership ON briefing_runs(partnership, built_at)")
    db.execute("""CREATE TABLE value_revisions (
        ingest_id INTEGER NOT NULL REFERENCES ingests(id), partnership TEXT NOT NULL,
        area TEXT NOT NULL, indicator TEXT NOT NULL, period TEXT NOT NULL, old REAL,
        new REAL)""")


@migrations(name="0004_partnership_channels")
def _partnership_channels(db: sqlite_utils.Database) -> None:
    """The chat channels where a partnership answers (besides its subscriptions' channels)."""
    db.execute("""CREATE TABLE partnership_channels (
        partnership TEXT NOT NULL REFERENCES partnerships(id), platform TEXT NOT NULL,
        channel TEXT NOT NULL, PRIMARY KEY (platform, channel))""")


@migrations(name="0005_delivery_ledger")
def _delivery_ledger(db: sqlite_utils.Database) -> None:
    """The exactly-once ledger of scheduled briefings: one row per subscription, period and
    generation (a forced re-send is a new generation), and each part of the post as it lands."""
    db.execute("""CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY, subscription INTEGER NOT NULL REFERENCES subscriptions(id),
        partnership TEXT NOT NULL, platform TEXT NOT NULL, channel TEXT NOT NULL,
        period TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL, late INTEGER NOT NULL DEFAULT 0, forced_reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, first_due TEXT, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, delivered_at TEXT, last_error TEXT,
        notified_waiting INTEGER NOT NULL DEFAULT 0, alerted_failure INTEGER NOT NULL DEFAULT 0,
        UNIQUE (subscription, period, generation))""")
    db.execute("""CREATE TABLE delivery_parts (
        delivery INTEGER NOT NULL REFERENCES deliveries(id), part TEXT NOT NULL,
        position INTEGER NOT NULL, ref TEXT, done_at TEXT NOT NULL,
        PRIMARY KEY (delivery, part))""")


@migrations(name="0006_teams_conversations")
def _teams_conversations(db: sqlite_utils.Database) -> None:
    """Where each Teams conversation is reached (service URL, tenant), kept at installation so
    that briefings can be posted there later."""
    db.execute("""CREATE TABLE IF NOT EXISTS teams_conversations (
    conversation TEXT PRIMARY KEY, service_url TEXT NOT NULL, tenant TEXT, kind TEXT,
    team TEXT, name TEXT, added_by TEXT, updated_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1)""")


@migrations(name="0007_answers")
def _answers(db: sqlite_utils.Database) -> None:
    """Prepared chat answers (sentence, facts, chart), kept until the data change."""
    db.execute("""CREATE TABLE IF NOT EXISTS answers (
    partnership TEXT NOT NULL, question TEXT NOT NULL, version TEXT NOT NULL,
    as_of TEXT NOT NULL, body TEXT NOT NULL, chart BLOB, made_at TEXT NOT NULL,
    PRIMARY KEY (partnership, question))""")


@migrations(name="0008_partnership_as_of")
def _partnership_as_of(db: sqlite_utils.Database) -> None:
    """The date a demonstration or training partnership takes as today (partnership file
    `as_of`); NULL, the real date, for a live partnership."""
    db.execute("ALTER TABLE partnerships ADD COLUMN as_of TEXT")
