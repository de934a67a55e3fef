"""`/csp actions [priority|theme|mine]` and `/csp history <action>`: the action plan in chat.

Also the helpers that `/csp update` and the App Home share: finding an action (with "did you
mean"), writing its output, deciding who may update it, and the "Update" buttons.
"""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

from data import plan_queries as plan
from data.catalogue import normalise
from data.errors import did_you_mean
from data.partnership_sections import STATUSES
from handlers import acl
from handlers.args import match_named
from handlers.registry import command
from handlers.reply import Actions, Button, Context, CspError, Reply, Table, Text
from handlers.request import Request

NUMBERED = re.compile(r"^\d+(\.\d+)*$")
BUTTONS_PER_BLOCK = 5
MAX_BUTTONS = 25
MAX_HISTORY = 50
DONE = ("complete", "withdrawn")


@command("actions", "The action plan: each action's lead, status, output and due date.",
         "/csp actions [priority | theme | mine]",
         examples=("/csp actions", "/csp actions serious acquisitive crime", "/csp actions 4.6",
                   "/csp actions mine"))
def list_actions(req: Request) -> Reply:
    every = plan.actions(req.db, req.partnership)
    label, chosen = choose_actions(req, every)
    if not chosen:
        return Reply(label, [Text(f"No actions: {label}.\n`/csp actions` lists them all.")],
                     f"{label}: no actions")
    overdue = [a["id"] for a in chosen if is_overdue(a, req.ctx.today)]
    rows = [[a["id"], a["title"], a["lead_name"] or a["lead"] or "-",
             a["status"] + (" (overdue)" if a["id"] in overdue else ""), output_text(a),
             a["due"] or "-"] for a in chosen]
    summary = count_statuses(chosen)
    lines = [f"*{summary}*"]
    if overdue:
        lines.append(f"Overdue (due before {req.ctx.today}, not complete): "
                     + ", ".join(overdue) + ".")
    mine = updatable(req.db, req.partnership, req.person, req.ctx, chosen)
    lines.append("`/csp history <id>` shows an action's changes"
                 + ("; `/csp update <id>` updates one." if mine else "."))
    blocks: list[Any] = [Table(["id", "action", "lead", "status", "output", "due"], rows),
                         Text("\n".join(lines)), *update_buttons(req.partnership, mine)]
    return Reply(label, blocks, f"{label}: {summary}")


@command("history", "The audit trail of one action: every change, who made it and when.",
         "/csp history <action>", examples=("/csp history 4.6.2",))
def show_history(req: Request) -> Reply:
    if not req.words:
        raise CspError("Which action?", "/csp history 4.6.2 (`/csp actions` lists them)")
    action = find_action(req.db, req.partnership, req.words[0])
    trail = plan.history(req.db, req.partnership, action["id"])
    shown = trail[-MAX_HISTORY:]
    rows = [[moment(r["at"]), r["by"], r["source"], r["field"],
             f"{r['old'] if r['old'] is not None else '-'} -> "
             f"{r['new'] if r['new'] is not None else '-'}", r["note"] or ""] for r in shown]
    head = (f"*{action['id']}* {action['title']}\nLead: {action['lead_name'] or '-'}; status "
            f"{action['status']}; {len(trail)} change{'s' if len(trail) != 1 else ''} recorded.")
    if len(shown) < len(trail):
        head += f" Showing the latest {len(shown)}."
    return Reply(f"History of {action['id']}",
                 [Text(head), Table(["when", "who", "source", "field", "change", "note"], rows)],
                 f"History of {action['id']}: {len(trail)} change{'s' if len(trail) != 1 else ''}")


def choose_actions(req: Request, every: list[dict[str, Any]]
                   ) -> tuple[str, list[dict[str, Any]]]:
    """(a title, the actions) for the filter typed: nothing, `mine`, a theme or a priority."""
    if not req.words:
        return "Action plan", every
    phrase = " ".join(req.words)
    if phrase.lower() == "mine":
        return mine(req, every)
    if NUMBERED.match(phrase):
        themes = {a["theme"]: a["theme_name"] for a in every if a["theme"]}
        if phrase in themes:
            return (f"Action plan: {phrase} {themes[phrase]}",
                    [a for a in every if a["theme"] == phrase])
        found = [a for a in every if a["id"] == phrase or a["id"].startswith(phrase + ".")]
        if found:
            return f"Action plan: {phrase}", found
        raise CspError(f"No theme or action numbered '{phrase}'."
                       + did_you_mean(phrase, [*themes, *(a["id"] for a in every)]),
                       "/csp actions 4.6 (themes: "
                       + ", ".join(f"{t} {n}" for t, n in themes.items()) + ")")
    priority = match_priority(plan.priorities(req.db, req.partnership), req.words)
    return (f"Action plan: {priority['name']}",
            [a for a in every if a["priority_id"] == priority["id"]])


