"""The store's schema, as sqlite-utils migrations applied in order by `data.db.open_db`.

One module a migration, m<NAME>.py, holding its NAME and its `migrate(db)`; STEPS lists them in
the order they apply, and `migrations` is the sqlite-utils migration set made from them.

Never edit a migration that has shipped: add a new module, at the end of STEPS. Each migration
holds its SQL and its data literally and imports nothing from the project, so that editing another
module (the catalogue, a table's queries) never changes what a shipped migration does:
tests/test_migrations.py checks a fresh store against tests/golden/schema.sql. Only `data.db`
imports this package.

Police.uk counts are kept at LSOA level and per reporting force, so that partnerships and areas
are sets of LSOAs defined later without re-ingesting, and a later download from one force
replaces only that force's figures.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

from data.migrations import (
    m0001_indicators_and_police_counts,
    m0002_partnerships,
    m0003_briefing_runs_and_value_revisions,
    m0004_partnership_channels,
    m0005_delivery_ledger,
    m0006_teams_conversations,
    m0007_answers,
    m0008_partnership_as_of,
    m0009_audit_chain,
    m0010_chat_commands,
    m0011_home_forces_and_incomplete_months,
    m0012_lsoa_boundaries,
    m0013_context_notes,
    m0014_partnership_peers,
    m0015_police_places,
)

STEPS = (  # in the order they apply; a new migration goes at the end
    m0001_indicators_and_police_counts,
    m0002_partnerships,
    m0003_briefing_runs_and_value_revisions,
    m0004_partnership_channels,
    m0005_delivery_ledger,
    m0006_teams_conversations,
    m0007_answers,
    m0008_partnership_as_of,
    m0009_audit_chain,
    m0010_chat_commands,
    m0011_home_forces_and_incomplete_months,
    m0012_lsoa_boundaries,
    m0013_context_notes,
    m0014_partnership_peers,
    m0015_police_places,
)

migrations = Migrations("cspbot")
for _step in STEPS:
    migrations(name=_step.NAME)(_step.migrate)
