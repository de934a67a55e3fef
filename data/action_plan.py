"""The action plan in the store: actions and their outputs, changed from a partnership file or
from chat, each change recorded in the audit trail (`data.audit_trail.record`).

A reload of the file records every field it changes: status, title, theme, priority, lead, due,
and each output's measure, unit, target and value (an output added or removed included).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from data.audit_trail import Author, now, record
from data.db import write_transaction
from data.partnership_sections import Output

# An output as stored: measure, unit, target, current (its value now), file_current (the file's).
Stored = tuple[str, str | None, float | None, float | None, float | None]


def sync_action(db: sqlite_utils.Database, partnership: str, action: dict[str, Any],
                position: int, author: Author) -> str:
    """Bring one action in line with the partnership file: 'added', 'changed' or 'same'."""
    key = (partnership, action["id"])
    row = db.execute("SELECT status, file_status FROM actions WHERE partnership = ? AND id = ?",
                     key).fetchone()
    if row is None:
        db.execute("INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                   (*key, action["title"], action["theme"], action["priority"], action["lead"],
                    action["status"], action["due"], position, action["status"], now(),
                    author.name))
        for n, out in enumerate(action["outputs"]):
            db.execute("INSERT INTO action_outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (*key, n, out.measure, out.unit, out.target, out.current, out.current))
        record(db, partnership, action["id"], author, "created", None, action["status"])
        return "added"
    changed = _sync_fields(db, key, action, position, author)
    status, file_status = row
    if action["status"] != file_status:  # the file changed it: the file wins
        db.execute("UPDATE actions SET status = ?, file_status = ? WHERE partnership = ? "
                   "AND id = ?", (action["status"], action["status"], *key))
        if action["status"] != status:
            record(db, partnership, action["id"], author, "status", status, action["status"])
            changed = True
    changed |= _sync_outputs(db, key, action["outputs"], author)
    if changed:
        db.execute("UPDATE actions SET version = version + 1, updated_at = ?, updated_by = ? "
                   "WHERE partnership = ? AND id = ?", (now(), author.name, *key))
    return "changed" if changed else "same"


def _sync_fields(db: sqlite_utils.Database, key: tuple[str, str], action: dict[str, Any],
                 position: int, author: Author) -> bool:
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
            record(db, key[0], key[1], author, name, old, new)
    return tuple(current)[:-1] != wanted[:-1]  # a new position alone is not a change


def _sync_outputs(db: sqlite_utils.Database, key: tuple[str, str], outputs: list[Output],
                  author: Author) -> bool:
    """The action's outputs as the file has them, every difference recorded; True if any."""
    stored: dict[int, Stored] = {
        n: (measure, unit, target, current, file_current)
        for n, measure, unit, target, current, file_current in db.execute(
            "SELECT position, measure, unit, target, current, file_current "
            "FROM action_outputs WHERE partnership = ? AND action = ?", key)}
    changed = False
    for n in sorted(set(stored) | set(range(len(outputs)))):
        old, new = stored.get(n), outputs[n] if n < len(outputs) else None
        if old is None or new is None or old[0] != new.measure:
            _replace_output(db, key, n, old, new, author)
            changed = True
        else:
            changed |= _sync_output(db, key, n, old, new, author)
    return changed


def _replace_output(db: sqlite_utils.Database, key: tuple[str, str], n: int,
                    old: Stored | None, new: Output | None, author: Author) -> None:
    """An output added, removed, or another one in its place (a new measure)."""
    db.execute("DELETE FROM action_outputs WHERE partnership = ? AND action = ? AND "
               "position = ?", (*key, n))
    if new is not None:
        db.execute("INSERT INTO action_outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (*key, n, new.measure, new.unit, new.target, new.current, new.current))
    before = old[:4] if old else (None, None, None, None)
    after = (new.measure, new.unit, new.target, new.current) if new else (None,) * 4
    measure = str(after[0] or before[0])
    note = "no longer in the partnership file" if new is None else None
    changes = (("output", before[0], after[0], note),
               (f"{measure} (unit)", before[1], after[1], None),
               (f"{measure} (target)", before[2], after[2], None),
               (measure, before[3], after[3], None))
    for name, was, now_is, why in changes:
        if was != now_is:
            record(db, key[0], key[1], author, name, was, now_is, why)


def _sync_output(db: sqlite_utils.Database, key: tuple[str, str], n: int, old: Stored,
                 new: Output, author: Author) -> bool:
    """The same output (same measure): its unit, target and, when the file's own value changed,
    its value (the file wins over chat then)."""
    measure, unit, target, current, file_current = old
    where = (*key, n)
    changed = False
    if (unit, target) != (new.unit, new.target):
        db.execute("UPDATE action_outputs SET unit = ?, target = ? WHERE partnership = ? "
                   "AND action = ? AND position = ?", (new.unit, new.target, *where))
        for name, was, now_is in (("unit", unit, new.unit), ("target", target, new.target)):
            if was != now_is:
                record(db, key[0], key[1], author, f"{measure} ({name})", was, now_is)
        changed = True
    if new.current != file_current:  # the file changed the value: the file wins
        db.execute("UPDATE action_outputs SET current = ?, file_current = ? WHERE "
                   "partnership = ? AND action = ? AND position = ?",
                   (new.current, new.current, *where))
        if new.current != current:
            record(db, key[0], key[1], author, measure, current, new.current)
        changed = True
    return changed


class StaleUpdate(Exception):
    """The action changed after the form was opened: who changed it, and when."""

    def __init__(self, by: str, at: str, version: int) -> None:
        super().__init__(f"changed by {by} at {at}")
        self.by, self.at, self.version = by, at, version


def update_from_chat(db: sqlite_utils.Database, partnership: str, action: str, author: Author,
                     expected_version: int, status: str | None = None,
                     value: float | None = None, note: str | None = None) -> list[str]:
    """Save an update from chat (or the console, as `author.source` says) in one transaction:
    the action, its first output, the audit trail.

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
            record(db, partnership, action, author, "status", old_status, status, note)
            changed.append("status")
        output = db.execute("SELECT measure, current FROM action_outputs WHERE partnership = ? "
                            "AND action = ? AND position = 0", key).fetchone()
        if value is not None and output is not None and value != output[1]:
            db.execute("UPDATE action_outputs SET current = ? WHERE partnership = ? AND "
                       "action = ? AND position = 0", (value, *key))
            record(db, partnership, action, author, output[0], output[1], value, note)
            changed.append(output[0])
        if not changed and note:
            record(db, partnership, action, author, "note", None, None, note)
            changed.append("note")
        if changed:
            db.execute("UPDATE actions SET version = version + 1, updated_at = ?, "
                       "updated_by = ? WHERE partnership = ? AND id = ?",
                       (now(), author.name, *key))
    return changed
