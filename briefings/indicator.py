"""One indicator in one area, judged as the briefing judges it: what `/csp burglary` answers.

The month asked for must be held for the partnership (METHOD 2.9, data/held.py); without one,
the answer is as of the latest held month with a figure.

This is the costly part (statistics and a chart, ~150 ms); briefings/answers.py decides when
it runs and keeps what it says.
"""

from __future__ import annotations

import sqlite_utils

from briefings.assess import assess
from briefings.comparison import add_comparison
from briefings.inputs import (
    SeriesSpec,
    assess_input,
    cut_series,
    note_context,
    note_left_out,
)
from briefings.method import MethodSettings
from briefings.model import Section
from briefings.rates import add_rate
from briefings.sections import make_section
from data import briefing_data as store
from data.coverage import months_held
from data.errors import DataError
from data.held import not_held
from data.partnerships import own_date
from data.values import partnership_values


def latest_month(db: sqlite_utils.Database, pid: str, indicator: str, area: str) -> str | None:
    rows = partnership_values(db, pid, area, indicator)
    return max((r.month for r in rows), default=None)


def held_as_of(held: list[str], months: list[str], where: str) -> str:
    """The latest held month with a figure in the series (`months`): what an answer with no
    month asked for is as of. Rows that other forces place after it never make a later month
    held (METHOD 2.9). A DataError when no month of the series is held (then the partnership's
    own indicator of the same words may answer: handlers/indicator.py)."""
    within = set(held)
    latest = max((m for m in months if m in within), default=None)
    if latest is None:
        raise DataError(f"No figures for {where} in a month held for the partnership"
                        + (f" (the latest held is {held[-1]})." if held else ": none is held."),
                        "Import the home force's police.uk files with `cspbot ingest police-uk "
                        "FILES`.")
    return latest


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
        held = months_held(db, pid, area)
        own = own_date(db, pid)  # a demonstration answers as of its own date
        if month is None and own:
            held = [m for m in held if m < own[:7]]
        if month is not None and month not in held:
            raise not_held(db, pid, month, held, area)
        rows = partnership_values(db, pid, area, indicator, end=month)
        if not rows and month is None:
            held_as_of(held, [], where)  # raises: no month held has a figure of the series
        if not rows:
            latest = latest_month(db, pid, indicator, area)
            raise DataError(f"No figures for {where}" + (f" up to {month}" if month else "")
                            + "." + (f" The first figures are after {month}; the latest is "
                                     f"{latest}." if latest else " Import some first."))
        as_of = month or held_as_of(held, [r.month for r in rows], where)
        if meta["kind"] == "local" and as_of not in {r.month for r in rows}:
            raise DataError(f"No figures for {where} for {as_of}: its latest is "
                            f"{max(r.month for r in rows)}.", "Ask for that month, or import "
                            "the partnership's figures with `cspbot ingest values FILE.csv`.")
        cut_series(spec, {r.month: (r.value, r.source) for r in rows if r.month <= as_of},
                   as_of)
        note_left_out(db, pid, spec)
        note_context(db, pid, spec)
    document, used = assess_input([spec], {area: store.population(db, pid, area)})
    judged = None
    if used:
        out = assess(document, settings)
        judged = (out["series"] + out["surveys"])[0]
    owner = store.owners(db, pid).get(indicator)
    section = make_section(spec, judged, owner, pid, as_of, suppress_below).section
    if spec.kind == "monthly":
        add_comparison(db, pid, section, as_of, spec.source, settings)
        add_rate(db, pid, section, spec, judged, suppress_below)
    return section, as_of
