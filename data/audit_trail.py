"""The audit trail of actions (`action_updates`): appending a row, and checking the whole trail.

Every change to an action is one row: who (the name shown, the person's id in the partnership
file and their chat user id), how (`slack`, `teams`, `console` or `file`), when, the field, the
old and the new value. Triggers refuse UPDATE and DELETE, and any INSERT whose id is not new
(the REPLACE path). Each row also holds `hash`, the SHA-256 of the previous row's hash and this
row's fields, so a row changed or removed after the triggers were dropped breaks the chain:
`verify` names the first such row (`cspbot audit verify`). Migration 0009 wrote the hashes of
the rows already there with this same formula.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from data.db import write_transaction

# The columns a row's hash covers, in order (the id is not one: a row's place is its link).
HASHED = ("partnership", "action", "at", "by", "source", "field", "old", "new", "note",
          "person_id", "chat_id")
SOURCES = ("slack", "teams", "console", "file")
# The triggers that keep the trail append-only, as migration 0009 created them.
GUARDS = {
    "action_updates_never_edited": "CREATE TRIGGER action_updates_never_edited BEFORE UPDATE "
    "ON action_updates BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never "
    "edited'); END",
    "action_updates_never_deleted": "CREATE TRIGGER action_updates_never_deleted BEFORE DELETE "
    "ON action_updates BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never "
    "deleted'); END",
    "action_updates_never_replaced": "CREATE TRIGGER action_updates_never_replaced BEFORE "
    "INSERT ON action_updates WHEN EXISTS (SELECT 1 FROM action_updates WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: never replaced (an id is "
    "never given twice)'); END",
    "action_updates_only_appended": "CREATE TRIGGER action_updates_only_appended AFTER INSERT "
    "ON action_updates WHEN NEW.id < 1 OR NEW.id < (SELECT MAX(id) FROM action_updates) "
    "BEGIN SELECT RAISE(ABORT, 'action_updates is an audit trail: rows are only added at the "
    "end'); END",
}


@dataclass(frozen=True)
class Author:
    """Who made a change, and how: the name shown, the route (one of SOURCES), the person's id
    in the partnership file and their chat user id (None for a file, or the operator)."""

    name: str
    source: str
    person_id: str | None = None
    chat_id: str | None = None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def chain_hash(previous: str, values: tuple[Any, ...]) -> str:
    """SHA-256 (hex) of the previous row's hash ('' for the first row) and a row's HASHED
    values, as compact JSON."""
    text = json.dumps([previous, *values], ensure_ascii=False, separators=(",", ":"),
                      default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(db: sqlite_utils.Database, partnership: str, action: str, author: Author,
           field_name: str, old: object, new: object, note: str | None = None) -> None:
    """Append one row to the audit trail, chained to the row before it."""
    if author.source not in SOURCES:
        raise ValueError(f"unknown audit source {author.source!r}")
    if not db.conn.in_transaction:  # the previous row must stay the last one until we add ours
        with write_transaction(db):
            record(db, partnership, action, author, field_name, old, new, note)
        return
    values = (partnership, action, now(), author.name, author.source, field_name, _text(old),
              _text(new), note, author.person_id, author.chat_id)
    last = db.execute("SELECT hash FROM action_updates ORDER BY id DESC LIMIT 1").fetchone()
    db.execute(f"INSERT INTO action_updates ({', '.join(HASHED)}, hash) "
               f"VALUES ({', '.join('?' * (len(HASHED) + 1))})",
               (*values, chain_hash(last[0] if last else "", values)))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Problem:
    kind: str  # "altered", "removed" or "unguarded"
    message: str
    first: int | None = None  # the row altered, or the first row removed
    last: int | None = None  # the last row removed
    row: dict[str, Any] | None = None  # what the altered row says now


@dataclass
class Verdict:
    partnership: str | None  # the partnership checked, or None: every one
    rows: int  # rows of that partnership (or of all)
    chain: int  # rows in the whole chain (all were checked: the chain runs through them all)
    newest: int | None = None
    newest_hash: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: intact (and the chain's newest link), or the first problem."""
        whose = f" of {self.partnership}" if self.partnership else ""
        if self.intact:
            head = (f"; newest row {self.newest}, hash {self.newest_hash[:16]}"
                    if self.newest_hash else "")
            return (f"Audit trail{whose} intact: {self.rows} row{_s(self.rows)} "
                    f"({self.chain} in the whole chain, every one checked){head}.")
        more = len(self.problems) - 1
        return (f"Audit trail{whose} NOT intact: {self.problems[0].message}"
                + (f" (and {more} more problem{_s(more)})" if more else "") + ".")


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def verify(db: sqlite_utils.Database, partnership: str | None = None) -> Verdict:
    """Walk the chain from the first row: each row's hash must be the hash of the row before and
    its own fields, and no id may be missing. Rows altered are reported for `partnership` only
    (all, when None); rows removed and guards dropped whichever partnership they concern."""
    verdict = Verdict(partnership, 0, 0)
    previous, last_id = "", 0
    for row in db.query(f"SELECT id, {', '.join(HASHED)}, hash FROM action_updates "
                        "ORDER BY id"):
        verdict.chain += 1
        mine = partnership is None or row["partnership"] == partnership
        verdict.rows += mine
        values = tuple(row[c] for c in HASHED)
        if row["id"] > last_id + 1:  # rows missing; this row's link is to one of them
            verdict.problems.append(_removed(last_id + 1, row["id"] - 1, row["id"]))
        elif row["hash"] != chain_hash(previous, values) and mine:
            verdict.problems.append(_altered(row))
        previous, last_id = row["hash"], row["id"]
    verdict.newest, verdict.newest_hash = (last_id or None), (previous or None)
    sequence = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'action_updates'"
                          ).fetchone()
    if sequence and sequence[0] > last_id:
        verdict.problems.append(_removed(last_id + 1, sequence[0], None))
    verdict.problems += _unguarded(db)
    return verdict


def _altered(row: dict[str, Any]) -> Problem:
    where = f"{row['partnership']} {row['action']}, {row['field']}, {row['at']}"
    return Problem("altered", f"row {row['id']} ({where}) was altered after it was written: "
                   "it no longer matches its hash", row["id"], row["id"],
                   {k: v for k, v in row.items() if k != "hash"})


def _removed(first: int, last: int, before: int | None) -> Problem:
    rows = f"row {first} was" if first == last else f"rows {first}-{last} were"
    where = f"before row {before}" if before is not None else "the newest"
    return Problem("removed", f"{rows} removed ({where})", first, last)


def _unguarded(db: sqlite_utils.Database) -> list[Problem]:
    """The triggers that are missing or not as they were made."""
    found = {name: sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
        "tbl_name = 'action_updates'")}
    changed = [name for name, sql in GUARDS.items()
               if _words(found.get(name) or "") != _words(sql)]
    if not changed:
        return []
    return [Problem("unguarded", f"the trigger{_s(len(changed))} {', '.join(changed)} "
                    f"{'was' if len(changed) == 1 else 'were'} dropped or changed: the store "
                    "was edited outside CSP Bot")]


def _words(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()
