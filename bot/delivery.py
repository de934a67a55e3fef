"""Posting the monthly briefing to a subscription's Slack channel, exactly once, part by part.

`deliver()` claims the ledger row of (subscription, period) (data/ledger.py), builds the briefing
once per partnership and period (cached, so fifty channels share one build), and posts the parts
of bot/render_briefing_slack.py that the ledger does not hold yet: the headline with
chat.postMessage, each chart with files_upload_v2 in the headline's thread, the details in the
thread. Each part is recorded the moment Slack accepts it, so a retry, a restart or a process
killed half way resumes after the last part that landed and never posts one twice.

Faults. slack_sdk's retry handlers (bot/slack_client.py) already retry 429s (honouring
Retry-After), 5xx answers and dropped connections of the Web API methods. files_upload_v2 sends
the bytes to the upload URL with plain urllib, where no handler applies: those failures are
retried here, with exponential backoff, three tries, honouring Retry-After on 429. Whatever still
fails stops the attempt: the row is marked failed with the error, the partnership's admins get
one direct message (once per delivery, however often it fails), and the next run resumes.

Pacing: at most one post per second per channel (Slack's limit for chat.postMessage), shared by
every thread of the process; a post waits a second after the previous post to that channel
ended. One process at a time delivers a given (subscription, period): threads are kept apart by
a lock, processes by a POSIX record lock on `<store>.delivery.lock` (freed by the kernel when a
process dies, even by SIGKILL). Logs name channels, periods and parts, never tokens or text.
"""

from __future__ import annotations

import http.client
import logging
import math
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.error import HTTPError, URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.escape import escape_slack
from bot.render_briefing_slack import Part, briefing_parts, late_note
from bot.services import Services
from bot.slack_send import direct_channel
from data import ledger, people, subscriptions
from data.briefing_data import record_briefing
from data.errors import DataError
from handlers.reply import Chart, Reply

if TYPE_CHECKING:
    from sqlite_utils import Database

    from briefings.model import Briefing

log = logging.getLogger("cspbot.delivery")

Sleep = Callable[[float], None]
UPLOAD_TRIES = 3
BACKOFF_S = 1.0  # then 2 s: the waits between upload tries
MAX_RETRY_AFTER_S = 60.0
CACHE_SECONDS = 900.0  # a built briefing is reused this long (a retry next day rebuilds)
MAX_LISTED = 15  # missing figures listed in the admins' notice
NETWORK_ERRORS = (URLError, ConnectionError, TimeoutError, http.client.HTTPException)


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


