"""Every monthly figure of a partnership, police.uk and local alike, for export and analysis.

Police.uk indicators are summed over each area's LSOAs, for the months held for it (METHOD 2.9,
`data/held_series.py`: zeros included, gaps left out); local indicators come from
`monthly_values`. Where a partnership file gives a value for a police.uk indicator in a month
(e.g. the demo's figures from before police.uk began), that value is used for that month.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from data.catalogue import BY_SLUG, CATALOGUE, resolve_indicator
from data.coverage import ALL_ROWS, HOME_SHARE, held_months
from data.held_series import held_police_series
from data.partnerships import (
    partnership_indicators,
    resolve_area,
    resolve_partnership,
    resolve_partnership_indicator,
)
from data.queries import (
    CountRow,
    check_month,
    police_series,
    resolve_local_authority,
)


@dataclass(frozen=True)
class ValueRow:
    month: str
    indicator: str
    area: str
    value: float
    source: str


def partnership_values(db: sqlite_utils.Database, partnership: str | None = None,
                       area: str | None = None, indicator: str | None = None,
                       start: str | None = None, end: str | None = None) -> list[ValueRow]:
    """Monthly values of every (or one) indicator in every (or one) area of a partnership."""
    pid = resolve_partnership(db, partnership)
    check_month(start, "--from")
    check_month(end, "--to")
    areas = [resolve_area(db, pid, area)] if area else [
        r[0] for r in db.execute("SELECT id FROM areas WHERE partnership = ? ORDER BY "
                                 "kind = 'sub-area', id", (pid,))]
    indicators = [i for i in partnership_indicators(db, pid) if i["kind"] != "survey"]
    if indicator:
        slug = resolve_partnership_indicator(db, pid, indicator)
        indicators = [i for i in indicators if i["slug"] == slug]
    rows: list[ValueRow] = []
    for aid in areas:
        local = {(r[0], r[1]): (r[2], r[3]) for r in db.execute(
            "SELECT indicator, month, value, source FROM monthly_values WHERE partnership = ? "
            "AND area = ? AND month BETWEEN ? AND ?", (pid, aid, start or "0000", end or "9999"))}
        police = [str(i["slug"]) for i in indicators if str(i["slug"]) in BY_SLUG]
        merged = {(slug, m): (float(n), "police.uk") for m, slug, n in
                  held_police_series(db, pid, aid, police, start, end)}
        slugs = {str(i["slug"]) for i in indicators}
        merged.update({k: v for k, v in local.items() if k[0] in slugs})
        order = {str(i["slug"]): n for n, i in enumerate(indicators)}
        for (slug, month), (value, source) in sorted(merged.items(),
                                                     key=lambda kv: (order[kv[0][0]], kv[0][1])):
            rows.append(ValueRow(month, slug, aid, value, source))
    return rows


def monthly_counts(db: sqlite_utils.Database, local_authority: str | None = None,
                   indicator: str | None = None, start: str | None = None,
                   end: str | None = None, partnership: str | None = None,
                   area: str | None = None) -> list[CountRow]:
    """One row per held month and indicator: the police.uk sum over a local authority's LSOAs,
    or a partnership's (or one of its areas'), zeros included and gaps left out.

    A partnership's months are those held for it (`data/held_series.py`); a local authority's
    are those for which every force placing at least 10 % of its rows has its file in, within
    the months police.uk names it (`named_span`: a district merged away in the 2021 boundary
    changes has no zeros after its last month)."""
    check_month(start, "--from")
    check_month(end, "--to")
    slugs = [resolve_indicator(indicator).slug] if indicator else [i.slug for i in CATALOGUE]
    if local_authority is None:
        pid = resolve_partnership(db, partnership)
        rows = held_police_series(db, pid, resolve_area(db, pid, area), slugs, start, end)
        return [CountRow(m, slug, n) for m, slug, n in rows]
    la = resolve_local_authority(db, local_authority)
    condition, params = "local_authority = ?", [la]
    held, _ = _named_months(db, la)
    found = {(m, slug): n for m, slug, n in police_series(db, condition, params, slugs, start,
                                                           end)}
    return [CountRow(m, slug, found.get((m, slug), 0)) for m in held
            if (start is None or m >= start) and (end is None or m <= end) for slug in slugs]


def _local_authority_months(db: sqlite_utils.Database, la: str) -> list[str]:
    """The months held for a local authority: every force placing at least 10 % of its rows
    (per month of that force's files) has its file in."""
    per_force = dict(db.execute(
        f"SELECT c.force, 1.0 * SUM({ALL_ROWS}) / (SELECT COUNT(*) FROM police_months m "
        "WHERE m.force = c.force) FROM police_counts c WHERE c.local_authority = ? "
        "GROUP BY c.force", (la,)))
    total = sum(per_force.values()) or 1
    forces = [f for f, n in per_force.items() if n / total >= HOME_SHARE]
    return held_months(db, la, forces) if forces else []


def named_span(db: sqlite_utils.Database, la: str) -> tuple[str, str]:
    """The first and last month police.uk's files name the local authority in an LSOA name."""
    first, last = db.execute("SELECT MIN(month), MAX(month) FROM police_counts WHERE "
                             "local_authority = ?", (la,)).fetchone()
    return (first or "", last or "")


def _named_months(db: sqlite_utils.Database, la: str) -> tuple[list[str], list[str]]:
    """The months held for a local authority within the months police.uk names it, and those
    without."""
    first, last = named_span(db, la)
    held = _local_authority_months(db, la)
    return ([m for m in held if first <= m <= last], [m for m in held if not first <= m <= last])


def renamed_as(db: sqlite_utils.Database, la: str) -> list[str]:
    """The names its LSOAs are filed under in other months (e.g. Kettering's: North
    Northamptonshire), most rows first."""
    return [name for name, in db.execute(
        "SELECT local_authority FROM police_counts WHERE lsoa IN (SELECT DISTINCT lsoa FROM "
        "police_counts WHERE local_authority = ?) AND local_authority <> ? "
        "GROUP BY local_authority ORDER BY COUNT(*) DESC, local_authority", (la, la))]


def unnamed_months_note(db: sqlite_utils.Database, local_authority: str, start: str | None,
                        end: str | None) -> str | None:
    """What to tell someone exporting a local authority's counts when months held for its
    force fall outside the months police.uk names it (None when none do)."""
    la = resolve_local_authority(db, local_authority)
    outside = [m for m in _named_months(db, la)[1]
               if (start is None or m >= start) and (end is None or m <= end)]
    if not outside:
        return None
    first, last = named_span(db, la)
    others = renamed_as(db, la)
    now = (f" (its LSOAs are filed as {', '.join(others[:3])} in other months)" if others
           else "")
    return (f"Note: police.uk's files name {la} from {first} to {last} only{now}; "
            f"{len(outside)} held month(s) outside that span are left out, not shown as 0. "
            "A partnership follows the boundary changes: `cspbot export counts "
            "--partnership ID`.")
