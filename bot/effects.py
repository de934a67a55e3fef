"""Carrying out what a handler asked the front end to do (handlers know no chat platform).

`/csp briefing send` asks for a delivery: it goes through the same ledger as the scheduled post
(bot.delivery), to the channel it was asked from or to every Slack subscription.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_sdk import WebClient

from bot.services import Services, apology
from bot.slack_send import send_reply
from data.subscriptions import active
from handlers.reply import Context, Reply, SendBriefing, Text

log = logging.getLogger("cspbot")


def run_effects(services: Services, client: WebClient, reply: Reply, user: str) -> None:
    for effect in reply.effects:
        if isinstance(effect, SendBriefing):
            send_briefing(services, client, effect, user)


def send_briefing(services: Services, client: WebClient, effect: SendBriefing,
                  user: str) -> None:
    from bot.delivery import deliver  # the delivery machinery loads on first use

    subs = [s for s in active(services.db(), effect.partnership) if s["platform"] == "slack"
            and (effect.channel is None or s["channel"] == effect.channel)]
    lines = []
    if not subs:
        lines.append("No channel here is subscribed to the monthly briefing: `/csp subscribe` "
                     "first.")
    for sub in subs:
        try:
            result = deliver(services, client, sub["id"], effect.month, now=services.now(),
                             force_reason=effect.force_reason)
            lines.append(f"<#{sub['channel']}>: {describe(result)}")
        except Exception as exc:  # noqa: BLE001 (reported to the asker with a reference)
            lines.append(f"<#{sub['channel']}>: {apology(exc, 'briefing send').fallback_text}")
    text = "\n".join(lines)
    send_reply(client, Reply(f"Briefing {effect.month}", [Text(text)], text), user=user,
               channel=effect.channel)


def describe(result: object) -> str:
    state = getattr(result, "state", "?")
    posted = getattr(result, "posted_parts", [])
    if state == "delivered" and not posted:
        return "already delivered; nothing posted again (add `force REASON` to resend)"
    if state == "delivered":
        return f"delivered ({len(posted)} parts posted)"
    return f"{state}: {getattr(result, 'error', '') or 'see /csp deliveries'}"


def teams_effects(services: Services) -> Callable[[Reply, Context], str | None]:
    """For the Teams front end: deliver asked-for briefings to the Teams subscriptions, in the
    background, through the same ledger; the note to add to the answer."""

    def run(reply: Reply, ctx: Context) -> str | None:
        from bot.delivery import deliver

        notes = []
        for effect in reply.effects:
            if not isinstance(effect, SendBriefing):
                continue
            subs = [s for s in active(services.db(), effect.partnership)
                    if s["platform"] == "teams"
                    and (effect.channel is None or s["channel"].startswith(effect.channel))]
            if not subs:
                notes.append("No Teams channel here is subscribed: `csp subscribe` first.")
                continue

            def work(effect: SendBriefing = effect, subs: list[dict] = subs) -> None:
                for sub in subs:
                    try:
                        deliver(services, None, sub["id"], effect.month,  # type: ignore[arg-type]
                                now=services.now(), force_reason=effect.force_reason)
                    except Exception as exc:  # noqa: BLE001 (logged with a reference)
                        apology(exc, "briefing send (Teams)")

            threading.Thread(target=work, name="csp-briefing-send", daemon=True).start()
        return " ".join(notes) or None

    return run
