"""`/csp status`: the partnership at a glance: figures held and how fresh, actions, briefings."""

from __future__ import annotations

from typing import Any

from data.errors import DataError
from data.overview import partnership_status
from data.partnership_sections import STATUSES
from data.words import counted
from handlers.registry import command
from handlers.reply import CspError, Facts, Reply, Table, Text
from handlers.request import Request


@command("status", "The partnership at a glance: latest figures per source, actions, targets, "
         "the monthly briefing.", "/csp status", examples=("/csp status",))
def show_status(req: Request) -> Reply:
    if req.words:
        raise CspError("`/csp status` takes no words.",
                       "/csp status, or /csp <indicator> for one indicator")
    try:
        status = partnership_status(req.db, req.partnership)
    except DataError as exc:
        raise CspError(exc.message, exc.hint) from None
    name = status["name"] + (f" (formerly {status['formerly']})" if status["formerly"] else "")
    actions = status["actions_by_status"]
    facts = Facts([
        ("Partnership", name),
        ("Areas", ", ".join(a["name"] for a in status["areas"])),
        ("People listed", str(status["people"])),
        ("Targets", str(len(status["targets"]))),
        ("Actions", status_counts(actions)),
    ])
    rows = figure_rows(status["areas"])
    blocks: list[Any] = [facts]
    if rows:
        blocks.append(Table(["area", "source", "figures", "first", "latest"], rows))
    else:
        blocks.append(Text("No figures yet: an admin imports them with `cspbot ingest`."))
    blocks.append(Text(briefing_text(status["subscriptions"])))
    latest = max((r[4] for r in rows), default=None)
    return Reply(f"{status['name']}: at a glance", blocks,
                 f"{status['name']}: figures to {latest or 'none yet'}; "
                 f"{status_counts(actions)}")


def figure_rows(areas: list[dict[str, Any]]) -> list[list[str]]:
    """Per area and source: what is held, from when, to when."""
    rows = []
    for area in areas:
        police = area["police_uk"]
        if police["months"]:
            rows.append([area["name"], "police.uk",
                         f"{counted(police['months'], 'month')}, "
                         f"{counted(police['lsoas_with_data'], 'LSOA')}",
                         police["first"], police["latest"]])
        by_source: dict[str, list[dict[str, Any]]] = {}
        for row in area["local"]:
            by_source.setdefault(row["source"], []).append(row)
        for source, held in by_source.items():
            rows.append([area["name"], source, plural(len(held), "indicator"),
                         min(r["first"] for r in held), max(r["latest"] for r in held)])
        if area["surveys"]:
            waves = area["surveys"]
            rows.append([area["name"], "survey",
                         plural(len({w["indicator"] for w in waves}), "indicator"),
                         min(w["fieldwork_end"] for w in waves),
                         max(w["fieldwork_end"] for w in waves)])
    return rows


def briefing_text(subscriptions: list[dict[str, Any]]) -> str:
    """Where and when the monthly briefing is posted."""
    if not subscriptions:
        return ("*Monthly briefing*: no channel receives it yet (the partnership file's "
                "[[subscriptions]] say where). `/csp briefing` previews it.")
    lines = ["*Monthly briefing*"]
    for s in subscriptions:
        lines.append(f"- {s['platform']} channel {s['channel']}: {s['schedule']}"
                     + ("" if s["active"] else " (paused)"))
    lines.append("`/csp briefing` previews it.")
    return "\n".join(lines)


def status_counts(counts: dict[str, int]) -> str:
    """'21: 19 on-track, 2 complete', statuses in their usual order."""
    if not counts:
        return "none yet"
    order = [s for s in STATUSES if s in counts] + [s for s in counts if s not in STATUSES]
    return (f"{sum(counts.values())}: " + ", ".join(f"{counts[s]} {s}" for s in order))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
