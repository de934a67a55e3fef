"""The monthly briefing as plain data: what `build_monthly` returns and every renderer reads.

The chat command (/csp briefing), the scheduled post and `cspbot briefing` all render this one
structure; nothing here knows a chat platform or a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Chart:
    """A rendered chart: PNG bytes, alt text, and its data as a table (drawn by charts.py)."""

    name: str
    png: bytes
    alt_text: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class Section:
    """One indicator in one area: its sentence, its facts, its chart."""

    key: str  # "indicator@area", unique in the briefing
    indicator: str
    area: str
    title: str  # e.g. "Violence and assault with injury, Kettering Town Centre"
    sentence: str
    facts: list[Fact]
    chart: Chart | None
    judgement: dict[str, Any]  # the assess output for this series or survey
    notes: list[str] = field(default_factory=list)  # thin data, missing months, suppression
    priority: str | None = None
    leads: list[str] = field(default_factory=list)  # lead agency names


@dataclass
class ActionProgress:
    status_counts: dict[str, int]
    overdue: list[dict[str, Any]]  # id, title, due, status, lead
    updates: list[dict[str, Any]]  # action, at, by, field, old, new, note
    since: str
    # off track, overdue or at risk first: id, title, due, status, lead, overdue and the last
    # change (last_at, last_by, last_source, last_note)
    attention: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Freshness:
    source: str  # "police.uk Northamptonshire Police", "local: domestic-burglary", ...
    latest: str | None
    missing: list[str]
    behind: bool  # latest month is before the briefing month


@dataclass
class Briefing:
    partnership: str
    partnership_name: str
    month: str  # the as-of month, YYYY-MM
    title: str
    conclusions: list[str]
    sections: list[Section]
    actions: ActionProgress
    freshness: list[Freshness]
    revisions: list[str]
    overview: Chart | None
    notes: list[str] = field(default_factory=list)
    illustrative: bool = False

    def charts(self) -> list[Chart]:
        charts = [s.chart for s in self.sections if s.chart is not None]
        return ([self.overview] if self.overview else []) + charts
