"""`/csp update <action> [value] [note...]`: a lead updates an action from chat.

The command (or an "Update" button, through `open_update_form`) returns a `Form` pre-filled with
the action's status and its first output's value; the front end shows it and hands the answer
to `submit_update`, which checks the person and their rights again, validates the fields and
saves through `data.action_plan.update_from_chat` (one transaction, with the audit trail). A form
opened before someone else's change is refused, never saved over it.

The form's hidden data (partnership, action, version) comes back from the platform and is read
as strictly as anything typed: exactly those keys, the version in ASCII digits and no newer than
the action's, a partnership in the store and an action of it; anything else is `form_changed`.
The front ends also seal it when they open the form (bot/form_seal.py).
"""

from __future__ import annotations

import math
import re
from typing import Any

import sqlite_utils

from data import plan_queries as plan
from data.action_plan import StaleUpdate, update_from_chat
from data.audit_trail import Author
from data.partnership_sections import STATUSES
from data.partnerships import partnership_ids
from data.people import person_in
from handlers import acl
from handlers.actions import find_action, moment, number
from handlers.registry import command
from handlers.reply import (
    Context,
    CspError,
    Field,
    Form,
    FormErrors,
    FormSubmission,
    Reply,
    Text,
)
from handlers.request import Request, Settings

FORM_ID = "update_action"
MAX_TITLE = 24  # Slack's limit for a modal's title
MAX_NOTE = 1000
NUMBER = re.compile(r"^[+-]?[\d,]*\.?\d+$")
HIDDEN = ("action", "partnership", "version")  # a form's hidden data: these, nothing else
VERSION = re.compile(r"[0-9]{1,9}")  # ASCII digits only ('²' and '٣' pass str.isdigit)
ACTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


@command("update", "Update an action: its status, its output's figure, a note.",
         "/csp update <action> [value] [note...]", role="lead",
         examples=("/csp update 4.6.2", "/csp update 4.6.2 130",
                   "/csp update 4.6.3 600 further rollout under way"))
def update_command(req: Request) -> Form:
    if not req.words:
        raise CspError("Which action?", "/csp update 4.6.2 (`/csp actions mine` lists yours)")
    action = find_action(req.db, req.partnership, req.words[0])
    value, note = read_value_and_note(req.words[1:])
    if value is not None and not action["outputs"]:
        raise CspError(f"{action['id']} has no output to give a figure for.",
                       f"/csp update {action['id']} <note> (a note, or a new status in the form)")
    return update_form(req.db, req.partnership, action, req.person, req.ctx, value, note)


def open_update_form(pid: str, action_id: str, ctx: Context,
                     db: sqlite_utils.Database) -> Form:
    """The form behind an "Update" button (its value is "pid:action", see `button_target`)."""
    person = person_in(db, pid, ctx.platform, ctx.user)
    return update_form(db, pid, find_action(db, pid, action_id), person, ctx)


def button_target(value: str) -> tuple[str, str]:
    """'kettering:4.6.2' -> ('kettering', '4.6.2')."""
    pid, _, action_id = value.partition(":")
    if not pid or not action_id:
        raise CspError("That button is out of date.", "/csp update <action>")
    return pid, action_id


def update_form(db: sqlite_utils.Database, pid: str, action: dict[str, Any],
                person: dict[str, Any] | None, ctx: Context, value: float | None = None,
                note: str | None = None) -> Form:
    """The update form of one action, if this person may update it (else a CspError)."""
    check_rights(db, pid, action, person, ctx)
    fields = [Field("status", "Status", "choice", action["status"],
                    [(s, s.replace("-", " ").capitalize()) for s in STATUSES])]
    if action["outputs"]:
        out = action["outputs"][0]
        current = plain(value if value is not None else out["current"])
        hint = f"Now {number(out['current'])}" if out["current"] is not None else "No figure yet"
        if out["target"] is not None:
            hint += f"; target {number(out['target'])}"
        fields.append(Field("value", out["measure"] + (f" ({out['unit']})" if out["unit"]
                                                        else ""),
                            "number", current, required=False, hint=hint + "."))
    fields.append(Field("note", "Note", "multiline", note, required=False,
                        hint=f"Optional, up to {MAX_NOTE:,} characters; kept in the history."))
    title = f"Update {action['id']}"
    return Form(FORM_ID, title if len(title) <= MAX_TITLE else "Update action", fields,
                hidden={"partnership": pid, "action": action["id"],
                        "version": str(action["version"])},
                intro=f"{action['id']} {action['title']} (lead: {action['lead_name'] or '-'}; "
                      f"due {action['due'] or '-'}).")


