"""`/csp priorities`: the partnership's priorities, who leads each, and what it covers."""

from __future__ import annotations

from typing import Any

from data import plan_queries as plan
from data.words import counted
from handlers.registry import command
from handlers.reply import CspError, Reply, Table, Text
from handlers.request import Request


@command("priorities", "The partnership's priorities: lead agencies, delivery group, period, "
         "indicators, actions.", "/csp priorities", examples=("/csp priorities",))
def list_priorities(req: Request) -> Reply:
    if req.words:
        raise CspError("`/csp priorities` lists them all and takes no words.",
                       "/csp priorities, or /csp actions <priority> for one priority's actions")
    rows = plan.priorities(req.db, req.partnership)
    if not rows:
        return Reply("Priorities", [Text("The partnership file lists no priorities yet.")],
                     "No priorities yet")
    table = Table(["priority", "lead", "delivery group", "period", "indicators", "actions"],
                  [[p["name"], lead_text(p), p["delivery_group"] or "-", period_text(p),
                    ", ".join(p["indicators"]) or "-", str(p["actions"])] for p in rows])
    partnership_level = sum(1 for p in rows if not p["leads"])
    led = len(rows) - partnership_level
    text = (f"*{counted(len(rows), 'priority')}*: {led} led by "
            + ("an agency" if led == 1 else "agencies")
            + (f", {partnership_level} at partnership level" if partnership_level else "")
            + ".\n- `/csp actions <priority>` lists a priority's actions (e.g. `/csp actions "
            f"{rows[0]['id']}`)\n- `/csp leads` says who leads what\n"
            "- `/csp <indicator>` shows how an indicator is doing")
    return Reply("Priorities", [table, Text(text)],
                 f"{counted(len(rows), 'priority')}: " + "; ".join(p["name"] for p in rows))


def lead_text(priority: dict[str, Any]) -> str:
    """The lead agencies' names, or 'partnership level' for an overarching priority."""
    if priority["leads"]:
        return ", ".join(priority["leads"])
    return "partnership level"


def period_text(priority: dict[str, Any]) -> str:
    start, end = priority["period_start"], priority["period_end"]
    if start and end:
        return f"{start} to {end}"
    return start or end or "-"
