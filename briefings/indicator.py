"""One indicator in one area, judged as the briefing judges it: what `/csp burglary` answers.

This is the costly part (statistics and a chart, ~150 ms); briefings/answers.py decides when
it runs and keeps what it says.
"""

from __future__ import annotations

import sqlite_utils

from briefings.assess import assess
from briefings.inputs import (
    SeriesSpec,
    assess_input,
    cut_series,
    note_context,
    note_left_out,
)
from briefings.method import MethodSettings
from briefings.model import Section
from briefings.sections import make_section
from data import briefing_data as store
from data.errors import DataError
from data.values import partnership_values


def latest_month(db: sqlite_utils.Database, pid: str, indicator: str, area: str) -> str | None:
    rows = partnership_values(db, pid, area, indicator)
    return max((r.month for r in rows), default=None)


def judge(db: sqlite_utils.Database, pid: str, indicator: str, area: str, month: str | None,
          settings: MethodSettings | None, suppress_below: int) -> tuple[Section, str]:
    """(the section, the month it is as of) for `indicator` in `area` of partnership `pid`,
    worked out now (briefings/answers.py keeps it)."""
    meta = store.indicator_meta(db, pid)[indicator]
    areas = store.areas(db, pid)
    target = next((t for t in store.targets(db, pid)
                   if t["indicator"] == indicator and t["area"] == area), None)
    spec = SeriesSpec(
        key=f"{indicator}@{area}", indicator=indicator, area=area,
        kind="survey" if meta["kind"] == "survey" else "monthly", name=meta["name"],
        area_name=areas[area]["name"], unit=meta["unit"], polarity=meta["polarity"],
        sensitive=bool(meta["sensitive"]) and areas[area]["kind"] != "partnership",
        target=target)
    where = f"{meta['name']} in {areas[area]['name']}"
    if spec.kind == "survey":
        spec.waves = [w for w in store.survey_waves(db, pid, month or "9999-12")
                      if w["indicator"] == indicator and w["area"] == area]
        if not spec.waves:
            raise DataError(f"No survey results for {where} yet.")
        as_of = spec.waves[-1]["fieldwork_end"]
    else:
        rows = partnership_values(db, pid, area, indicator, end=month)
        if not rows:
            held = latest_month(db, pid, indicator, area)
            raise DataError(f"No figures for {where}" + (f" up to {month}" if month else "")
                            + "." + (f" The first figures are after {month}; the latest is "
                                     f"{held}." if held else " Import some first."))
        as_of = month or max(r.month for r in rows)
        cut_series(spec, {r.month: (r.value, r.source) for r in rows}, as_of)
        note_left_out(db, pid, spec)
        note_context(db, pid, spec)
    document, used = assess_input([spec], {area: store.population(db, pid, area)})
    judged = None
    if used:
        out = assess(document, settings)
        judged = (out["series"] + out["surveys"])[0]
    owner = store.owners(db, pid).get(indicator)
    return make_section(spec, judged, owner, pid, as_of, suppress_below).section, as_of
