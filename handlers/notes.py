"""`/csp note`: the partnership's context notes (METHOD 2.9, "Context"), for admins.

`/csp note` lists every note (national, from the partnership file, from chat) with its number;
`/csp note 2023-04 text` (or `2023-04..2023-06 text`) adds one; `/csp note delete N` deletes one
added from chat. Notes are kept by data/context.py, which logs each one added or deleted with
who, how, in which channel and when. The note's text is echoed as typed, inside the neutral
reply: each front end escapes it (no mention, link or markup from it reaches a channel).
"""

from __future__ import annotations

import re

from data.audit_trail import Author
from data.context import ContextNote, add_note, all_notes, delete_note
from data.errors import DataError
from handlers.registry import command
from handlers.reply import CspError, Reply, Text
from handlers.request import Request
from handlers.update import identify_author

SPAN = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))(?:(?:\.\.|/)(\d{4}-(?:0[1-9]|1[0-2])))?$")
NOTE_ID = re.compile(r"^[0-9]{1,9}$")
USAGE = "/csp note YYYY-MM what happened (or YYYY-MM..YYYY-MM ...; /csp note delete N)"


@command("note", "Context notes: known events that distort comparisons (lockdowns, "
         "recording changes, operations) (admins).",
         "/csp note [YYYY-MM[..YYYY-MM] text | delete N]", role="admin",
         examples=("/csp note", "/csp note 2023-04 Operation Nightfall: extra patrols",
                   "/csp note 2022-10..2023-03 new crime recording system",
                   "/csp note delete 3"))
def note_command(req: Request) -> Reply:
    if not req.words or (len(req.words) == 1 and req.words[0].lower() == "list"):
        return list_notes(req)
    if req.words[0].lower() == "delete":
        return delete(req)
    span = SPAN.match(req.words[0])
    if span is None:
        raise CspError(f"'{req.words[0][:20]}' is not a month YYYY-MM.", USAGE)
    first, last = span.group(1), span.group(2) or span.group(1)
    text = " ".join(req.words[1:])
    if not text:
        raise CspError("What happened? Write the note after the month.", USAGE)
    try:
        note = add_note(req.db, req.partnership, first, last, text, _author(req),
                        req.ctx.channel)
    except DataError as exc:
        raise CspError(exc.message, exc.hint or USAGE) from None
    return Reply(f"Note {note.id} added", [Text(f"*Note {note.id}*, {note.months}: "
                                                f"{note.text}\nJudgements whose months include "
                                                "it will name it. `/csp note` lists the notes.")],
                 f"Note {note.id} added for {note.months}")


def list_notes(req: Request) -> Reply:
    notes = all_notes(req.db, req.partnership)
    lines = [_line(n) for n in notes]
    text = "\n".join(lines) + ("\n`/csp note YYYY-MM text` adds a note; `/csp note delete N` "
                               "deletes one added from chat.")
    return Reply("Context notes", [Text(text)], f"{len(notes)} context notes")


def delete(req: Request) -> Reply:
    if len(req.words) != 2 or not NOTE_ID.match(req.words[1]):
        raise CspError("Which note? Give its number.", "/csp note delete 3 (`/csp note` lists "
                       "them)")
    try:
        note = delete_note(req.db, req.partnership, int(req.words[1]), _author(req),
                           req.ctx.channel)
    except DataError as exc:
        raise CspError(exc.message, "/csp note (lists the notes and their numbers)") from None
    return Reply(f"Note {note.id} deleted", [Text(f"Deleted note {note.id}, {note.months}: "
                                                  f"{note.text}")],
                 f"Note {note.id} deleted")


def _line(note: ContextNote) -> str:
    number = f"*{note.id}.* " if note.id is not None else ""
    area = f" (area {note.area})" if note.area else ""
    return f"- {number}{note.months}{area}: {note.text} _({note.source})_"


def _author(req: Request) -> Author:
    """Who adds or deletes a note: the person (name, id, chat user id) and the route."""
    return identify_author(req.person, req.ctx, req.ctx.user)
