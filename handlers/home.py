"""`home`: the App Home: the asker's partnership at a glance and the actions they may update.

Not a command: the front end calls it when a user opens CSP Bot's home tab (or its personal
tab in Teams) and renders the `Reply` it returns.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from data import plan_queries as plan
from data.briefing_data import partnership_head
from data.partnerships import partnership_today
from data.people import find_people
from handlers.actions import (
    count_statuses,
    is_overdue,
    output_text,
    updatable,
    update_buttons,
)
from handlers.platform_words import as_typed
from handlers.reply import Context, Divider, Facts, Reply, Table, Text
from handlers.request import Settings

ASK = ("Ask CSP Bot: `/csp status`, `/csp priorities`, `/csp actions mine`, `/csp briefing`, "
       "`/csp burglary`; `/csp help` lists everything.")


def home(ctx: Context, db: sqlite_utils.Database, settings: Settings | None = None) -> Reply:
    """The home tab of this user: one part per partnership they are listed in."""
    people = find_people(db, ctx.platform, ctx.user)
    if not people:
        text = ("CSP Bot answers the people of a Community Safety Partnership: how crime is "
                "going, who leads which priority, how the action plan is doing.\n"
                "You are not on any partnership's list yet, so it cannot show you your actions. "
                f"Ask your partnership's admin to add your user id (`{ctx.user}`) to the "
                f"partnership file (under `{ctx.platform}` in `[[people]]`); meanwhile you "
                "can ask in a channel the partnership has added, e.g. `/csp help`.")
        return Reply("CSP Bot", [Text(as_typed(text, ctx, channel=True))],
                     "CSP Bot: you are not on a partnership's list yet")
    blocks: list[Any] = []
    for n, person in enumerate(people):
        if n:
            blocks.append(Divider())
        blocks += partnership_part(db, person, ctx)
    blocks.append(Text(as_typed(ASK, ctx)))
    names = [partnership_head(db, p["partnership"])["name"] for p in people]
    return Reply(f"CSP Bot: {names[0]}" if len(names) == 1 else "CSP Bot", blocks,
                 "CSP Bot: " + "; ".join(names))


def partnership_part(db: sqlite_utils.Database, person: dict[str, Any], ctx: Context
                     ) -> list[Any]:
    """One partnership at a glance, then the actions this person may update."""
    pid = person["partnership"]
    every = plan.actions(db, pid)
    overdue = [a["id"] for a in every
               if is_overdue(a, partnership_today(db, pid, ctx.today))]
    agency = person.get("agency_name") or person.get("agency") or "no agency"
    blocks: list[Any] = [
        Text(f"*{partnership_head(db, pid)['name']}*"),
        Facts([("You", f"{person['name']}: {person['role']}, {agency}"),
               ("Priorities", str(len(plan.priorities(db, pid)))),
               ("Actions", count_statuses(every)),
               ("Overdue", ", ".join(overdue) if overdue else "none")])]
    mine = updatable(db, pid, person, ctx, every)
    if mine:
        blocks.append(Text(f"*Your actions*: the {len(mine)} you may update."))
        blocks.append(Table(["id", "action", "status", "output", "due"],
                            [[a["id"], a["title"],
                              a["status"] + (" (overdue)" if a["id"] in overdue else ""),
                              output_text(a), a["due"] or "-"] for a in mine]))
        blocks += update_buttons(pid, mine)
    elif person["role"] == "member":
        blocks.append(Text("Leads update the actions of the priorities their agency leads; "
                           "`/csp actions` shows how they are doing."))
    else:
        blocks.append(Text("Your agency leads no priority with actions to update yet; "
                           "`/csp leads` shows who leads what."))
    return blocks
