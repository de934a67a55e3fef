"""The demo: the Kettering partnership (from its 2010 report) with an illustrative data set.

The figures in data/seed/demo-*.csv are made by data/seed/generate_demo.py. They are NOT real
Kettering figures: they are shaped so that METHOD.md reproduces the report's conclusions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from data.loaders import LoadResult, ingest_csv
from data.partnership import LoadReport, load_partnership

SEED = Path(__file__).resolve().parent / "seed"
DEMO_FILES = (("values", "demo-values.csv"), ("survey", "demo-survey.csv"),
              ("population", "demo-population.csv"))


@dataclass
class DemoReport:
    partnership: LoadReport
    files: list[LoadResult]


# The demo's figures end in March 2010; its briefing would go out on 7 April 2010 (the third
# working day), so the demo takes that day as today: its action plan reads as it did then.
DEMO_AS_OF = "2010-04-07"


DEMO_ADMIN = "csp-manager"  # the demo's partnership admin (Alex Example)


def load_demo(db: sqlite_utils.Database, teams_user: str | None = None,
              slack_user: str | None = None) -> DemoReport:
    """Load kettering.toml and the demo figures; loading again changes nothing. A chat user id
    given (e.g. the Agents Playground's user) becomes the demo admin's, so that it can ask as
    the admin, on the demo's own date (`as_of`), with the file's LSOA lookup beside it."""
    partnership = load_partnership(db, SEED / "kettering.toml", as_of=DEMO_AS_OF)
    files = [ingest_csv(db, kind, SEED / name, partnership.partnership, source="demo")
             for kind, name in DEMO_FILES if (SEED / name).exists()]
    for column, user in (("teams_id", teams_user), ("slack_id", slack_user)):
        if user:
            with db.conn:
                db.execute(f"UPDATE people SET {column} = ? WHERE partnership = ? AND id = ?",
                           (user.strip(), partnership.partnership, DEMO_ADMIN))
    return DemoReport(partnership, files)
