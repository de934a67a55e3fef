"""Posting the monthly briefing to a subscription's Slack channel, exactly once, part by part.

`deliver()` claims the ledger row of (subscription, period) (data/ledger.py), builds the briefing
once per partnership and period (cached, so fifty channels share one build), and posts the parts
of bot/delivery/parts.py that the ledger does not hold yet: the headline with
chat.postMessage, the board paper (in Slack) and each chart with files_upload_v2 in the
headline's thread, the details in the thread. Each part is recorded the moment Slack accepts
it, so a retry, a restart or a process killed half way resumes after the last part that landed
and never posts one twice.

Faults. The posting itself (bot/slack/posting.py, bot/teams/posting.py) is paced, one post per
second per channel, and retries what can be retried. Whatever still fails stops the attempt: the
row is marked failed with the error, the partnership's admins get one direct message
(bot/slack/notices.py; once per delivery, however often it fails), and the next run
resumes.

One process at a time delivers a given (subscription, period): threads are kept apart by a
lock, processes by a POSIX record lock on `<store>.delivery.lock` (freed by the kernel when a
process dies, even by SIGKILL). Logs name channels, periods and parts, never tokens or text.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.delivery.parts import Part, briefing_parts, late_note
from bot.paper_link import paper_url
from bot.services import Services
from bot.slack.notices import alert_failure, notify_waiting
from bot.slack.posting import (
    NETWORK_ERRORS,
    PACER,
    ChannelPacer,
    Poster,
    Sleep,
    describe,
    slack_poster,
)
from bot.teams.posting import teams_poster
from data import ledger, subscriptions
from data.briefing_data import record_briefing
from data.errors import DataError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from briefings.model import Briefing

__all__ = ["PACER", "ChannelPacer", "DeliveryResult", "alert_failure", "deliver",
           "monthly_briefing", "notify_waiting"]  # what the rest of CSP Bot imports from here

log = logging.getLogger("cspbot.delivery")

CACHE_SECONDS = 900.0  # a built briefing is reused this long (a retry next day rebuilds)


@dataclass
class DeliveryResult:
    delivery_id: int
    state: str  # "delivered", "failed", or "busy" (another thread or process is posting it)
    posted_parts: list[str] = field(default_factory=list)
    skipped_parts: list[str] = field(default_factory=list)  # posted by an earlier attempt
    error: str | None = None
    already: bool = False  # delivered before this call: nothing was posted
    delivered_at: str | None = None  # when an earlier call delivered it (with `already`)
    generation: int = 1
    channel: str = ""


def deliver(services: Services, client: WebClient, subscription_id: int, period: str, *,
            now: datetime, late: bool = False, force_reason: str | None = None,
            missing_note: str | None = None, briefing: Briefing | None = None,
            first_due: str | None = None, sleep: Sleep = time.sleep,
            pacer: ChannelPacer | None = None) -> DeliveryResult:
    """Post the briefing of `period` (YYYY-MM) to a subscription's channel, or what is left of
    it. `late`: say in the headline that it was due at the row's `first_due` (kept from the first
    claim) while CSP Bot was down. `force_reason`: post it again as a new generation. A
    DataError for an unknown, inactive or non-Slack subscription."""
    db, pacer = services.db(), pacer or PACER
    sub = subscriptions.get(db, subscription_id)
    if sub is None or not sub["active"] or sub["platform"] not in ("slack", "teams"):
        state = "no" if sub is None else "no active"
        raise DataError(f"There is {state} subscription {subscription_id}.")
    post = (teams_poster(services, sub["channel"]) if sub["platform"] == "teams"
            else slack_poster(client, sub["channel"], pacer, sleep))
    with _exclusive(services.config.db_path, subscription_id, period) as mine:
        if not mine:
            row = ledger.current(db, subscription_id, period)
            return DeliveryResult(row["id"] if row else 0, "busy", channel=sub["channel"],
                                  error="another CSP Bot process is posting it right now")
        row = ledger.claim(db, subscription_id, period, first_due=first_due,
                           force_reason=force_reason)
        result = DeliveryResult(row["id"], row["state"], generation=row["generation"],
                                channel=sub["channel"])
        if row["state"] == "delivered":
            result.already, result.delivered_at = True, row["delivered_at"]
            return result
        ledger.set_state(db, row["id"], "sending", late=True if late else None, attempt=True)
        log.info("delivering %s briefing %s to %s (delivery %d, generation %d) at %s",
                 sub["partnership"], period, sub["channel"], row["id"], row["generation"],
                 now.isoformat(timespec="seconds"))
        try:
            built = briefing or monthly_briefing(services, sub["partnership"], period)
            note = (late_note(row["first_due"] or first_due, sub["time_zone"] or "Europe/London")
                    if late or row["late"] else None)
            slack = sub["platform"] == "slack"
            link = None if slack else paper_url(services.config, sub["partnership"], period)
            parts = briefing_parts(built, note, missing_note, paper=slack, paper_url=link)
            _post_parts(post, db, row["id"], parts, result)
        except Exception as exc:  # every failure is recorded, alerted once and retried later
            _failed(services, client, sub, period, row["id"], result, exc, pacer, sleep)
            return result
        ledger.set_state(db, row["id"], "delivered")
        record_briefing(db, sub["partnership"], period)
        log.info("briefing %s delivered to %s: %d parts posted, %d already there", period,
                 sub["channel"], len(result.posted_parts), len(result.skipped_parts))
        result.state = "delivered"
        return result


def _post_parts(post: Poster, db: Database, delivery_id: int, parts: list[Part],
                result: DeliveryResult) -> None:
    """Post the parts the ledger does not hold yet, recording each the moment it lands."""
    done = ledger.parts_done(db, delivery_id)
    thread = done.get("headline")
    for position, part in enumerate(parts):
        if part.name in done:
            result.skipped_parts.append(part.name)
            continue
        ref = post(part.reply, thread)
        ledger.record_part(db, delivery_id, part.name, position, ref)
        result.posted_parts.append(part.name)
        thread = ref if part.name == "headline" else thread


def _failed(services: Services, client: WebClient, sub: dict[str, Any], period: str,
            delivery_id: int, result: DeliveryResult, exc: Exception, pacer: ChannelPacer,
            sleep: Sleep) -> None:
    db = services.db()
    result.state, result.error = "failed", describe(exc)
    ledger.set_state(db, delivery_id, "failed", error=result.error)
    expected = isinstance(exc, (SlackClientError, DataError, *NETWORK_ERRORS))
    log.log(logging.WARNING if expected else logging.ERROR,
            "briefing %s to %s failed after %d parts: %s", period, sub["channel"],
            len(result.posted_parts), result.error, exc_info=None if expected else exc)
    if ledger.flag_once(db, delivery_id, "alerted_failure"):
        alert_failure(services, client, sub, period, result.error, sleep=sleep, pacer=pacer)


# -- the briefing, built once per partnership and period -------------------------------------

_cache: dict[tuple[str, str, str], tuple[float, Briefing]] = {}
_cache_guard = threading.Lock()
_build_locks: dict[tuple[str, str, str], threading.Lock] = {}


def monthly_briefing(services: Services, partnership: str, period: str) -> Briefing:
    """build_monthly, shared by every channel of the partnership for CACHE_SECONDS."""
    key = (services.config.db_path, partnership, period)
    with _cache_guard:
        lock = _build_locks.setdefault(key, threading.Lock())
    with lock:  # one build per key; the other channels wait for it
        hit = _cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        from briefings.monthly import build_monthly  # statistics load on first use only

        settings = services.settings()
        built = build_monthly(services.db(), partnership, period, settings.method,
                              suppress_below=settings.suppress_below)
        with _cache_guard:
            for old in [k for k, (at, _) in _cache.items()
                        if time.monotonic() - at >= CACHE_SECONDS]:
                del _cache[old]
            _cache[key] = (time.monotonic(), built)
        return built


# -- one deliverer per (subscription, period) ------------------------------------------------

_held: set[tuple[str, int, str]] = set()
_held_guard = threading.Lock()
_lock_files: dict[str, int] = {}


@contextmanager
def _exclusive(db_path: str, subscription: int, period: str) -> Iterator[bool]:
    """True while this thread alone (of every process on the store) delivers the row."""
    key = (db_path, subscription, period)
    with _held_guard:
        mine = key not in _held
        _held.add(key)
    if not mine:
        yield False
        return
    try:
        fd = _lock_file(db_path)
        offset = zlib.crc32(f"{subscription}:{period}".encode()) & 0x3FFFFFFF
        if fd is None:
            yield True
            return
        import fcntl

        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)
    finally:
        with _held_guard:
            _held.discard(key)


def _lock_file(db_path: str) -> int | None:
    """The open lock file of a store. Never closed: closing any descriptor of a file drops
    every POSIX record lock the process holds on it."""
    if db_path == ":memory:" or os.name != "posix":
        return None
    with _held_guard:
        if db_path not in _lock_files:
            _lock_files[db_path] = os.open(f"{db_path}.delivery.lock", os.O_RDWR | os.O_CREAT,
                                           0o600)
        return _lock_files[db_path]
