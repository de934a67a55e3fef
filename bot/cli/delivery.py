"""`cspbot send-briefing --partnership ID --month YYYY-MM [--channel C | --subscription ID]
[--force --reason TEXT] [--allow-missing] [--json]`: post the monthly briefing now.

It goes through the same ledger as the scheduled post (bot/delivery/deliver.py): a briefing
already delivered to a channel is not posted again (the line says when it was, and how to
re-send), a failed or interrupted one resumes after the last part that landed, and `--force
--reason TEXT` posts it again as a new generation with the reason recorded. Channels are posted
to in parallel, each at Slack's pace of one message a second. A month that is not held for the
partnership (METHOD 2.9, data/held.py) is refused, `--allow-missing` or not.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import click

from bot.config import Config, open_store
from bot.delivery.deliver import DeliveryResult, deliver
from bot.services import Services
from bot.slack.client import make_client
from data.briefing_data import data_ready
from data.errors import DataError
from data.held import require_held
from data.partnerships import resolve_partnership
from data.subscriptions import active
from data.words import counted

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
WORKERS = 10


@click.command("send-briefing")
@click.option("--partnership", "-p", metavar="ID", required=True, help="The partnership.")
@click.option("--month", "-m", metavar="YYYY-MM", required=True,
              help="The month of the briefing, e.g. 2010-03.")
@click.option("--channel", metavar="C", help="Only this channel (one of the partnership's "
              "active Slack subscriptions).")
@click.option("--subscription", metavar="ID", type=int, help="Only this subscription.")
@click.option("--force", is_flag=True, help="Post again where it was delivered (needs --reason).")
@click.option("--reason", metavar="TEXT", help="Why it is sent again: kept in the delivery log.")
@click.option("--allow-missing", is_flag=True, help="Post even though figures for the month "
              "are missing, with a note of what is missing (a month that is not held at all "
              "is refused all the same).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per channel.")
@click.pass_obj
def send_briefing(config: Config, partnership: str, month: str, channel: str | None,
                  subscription: int | None, force: bool, reason: str | None,
                  allow_missing: bool, as_json: bool) -> None:
    """Post the monthly briefing to the partnership's Slack channels now, through the delivery
    ledger: never twice to a channel unless forced. Exit status 1 if any channel failed."""
    if not MONTH.match(month):
        raise click.UsageError(f"--month '{month}' is not a month: write it as YYYY-MM, "
                               "e.g. 2010-03.")
    if channel and subscription is not None:
        raise click.UsageError("Give --channel or --subscription, not both.")
    if force and not (reason or "").strip():
        raise click.UsageError("--force needs --reason TEXT: say why it is sent again (it is "
                               "kept in the delivery log).")
    if reason and not force:
        raise click.UsageError("--reason goes with --force.")
    if not config.slack_bot_token:
        raise click.ClickException("SLACK_BOT_TOKEN is not set: set it to the Slack bot token "
                                   "(xoxb-...) to post briefings.")

    db = open_store(config)
    targets = _subscriptions(db, partnership, channel, subscription)
    require_held(db, partnership, month)  # even with --allow-missing (METHOD 2.9)
    ready, missing = data_ready(db, partnership, month)
    note = None
    if not ready:
        if not allow_missing:
            raise DataError(f"Figures for {month} are not all in the store yet: "
                            f"{'; '.join(missing[:5])}{' …' if len(missing) > 5 else ''}.",
                            "Import them first, or add --allow-missing to post the briefing "
                            "with a note of what is missing.")
        note = (f"Some figures for {month} were not in the store when this was posted: "
                f"{'; '.join(missing[:10])}{' …' if len(missing) > 10 else ''}.")
    services = Services(config, partnership)
    client = make_client(config.slack_bot_token, config.slack_api_url)
    now = services.now()

    def send(sub: dict[str, Any]) -> DeliveryResult:
        return deliver(services, client, sub["id"], month, now=now,
                       force_reason=reason.strip() if force and reason else None,
                       missing_note=note)

    with ThreadPoolExecutor(max_workers=min(WORKERS, len(targets))) as pool:
        results = list(pool.map(send, targets))
    for result in results:
        click.echo(json.dumps(_as_dict(result, month)) if as_json else _line(result))
    if any(r.state != "delivered" for r in results):
        raise click.exceptions.Exit(1)


def _subscriptions(db: Any, partnership: str, channel: str | None,
                   subscription: int | None) -> list[dict[str, Any]]:

    pid = resolve_partnership(db, partnership)
    subs = [s for s in active(db, pid) if s["platform"] == "slack"]
    listed = ", ".join(f"{s['channel']} (subscription {s['id']})" for s in subs) or "none"
    if channel:
        subs = [s for s in subs if s["channel"] == channel]
        if not subs:
            raise DataError(f"{channel} is not one of {pid}'s active Slack subscriptions, so "
                            "the briefing is not posted there.",
                            f"Its subscribed channels: {listed}. To add one, type "
                            "`/csp subscribe` in that channel.")
    elif subscription is not None:
        subs = [s for s in subs if s["id"] == subscription]
        if not subs:
            raise DataError(f"Subscription {subscription} is not one of {pid}'s active Slack "
                            f"subscriptions.", f"Its subscriptions: {listed}.")
    if not subs:
        raise DataError(f"{pid} has no active Slack subscription: there is nowhere to post.",
                        "Type `/csp subscribe` in a channel, or list subscriptions in the "
                        "partnership file.")
    return subs


def _line(result: DeliveryResult) -> str:
    where = result.channel
    if result.state == "busy":
        return f"{where}: not posted now: {result.error}; try again in a minute."
    if result.already:
        return (f"{where}: already delivered on {_when(result.delivered_at)}: use --force "
                "--reason TEXT to send again.")
    if result.state == "delivered":
        resumed = (f", {len(result.skipped_parts)} were posted before"
                   if result.skipped_parts else "")
        again = f" (generation {result.generation})" if result.generation > 1 else ""
        parts = counted(len(result.posted_parts), "part")
        return f"{where}: delivered{again}: {parts} posted{resumed}."
    return (f"{where}: failed ({result.error}) after "
            f"{counted(len(result.posted_parts), 'part')}; the next run resumes where it stopped.")


def _when(stamp: str | None) -> str:
    """'2010-04-06T08:00:02+00:00' -> '2010-04-06 08:00 UTC'."""
    try:
        return datetime.fromisoformat(stamp or "").astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return stamp or "an unknown date"


def _as_dict(result: DeliveryResult, month: str) -> dict[str, Any]:
    return {"channel": result.channel, "month": month, "delivery": result.delivery_id,
            "generation": result.generation, "state": result.state,
            "already_delivered": result.already, "delivered_at": result.delivered_at,
            "posted": result.posted_parts, "skipped": result.skipped_parts,
            "error": result.error}
