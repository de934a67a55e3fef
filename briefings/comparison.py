"""Compared with what (issue 14): each partnership and force area of the store over the same
two windows, judged by METHOD J1's test (briefings/period.py), ranked, and the one line every
indicator answer and briefing section adds: "Leicestershire as a whole: +12%; Charnwood is 3rd
of 9 Leicestershire partnerships (1st = the largest rise)".

Ranks go from the largest rise (1st) to the largest fall, by percentage change; an area with no
crimes in the 12 months before has no percentage and no rank. A partnership's peers are the
partnerships that share a home force with it, or the group its file names (`peers`).
The counts come from data/comparison.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import sqlite_utils

from briefings.method import MethodSettings
from briefings.model import Fact, Section
from briefings.period import PeriodChange, compare_periods
from data.catalogue import BY_SLUG
from data.comparison import (
    AreaCounts,
    all_counts,
    comparable_partnerships,
    force_counts,
    latest_comparable_month,
    named_peers,
    partnership_counts,
    short_name,
)
from data.errors import DataError

LABEL = "Compared with others"


@dataclass(frozen=True)
class Compared:
    """One area's counts and J1's judgement of them (None when there is no comparison)."""

    counts: AreaCounts
    change: PeriodChange | None

    @property
    def pct_change(self) -> float | None:
        return self.change.pct_change if self.change else None


@dataclass(frozen=True)
class ComparisonTable:
    indicator: str  # the slug
    name: str  # "Burglary"
    month: str
    rows: list[Compared]  # ranked: largest rise first, those with no % last


def judge_counts(counts: AreaCounts, settings: MethodSettings | None = None
                 ) -> Compared:
    """J1 on the area's two windows (counts, so every month's exposure is 1)."""
    if not counts.window.current:
        return Compared(counts, None)
    ones = [1.0] * len(counts.current)
    change = compare_periods(counts.current, counts.previous, ones, ones,
                             (counts.window.current, counts.window.previous),
                             settings or MethodSettings())
    return Compared(counts, change)


def ranked(rows: list[Compared]) -> list[Compared]:
    """Largest rise first; those with no percentage change (no comparison, or none before)
    last, by name."""
    return sorted(rows, key=lambda r: (r.pct_change is None, -(r.pct_change or 0.0),
                                       r.counts.name))


def compare_table(db: sqlite_utils.Database, slug: str, month: str | None = None,
                  settings: MethodSettings | None = None,
                  pid: str | None = None) -> ComparisonTable:
    """Every partnership held in the store and every force's whole area, ranked; as of
    `month`, else the latest month that `pid` (else any force) can be compared in. Two areas of
    one short name are told apart by their ids."""
    if slug not in BY_SLUG:
        raise DataError(f"'{slug}' is not a police.uk indicator: only those are counted the "
                        "same way in every area.", "Try /csp compare burglary.")
    month = month or latest_comparable_month(db, pid)
    if month is None:
        raise DataError("The store holds no police.uk files to compare.",
                        "Import some with `cspbot ingest police-uk FILES`.")
    counts = all_counts(db, slug, month)
    names = Counter(c.name for c in counts)
    rows = [judge_counts(replace(c, name=f"{c.name} ({c.key})") if names[c.name] > 1 else c,
                         settings) for c in counts]
    return ComparisonTable(slug, BY_SLUG[slug].name, month, ranked(rows))


def peer_group(db: sqlite_utils.Database, pid: str) -> tuple[list[str], str]:
    """(the partnership and its peers, held in the store; how to say the group): the file's
    `peers`, else the partnerships sharing a home force with it."""
    known = comparable_partnerships(db)
    if pid not in known:
        return [], ""
    named = named_peers(db, pid)
    if named:
        return [pid] + [p for p in named if p in known and p != pid], "in its peer group"
    forces = set(known[pid][1])
    group = [p for p, (_, theirs) in known.items() if forces & set(theirs)]
    return group, " and ".join(short_name(f) for f in sorted(forces)) + " partnerships"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def comparison_line(db: sqlite_utils.Database, pid: str, slug: str, month: str,
                    settings: MethodSettings | None = None) -> str | None:
    """"Leicestershire as a whole: +12%; Charnwood is 3rd of 9 Leicestershire partnerships
    (1st = the largest rise)", or None when nothing can be compared (no police.uk home force,
    an indicator police.uk does not count)."""
    if slug not in BY_SLUG:
        return None
    group, said = peer_group(db, pid)
    if not group:
        return None
    names = dict(db.execute("SELECT id, name FROM partnerships").fetchall())
    peers = {p: judge_counts(partnership_counts(db, p, slug, month, names[p]), settings)
             for p in group}
    own = peers[pid]
    parts = []
    for force in own.counts.forces:
        whole = judge_counts(force_counts(db, force, slug, month), settings)
        if whole.pct_change is not None:
            parts.append(f"{whole.counts.name} as a whole: {whole.pct_change:+.0f}%")
    ranks = [r for r in ranked(list(peers.values())) if r.pct_change is not None]
    if len(peers) > 1 and own.pct_change is not None:
        place = ordinal(next(n for n, r in enumerate(ranks, 1) if r.counts.key == pid))
        parts.append(f"{own.counts.name} is {place} of {len(ranks)} {said} "
                     "(1st = the largest rise)")
    return "; ".join(parts) or None


def add_comparison(db: sqlite_utils.Database, pid: str, section: Section, month: str,
                   source: str, settings: MethodSettings | None = None) -> None:
    """Add the comparison line to a section of the partnership as a whole counted from
    police.uk files, after its "Latest 12 months" fact."""
    if section.area != pid or "police.uk" not in source:
        return
    line = comparison_line(db, pid, section.indicator, month, settings)
    if line is None:
        return
    at = next((n + 1 for n, f in enumerate(section.facts)
               if f.label.startswith("Latest 12 months")), len(section.facts))
    section.facts.insert(at, Fact(LABEL, line))
