-- migration 0001_indicators_and_police_counts
CREATE INDEX "idx_lsoas_local_authority"
    ON "lsoas" ("local_authority");
CREATE INDEX "idx_revisions_month_local_authority"
    ON "revisions" ("month", "local_authority");
CREATE INDEX police_counts_la ON police_counts(local_authority, month);
CREATE INDEX police_counts_lsoa ON police_counts(lsoa, month);
CREATE TABLE "indicator_aliases" (
   "alias" TEXT PRIMARY KEY,
   "slug" TEXT REFERENCES "indicators"("slug")
);
CREATE TABLE "indicators" (
   "slug" TEXT PRIMARY KEY,
   "name" TEXT,
   "kind" TEXT,
   "police_type" TEXT,
   "unit" TEXT,
   "polarity" TEXT,
   "components" TEXT,
   "description" TEXT
);
CREATE TABLE "ingests" (
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
);
CREATE TABLE "lsoas" (
   "code" TEXT PRIMARY KEY,
   "name" TEXT,
   "local_authority" TEXT,
   "month" TEXT
);
CREATE TABLE police_counts (
            force TEXT NOT NULL, month TEXT NOT NULL, lsoa TEXT NOT NULL,
            local_authority TEXT NOT NULL, "anti-social-behaviour" INTEGER NOT NULL DEFAULT 0, "bicycle-theft" INTEGER NOT NULL DEFAULT 0, "burglary" INTEGER NOT NULL DEFAULT 0, "criminal-damage-arson" INTEGER NOT NULL DEFAULT 0, "drugs" INTEGER NOT NULL DEFAULT 0, "other-crime" INTEGER NOT NULL DEFAULT 0, "other-theft" INTEGER NOT NULL DEFAULT 0, "possession-of-weapons" INTEGER NOT NULL DEFAULT 0, "public-order" INTEGER NOT NULL DEFAULT 0, "robbery" INTEGER NOT NULL DEFAULT 0, "shoplifting" INTEGER NOT NULL DEFAULT 0, "theft-from-the-person" INTEGER NOT NULL DEFAULT 0, "vehicle-crime" INTEGER NOT NULL DEFAULT 0, "violent-crime" INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (force, month, lsoa)
        ) WITHOUT ROWID;
CREATE TABLE police_months (
            force TEXT NOT NULL, month TEXT NOT NULL, sha256 TEXT NOT NULL,
            ingest_id INTEGER NOT NULL REFERENCES ingests(id), rows INTEGER NOT NULL,
            PRIMARY KEY (force, month)
        ) WITHOUT ROWID;
CREATE TABLE police_unplaced (
            force TEXT NOT NULL, month TEXT NOT NULL,
            indicator TEXT NOT NULL REFERENCES indicators(slug), count INTEGER NOT NULL,
            PRIMARY KEY (force, month, indicator)
        ) WITHOUT ROWID;
