"""A partnership at a glance: its areas, figures held and how fresh they are, targets, actions."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from data.partnerships import area_condition, resolve_area, resolve_partnership


def partnership_status(db: sqlite_utils.Database, partnership: str | None,
                       area: str | None = None) -> dict[str, Any]:
    pid = resolve_partnership(db, partnership)
    head = next(db.query("SELECT id, name, formerly, time_zone, file, loaded_at, as_of FROM "
                         "partnerships WHERE id = ?", [pid]))
    areas = []
    chosen = [resolve_area(db, pid, area)] if area else None
    for row in db.query("SELECT id, name, kind FROM areas WHERE partnership = ? ORDER BY "
                        "kind = 'sub-area', id", [pid]):
        if chosen and row["id"] not in chosen:
            continue
        condition, params = area_condition(db, pid, row["id"])
        police = db.execute(f"SELECT COUNT(DISTINCT month), MIN(month), MAX(month), "
                            f"COUNT(DISTINCT lsoa) FROM police_counts WHERE {condition}",
                            params).fetchone()
        local = [dict(r) for r in db.query(
            "SELECT indicator, COUNT(*) AS months, MIN(month) AS first, MAX(month) AS latest, "
            "source FROM monthly_values WHERE partnership = ? AND area = ? GROUP BY indicator, "
            "source ORDER BY indicator", [pid, row["id"]])]
        surveys = [dict(r) for r in db.query(
            "SELECT indicator, wave, fieldwork_end, percent, base_n FROM survey_results "
            "WHERE partnership = ? AND area = ? ORDER BY indicator, fieldwork_end",
            [pid, row["id"]])]
        areas.append({**row, "police_uk": {"months": police[0], "first": police[1],
                                           "latest": police[2], "lsoas_with_data": police[3]},
                      "local": local, "surveys": surveys})
    actions = dict(db.execute("SELECT status, COUNT(*) FROM actions WHERE partnership = ? "
                              "GROUP BY status", (pid,)).fetchall())
    return {
        **head, "areas": areas, "actions_by_status": actions,
        "targets": [dict(r) for r in db.query(
            "SELECT indicator, area, baseline_year, reduction_pct, target_value, target_year "
            "FROM targets WHERE partnership = ? ORDER BY indicator, area", [pid])],
        "people": db.execute("SELECT COUNT(*) FROM people WHERE partnership = ?",
                             (pid,)).fetchone()[0],
        "subscriptions": [dict(r) for r in db.query(
            "SELECT platform, channel, schedule, active FROM subscriptions "
            "WHERE partnership = ?", [pid])]}
