"""`build_monthly(db, partnership, month)`: the monthly briefing, as the chat command, the
scheduled post and `cspbot briefing` all show it.

It chooses the series (briefings.inputs), judges them (briefings.assess, METHOD), writes the
sentences (briefings.narrative) and draws the charts (briefings.charts, via briefings.sections),
then adds the action plan's progress, the freshness of every source and the figures revised
since the last published briefing.
"""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

from briefings.assess import assess
from briefings.charts import draw_overview
from briefings.comparison import add_comparison
from briefings.inputs import assess_input as make_input
from briefings.inputs import choose_series
from briefings.method import MethodSettings
from briefings.model import ActionProgress, Briefing, Freshness
from briefings.months import month_name
from briefings.narrative import conclusions
from briefings.sections import make_section
from data import briefing_data as store
from data.errors import DataError
from data.held import require_held
from data.partnerships import resolve_partnership

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def next_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:])
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


def build_monthly(db: sqlite_utils.Database, partnership: str | None, month: str,
                  settings: MethodSettings | None = None, since: str | None = None,
                  suppress_below: int = 5) -> Briefing:
    """The briefing of `partnership` for `month` (YYYY-MM), from what the store holds.

    `since` (ISO time) is when the previous briefing went out: action updates and revised
    figures after it are listed. By default, the last published briefing of an earlier month,
    or the start of `month`. A month that is not held for the partnership is refused
    (data/held.py's NotHeld, a DataError naming the nearest held months).
    """
    if not MONTH.match(month or ""):
        raise DataError(f"'{month}' is not a month: write it as YYYY-MM, e.g. 2010-03.")
    pid = resolve_partnership(db, partnership)
    require_held(db, pid, month)  # never older judgements under a newer title (METHOD 2.9)
    head = store.partnership_head(db, pid)
    specs = choose_series(db, pid, month)
    if not specs:
        raise DataError(f"The store holds no figures for {head['name']} up to {month}.",
                        "Import police.uk files or the partnership's own figures first.")
    populations = {s.area: store.population(db, pid, s.area) for s in specs}
    document, _ = make_input(specs, populations)
    judged: dict[str, dict[str, Any]] = {}
    if document["series"] or document["surveys"]:
        out = assess(document, settings)
        judged = {o["id"]: o for o in out["series"] + out["surveys"]}
    owners = store.owners(db, pid)
    sections = [make_section(spec, judged.get(spec.key), owners.get(spec.indicator), pid,
                             month, suppress_below) for spec in specs]
    for spec, built in zip(specs, sections, strict=True):  # "compared with what" (issue 14)
        if spec.kind == "monthly":
            add_comparison(db, pid, built.section, month, spec.source, settings)
    since = since or store.last_briefing(db, pid, month) or f"{month}-01"
    progress = store.action_progress(db, pid, f"{next_month(month)}-01", since)
    monthly = [(s.title, s.chart_data) for s in sections if s.chart_data is not None]
    overview = None
    if monthly:
        overview = draw_overview(monthly, f"{head['name']}: monthly indicators to "
                                 f"{month_name(month)}",
                                 "Small charts of every monthly indicator of the briefing, "
                                 "each with its monthly figures, process limits and trend.")
    illustrative = any("demo" in s.source for s in specs)
    return Briefing(
        partnership=pid, partnership_name=head["name"], month=month,
        title=f"{head['name']}: performance briefing, {month_name(month)}",
        conclusions=conclusions([s.sentence_parts for s in sections]),
        sections=[s.section for s in sections],
        actions=ActionProgress(progress["status_counts"], progress["overdue"],
                               progress["updates"], since, progress["attention"]),
        freshness=freshness(db, pid, month, specs),
        revisions=store.revisions_since(db, pid, since), overview=overview,
        illustrative=illustrative,
        notes=(["The figures are ILLUSTRATIVE (the demo data set), not real."]
               if illustrative else []))


def freshness(db: sqlite_utils.Database, pid: str, month: str, specs: list[Any]
              ) -> list[Freshness]:
    """Latest month per source, and the months missing from it."""
    rows = [Freshness(f"police.uk: {r['force']}", r["latest"], r["missing"], r["latest"] < month)
            for r in store.police_freshness(db, pid)]
    local: dict[tuple[str, str | None], list[Any]] = {}
    for spec in specs:
        if spec.kind == "monthly" and "police.uk" not in spec.source:
            local.setdefault((spec.source, spec.months[-1] if spec.months else None),
                             []).append(spec)
    for (source, latest), group in local.items():
        missing = [f"{s.name}: {n}" for s in group for n in s.notes
                   if n.startswith("No figures")]
        rows.append(Freshness(f"partnership figures ({source}), {len(group)} series", latest,
                              missing, latest is not None and latest < month))
    for spec in specs:
        if spec.kind == "survey" and spec.waves:
            rows.append(Freshness(f"survey: {spec.name}", spec.waves[-1]["fieldwork_end"], [],
                                  False))
    return rows