def submit_update(submission: FormSubmission, ctx: Context, db: sqlite_utils.Database,
                  settings: Settings | None = None) -> Reply:
    """Save an update form: rights checked again, fields validated, the version compared."""
    pid, action_id, version = read_hidden(submission, db)
    action = find_action(db, pid, action_id)
    if version > action["version"]:  # no form is opened at a version the action never had
        raise form_changed(action_id)
    person = person_in(db, pid, ctx.platform, submission.user)
    check_rights(db, pid, action, person, ctx)
    status, value, note = read_fields(submission.values, action)
    try:
        changed = update_from_chat(db, pid, action["id"],
                                   identify_author(person, ctx, submission.user), version,
                                   status, value, note)
    except StaleUpdate as stale:
        raise CspError(f"{action['id']} was changed by {stale.by} at {moment(stale.at)} after "
                       "you opened this form; nothing was saved. Open it again to see the "
                       "latest.", f"/csp update {action['id']}") from None
    if not changed:
        return Reply(f"{action['id']}: nothing to save",
                     [Text(f"{action['id']} already had that status and figure.")],
                     f"{action['id']}: nothing to save")
    lines = [describe_change(f, action, status, value) for f in changed if f != "note"]
    if note:
        lines.append(f"- Note: {note}")
    text = f"*{action['id']}* {action['title']}\n" + "\n".join(lines)
    return Reply(f"{action['id']} updated", [Text(text)],
                 f"{action['id']} updated: " + "; ".join(line[2:] for line in lines),
                 public=False)


def identify_author(person: dict[str, Any] | None, ctx: Context, user: str) -> Author:
    """Who saves an update, for the audit trail: the person (their name, their id in the
    partnership file, the chat user id they were found by) and the route it came by; the
    console's operator when no person is named."""
    if person is None:
        return Author("operator", ctx.route)
    return Author(person["name"], ctx.route, person["id"], user)


def read_hidden(submission: FormSubmission, db: sqlite_utils.Database) -> tuple[str, str, int]:
    """(partnership, action, version) of an update form, or `form_changed`: exactly the hidden
    keys the form was given, the version in ASCII digits, a partnership in the store."""
    hidden = submission.hidden
    pid, action_id, version = (hidden.get(key, "") for key in ("partnership", "action", "version"))
    if (submission.form_id != FORM_ID or sorted(hidden) != list(HIDDEN)
            or not VERSION.fullmatch(version) or pid not in partnership_ids(db)):
        raise form_changed(action_id)
    return pid, action_id, int(version)


def form_changed(action_id: str = "") -> CspError:
    """The refusal of a form whose hidden data is not what the bot gave it (nothing saved)."""
    again = f"/csp update {action_id}" if ACTION_ID.fullmatch(action_id) else "/csp update <action>"
    return CspError("This form was changed after it was opened, so nothing was saved: open it "
                    f"again with {again}")


def check_rights(db: sqlite_utils.Database, pid: str, action: dict[str, Any],
                 person: dict[str, Any] | None, ctx: Context) -> None:
    """A CspError saying who may update the action, unless this person may."""
    leads = plan.priority_leads(db, pid, action["priority_id"])
    if acl.may_update(person, leads, ctx):
        return
    priority = next((p for p in plan.priorities(db, pid) if p["id"] == action["priority_id"]),
                    None)
    if priority and priority["leads"]:
        who = (f"the leads of {priority['name']} ({', '.join(priority['leads'])}) "
               "or an admin")
    else:
        who = "an admin (its priority has no lead agency)"
    hint = ("ask your partnership's admin to add you to the partnership file"
            if person is None else "/csp actions mine (your agency's actions)")
    raise CspError(f"Only {who} may update {action['id']}.", hint)


def read_value_and_note(words: list[str]) -> tuple[float | None, str | None]:
    """`130 gates fitted` -> (130.0, 'gates fitted'); a first word not a number starts the note."""
    if not words:
        return None, None
    if not NUMBER.match(words[0]):
        return None, " ".join(words)
    value = to_number(words[0])
    if value is None:
        raise CspError(f"'{words[0]}' is not a figure that can be saved: give a number of 0 or "
                       "more.", "/csp update 4.6.2 130")
    return value, " ".join(words[1:]) or None


def read_fields(values: dict[str, str], action: dict[str, Any]
                ) -> tuple[str, float | None, str | None]:
    """(status, value, note) from the form, or FormErrors naming each bad field."""
    errors = {}
    status = (values.get("status") or "").strip()
    if status not in STATUSES:
        errors["status"] = "Choose one of: " + ", ".join(STATUSES) + "."
    raw = (values.get("value") or "").strip()
    value = to_number(raw) if raw and action["outputs"] else None
    if raw and action["outputs"] and value is None:
        errors["value"] = "Give a number of 0 or more (e.g. 130), or leave it empty."
    note = (values.get("note") or "").strip() or None
    if note and len(note) > MAX_NOTE:
        errors["note"] = f"Notes are at most {MAX_NOTE:,} characters; this one is {len(note):,}."
    if errors:
        raise FormErrors(errors)
    return status, value, note


def to_number(text: str) -> float | None:
    """A finite number of 0 or more, or None."""
    if not NUMBER.match(text):
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def plain(value: float | None) -> str | None:
    """A figure as a number field shows it: 12500.0 -> '12500'."""
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def describe_change(field: str, action: dict[str, Any], status: str, value: float | None
                    ) -> str:
    if field == "status":
        return f"- Status: {action['status']} -> {status}"
    old = action["outputs"][0]["current"]
    unit = action["outputs"][0]["unit"]
    new = number(value) if value is not None else "-"
    return (f"- {field}: {number(old) if old is not None else '-'} -> {new}"
            + (f" {unit}" if unit else ""))
