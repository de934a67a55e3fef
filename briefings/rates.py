"""Rates per 1,000 residents next to the counts of an indicator answer (issue 14), wherever the
area's population is loaded (`cspbot ingest population`): the latest 12 months' count over the
population of their financial year (or the latest loaded before it), and the same for the 12
months before. Counts that sensitive series suppress give no rate, which would tell them.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from briefings.inputs import SeriesSpec
from briefings.model import Fact, Section
from data.comparison import population_of

LABEL = "Per 1,000 residents"


def rate_text(count: float, population: int) -> str:
    rate = count / population * 1000
    return f"{rate:,.1f}" if rate >= 1 else f"{rate:.2f}"


def add_rate(db: sqlite_utils.Database, pid: str, section: Section, spec: SeriesSpec,
             judged: dict[str, Any] | None, suppress_below: int) -> None:
    """Add "Per 1,000 residents: 4.2 in the latest 12 months, against 3.9 in the 12 months
    before (population 183,000 in 2025/26)" after the section's "Latest 12 months" fact."""
    yoy = (judged or {}).get("yoy")
    if spec.kind != "monthly" or spec.unit != "count" or not yoy:
        return
    now, before = yoy["count_current"], yoy["count_previous"]
    if spec.sensitive and (0 < now < suppress_below or 0 < before < suppress_below):
        return
    population, year = population_of(db, pid, spec.area, yoy["current_months"][-1])
    if population is None:
        return
    text = f"{rate_text(now, population)} in the latest 12 months"
    earlier, _ = population_of(db, pid, spec.area, yoy["previous_months"][-1])
    if earlier:
        text += f", against {rate_text(before, earlier)} in the 12 months before"
    text += f" (population {population:,} in {year})"
    at = next((n + 1 for n, f in enumerate(section.facts)
               if f.label.startswith("Latest 12 months")), len(section.facts))
    section.facts.insert(at, Fact(LABEL, text))


def has_population(db: sqlite_utils.Database, pid: str, area: str) -> bool:
    """Is any population loaded for the area?"""
    return db.execute("SELECT 1 FROM population WHERE partnership = ? AND area = ? LIMIT 1",
                      (pid, area)).fetchone() is not None
