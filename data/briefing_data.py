"""What the monthly briefing reads from the store, as plain dicts (the SQL stays in data/).

Targets, indicator metadata, survey waves, population, who owns each indicator, the action
plan's progress, figures revised since a moment, the freshness of every source, and the record
of briefings published.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from data.coverage import held_months, home_forces
from data.partnerships import area_condition
from data.queries import month_range


def partnership_head(db: sqlite_utils.Database, pid: str) -> dict[str, Any]:
    return dict(next(db.query("SELECT id, name, formerly FROM partnerships WHERE id = ?", [pid])))


def areas(db: sqlite_utils.Database, pid: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: dict(r) for r in db.query(
        "SELECT id, name, kind FROM areas WHERE partnership = ? ORDER BY kind = 'sub-area', id",
        [pid])}


def targets(db: sqlite_utils.Database, pid: str) -> list[dict[str, Any]]:
    """In the partnership file's order."""
    return [dict(r) for r in db.query("SELECT * FROM targets WHERE partnership = ? ORDER BY rowid",
                                      [pid])]


def indicator_meta(db: sqlite_utils.Database, pid: str) -> dict[str, dict[str, Any]]:
    return {r["slug"]: dict(r) for r in db.query(
        "SELECT slug, name, kind, unit, polarity, sensitive FROM indicators "
        "WHERE partnership IS NULL OR partnership = ?", [pid])}


def survey_waves(db: sqlite_utils.Database, pid: str, until: str) -> list[dict[str, Any]]:
    """Survey waves whose fieldwork ended by `until`, oldest first."""
    return [dict(r) for r in db.query(
        "SELECT * FROM survey_results WHERE partnership = ? AND fieldwork_end <= ? "
        "ORDER BY indicator, area, fieldwork_end", [pid, until])]


def population(db: sqlite_utils.Database, pid: str, area: str) -> dict[str, float]:
    return {fy: float(n) for fy, n in db.execute(
        "SELECT financial_year, population FROM population WHERE partnership = ? AND area = ?",
        (pid, area))}


def owners(db: sqlite_utils.Database, pid: str) -> dict[str, dict[str, Any]]:
    """indicator slug -> the first priority naming it, with its lead agencies' names."""
    leads: dict[str, list[str]] = defaultdict(list)
    for priority, name in db.execute(
            "SELECT l.priority, a.name FROM priority_leads l JOIN agencies a ON "
            "a.partnership = l.partnership AND a.id = l.agency WHERE l.partnership = ?", (pid,)):
        leads[priority].append(name)
    found: dict[str, dict[str, Any]] = {}
    for row in db.query("SELECT id, name, level, indicators FROM priorities WHERE "
                        "partnership = ? ORDER BY position", [pid]):
        for slug in json.loads(row["indicators"]):
            found.setdefault(slug, {"priority": row["name"], "level": row["level"],
                                    "leads": leads[row["id"]]})
    return found


def action_progress(db: sqlite_utils.Database, pid: str, month_end: str,
                    since: str) -> dict[str, Any]:
    """Status counts, actions overdue at `month_end` (a date), changes after `since`."""
    counts = dict(db.execute("SELECT status, COUNT(*) FROM actions WHERE partnership = ? "
                             "GROUP BY status ORDER BY status", (pid,)).fetchall())
    overdue = [dict(r) for r in db.query(
        "SELECT a.id, a.title, a.due, a.status, g.name AS lead FROM actions a LEFT JOIN "
        "agencies g ON g.partnership = a.partnership AND g.id = a.lead WHERE a.partnership = ? "
        "AND a.due IS NOT NULL AND a.due < ? AND a.status NOT IN ('complete', 'withdrawn') "
        "ORDER BY a.due, a.position", [pid, month_end])]
    updates = [dict(r) for r in db.query(
        "SELECT action, at, by, source, field, old, new, note FROM action_updates WHERE "
        "partnership = ? AND at > ? AND field != 'created' ORDER BY at, id", [pid, since])]
    return {"status_counts": counts, "overdue": overdue, "updates": updates,
            "attention": needing_attention(db, pid, month_end)}


ATTENTION_ORDER = {"off-track": 0, "at-risk": 2}  # overdue (1) between the two


def needing_attention(db: sqlite_utils.Database, pid: str, month_end: str
                      ) -> list[dict[str, Any]]:
    """Actions off track, overdue at `month_end` or at risk (in that order), each with its lead
    and its last recorded change (at, by, source, note): what a board asks about first."""
    rows = [dict(r) for r in db.query(
        "SELECT a.id, a.title, a.due, a.status, g.name AS lead, u.at AS last_at, "
        "u.by AS last_by, u.source AS last_source, u.note AS last_note FROM actions a "
        "LEFT JOIN agencies g ON g.partnership = a.partnership AND g.id = a.lead "
        "LEFT JOIN action_updates u ON u.id = (SELECT MAX(id) FROM action_updates "
        "WHERE partnership = a.partnership AND action = a.id) WHERE a.partnership = ? AND "
        "a.status NOT IN ('complete', 'withdrawn') AND (a.status IN ('at-risk', 'off-track') "
        "OR (a.due IS NOT NULL AND a.due < ?)) ORDER BY a.due, a.position", [pid, month_end])]
    for row in rows:
        row["overdue"] = row["due"] is not None and row["due"] < month_end
    return sorted(rows, key=lambda r: ATTENTION_ORDER.get(r["status"], 1 if r["overdue"]
                                                          else 3))


