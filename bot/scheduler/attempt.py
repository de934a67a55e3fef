"""One attempt of a scheduled run: post a month's briefing to a subscription, or wait for its
figures, or try again after a failure.

The ledger says whether the period went already (then nothing is posted). Without all its
figures, the run waits: the ledger row is marked waiting_for_data, the admins are told once,
and the run is queued again the next day at the same time, until max-wait days after it first
fell due; then it is posted with a plain note of what is missing, unless the month itself is
not held (METHOD 2.9: a home force's file is not in), when it keeps waiting, a day at a time.
A failed or busy post is queued again an hour later while the wait and the catch-up window
allow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.scheduler.catch_up import parse_stamp, read_schedule, stamp
from bot.scheduler.schedules import LONDON, days_later, time_of_day_after
from bot.services import Services
from data import ledger, subscriptions
from data.briefing_data import data_ready
from data.coverage import months_held
from data.errors import DataError

log = logging.getLogger("cspbot.scheduler")
FAILURE_RETRY = timedelta(hours=1)


class Runs(Protocol):
    """What an attempt needs of the scheduler that runs it (bot/scheduler/scheduler.py)."""

    services: Services
    client: Any
    deliver: Callable[..., Any]
    notify: Callable[..., Any]
    max_wait_days: float
    catch_up_window: timedelta

    def now(self) -> datetime: ...

    def wanted(self, sub: dict[str, Any]) -> bool: ...

    def queue(self, sub_id: int, period: str, due: datetime, *, late: bool,
              at: datetime) -> None: ...


def run_once(scheduler: Runs, sub_id: int, period: str, due: datetime, late: bool) -> str:
    """One attempt (see the module's docstring); what happened, in a word or two."""
    db = scheduler.services.db()
    sub = subscriptions.get(db, sub_id)
    schedule = read_schedule(sub) if sub and scheduler.wanted(sub) else None
    if sub is None or schedule is None:
        return "no active subscription"
    row = ledger.current(db, sub_id, period)
    if row is not None and row["state"] == "delivered":
        log.info("The %s briefing for subscription %s went already.", period, sub_id)
        return "delivered already"
    tz = sub["time_zone"] or LONDON
    first_due = (parse_stamp(row["first_due"]) if row else None) or due
    deadline = days_later(first_due, scheduler.max_wait_days, tz)
    now = scheduler.now()
    ready, missing = data_ready(db, sub["partnership"], period)
    row = ledger.claim(db, sub_id, period, first_due=stamp(first_due))
    # a month not held is never posted (METHOD 2.9): past the deadline the run keeps waiting
    held = ready or period in months_held(db, sub["partnership"])
    if not ready and (now < deadline or not held):
        if row["state"] in ("pending", "waiting_for_data"):
            ledger.set_state(db, row["id"], "waiting_for_data", late=late or None)
        if not row["notified_waiting"]:
            # notify_waiting flags the row itself (and tells nobody twice); flagging here
            # too keeps it once with a notifier that does not
            scheduler.notify(scheduler.services, scheduler.client,
                             ledger.current(db, sub_id, period), missing)
            ledger.flag_once(db, row["id"], "notified_waiting")
        retry = min(time_of_day_after(schedule, now, 1, tz),
                    deadline if now < deadline else time_of_day_after(schedule, now, 1, tz),
                    key=datetime.timestamp)
        scheduler.queue(sub_id, period, first_due, late=late, at=retry)
        log.info("The %s briefing for subscription %s waits for data (%s); next try %s.",
                 period, sub_id, "; ".join(missing), retry.isoformat())
        return "waiting for data"
    note = None if ready else missing_note(period, missing, scheduler.max_wait_days)
    try:
        result = scheduler.deliver(scheduler.services, scheduler.client, sub_id, period,
                                   now=now, late=late, missing_note=note)
        state, error = getattr(result, "state", None), getattr(result, "error", None)
    except DataError as exc:  # e.g. a subscription the deliverer cannot post to
        log.error("The %s briefing for subscription %s cannot be delivered: %s", period,
                  sub_id, exc)
        return "refused"
    except Exception as exc:  # a delivery bug must not stop the scheduler
        log.exception("Delivering the %s briefing to subscription %s failed", period, sub_id)
        state, error = "failed", str(exc)
    # failed: the ledger resumes after the last part that landed; busy: another thread or
    # process is posting it (the retry then finds it delivered)
    if state in ("failed", "busy") and now + FAILURE_RETRY < deadline + scheduler.catch_up_window:
        scheduler.queue(sub_id, period, first_due, late=late, at=now + FAILURE_RETRY)
        log.warning("The %s briefing for subscription %s: %s (%s); trying again at %s.",
                    period, sub_id, state, error, (now + FAILURE_RETRY).isoformat())
    return str(state)


def missing_note(period: str, missing: list[str], days: float, listed: int = 12) -> str:
    """The plain note a briefing posted without all its figures carries."""
    month = datetime.strptime(period, "%Y-%m").strftime("%B %Y")
    names = missing[:listed] + ([f"and {len(missing) - listed} more"]
                                if len(missing) > listed else [])
    return (f"Some figures for {month} had still not reached CSP Bot {days:g} days after this "
            f"briefing was due, so it is posted without them. Missing: {'; '.join(names)}.")
