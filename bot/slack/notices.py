"""Telling a partnership's admins about its briefing: a Slack direct message to each of them.

Two notices, each sent once per delivery (the ledger's flags decide, so a briefing retried
every hour does not message anyone every hour): `alert_failure()` when a delivery failed (with
the command that retries it now) and `notify_waiting()` when the scheduler holds a briefing back
until its figures are imported. The messages are paced with the posts (bot/slack/posting.py).
Without a Slack connection (a Teams-only deployment) the notice goes to the log instead.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.slack.escape import escape_slack
from bot.slack.posting import NETWORK_ERRORS, PACER, ChannelPacer, Sleep, describe
from bot.slack.send import direct_channel
from data import ledger, people

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("cspbot.delivery")

MAX_LISTED = 15  # missing figures listed in the admins' notice


def alert_failure(services: Services, client: WebClient, sub: dict[str, Any], period: str,
                  error: str, *, sleep: Sleep = time.sleep,
                  pacer: ChannelPacer | None = None) -> int:
    """A direct message to each admin of the partnership; how many were told."""
    retry = (f"cspbot send-briefing --partnership {sub['partnership']} --month {period} "
             f"--subscription {sub['id']}")
    text = (f"The monthly briefing for {period} could not be posted to <#{sub['channel']}>: "
            f"{escape_slack(error)}. CSP Bot will try again at the next run; `{retry}` "
            "retries now.")
    return _tell_admins(services, client, sub["partnership"], text, sleep, pacer or PACER)


def notify_waiting(services: Services, client: WebClient, delivery_row: dict[str, Any],
                   missing: list[str], *, sleep: Sleep = time.sleep,
                   pacer: ChannelPacer | None = None) -> bool:
    """Tell the admins, once per delivery, that its briefing waits for figures; True if told
    now (False: they were told before)."""
    db = services.db()
    if not ledger.flag_once(db, delivery_row["id"], "notified_waiting"):
        return False
    days = getattr(services.config, "briefing_max_wait_days", 10)
    listed = [f"• {escape_slack(m)}" for m in missing[:MAX_LISTED]]
    if len(missing) > MAX_LISTED:
        listed.append(f"• and {len(missing) - MAX_LISTED} more")
    text = (f"The monthly briefing for {delivery_row['period']} to "
            f"<#{delivery_row['channel']}> is waiting for figures that are not in the store "
            "yet:\n" + "\n".join(listed) + "\nCSP Bot checks again every day and posts it as "
            f"soon as they are imported; after {days} days it posts it anyway, with a note of "
            "what is missing.")
    _tell_admins(services, client, delivery_row["partnership"], text, sleep, pacer or PACER)
    return True


def _tell_admins(services: Services, client: WebClient | None, partnership: str, text: str,
                 sleep: Sleep, pacer: ChannelPacer) -> int:
    told = 0
    if client is None:  # no Slack here (a Teams-only deployment): the log is all there is
        log.warning("admins of %s not told (no Slack connection): %s", partnership, text)
        return 0
    for admin in people.admins(services.db(), partnership):
        if not admin.get("slack_id"):
            continue
        try:
            channel = direct_channel(client, admin["slack_id"])
            with pacer.turn(channel, sleep):
                client.chat_postMessage(channel=channel, text=text)
            told += 1
        except (SlackClientError, *NETWORK_ERRORS) as exc:
            log.warning("could not message admin %s of %s: %s", admin["id"], partnership,
                        describe(exc))
    return told
