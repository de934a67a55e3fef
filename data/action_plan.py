"""The action plan in the store: actions, their outputs, and the audit trail of every change.

`action_updates` is append-only (triggers refuse edits and deletes). Every change to an action's
status or output values, from a partnership file or from chat, goes through `audit`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from data.db import write_transaction


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def audit(db: sqlite_utils.Database, partnership: str, action: str, by: str, source: str,
          field: str, old: object, new: object, note: str | None = None) -> None:
    """Append one row to the audit trail."""
    db.execute("INSERT INTO action_updates (partnership, action, at, by, source, field, old, "
               "new, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (partnership, action, now(), by, source, field, _text(old), _text(new), note))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sync_action(db: sqlite_utils.Database, partnership: str, action: dict[str, Any],
                position: int, by: str) -> str:
    """Bring one action in line with the partnership file: 'added', 'changed' or 'same'."""
    key = (partnership, action["id"])
    row = db.execute("SELECT status, file_status FROM actions WHERE partnership = ? AND id = ?",
                     key).fetchone()
    if row is None:
        db.execute("INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                   (*key, action["title"], action["theme"], action["priority"], action["lead"],
                    action["status"], action["due"], position, action["status"], now(), by))
        for n, out in enumerate(action["outputs"]):
            db.execute("INSERT INTO action_outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (*key, n, out.measure, out.unit, out.target, out.current, out.current))
        audit(db, partnership, action["id"], by, "file", "created", None, action["status"])
        return "added"
    changed = _sync_fields(db, key, action, position, by)
    status, file_status = row
    if action["status"] != file_status:  # the file changed it: the file wins
        db.execute("UPDATE actions SET status = ?, file_status = ? WHERE partnership = ? "
                   "AND id = ?", (action["status"], action["status"], *key))
        if action["status"] != status:
            audit(db, partnership, action["id"], by, "file", "status", status, action["status"])
            changed = True
    changed |= _sync_outputs(db, key, action["outputs"], by)
    if changed:
        db.execute("UPDATE actions SET version = version + 1, updated_at = ?, updated_by = ? "
                   "WHERE partnership = ? AND id = ?", (now(), by, *key))
    return "changed" if changed else "same"


def _sync_fields(db: sqlite_utils.Database, key: tuple[str, str], action: dict[str, Any],
                 position: int, by: str) -> bool:
    fields = ("title", "theme", "priority", "lead", "due")
    current = db.execute(f"SELECT {', '.join(fields)}, position FROM actions "
                         "WHERE partnership = ? AND id = ?", key).fetchone()
    wanted = (*(action[f] for f in fields), position)
    if tuple(current) == wanted:
        return False
    db.execute(f"UPDATE actions SET {', '.join(f'{f} = ?' for f in fields)}, position = ? "
               "WHERE partnership = ? AND id = ?", (*wanted, *key))
    for name, old, new in zip(fields, current, wanted, strict=False):
        if old != new:
            audit(db, key[0], key[1], by, "file", name, old, new)
    return tuple(current)[:-1] != wanted[:-1]  # a new position alone is not a change


def _sync_outputs(db: sqlite_utils.Database, key: tuple[str, str], outputs: list[Any],
                  by: str) -> bool:
    stored = {n: (measure, unit, target, current, file_current)
              for n, measure, unit, target, current, file_current in db.execute(
                  "SELECT position, measure, unit, target, current, file_current "
                  "FROM action_outputs WHERE partnership = ? AND action = ?", key)}
    changed = False
    for n, out in enumerate(outputs):
        old = stored.pop(n, None)
        if old is None or old[0] != out.measure:
            db.execute("INSERT OR REPLACE INTO action_outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (*key, n, out.measure, out.unit, out.target, out.current, out.current))
            audit(db, key[0], key[1], by, "file", out.measure, old[3] if old else None,
                  out.current)
            changed = True
            continue
        measure, unit, target, current, file_current = old
        if (unit, target) != (out.unit, out.target):
            db.execute("UPDATE action_outputs SET unit = ?, target = ? WHERE partnership = ? "
                       "AND action = ? AND position = ?", (out.unit, out.target, *key, n))
            changed = True
        if out.current != file_current:  # the file changed the value: the file wins
            db.execute("UPDATE action_outputs SET current = ?, file_current = ? WHERE "
                       "partnership = ? AND action = ? AND position = ?",
                       (out.current, out.current, *key, n))
            if out.current != current:
                audit(db, key[0], key[1], by, "file", measure, current, out.current)
            changed = True
    for n in stored:
        db.execute("DELETE FROM action_outputs WHERE partnership = ? AND action = ? AND "
                   "position = ?", (*key, n))
        changed = True
    return changed


class StaleUpdate(Exception):
    """The action changed after the form was opened: who changed it, and when."""

    def __init__(self, by: str, at: str, version: int) -> None:
        super().__init__(f"changed by {by} at {at}")
        self.by, self.at, self.version = by, at, version


def update_from_chat(db: sqlite_utils.Database, partnership: str, action: str, by: str,
                     expected_version: int, status: str | None = None,
                     value: float | None = None, note: str | None = None) -> list[str]:
    """Save a chat update in one transaction: the action, its first output, the audit trail.

    Raises StaleUpdate (nothing written) when the action's version is not `expected_version`.
    Returns the fields changed ("status", the output's measure, "note").
    """
    key = (partnership, action)
    with write_transaction(db):
        row = db.execute("SELECT status, version, updated_by, updated_at FROM actions WHERE "
                         "partnership = ? AND id = ?", key).fetchone()
        if row is None:
            raise KeyError(action)
        old_status, version, last_by, last_at = row
        if version != expected_version:
            raise StaleUpdate(last_by, last_at, version)
        changed = []
        if status is not None and status != old_status:
            db.execute("UPDATE actions SET status = ? WHERE partnership = ? AND id = ?",
                       (status, *key))
            audit(db, partnership, action, by, "chat", "status", old_status, status, note)
            changed.append("status")
        output = db.execute("SELECT measure, current FROM action_outputs WHERE partnership = ? "
                            "AND action = ? AND position = 0", key).fetchone()
        if value is not None and output is not None and value != output[1]:
            db.execute("UPDATE action_outputs SET current = ? WHERE partnership = ? AND "
                       "action = ? AND position = 0", (value, *key))
            audit(db, partnership, action, by, "chat", output[0], output[1], value, note)
            changed.append(output[0])
        if not changed and note:
            audit(db, partnership, action, by, "chat", "note", None, None, note)
            changed.append("note")
        if changed:
            db.execute("UPDATE actions SET version = version + 1, updated_at = ?, "
                       "updated_by = ? WHERE partnership = ? AND id = ?", (now(), by, *key))
    return changed
