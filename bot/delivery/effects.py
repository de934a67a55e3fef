"""Carrying out what a handler asked the front end to do (handlers know no chat platform).

`/csp briefing send` asks for a delivery (a SendBriefing effect): it goes through the same
ledger as the scheduled post (bot/delivery/deliver.py), to the subscriptions of the platform it
was asked from, the channel it was asked in or, from a direct message, all of them.
`send_briefings` is the one function that does it, for any platform; bot/startup.py hands
`slack_effects` and `teams_effects` to the two front ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.delivery.deliver import deliver
from bot.services import Services, reply_to
from bot.slack.send import send_reply
from data.subscriptions import active
from data.words import counted
from handlers.reply import Context, Reply, SendBriefing, Text

log = logging.getLogger("cspbot")


def send_briefings(services: Services, client: WebClient | None, effect: SendBriefing,
                   platform: str) -> list[str]:
    """Deliver the briefing an effect asks for to the platform's matching subscriptions; one
    line per subscription saying what happened (or, with none, how to subscribe)."""
    subs = [s for s in active(services.db(), effect.partnership) if s["platform"] == platform
            and (effect.channel is None or s["channel"].split(";")[0] == effect.channel)]
    if not subs:
        return ["No channel here is subscribed to the monthly briefing: `/csp subscribe` "
                "first." if platform == "slack" else
                "No Teams channel here is subscribed: `csp subscribe` first."]
    lines = []
    for sub in subs:
        where = f"<#{sub['channel']}>" if platform == "slack" else sub["channel"]
        try:
            result = deliver(services, client, sub["id"], effect.month,  # type: ignore[arg-type]
                             now=services.now(), force_reason=effect.force_reason)
            lines.append(f"{where}: {describe(result)}")
        except Exception as exc:  # noqa: BLE001 (reported to the asker with a reference)
            lines.append(f"{where}: {reply_to(exc, 'briefing send').fallback_text}")
    return lines


def slack_effects(services: Services, client: WebClient, reply: Reply, user: str) -> None:
    """For the Slack front end: send each asked-for briefing, then tell the asker how it went."""
    for effect in reply.effects:
        if isinstance(effect, SendBriefing):
            text = "\n".join(send_briefings(services, client, effect, "slack"))
            send_reply(client, Reply(f"Briefing {effect.month}", [Text(text)], text),
                       user=user, channel=effect.channel)


def teams_effects(services: Services) -> Callable[[Reply, Context], str | None]:
    """For the Teams front end: send each asked-for briefing in the background (the answer
    says it is on its way); the note to add to the answer when nothing can be sent."""

    def run(reply: Reply, ctx: Context) -> str | None:
        notes = []
        for effect in reply.effects:
            if not isinstance(effect, SendBriefing):
                continue
            if not [s for s in active(services.db(), effect.partnership)
                    if s["platform"] == "teams" and (effect.channel is None or
                                                     s["channel"].startswith(effect.channel))]:
                notes.append("No Teams channel here is subscribed: `csp subscribe` first.")
                continue
            threading.Thread(target=send_briefings, args=(services, None, effect, "teams"),
                             name="csp-briefing-send", daemon=True).start()
        return " ".join(notes) or None

    return run


def describe(result: Any) -> str:
    state = getattr(result, "state", "?")
    posted = getattr(result, "posted_parts", [])
    if state == "delivered" and not posted:
        return "already delivered; nothing posted again (add `force REASON` to resend)"
    if state == "delivered":
        return f"delivered ({counted(len(posted), 'part')} posted)"
    return f"{state}: {getattr(result, 'error', '') or 'see /csp deliveries'}"