def mine(req: Request, every: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Actions of the priorities the asker's agency leads, and actions it leads itself."""
    agency = req.person.get("agency") if req.person else None
    if agency is None:
        raise CspError("`mine` means the actions of your agency, and CSP Bot does not know "
                       "your agency.", "/csp actions (all of them), or ask your partnership's "
                       "admin to add you with your agency")
    leads = leads_by_priority(req.db, req.partnership, every)
    name = req.person.get("agency_name") if req.person else None
    return (f"Action plan: {name or agency}",
            [a for a in every if a["lead"] == agency or agency in leads[a["priority_id"]]])


def match_priority(priorities: list[dict[str, Any]], words: list[str]) -> dict[str, Any]:
    """The priority named by its id, its name, or words found in its name."""
    found = match_named(priorities, words, "priorities", "/csp actions")
    if found is not None:
        return found
    phrase = normalise(" ".join(words))
    names = {normalise(p["name"]): p["id"] for p in priorities} | {p["id"]: p["id"]
                                                                   for p in priorities}
    raise CspError(f"No priority, theme or filter called '{' '.join(words)}'."
                   + did_you_mean(phrase, names | {"mine": "mine"}),
                   "/csp actions [priority | theme like 4.6 | mine]; /csp priorities lists "
                   "the priorities")


def find_action(db: sqlite_utils.Database, pid: str, word: str) -> dict[str, Any]:
    """The action numbered `word`, or a CspError suggesting the nearest numbers."""
    every = plan.actions(db, pid)
    found = next((a for a in every if a["id"] == word.strip()), None)
    if found is None:
        raise CspError(f"There is no action '{word}'."
                       + did_you_mean(word, [a["id"] for a in every]),
                       "/csp actions lists the actions")
    return found


def leads_by_priority(db: sqlite_utils.Database, pid: str, actions: list[dict[str, Any]]
                      ) -> dict[str | None, list[str]]:
    """Agency ids leading each priority the actions belong to."""
    return {p: plan.priority_leads(db, pid, p) for p in {a["priority_id"] for a in actions}}


def updatable(db: sqlite_utils.Database, pid: str, person: dict[str, Any] | None, ctx: Context,
              actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actions (not withdrawn) that this person may update."""
    leads = leads_by_priority(db, pid, actions)
    return [a for a in actions if a["status"] != "withdrawn"
            and acl.may_update(person, leads[a["priority_id"]], ctx)]


def update_buttons(pid: str, actions: list[dict[str, Any]]) -> list[Any]:
    """"Update" buttons, five to a row, at most MAX_BUTTONS (then a line saying what to type)."""
    buttons = [Button("update_action", f"Update {a['id']}", f"{pid}:{a['id']}")
               for a in actions[:MAX_BUTTONS]]
    blocks: list[Any] = [Actions(buttons[i:i + BUTTONS_PER_BLOCK])
                         for i in range(0, len(buttons), BUTTONS_PER_BLOCK)]
    if len(actions) > MAX_BUTTONS:
        blocks.append(Text(f"{len(actions) - MAX_BUTTONS} more: type `/csp update <id>`."))
    return blocks


def is_overdue(action: dict[str, Any], today: str) -> bool:
    return bool(today and action["due"] and action["due"] < today
                and action["status"] not in DONE)


def count_statuses(actions: list[dict[str, Any]]) -> str:
    """'21 actions: 19 on-track, 2 complete', statuses in their usual order."""
    counts: dict[str, int] = {}
    for a in actions:
        counts[a["status"]] = counts.get(a["status"], 0) + 1
    order = [s for s in STATUSES if s in counts] + [s for s in counts if s not in STATUSES]
    n = len(actions)
    return (f"{n} action{'s' if n != 1 else ''}: "
            + ", ".join(f"{counts[s]} {s}" for s in order))


def output_text(action: dict[str, Any]) -> str:
    """The first output as 'current / target unit', or '-' when it has no figure."""
    if not action["outputs"]:
        return "-"
    out = action["outputs"][0]
    if out["current"] is None:
        return "-"
    text = number(out["current"])
    if out["target"] is not None:
        text += f" / {number(out['target'])}"
    return f"{text} {out['unit']}" if out["unit"] else text


def number(value: float) -> str:
    """12500.0 -> '12,500'; 2.5 -> '2.5'."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def moment(iso: str | None) -> str:
    """'2010-04-15T09:30:12+00:00' -> '2010-04-15 09:30 UTC'."""
    if not iso or "T" not in iso:
        return iso or "-"
    return f"{iso[:10]} {iso[11:16]}" + (" UTC" if iso.endswith(("+00:00", "Z")) else "")
