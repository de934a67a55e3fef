"""Context notes (METHOD 2.9, "Context"): known events that distort comparisons, by month.

Three kinds, one list: the built-in national notes (`NATIONAL`: the COVID-19 restrictions in
England and Wales), a partnership's own notes from its file (`[[context]]`, read and checked by
`read_context`, written by the partnership loader with `write_file_notes` and replaced whole on
each reload) and notes added from chat (`add_note`, `delete_note`), which a reload keeps. Each
note added or deleted from chat leaves a row in the append-only `context_note_log`: who, how,
in which channel, when, and the note.

`notes_between(db, pid, first, last)` gives every note whose months overlap first..last, ordered
by month, for the judgements that name them and the charts that shade them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from data.audit_trail import Author, now
from data.db import write_transaction
from data.errors import DataError, control_character
from data.partnership_sections import MONTH
from data.toml_reader import Reader

MAX_TEXT = 500  # characters of a note
MAX_LABEL = 40  # characters of a chart's label
KEYS = ("month", "from", "to", "text", "label", "area")


@dataclass(frozen=True)
class ContextNote:
    """One note: its months (YYYY-MM, inclusive), what happened, and where it comes from
    ("national", "partnership file" or "chat: <who>"). `area` is None for the whole
    partnership; `label` is short, for a chart's legend (the file's `label`, or the text's
    first phrase); `id` is the stored note's number (None for a national note)."""

    first: str
    last: str
    text: str
    source: str
    area: str | None = None
    label: str = ""
    id: int | None = None

    @property
    def months(self) -> str:
        """'2023-04', or '2020-03 to 2021-07'."""
        return self.first if self.first == self.last else f"{self.first} to {self.last}"


NATIONAL = (
    ContextNote(
        "2020-03", "2021-07",
        "COVID-19 restrictions in England and Wales: national lockdowns from 23 March 2020, "
        "in November 2020 (in Wales a firebreak from 23 October 2020) and from January 2021 "
        "(in Wales from 20 December 2020), with local restrictions between them; most legal "
        "restrictions ended on 19 July 2021 in England and on 7 August 2021 in Wales. How much "
        "crime happened, and how much was reported, changed in these months.",
        "national", label="COVID-19 restrictions"),
)


def notes_between(db: sqlite_utils.Database, pid: str, first: str, last: str,
                  area: str | None = None) -> list[ContextNote]:
    """Every note whose months overlap first..last (YYYY-MM, inclusive), national ones
    included, ordered by month. With `area` (a sub-area's id), a note for another sub-area is
    left out; without it, or with the partnership's own id, every note is given."""
    notes = [n for n in NATIONAL if n.first <= last and n.last >= first]
    rows = db.execute(
        "SELECT * FROM context_notes WHERE partnership = ? AND first_month <= ? AND "
        "last_month >= ?", (pid, last, first))
    columns = [c[0] for c in rows.description]
    notes += [_note(dict(zip(columns, row, strict=True))) for row in rows.fetchall()]
    if area is not None and area != pid:
        notes = [n for n in notes if n.area in (None, area)]
    return sorted(notes, key=lambda n: (n.first, n.last, n.source != "national", n.id or 0))


def all_notes(db: sqlite_utils.Database, pid: str) -> list[ContextNote]:
    """Every note of the partnership, national ones included, ordered by month."""
    return notes_between(db, pid, "0000-01", "9999-12")


def _note(row: dict[str, Any]) -> ContextNote:
    source = "partnership file" if row["source"] == "file" else f"chat: {row['added_by']}"
    return ContextNote(row["first_month"], row["last_month"], row["text"], source,
                       row["area"], row["label"] or short_label(row["text"]), row["id"])


def short_label(text: str) -> str:
    """A chart's label from a note's text: its first phrase, at most MAX_LABEL characters."""
    head = re.split(r"[:;.,(]", text, maxsplit=1)[0].strip() or text
    if len(head) <= MAX_LABEL:
        return head
    return head[:MAX_LABEL - 1].rsplit(" ", 1)[0].rstrip() + "…"


