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


def load_demo(db: sqlite_utils.Database) -> DemoReport:
    """Load kettering.toml and the demo figures; loading again changes nothing."""
    partnership = load_partnership(db, SEED / "kettering.toml", as_of=DEMO_AS_OF)
    files = [ingest_csv(db, kind, SEED / name, partnership.partnership, source="demo")
             for kind, name in DEMO_FILES if (SEED / name).exists()]
    return DemoReport(partnership, files)
