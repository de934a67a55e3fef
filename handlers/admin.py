"""Admin commands for the monthly briefing: `/csp subscribe`, `/csp unsubscribe`,
`/csp deliveries` (the delivery log)."""

from __future__ import annotations

from data.ledger import deliveries
from data.partnership_sections import SCHEDULE
from data.subscriptions import find, subscribe, unsubscribe
from data.words import counted
from handlers.registry import command
from handlers.reply import CspError, Reply, Table, Text
from handlers.request import Request

DEFAULT_SCHEDULE = "working day 3 at 09:00"


@command("subscribe", "Post the monthly briefing in this channel by itself (admins).",
         "/csp subscribe [day N at HH:MM | working day N at HH:MM]", role="admin",
         any_channel=True,
         examples=("/csp subscribe", "/csp subscribe working day 3 at 09:00",
                   "/csp subscribe day 5 at 08:30"))
def subscribe_here(req: Request) -> Reply:
    channel = _channel(req)
    schedule = " ".join(req.words).strip().lower() or DEFAULT_SCHEDULE
    if not SCHEDULE.match(schedule):
        raise CspError(f"'{schedule}' is not a schedule I understand.",
                       "/csp subscribe working day 3 at 09:00 (or day 5 at 08:30; days 1-28, "
                       "24-hour time, Europe/London)")
    subscribe(req.db, req.partnership, req.ctx.platform, channel, schedule)
    text = (f"This channel will get the monthly briefing on the {schedule} (Europe/London), "
            "once each month, when the month's figures are in. `/csp unsubscribe` stops it.")
    return Reply("Subscribed", [Text(text)], text, public=True)


@command("unsubscribe", "Stop the monthly briefing in this channel (admins).",
         "/csp unsubscribe", role="admin", any_channel=True)
def unsubscribe_here(req: Request) -> Reply:
    channel = _channel(req)
    if not unsubscribe(req.db, req.partnership, req.ctx.platform, channel):
        raise CspError("This channel has no monthly briefing to stop.")
    text = "This channel will no longer get the monthly briefing. `/csp subscribe` restarts it."
    return Reply("Unsubscribed", [Text(text)], text, public=True)


@command("deliveries", "The delivery log of the monthly briefing: what went where, and when.",
         "/csp deliveries", role="admin")
def show_deliveries(req: Request) -> Reply:
    rows = deliveries(req.db, req.partnership)
    if not rows:
        return Reply("Deliveries", [Text("No briefing has been delivered yet.")],
                     "No deliveries yet.")
    table = [[r["period"], r["channel"], r["state"] + (" (late)" if r["late"] else ""),
              str(r["parts"]), (r["delivered_at"] or r["updated_at"])[:16].replace("T", " "),
              (r["forced_reason"] or r["last_error"] or "")[:60]] for r in rows]
    return Reply("Deliveries", [Table(["period", "channel", "state", "parts", "when (UTC)",
                                       "note"], table)], counted(len(rows), "delivery"))


def _channel(req: Request) -> str:
    if not req.ctx.channel:
        raise CspError("Type this in the channel that should get the briefing.")
    current = find(req.db, req.ctx.platform, req.ctx.channel)
    if current and current["partnership"] != req.partnership:
        raise CspError("This channel belongs to another partnership.")
    return req.ctx.channel