class ChannelPacer:
    """At most one post per `interval` seconds per channel, across threads: a post starts
    `interval` after the previous post to the same channel ended (time.monotonic)."""

    def __init__(self, interval: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.interval, self.clock = interval, clock
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    @contextmanager
    def turn(self, channel: str, sleep: Sleep) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(channel, threading.Lock())
        with lock:
            delay = self._last.get(channel, -math.inf) + self.interval - self.clock()
            if delay > 0:
                sleep(delay)
            try:
                yield
            finally:
                self._last[channel] = self.clock()


PACER = ChannelPacer()


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
            _post_parts(post, db, row["id"], briefing_parts(built, note, missing_note), result)
        except Exception as exc:  # every failure is recorded, alerted once and retried later
            _failed(services, client, sub, period, row["id"], result, exc, pacer, sleep)
            return result
        ledger.set_state(db, row["id"], "delivered")
        record_briefing(db, sub["partnership"], period)
        log.info("briefing %s delivered to %s: %d parts posted, %d already there", period,
                 sub["channel"], len(result.posted_parts), len(result.skipped_parts))
        result.state = "delivered"
        return result


Poster = Callable[[Part, "str | None"], str]


def slack_poster(client: WebClient, channel: str, pacer: ChannelPacer, sleep: Sleep) -> Poster:
    return lambda part, thread: _post(client, channel, part, thread, pacer, sleep)


def teams_poster(services: Services, conversation: str) -> Poster:
    """Posts parts as Adaptive Cards into a Teams conversation stored at installation: the
    headline, then the charts and the details as replies in its thread."""
    from bot.render_teams import render_card
    from bot.teams_app import TeamsBot, conversation_ref

    ref = conversation_ref(services, conversation)
    if ref is None:
        raise DataError(f"CSP Bot has no stored Teams conversation {conversation}: it must be "
                        "installed there first.")
    bot = TeamsBot(services)

    def post(part: Part, thread: str | None) -> str:
        reply = part.reply
        if part.chart is not None:
            reply = Reply(part.chart.title, [part.chart], part.chart.alt_text)
        assert reply is not None
        target = ref.thread(thread) if thread else ref
        return bot.post_card(target, render_card(reply), summary=reply.title)

    return post


def _post_parts(post: Poster, db: Database, delivery_id: int, parts: list[Part],
                result: DeliveryResult) -> None:
    """Post the parts the ledger does not hold yet, recording each the moment it lands."""
    done = ledger.parts_done(db, delivery_id)
    thread = done.get("headline")
    for position, part in enumerate(parts):
        if part.name in done:
            result.skipped_parts.append(part.name)
            continue
        ref = post(part, thread)
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


def _post(client: WebClient, channel: str, part: Part, thread: str | None, pacer: ChannelPacer,
          sleep: Sleep) -> str:
    """Post one part; its reference (message ts or file id) for the ledger."""
    with pacer.turn(channel, sleep):
        if part.chart is not None:
            return _upload(client, channel, part.chart, thread, sleep)
        assert part.message is not None
        answer = client.chat_postMessage(channel=channel, blocks=part.message.blocks,
                                         text=part.message.text, thread_ts=thread,
                                         unfurl_links=False, unfurl_media=False)
        return str(answer["ts"])


def _upload(client: WebClient, channel: str, chart: Chart, thread: str | None,
            sleep: Sleep) -> str:
    """files_upload_v2, tried again when the upload URL fails (HTTP 429 / 5xx, network)."""
    for attempt in range(1, UPLOAD_TRIES + 1):
        try:
            answer = client.files_upload_v2(channel=channel, thread_ts=thread, file=chart.png,
                                            filename=chart.filename, title=chart.title,
                                            alt_txt=chart.alt_text)
            uploaded = answer.get("file") or (answer.get("files") or [{}])[0]
            return str(uploaded.get("id") or "")
        except NETWORK_ERRORS as exc:
            if attempt == UPLOAD_TRIES or (isinstance(exc, HTTPError) and exc.code != 429
                                           and exc.code < 500):
                raise
            delay = _retry_after(exc) or BACKOFF_S * 2 ** (attempt - 1)
            log.warning("chart %s upload to %s failed (%s): try %d of %d in %.1f s",
                        chart.filename, channel, describe(exc), attempt + 1, UPLOAD_TRIES, delay)
            sleep(delay)
    raise AssertionError("unreachable")


def _retry_after(exc: BaseException) -> float | None:
    if isinstance(exc, HTTPError) and exc.code == 429 and exc.headers:
        try:
            return min(MAX_RETRY_AFTER_S, max(0.0, float(exc.headers.get("Retry-After", ""))))
        except ValueError:
            return None
    return None


def describe(exc: BaseException) -> str:
    """A short description of a failure for the ledger, the log and the admins."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        error = str(exc.response.get("error") or "unknown error")
        text = error + (f" (HTTP {status})" if status != 200 else "")
    elif isinstance(exc, HTTPError):
        text = f"chart upload refused: HTTP {exc.code} {exc.reason}"
    elif isinstance(exc, URLError):
        text = f"could not reach Slack ({exc.reason})"
    elif isinstance(exc, DataError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 300 else text[:299] + "…"


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


# -- telling the admins ----------------------------------------------------------------------

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