CREATE TABLE "revisions" (
   "ingest_id" INTEGER REFERENCES "ingests"("id"),
   "month" TEXT,
   "local_authority" TEXT,
   "indicator" TEXT,
   "old" INTEGER,
   "new" INTEGER
);
CREATE VIEW police_counts_long AS SELECT force, month, lsoa, local_authority, 'anti-social-behaviour' AS indicator, "anti-social-behaviour" AS count FROM police_counts WHERE "anti-social-behaviour" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'bicycle-theft' AS indicator, "bicycle-theft" AS count FROM police_counts WHERE "bicycle-theft" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'burglary' AS indicator, "burglary" AS count FROM police_counts WHERE "burglary" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'criminal-damage-arson' AS indicator, "criminal-damage-arson" AS count FROM police_counts WHERE "criminal-damage-arson" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'drugs' AS indicator, "drugs" AS count FROM police_counts WHERE "drugs" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'other-crime' AS indicator, "other-crime" AS count FROM police_counts WHERE "other-crime" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'other-theft' AS indicator, "other-theft" AS count FROM police_counts WHERE "other-theft" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'possession-of-weapons' AS indicator, "possession-of-weapons" AS count FROM police_counts WHERE "possession-of-weapons" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'public-order' AS indicator, "public-order" AS count FROM police_counts WHERE "public-order" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'robbery' AS indicator, "robbery" AS count FROM police_counts WHERE "robbery" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'shoplifting' AS indicator, "shoplifting" AS count FROM police_counts WHERE "shoplifting" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'theft-from-the-person' AS indicator, "theft-from-the-person" AS count FROM police_counts WHERE "theft-from-the-person" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'vehicle-crime' AS indicator, "vehicle-crime" AS count FROM police_counts WHERE "vehicle-crime" > 0 UNION ALL SELECT force, month, lsoa, local_authority, 'violent-crime' AS indicator, "violent-crime" AS count FROM police_counts WHERE "violent-crime" > 0;
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (1, 'anti social behaviour', 'anti-social-behaviour');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (2, 'asb', 'anti-social-behaviour');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (3, 'antisocial behaviour', 'anti-social-behaviour');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (4, 'nuisance', 'anti-social-behaviour');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (5, 'bicycle theft', 'bicycle-theft');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (6, 'bicycle', 'bicycle-theft');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (7, 'bike theft', 'bicycle-theft');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (8, 'bikes', 'bicycle-theft');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (9, 'cycle theft', 'bicycle-theft');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (10, 'burglary', 'burglary');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (11, 'burglaries', 'burglary');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (12, 'break ins', 'burglary');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (13, 'criminal damage arson', 'criminal-damage-arson');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (14, 'criminal damage and arson', 'criminal-damage-arson');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (15, 'damage', 'criminal-damage-arson');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (16, 'criminal damage', 'criminal-damage-arson');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (17, 'arson', 'criminal-damage-arson');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (18, 'vandalism', 'criminal-damage-arson');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (19, 'drugs', 'drugs');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (20, 'drug', 'drugs');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (21, 'drug offences', 'drugs');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (22, 'other crime', 'other-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (23, 'other theft', 'other-theft');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (24, 'theft', 'other-theft');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (25, 'possession of weapons', 'possession-of-weapons');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (26, 'weapons', 'possession-of-weapons');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (27, 'weapon', 'possession-of-weapons');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (28, 'knife crime', 'possession-of-weapons');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (29, 'public order', 'public-order');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (30, 'public order offences', 'public-order');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (31, 'disorder', 'public-order');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (32, 'robbery', 'robbery');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (33, 'robberies', 'robbery');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (34, 'mugging', 'robbery');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (35, 'shoplifting', 'shoplifting');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (36, 'shop theft', 'shoplifting');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (37, 'theft from the person', 'theft-from-the-person');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (38, 'theft from person', 'theft-from-the-person');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (39, 'pickpocketing', 'theft-from-the-person');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (40, 'vehicle crime', 'vehicle-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (41, 'vehicle', 'vehicle-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (42, 'vehicles', 'vehicle-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (43, 'car crime', 'vehicle-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (44, 'violent crime', 'violent-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (45, 'violence and sexual offences', 'violent-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (46, 'violence', 'violent-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (47, 'violent', 'violent-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (48, 'assault', 'violent-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (49, 'all crime', 'all-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (50, 'all', 'all-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (51, 'crime', 'all-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (52, 'total crime', 'all-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (53, 'serious acquisitive crime', 'serious-acquisitive-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (54, 'sac', 'serious-acquisitive-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (55, 'serious acquisitive', 'serious-acquisitive-crime');
INSERT INTO "indicator_aliases" (rowid, alias, slug) VALUES (56, 'acquisitive crime', 'serious-acquisitive-crime');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (1, 'anti-social-behaviour', 'Anti-social behaviour', 'police', 'Anti-social behaviour', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (2, 'bicycle-theft', 'Bicycle theft', 'police', 'Bicycle theft', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (3, 'burglary', 'Burglary', 'police', 'Burglary', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (4, 'criminal-damage-arson', 'Criminal damage and arson', 'police', 'Criminal damage and arson', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (5, 'drugs', 'Drugs', 'police', 'Drugs', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (6, 'other-crime', 'Other crime', 'police', 'Other crime', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (7, 'other-theft', 'Other theft', 'police', 'Other theft', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (8, 'possession-of-weapons', 'Possession of weapons', 'police', 'Possession of weapons', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (9, 'public-order', 'Public order', 'police', 'Public order', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (10, 'robbery', 'Robbery', 'police', 'Robbery', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (11, 'shoplifting', 'Shoplifting', 'police', 'Shoplifting', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (12, 'theft-from-the-person', 'Theft from the person', 'police', 'Theft from the person', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (13, 'vehicle-crime', 'Vehicle crime', 'police', 'Vehicle crime', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (14, 'violent-crime', 'Violence and sexual offences', 'police', 'Violence and sexual offences', 'count', 'lower-is-better', '', '');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (15, 'all-crime', 'All crime', 'derived', NULL, 'count', 'lower-is-better', 'bicycle-theft,burglary,criminal-damage-arson,drugs,other-crime,other-theft,possession-of-weapons,public-order,robbery,shoplifting,theft-from-the-person,vehicle-crime,violent-crime', 'every police.uk crime type except anti-social behaviour');
INSERT INTO "indicators" (rowid, slug, name, kind, police_type, unit, polarity, components, description) VALUES (16, 'serious-acquisitive-crime', 'Serious acquisitive crime', 'derived', NULL, 'count', 'lower-is-better', 'burglary,robbery,vehicle-crime', 'burglary + robbery + vehicle crime');

-- migration 0002_partnerships
CREATE INDEX action_updates_action ON action_updates(partnership, action, at);
CREATE INDEX people_slack ON people(slack_id);
CREATE INDEX people_teams ON people(teams_id);
CREATE TABLE action_outputs (
        partnership TEXT NOT NULL, action TEXT NOT NULL, position INTEGER NOT NULL,
        measure TEXT NOT NULL, unit TEXT, target REAL, current REAL, file_current REAL,
        PRIMARY KEY (partnership, action, position),
        FOREIGN KEY (partnership, action) REFERENCES actions(partnership, id));
CREATE TABLE action_updates (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL, action TEXT NOT NULL,
        at TEXT NOT NULL, by TEXT NOT NULL, source TEXT NOT NULL, field TEXT NOT NULL,
        old TEXT, new TEXT, note TEXT);
CREATE TABLE actions (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        title TEXT NOT NULL, theme TEXT, priority TEXT, lead TEXT, status TEXT NOT NULL,
        due TEXT, position INTEGER NOT NULL, file_status TEXT, version INTEGER NOT NULL,
        updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
        PRIMARY KEY (partnership, id));
CREATE TABLE agencies (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, kind TEXT, PRIMARY KEY (partnership, id));
CREATE TABLE area_members (
        partnership TEXT NOT NULL, area TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (partnership, area, kind, value),
        FOREIGN KEY (partnership, area) REFERENCES areas(partnership, id));
CREATE TABLE areas (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (partnership, id));
CREATE TABLE "indicators" (
   "slug" TEXT PRIMARY KEY,
   "name" TEXT,
   "kind" TEXT,
   "police_type" TEXT,
   "unit" TEXT,
   "polarity" TEXT,
   "components" TEXT,
   "description" TEXT
, "partnership" TEXT, "sensitive" INTEGER NOT NULL DEFAULT 0);
CREATE TABLE monthly_values (
        partnership TEXT NOT NULL, area TEXT NOT NULL, indicator TEXT NOT NULL,
        month TEXT NOT NULL, value REAL NOT NULL, source TEXT NOT NULL,
        ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, indicator, month)) WITHOUT ROWID;
CREATE TABLE partnerships (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, formerly TEXT, time_zone TEXT NOT NULL,
        file TEXT, sha256 TEXT, loaded_at TEXT);
CREATE TABLE people (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, agency TEXT, role TEXT NOT NULL, slack_id TEXT, teams_id TEXT,
        PRIMARY KEY (partnership, id));
CREATE TABLE population (
        partnership TEXT NOT NULL, area TEXT NOT NULL, financial_year TEXT NOT NULL,
        population INTEGER NOT NULL, ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, financial_year));
CREATE TABLE priorities (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, level TEXT NOT NULL, delivery_group TEXT, period_start TEXT,
        period_end TEXT, indicators TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (partnership, id));
CREATE TABLE priority_leads (
        partnership TEXT NOT NULL, priority TEXT NOT NULL, agency TEXT NOT NULL,
        PRIMARY KEY (partnership, priority, agency));
CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL REFERENCES partnerships(id),
        platform TEXT NOT NULL, channel TEXT NOT NULL, schedule TEXT NOT NULL,
        time_zone TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, source TEXT NOT NULL,
        UNIQUE (partnership, platform, channel));
CREATE TABLE survey_results (
        partnership TEXT NOT NULL, area TEXT NOT NULL, indicator TEXT NOT NULL,
        wave TEXT NOT NULL, fieldwork_end TEXT NOT NULL, percent REAL, weighted_count REAL,
        base_n INTEGER NOT NULL, design_effect REAL NOT NULL,
        ingest_id INTEGER REFERENCES ingests(id),
        PRIMARY KEY (partnership, area, indicator, wave));
CREATE TABLE targets (
        partnership TEXT NOT NULL REFERENCES partnerships(id), indicator TEXT NOT NULL,
        area TEXT NOT NULL, baseline_year TEXT NOT NULL, reduction_pct REAL, target_value REAL,
        target_year TEXT NOT NULL, PRIMARY KEY (partnership, indicator, area));
CREATE TABLE themes (
        partnership TEXT NOT NULL REFERENCES partnerships(id), id TEXT NOT NULL,
        name TEXT NOT NULL, priority TEXT, position INTEGER NOT NULL,
        PRIMARY KEY (partnership, id));
CREATE TRIGGER action_updates_never_deleted BEFORE DELETE ON action_updates
        BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never deleted'); END;
CREATE TRIGGER action_updates_never_edited BEFORE UPDATE ON action_updates
        BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never edited'); END;
-- "indicators"."partnership" in the rows already there: NULL
-- "indicators"."sensitive" in the rows already there: 0

-- migration 0003_briefing_runs_and_value_revisions
CREATE INDEX briefing_runs_partnership ON briefing_runs(partnership, built_at);
CREATE TABLE briefing_runs (
        id INTEGER PRIMARY KEY, partnership TEXT NOT NULL REFERENCES partnerships(id),
        month TEXT NOT NULL, built_at TEXT NOT NULL, purpose TEXT NOT NULL);
CREATE TABLE value_revisions (
        ingest_id INTEGER NOT NULL REFERENCES ingests(id), partnership TEXT NOT NULL,
        area TEXT NOT NULL, indicator TEXT NOT NULL, period TEXT NOT NULL, old REAL,
        new REAL);

-- migration 0004_partnership_channels
CREATE TABLE partnership_channels (
        partnership TEXT NOT NULL REFERENCES partnerships(id), platform TEXT NOT NULL,
        channel TEXT NOT NULL, PRIMARY KEY (platform, channel));

-- migration 0005_delivery_ledger
CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY, subscription INTEGER NOT NULL REFERENCES subscriptions(id),
        partnership TEXT NOT NULL, platform TEXT NOT NULL, channel TEXT NOT NULL,
        period TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL, late INTEGER NOT NULL DEFAULT 0, forced_reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, first_due TEXT, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, delivered_at TEXT, last_error TEXT,
        notified_waiting INTEGER NOT NULL DEFAULT 0, alerted_failure INTEGER NOT NULL DEFAULT 0,
        UNIQUE (subscription, period, generation));
CREATE TABLE delivery_parts (
        delivery INTEGER NOT NULL REFERENCES deliveries(id), part TEXT NOT NULL,
        position INTEGER NOT NULL, ref TEXT, done_at TEXT NOT NULL,
        PRIMARY KEY (delivery, part));

-- migration 0006_teams_conversations
CREATE TABLE teams_conversations (
    conversation TEXT PRIMARY KEY, service_url TEXT NOT NULL, tenant TEXT, kind TEXT,
    team TEXT, name TEXT, added_by TEXT, updated_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1);

-- migration 0007_answers
CREATE TABLE answers (
    partnership TEXT NOT NULL, question TEXT NOT NULL, version TEXT NOT NULL,
    as_of TEXT NOT NULL, body TEXT NOT NULL, chart BLOB, made_at TEXT NOT NULL,
    PRIMARY KEY (partnership, question));

-- migration 0008_partnership_as_of
CREATE TABLE partnerships (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, formerly TEXT, time_zone TEXT NOT NULL,
        file TEXT, sha256 TEXT, loaded_at TEXT, as_of TEXT);

-- migration 0009_audit_chain
CREATE TABLE action_updates (
        id INTEGER PRIMARY KEY AUTOINCREMENT, partnership TEXT NOT NULL, action TEXT NOT NULL,
        at TEXT NOT NULL, by TEXT NOT NULL, source TEXT NOT NULL, field TEXT NOT NULL,
        old TEXT, new TEXT, note TEXT, person_id TEXT, chat_id TEXT, hash TEXT NOT NULL);
CREATE TABLE sqlite_sequence(name,seq);
CREATE TRIGGER action_updates_never_deleted BEFORE DELETE ON action_updates BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never deleted'); END;
CREATE TRIGGER action_updates_never_edited BEFORE UPDATE ON action_updates BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never edited'); END;
CREATE TRIGGER action_updates_never_replaced BEFORE INSERT ON action_updates WHEN EXISTS (SELECT 1 FROM action_updates WHERE id = NEW.id) BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never replaced (an id is never given twice)'); END;
CREATE TRIGGER action_updates_only_appended AFTER INSERT ON action_updates WHEN NEW.id < 1 OR NEW.id < (SELECT MAX(id) FROM action_updates) BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: rows are only added at the end'); END;

-- migration 0010_chat_commands
CREATE INDEX chat_commands_finished ON chat_commands (finished_at);
CREATE INDEX chat_commands_open ON chat_commands (owner)
        WHERE state IN ('pending', 'sending');
CREATE TABLE chat_commands (
        id INTEGER PRIMARY KEY, platform TEXT NOT NULL, user_id TEXT NOT NULL,
        channel_id TEXT, text TEXT NOT NULL, response_url TEXT NOT NULL,
        received_at TEXT NOT NULL, owner TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'answered', 'told', 'failed')),
        resumed INTEGER NOT NULL DEFAULT 0, finished_at TEXT);

-- migration 0011_home_forces_and_incomplete_months
CREATE TABLE partnerships (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, formerly TEXT, time_zone TEXT NOT NULL,
        file TEXT, sha256 TEXT, loaded_at TEXT, as_of TEXT, forces TEXT NOT NULL DEFAULT '[]');
CREATE TABLE police_incomplete (
        force TEXT NOT NULL, month TEXT NOT NULL, unplaced INTEGER NOT NULL,
        rows INTEGER NOT NULL, share REAL NOT NULL, usual_share REAL NOT NULL,
        usual_unplaced INTEGER NOT NULL, PRIMARY KEY (force, month)) WITHOUT ROWID;

-- migration 0012_lsoa_boundaries
CREATE INDEX police_points_location ON police_points (location, latitude);
CREATE TABLE lsoa_lookup (
        old TEXT NOT NULL, new TEXT NOT NULL, change TEXT,
        ingest_id INTEGER NOT NULL REFERENCES ingests(id),
        PRIMARY KEY (old, new)
    ) WITHOUT ROWID;
CREATE TABLE police_point_months (
        force TEXT NOT NULL, month TEXT NOT NULL, PRIMARY KEY (force, month)
    ) WITHOUT ROWID;
CREATE TABLE police_points (
        force TEXT NOT NULL, lsoa TEXT NOT NULL, location TEXT NOT NULL,
        longitude REAL NOT NULL, latitude REAL NOT NULL,
        first_month TEXT NOT NULL, last_month TEXT NOT NULL, rows INTEGER NOT NULL,
        PRIMARY KEY (lsoa, location, longitude, latitude, force)
    ) WITHOUT ROWID;

-- migration 0013_context_notes
CREATE INDEX context_note_log_partnership ON context_note_log (partnership, at);
CREATE INDEX context_notes_partnership ON context_notes (partnership, first_month);
CREATE TABLE context_note_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, partnership TEXT NOT NULL,
        note INTEGER NOT NULL, event TEXT NOT NULL CHECK (event IN ('added', 'deleted')),
        at TEXT NOT NULL, by TEXT NOT NULL, route TEXT NOT NULL, person_id TEXT,
        chat_id TEXT, channel TEXT, first_month TEXT NOT NULL, last_month TEXT NOT NULL,
        text TEXT NOT NULL);
CREATE TABLE context_notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        partnership TEXT NOT NULL REFERENCES partnerships(id),
        first_month TEXT NOT NULL, last_month TEXT NOT NULL, text TEXT NOT NULL,
        label TEXT, area TEXT,
        source TEXT NOT NULL CHECK (source IN ('file', 'chat')),
        added_by TEXT NOT NULL, added_at TEXT NOT NULL,
        CHECK (first_month <= last_month));
CREATE TRIGGER context_note_log_never_deleted BEFORE DELETE ON context_note_log BEGIN SELECT RAISE(ABORT, 'context_note_log is a log: never deleted'); END;
CREATE TRIGGER context_note_log_never_edited BEFORE UPDATE ON context_note_log BEGIN SELECT RAISE(ABORT, 'context_note_log is a log: never edited'); END;

-- migration 0014_partnership_peers
CREATE TABLE partnerships (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, formerly TEXT, time_zone TEXT NOT NULL,
        file TEXT, sha256 TEXT, loaded_at TEXT, as_of TEXT, forces TEXT NOT NULL DEFAULT '[]', peers TEXT NOT NULL DEFAULT '[]');

-- migration 0015_police_places
CREATE INDEX police_places_force ON police_places (force);
CREATE TABLE police_place_counts (
        month TEXT NOT NULL, place INTEGER NOT NULL REFERENCES police_places(id), "anti-social-behaviour" INTEGER NOT NULL, "bicycle-theft" INTEGER NOT NULL, "burglary" INTEGER NOT NULL, "criminal-damage-arson" INTEGER NOT NULL, "drugs" INTEGER NOT NULL, "other-crime" INTEGER NOT NULL, "other-theft" INTEGER NOT NULL, "possession-of-weapons" INTEGER NOT NULL, "public-order" INTEGER NOT NULL, "robbery" INTEGER NOT NULL, "shoplifting" INTEGER NOT NULL, "theft-from-the-person" INTEGER NOT NULL, "vehicle-crime" INTEGER NOT NULL, "violent-crime" INTEGER NOT NULL,
        PRIMARY KEY (month, place)
    ) WITHOUT ROWID;
CREATE TABLE police_places (
        id INTEGER PRIMARY KEY, force TEXT NOT NULL, lsoa TEXT NOT NULL,
        location TEXT NOT NULL, longitude REAL NOT NULL, latitude REAL NOT NULL
    );
