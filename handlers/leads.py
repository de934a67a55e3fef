"""`/csp leads [agency]`: who leads what: each agency's priorities, actions and people."""

from __future__ import annotations

from typing import Any

from data import plan_queries as plan
from data.catalogue import normalise
from data.errors import did_you_mean
from data.words import counted
from handlers.args import match_named
from handlers.registry import command
from handlers.reply import CspError, Reply, Table, Text
from handlers.request import Request


@command("leads", "Who leads what: the priorities and actions each agency leads, and its "
         "people.", "/csp leads [agency]",
         examples=("/csp leads", "/csp leads police", "/csp leads borough council"))
def show_leads(req: Request) -> Reply:
    agencies = plan.agencies(req.db, req.partnership)
    if req.words:
        titles = {a["id"]: a["title"] for a in plan.actions(req.db, req.partnership)}
        return one_agency(match_agency(agencies, req.words), titles)
    active = [a for a in agencies if a["priorities"] or a["actions"] or a["people"]]
    rows = [[a["name"], "; ".join(a["priorities"]) or "-", ", ".join(a["actions"]) or "-",
             people_text(a["people"]) or "-"] for a in active]
    others = [a["name"] for a in agencies if a not in active]
    lines = ["`/csp leads <agency>` shows one agency; `/csp actions mine` lists your "
             "agency's actions."]
    if others:
        lines.insert(0, "Also partners (leading nothing in the plan yet): "
                     + ", ".join(others) + ".")
    return Reply("Who leads what", [Table(["agency", "priorities led", "actions led", "people"],
                                          rows), Text("\n".join(lines))],
                 f"{counted(len(active), 'agency')} "
                 + ("leads" if len(active) == 1 else "lead")
                 + " priorities or actions or have people listed")


def one_agency(agency: dict[str, Any], titles: dict[str, str]) -> Reply:
    """One agency in full: priorities, actions and people as bullet lists."""
    parts = [f"*{agency['name']}* ({agency['kind'] or 'agency'}, id `{agency['id']}`)"]
    parts.append("*Priorities led*\n" + (bullets(agency["priorities"]) or "- none"))
    actions = [f"{a} {titles.get(a, '')}".strip() for a in agency["actions"]]
    parts.append("*Actions led*\n" + (bullets(actions) or "- none")
                 + ("\n`/csp history <id>` shows an action's changes." if agency["actions"]
                    else ""))
    people = [f"{p['name']}, {p['role']}" for p in agency["people"]]
    parts.append("*People*\n" + (bullets(people) or "- nobody listed"))
    return Reply(f"Leads: {agency['name']}", [Text("\n\n".join(parts))],
                 f"{agency['name']}: leads {counted(len(agency['priorities']), 'priority')} and "
                 f"{counted(len(agency['actions']), 'action')}")


def match_agency(agencies: list[dict[str, Any]], words: list[str]) -> dict[str, Any]:
    """The agency named by its id, its name, or a part of its name found in one agency only."""
    found = match_named(agencies, words, "agencies", "/csp leads")
    if found is not None:
        return found
    phrase = normalise(" ".join(words))
    names = {normalise(a["name"]): a["name"] for a in agencies} | {a["id"]: a["name"]
                                                                   for a in agencies}
    raise CspError(f"No agency called '{' '.join(words)}'.{did_you_mean(phrase, names)}",
                   "/csp leads lists the agencies")


def people_text(people: list[dict[str, Any]]) -> str:
    return "; ".join(f"{p['name']} ({p['role']})" for p in people)


def bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)
