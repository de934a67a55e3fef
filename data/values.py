"""Every monthly figure of a partnership, police.uk and local alike, for export and analysis.

Police.uk indicators are summed over each area's LSOAs; local indicators come from
`monthly_values`. Where a partnership file gives a value for a police.uk indicator in a month
(e.g. the demo's figures from before police.uk began), that value is used for that month.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from data.catalogue import BY_SLUG
from data.partnerships import (
    area_condition,
    partnership_indicators,
    resolve_area,
    resolve_partnership,
    resolve_partnership_indicator,
)
from data.queries import check_month, police_series


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
        condition, params = area_condition(db, pid, aid)
        merged = {(slug, m): (float(n), "police.uk") for m, slug, n in
                  police_series(db, condition, params, police, start, end)}
        slugs = {str(i["slug"]) for i in indicators}
        merged.update({k: v for k, v in local.items() if k[0] in slugs})
        order = {str(i["slug"]): n for n, i in enumerate(indicators)}
        for (slug, month), (value, source) in sorted(merged.items(),
                                                     key=lambda kv: (order[kv[0][0]], kv[0][1])):
            rows.append(ValueRow(month, slug, aid, value, source))
    return rows
