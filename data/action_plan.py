"""The action plan in the store: actions, their outputs, and the audit trail of every change.

`action_updates` is append-only (triggers refuse edits and deletes). Every change to an action's
status or output values, from a partnership file or from chat, goes through `audit`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlite_utils


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
    changed = _sync_fields(db, key, action, position)
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
                 position: int) -> bool:
    fields = ("title", "theme", "priority", "lead", "due")
    current = db.execute(f"SELECT {', '.join(fields)}, position FROM actions "
                         "WHERE partnership = ? AND id = ?", key).fetchone()
    wanted = (*(action[f] for f in fields), position)
    if tuple(current) == wanted:
        return False
    db.execute(f"UPDATE actions SET {', '.join(f'{f} = ?' for f in fields)}, position = ? "
               "WHERE partnership = ? AND id = ?", (*wanted, *key))
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
