"""From the store to the input of `briefings.assess`: which series a briefing covers, and how.

A series is one indicator in one area. The briefing covers, in this order: every target of the
partnership file (in its order), the indicators its priorities name, its own local indicators,
and, when that gives fewer than four, the main police.uk indicators. Each series runs up to the
briefing month or its latest figure, from its first figure; a month without a figure is a gap
(None, never a zero: METHOD 2.9), and every gap is noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from data import briefing_data as store
from data.context import ContextNote, notes_between
from data.coverage import IncompleteMonth
from data.held_series import area_coverage, describe_left_out
from data.queries import as_ranges, month_range
from data.values import partnership_values

MAIN_POLICE = ("all-crime", "anti-social-behaviour", "burglary", "vehicle-crime",
               "violent-crime", "criminal-damage-arson", "robbery", "shoplifting")
MIN_SERIES = 4
CONTEXT_MONTHS = 36  # J1 compares two years; J2-J4 look at three
JUDGED_MONTHS = 48  # the longest reach of a judgement: J2's context, 36 months a year back


@dataclass
class SeriesSpec:
    """One series chosen for the briefing, with what the reader must be told about its data."""

    key: str
    indicator: str
    area: str
    kind: str  # "monthly" or "survey"
    name: str
    area_name: str
    unit: str
    polarity: str
    sensitive: bool
    source: str = ""
    months: list[str] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)  # None: a month not held
    notes: list[str] = field(default_factory=list)
    target: dict[str, Any] | None = None
    waves: list[dict[str, Any]] = field(default_factory=list)
    context: list[tuple[str, str, str]] = field(default_factory=list)  # shaded on the chart


def choose_series(db: sqlite_utils.Database, pid: str, month: str) -> list[SeriesSpec]:
    meta, areas = store.indicator_meta(db, pid), store.areas(db, pid)
    rows: dict[tuple[str, str], dict[str, tuple[float, str]]] = {}
    for r in partnership_values(db, pid, end=month):
        rows.setdefault((r.indicator, r.area), {})[r.month] = (r.value, r.source)
    waves: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for w in store.survey_waves(db, pid, month):
        waves.setdefault((w["indicator"], w["area"]), []).append(w)
    targets = {(t["indicator"], t["area"]): t for t in store.targets(db, pid)}
    left_out: dict[str, list[IncompleteMonth]] = {}
    wanted = list(targets)
    wanted += [(slug, pid) for slug in store.owners(db, pid)]
    wanted += [(slug, area) for slug, m in meta.items() if m["kind"] in ("local", "survey")
               for area in areas]
    held = [k for k in dict.fromkeys(wanted) if k in rows or len(waves.get(k, [])) >= 1]
    if len(held) < MIN_SERIES:
        held += [(slug, pid) for slug in MAIN_POLICE if (slug, pid) in rows
                 and (slug, pid) not in held]
    specs = []
    for indicator, area in held:
        m = meta[indicator]
        spec = SeriesSpec(
            key=f"{indicator}@{area}", indicator=indicator, area=area,
            kind="survey" if m["kind"] == "survey" else "monthly", name=m["name"],
            area_name=areas[area]["name"], unit=m["unit"], polarity=m["polarity"],
            sensitive=bool(m["sensitive"]) and areas[area]["kind"] != "partnership",
            target=targets.get((indicator, area)))
        if spec.kind == "survey":
            spec.waves = waves.get((indicator, area), [])
        else:
            cut_series(spec, rows[(indicator, area)], month)
            note_left_out(db, pid, spec, left_out)
            note_context(db, pid, spec)
        specs.append(spec)
    return specs


def cut_series(spec: SeriesSpec, by_month: dict[str, tuple[float, str]], month: str) -> None:
    """Every month from the first figure to the latest (up to `month`), a month without a figure
    as None (a gap, never a zero: METHOD 2.9), noting each gap."""
    held = sorted(m for m in by_month if m <= month)
    latest = held[-1]
    if latest < month:
        spec.notes.append(f"The latest figure is for {latest}; {month} is not in yet.")
    spec.months = month_range(held[0], latest)
    spec.values = [by_month[m][0] if m in by_month else None for m in spec.months]
    missing = [m for m in spec.months if m not in by_month]
    if missing:
        n = len(missing)
        spec.notes.append(f"No figures for {as_ranges(missing)} ({n} month{'s' * (n > 1)}): "
                          "a missing month is a gap, not a zero.")
    spec.source = ", ".join(sorted({by_month[m][1] for m in held}))


def assess_input(specs: list[SeriesSpec], populations: dict[str, dict[str, float]]
                 ) -> tuple[dict[str, Any], list[SeriesSpec]]:
    """The assess document for the specs it can take; specs left out get a note saying why."""
    series, surveys, used = [], [], []
    for spec in specs:
        if spec.kind == "survey":
            if len(spec.waves) < 2:
                spec.notes.append("Only one survey wave so far: no change can be judged yet.")
                continue
            surveys.append(_survey(spec))
        elif any(v is not None and v != int(v) for v in spec.values):
            spec.notes.append("Not assessed: the figures are not whole counts.")
            continue
        else:
            series.append(_series(spec, populations.get(spec.area)))
        used.append(spec)
    return {"series": series, "surveys": surveys}, used


def _polarity(p: str) -> str:
    return p.replace("-", "_")


def note_left_out(db: sqlite_utils.Database, pid: str, spec: SeriesSpec,
                  known: dict[str, list[IncompleteMonth]] | None = None) -> None:
    """Name each incomplete month left out of a police.uk series within its judgements'
    windows (the 48 months to its latest: J1, J2 with its context, J3 and J4). `known` keeps
    what was found per area across calls."""
    if "police.uk" not in spec.source or not spec.months:
        return
    known = {} if known is None else known
    if spec.area not in known:
        known[spec.area] = area_coverage(db, pid, spec.area).left_out
    since = spec.months[max(0, len(spec.months) - JUDGED_MONTHS)]
    spec.notes += [describe_left_out(i, spec.area_name) for i in known[spec.area]
                   if since <= i.month <= spec.months[-1]]


def note_context(db: sqlite_utils.Database, pid: str, spec: SeriesSpec) -> None:
    """Name each context note (data/context.py) whose months fall within the series' judged
    windows (the 36 months to its latest: J1's two years, J2-J4's window), and keep every note
    within the charted months for the chart to shade."""
    if not spec.months:
        return
    for note in notes_between(db, pid, spec.months[0], spec.months[-1], spec.area):
        spec.context.append((note.first, note.last, note.label))
        if note.last >= spec.months[max(0, len(spec.months) - CONTEXT_MONTHS)]:
            spec.notes.append(context_words(note))


def context_of(db: sqlite_utils.Database, pid: str, area: str | None, months: list[str],
               compared: str = "months compared") -> list[str]:
    """The context notes (their words) of a judgement on `months`: each note with a month
    among them (a partnership's own notes of `area`, or of all its areas without one)."""
    if not months:
        return []
    first, last = min(months), max(months)
    return [context_words(note).replace("months compared include", f"{compared} include")
            for note in notes_between(db, pid, first, last, area)
            if any(note.first <= m <= note.last for m in months)]


def context_words(note: ContextNote) -> str:
    """The note as a judgement names it: a national note by its label (its whole text is in
    `cspbot note list` and docs/real-data.md), a partnership's own note in full."""
    if note.source == "national":
        return (f"Context: the months compared include the {note.label} ({note.months}), "
                "which changed how much crime happened and was reported.")
    return f"Context, {note.months}: {note.text}"


def _series(spec: SeriesSpec, population: dict[str, float] | None) -> dict[str, Any]:
    t = spec.target
    target = None
    if t is not None and "/" in t["target_year"]:
        target = {"baseline_fy": t["baseline_year"], "target_fy": t["target_year"],
                  "reduction_pct": t["reduction_pct"], "target_value": t["target_value"]}
    return {"id": spec.key, "indicator": spec.indicator, "unit": spec.unit,
            "polarity": _polarity(spec.polarity), "as_of": spec.months[-1],
            "first_month": spec.months[0],
            "counts": [None if v is None else int(v) for v in spec.values],
            "population_by_fy": population if spec.unit == "rate_per_1000" else None,
            "target": target}


def _survey(spec: SeriesSpec) -> dict[str, Any]:
    baseline, current = spec.waves[-2], spec.waves[-1]
    target = spec.target["target_value"] if spec.target else None

    def wave(w: dict[str, Any]) -> dict[str, Any]:
        return {"survey": w["wave"], "n": w["base_n"], "pct": w["percent"]}

    return {"id": spec.key, "indicator": spec.indicator, "polarity": _polarity(spec.polarity),
            "design_effect": max(baseline["design_effect"], current["design_effect"]),
            "target_pct": target, "baseline": wave(baseline), "current": wave(current)}