def read_context(r: Reader, areas: set[str]) -> dict[str, Any]:
    """One `[[context]]` table: `month`, or `from` and `to`; `text`; maybe `label`, `area`."""
    r.check_keys(KEYS)
    month = r.text("month", required=False, pattern=MONTH, expected="a month YYYY-MM")
    if month is not None and ("from" in r.table or "to" in r.table):
        r.fail("month", "give either month, or from and to, not both")
    if month is None and "from" not in r.table and "to" not in r.table:
        r.fail("month", "is missing: give month = \"YYYY-MM\", or from and to")
    first = month or r.text("from", pattern=MONTH, expected="a month YYYY-MM")
    last = month or r.text("to", pattern=MONTH, expected="a month YYYY-MM")
    if str(last) < str(first):
        r.fail("to", f"'{last}' is before from '{first}'")
    text = " ".join(str(r.text("text", expected="what happened, in words")).split())
    label = r.text("label", required=False, expected="a short label for charts")
    for name, value, limit in (("text", text, MAX_TEXT), ("label", label, MAX_LABEL)):
        if value is not None and (problem := check_text(value, limit)):
            r.fail(name, problem)
    area = r.text("area", required=False, expected="an area id")
    if area is not None and area not in areas:
        r.fail("area", f"unknown area '{area}'. Areas: {', '.join(sorted(areas))}.")
    return {"first": first, "last": last, "text": text, "label": label, "area": area}


def check_text(text: str, limit: int = MAX_TEXT) -> str | None:
    """What is wrong with a note's text (too long, a control character), or None."""
    if len(text) > limit:
        return f"is {len(text):,} characters; at most {limit:,}"
    if problem := control_character(text):
        return f"contains {problem}"
    return None


def write_file_notes(db: sqlite_utils.Database, pid: str, notes: list[dict[str, Any]],
                     by: str) -> None:
    """Replace the partnership's notes from its file (inside the loader's transaction); notes
    added from chat stay."""
    db.execute("DELETE FROM context_notes WHERE partnership = ? AND source = 'file'", (pid,))
    at = now()
    db.conn.executemany(
        "INSERT INTO context_notes (partnership, first_month, last_month, text, label, area, "
        "source, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, 'file', ?, ?)",
        [(pid, n["first"], n["last"], n["text"], n["label"], n["area"], by, at)
         for n in notes])


def add_note(db: sqlite_utils.Database, pid: str, first: str, last: str, text: str,
             author: Author, channel: str | None) -> ContextNote:
    """Add a note from chat (or the command line), logged; DataError if it cannot be kept."""
    if not (MONTH.match(first) and MONTH.match(last)) or last < first:
        raise DataError(f"'{first}' to '{last}' is not a span of months.",
                        "Months are YYYY-MM, the first no later than the last.")
    text = " ".join(text.split())  # one line, as a file's text is
    if problem := (check_text(text) if text else "is empty"):
        raise DataError(f"The note {problem}.", "Write it again, shorter or in plain text.")
    with write_transaction(db):
        cursor = db.execute(
            "INSERT INTO context_notes (partnership, first_month, last_month, text, source, "
            "added_by, added_at) VALUES (?, ?, ?, ?, 'chat', ?, ?)",
            (pid, first, last, text, author.name, now()))
        note = ContextNote(first, last, text, f"chat: {author.name}",
                           label=short_label(text), id=cursor.lastrowid)
        _log(db, pid, note, "added", author, channel)
    return note


def delete_note(db: sqlite_utils.Database, pid: str, note_id: int, author: Author,
                channel: str | None) -> ContextNote:
    """Delete a note added from chat, logged. A file's note is changed in the file."""
    with write_transaction(db):
        row = db.execute("SELECT * FROM context_notes WHERE partnership = ? AND id = ?",
                         (pid, note_id)).fetchone()
        if row is None:
            raise DataError(f"There is no note {note_id}.",
                            "`/csp note` (or `cspbot note list`) lists the notes.")
        columns = [c[0] for c in db.execute("SELECT * FROM context_notes LIMIT 0").description]
        note = _note(dict(zip(columns, row, strict=True)))
        if note.source == "partnership file":
            raise DataError(f"Note {note_id} is in the partnership file.",
                            "Change the file's [[context]] and load it again.")
        db.execute("DELETE FROM context_notes WHERE id = ?", (note_id,))
        _log(db, pid, note, "deleted", author, channel)
    return note


def _log(db: sqlite_utils.Database, pid: str, note: ContextNote, event: str, author: Author,
         channel: str | None) -> None:
    db.execute(
        "INSERT INTO context_note_log (partnership, note, event, at, by, route, person_id, "
        "chat_id, channel, first_month, last_month, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)", (pid, note.id, event, now(), author.name, author.source, author.person_id,
                     author.chat_id, channel, note.first, note.last, note.text))


def note_log(db: sqlite_utils.Database, pid: str) -> list[dict[str, Any]]:
    """The partnership's notes added and deleted from chat, oldest first."""
    return [dict(r) for r in db.query(
        "SELECT * FROM context_note_log WHERE partnership = ? ORDER BY id", [pid])]
