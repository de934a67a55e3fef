"""What the scheduler catches up when it starts: the runs missed while CSP Bot was down.

A subscription's latest run is caught up if it fell due within the catch-up window and the
ledger does not have it delivered, or if its ledger row still waits for data and that wait
(max-wait days, plus the window) has not run out. `missed_runs()` only finds them;
BriefingScheduler.catch_up() queues them. Here too are the small readers the scheduler shares:
a subscription's schedule (None, logged, if it cannot be followed) and the ledger's timestamps.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.scheduler.schedules import LONDON, Schedule, parse_schedule, period_for, previous_fire_time
from data import ledger

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger("cspbot.scheduler")


@dataclass(frozen=True)
class MissedRun:
    """A run to queue now: `due` is when it first fell due; `late` marks the post as late."""

    subscription: int
    period: str
    due: datetime
    late: bool


def missed_runs(db: Database, subs: Iterable[dict[str, Any]], now: datetime, *,
                catch_up_window: timedelta, max_wait_days: float) -> list[MissedRun]:
    """Each subscription's latest run that was missed (due within the catch-up window) or is
    still waiting for data, in the order of `subs`."""
    runs = []
    for sub in subs:
        schedule = read_schedule(sub)
        if schedule is None:
            continue
        tz = sub["time_zone"] or LONDON
        due = previous_fire_time(schedule, now, tz)
        period = period_for(due, tz)
        row = ledger.current(db, sub["id"], period)
        if row is not None and row["state"] == "delivered":
            continue
        if row is not None and row["state"] == "waiting_for_data":
            first_due = parse_stamp(row["first_due"]) or due
            if now - first_due <= timedelta(days=max_wait_days) + catch_up_window:
                runs.append(MissedRun(sub["id"], period, first_due, bool(row["late"])))
        elif now.timestamp() > due.timestamp() and now - due <= catch_up_window:
            # (a run due this very instant is the job's own: it is scheduled inclusively)
            log.warning("The %s briefing for subscription %s was due at %s while CSP Bot "
                        "was not running: posting it now, marked late.", period, sub["id"],
                        due.isoformat())
            runs.append(MissedRun(sub["id"], period, due, True))
    return runs


def read_schedule(sub: dict[str, Any] | None) -> Schedule | None:
    """A subscription's parsed schedule; None (logged) if there is none CSP Bot can follow."""
    if sub is None:
        return None
    try:
        return parse_schedule(sub["schedule"])
    except ValueError as exc:
        log.warning("Subscription %s has a schedule CSP Bot cannot follow: %s", sub["id"], exc)
        return None


def parse_stamp(text: str | None) -> datetime | None:
    """A ledger timestamp (ISO 8601) as a datetime; None if there is none."""
    return datetime.fromisoformat(text) if text else None


def stamp(moment: datetime) -> str:
    """A datetime as the ledger stores it: UTC, ISO 8601, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
