"""The partnership's plan for reading: priorities and their leads, agencies, actions, history."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils


def priorities(db: sqlite_utils.Database, pid: str) -> list[dict[str, Any]]:
    rows = [dict(r) for r in db.query("SELECT * FROM priorities WHERE partnership = ? "
                                      "ORDER BY position", [pid])]
    leads = lead_names(db, pid)
    for row in rows:
        row["indicators"] = json.loads(row["indicators"])
        row["leads"] = leads.get(row["id"], [])
        row["actions"] = db.execute("SELECT COUNT(*) FROM actions WHERE partnership = ? AND "
                                    "(priority = ? OR theme IN (SELECT id FROM themes WHERE "
                                    "partnership = ? AND priority = ?)) AND status != "
                                    "'withdrawn'", (pid, row["id"], pid, row["id"])
                                    ).fetchone()[0]
    return rows


def lead_names(db: sqlite_utils.Database, pid: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for priority, name in db.execute(
            "SELECT l.priority, a.name FROM priority_leads l JOIN agencies a ON a.partnership = "
            "l.partnership AND a.id = l.agency WHERE l.partnership = ? ORDER BY a.name", (pid,)):
        out.setdefault(priority, []).append(name)
    return out


def agencies(db: sqlite_utils.Database, pid: str) -> list[dict[str, Any]]:
    """Each agency with the priorities it leads, the actions it leads and its people."""
    rows = [dict(r) for r in db.query("SELECT id, name, kind FROM agencies WHERE "
                                      "partnership = ? ORDER BY name", [pid])]
    for row in rows:
        row["priorities"] = [r[0] for r in db.execute(
            "SELECT p.name FROM priority_leads l JOIN priorities p ON p.partnership = "
            "l.partnership AND p.id = l.priority WHERE l.partnership = ? AND l.agency = ? "
            "ORDER BY p.position", (pid, row["id"]))]
        row["actions"] = [r[0] for r in db.execute(
            "SELECT id FROM actions WHERE partnership = ? AND lead = ? AND status != "
            "'withdrawn' ORDER BY position", (pid, row["id"]))]
        row["people"] = [dict(r) for r in db.query(
            "SELECT name, role FROM people WHERE partnership = ? AND agency = ? ORDER BY name",
            [pid, row["id"]])]
    return rows


def actions(db: sqlite_utils.Database, pid: str) -> list[dict[str, Any]]:
    """Every action with its theme, priority (its own or its theme's), lead and outputs."""
    rows = [dict(r) for r in db.query(
        "SELECT a.*, t.name AS theme_name, COALESCE(a.priority, t.priority) AS priority_id, "
        "g.name AS lead_name FROM actions a LEFT JOIN themes t ON t.partnership = a.partnership "
        "AND t.id = a.theme LEFT JOIN agencies g ON g.partnership = a.partnership AND "
        "g.id = a.lead WHERE a.partnership = ? ORDER BY a.position", [pid])]
    outputs: dict[str, list[dict[str, Any]]] = {}
    for r in db.query("SELECT * FROM action_outputs WHERE partnership = ? ORDER BY action, "
                      "position", [pid]):
        outputs.setdefault(r["action"], []).append(dict(r))
    for row in rows:
        row["outputs"] = outputs.get(row["id"], [])
    return rows


def action(db: sqlite_utils.Database, pid: str, action_id: str) -> dict[str, Any] | None:
    return next((a for a in actions(db, pid) if a["id"] == action_id), None)


def history(db: sqlite_utils.Database, pid: str, action_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query(
        "SELECT at, by, source, field, old, new, note FROM action_updates WHERE "
        "partnership = ? AND action = ? ORDER BY at, id", [pid, action_id])]


def priority_leads(db: sqlite_utils.Database, pid: str, priority_id: str | None) -> list[str]:
    """Agency ids leading a priority."""
    if priority_id is None:
        return []
    return [r[0] for r in db.execute("SELECT agency FROM priority_leads WHERE partnership = ? "
                                     "AND priority = ?", (pid, priority_id))]