def revisions_since(db: sqlite_utils.Database, pid: str, since: str) -> list[str]:
    """Figures revised by imports after `since`: police.uk (by local authority) and local."""
    condition, params = area_condition(db, pid, pid)
    las = [r[0] for r in db.execute(
        f"SELECT DISTINCT local_authority FROM police_counts WHERE {condition}", params)]
    lines = [f"{r['month']} {r['local_authority']} {r['indicator']}: {r['old']} -> {r['new']}"
             for r in db.query(
                 "SELECT v.* FROM revisions v JOIN ingests i ON i.id = v.ingest_id WHERE "
                 f"i.ingested_at > ? AND v.local_authority IN ({','.join('?' * len(las))}) "
                 "ORDER BY v.month, v.local_authority, v.indicator", [since, *las])]
    lines += [f"{r['period']} {r['area']} {r['indicator']}: {_n(r['old'])} -> {_n(r['new'])}"
              for r in db.query(
                  "SELECT v.* FROM value_revisions v JOIN ingests i ON i.id = v.ingest_id "
                  "WHERE v.partnership = ? AND i.ingested_at > ? ORDER BY v.period", [pid, since])]
    return lines


def _n(value: float | None) -> str:
    return "none" if value is None else (f"{value:g}")


def police_freshness(db: sqlite_utils.Database, pid: str) -> list[dict[str, Any]]:
    """Per force placing crimes in the partnership: latest month and months missing."""
    condition, params = area_condition(db, pid, pid)
    rows = []
    for force, first, last, n in db.execute(
            f"SELECT force, MIN(month), MAX(month), COUNT(DISTINCT month) FROM police_counts "
            f"WHERE {condition} GROUP BY force ORDER BY COUNT(*) DESC", params):
        held = {r[0] for r in db.execute("SELECT month FROM police_months WHERE force = ?",
                                         (force,))}
        rows.append({"force": force, "first": first, "latest": last, "months": n,
                     "missing": [m for m in month_range(first, last) if m not in held]})
    return rows


def last_briefing(db: sqlite_utils.Database, pid: str, month: str) -> str | None:
    """When the last briefing for an earlier month was published (ISO time), if ever."""
    row = db.execute("SELECT MAX(built_at) FROM briefing_runs WHERE partnership = ? AND "
                     "month < ? AND purpose = 'published'", (pid, month)).fetchone()
    return row[0] if row else None


def record_briefing(db: sqlite_utils.Database, pid: str, month: str,
                    purpose: str = "published") -> None:
    with db.conn:
        db.execute("INSERT INTO briefing_runs (partnership, month, built_at, purpose) VALUES "
                   "(?, ?, ?, ?)", (pid, month, datetime.now(UTC).isoformat(timespec="seconds"),
                                    purpose))


def data_ready(db: sqlite_utils.Database, pid: str, month: str) -> tuple[bool, list[str]]:
    """Is `month` in the store for every source the partnership's briefing reads?

    The month must be held (METHOD 2.9, data/coverage.py): every police.uk home force's street
    file for it imported (rows other forces place in the partnership's LSOAs never make it
    held), and each of its own series of the past year given a value for it.
    Returns (ready, what is missing), e.g. (False, ["police.uk figures for 2025-03
    (Northamptonshire Police's file is not in the store yet)", "domestic-burglary (kettering)
    for 2025-03"]).
    """
    missing = []
    forces = home_forces(db, pid)
    police = held_months(db, pid, forces) if forces else []
    latest = max(filter(None, (
        police[-1] if police else None,
        db.execute("SELECT MAX(month) FROM monthly_values WHERE partnership = ?",
                   (pid,)).fetchone()[0])), default=None)
    if latest is None:
        return False, [f"figures for {month} (none are held yet)"]
    lacking = [f for f in forces if not db.execute(
        "SELECT 1 FROM police_months WHERE force = ? AND month = ?", (f, month)).fetchone()]
    if lacking:
        missing.append(f"police.uk figures for {month} ("
                       + " and ".join(f"{f}'s file" for f in lacking)
                       + f" {'is' if len(lacking) == 1 else 'are'} not in the store yet)")
    for indicator, area in db.execute(
            "SELECT DISTINCT indicator, area FROM monthly_values WHERE partnership = ? "
            "AND month < ? AND month >= ?", (pid, month, _months_before(month, 12))):
        if not db.execute("SELECT 1 FROM monthly_values WHERE partnership = ? AND indicator = ? "
                          "AND area = ? AND month = ?", (pid, indicator, area, month)).fetchone():
            missing.append(f"{indicator} ({area}) for {month}")
    if not missing and latest < month:  # every series stopped more than a year earlier
        missing.append(f"figures for {month} (the latest held are for {latest})")
    return not missing, missing


def _months_before(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:]) - n
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"


def data_version(db: sqlite_utils.Database, pid: str) -> tuple[object, ...]:
    """Changes whenever anything a judgement reads may have changed: an import of any kind, or
    a (re)load of the partnership file, or of any other (its peers). Used as part of cache
    keys."""
    ingest = db.execute("SELECT COALESCE(MAX(id), 0) FROM ingests").fetchone()[0]
    loaded = db.execute("SELECT loaded_at, sha256 FROM partnerships WHERE id = ?",
                        (pid,)).fetchone()
    others = db.execute("SELECT COUNT(*), MAX(loaded_at) FROM partnerships").fetchone()
    return (ingest, *(loaded or ()), *others)  # others: peers in "compared with what"
