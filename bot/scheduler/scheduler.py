"""The one scheduler of a store: every active subscription's monthly briefing, on time, once.

`BriefingScheduler.start()` first takes an exclusive lock beside the store
("<db>.scheduler.lock"); a second process on the same store gets no lock and schedules nothing,
so two `cspbot run` never both post. Jobs are APScheduler 3 jobs (Europe/London, coalesce,
max_instances=1, a misfire grace of hours), one per active subscription, rebuilt whenever
`data.subscriptions.version` changes (checked every minute). At start a run missed while the
bot was down is caught up (late=True) if it fell within the catch-up window.

A run for month M waits until M's figures are in the store: it marks the ledger row
waiting_for_data, tells the admins once and retries the next day at the same time; after
max-wait days it posts anyway with a plain note of what is missing (bot/scheduler/attempt.py).
The ledger makes every attempt idempotent: a delivered period is never posted again. A
partnership that lives on its own date (`as_of`, a demonstration) is never scheduled.

Tests drive it without sleeping: they hand in a backend without a thread and a clock of their
own (tests/fakes/manual_scheduler.py), and run the due jobs at a moment they choose, with the
scheduler's clock held there (`held_at`). The lock is bot/scheduler/lock.py, the catch-up at
start bot/scheduler/catch_up.py, APScheduler itself bot/scheduler/backend.py and the clock it
reads under CSP_NOW bot/scheduler/clock.py.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MISSED  # type: ignore[import-untyped]
from apscheduler.schedulers.base import BaseScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.date import DateTrigger  # type: ignore[import-untyped]

from bot.scheduler.attempt import run_once
from bot.scheduler.backend import Backend, PollTrigger, background
from bot.scheduler.catch_up import missed_runs, parse_stamp, read_schedule
from bot.scheduler.clock import apscheduler_clock
from bot.scheduler.lock import SchedulerLock, lock_path_for
from bot.scheduler.schedules import (
    LONDON,
    parse_schedule,
    period_for,
    previous_fire_time,
    trigger_for,
)
from data import subscriptions
from data.partnerships import own_date

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("cspbot.scheduler")

DEFAULTS = {"scheduler_misfire_grace_hours": 6.0, "scheduler_catch_up_hours": 48.0,
            "briefing_max_wait_days": 10.0}
class BriefingScheduler:
    """Parameters left None come from the settings (services.config), then from DEFAULTS."""

    def __init__(self, services: Services, client: Any = None, *,
                 deliver: Callable[..., Any], notify: Callable[..., Any],
                 clock: Callable[[], datetime] | None = None,
                 misfire_grace_hours: float | None = None, catch_up_hours: float | None = None,
                 max_wait_days: float | None = None, poll_seconds: float = 60,
                 timezone: str = LONDON, backend: Backend | None = None, workers: int = 4,
                 platforms: Collection[str] | None = None) -> None:
        self.services, self.client = services, client
        self.deliver, self.notify = deliver, notify
        self.tz = ZoneInfo(timezone)
        self.clock = clock or services.now
        # a clock that is not the real one (CSP_NOW, a test's) drives APScheduler's thread too
        shifted = clock is not None or (services.clock is not None
                                        and services.clock.start is not None)
        self._own_clock = shifted and backend is None  # a backend of its own has its clock
        self._clock_patch = contextlib.ExitStack()
        self.misfire_grace = timedelta(hours=self._setting("scheduler_misfire_grace_hours",
                                                           misfire_grace_hours))
        self.catch_up_window = timedelta(hours=self._setting("scheduler_catch_up_hours",
                                                             catch_up_hours))
        self.max_wait_days = self._setting("briefing_max_wait_days", max_wait_days)
        self.poll = timedelta(seconds=poll_seconds)
        self.platforms = None if platforms is None else frozenset(platforms)
        self._scheduler = (backend or background)(
            timezone=self.tz, workers=workers,
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": int(self.misfire_grace.total_seconds())})
        self._store_lock = SchedulerLock()
        self._installed: dict[int, tuple[str, str]] = {}
        self._version: str | None = None
        self._frozen: datetime | None = None
        self._mutex = threading.RLock()
        self._busy: set[tuple[int, str]] = set()
        self._told_own_date: set[int] = set()

    def wanted(self, sub: dict[str, Any]) -> bool:
        """An active subscription on a platform this scheduler posts to, of a partnership that
        lives on the real date (see `_on_own_date`)."""
        return (bool(sub["active"])
                and (self.platforms is None or sub["platform"] in self.platforms)
                and own_date(self.services.db(), sub["partnership"]) is None)

    def _on_own_date(self, subs: list[dict[str, Any]]) -> None:
        """A demonstration or training partnership (`as_of` in its file) lives on its own
        date, which never comes round again: its subscriptions are not scheduled, so it is
        never posted a real-time month's briefing nor its admins told that month's figures are
        missing. Said once per subscription, with the command that posts its own month."""
        db = self.services.db()
        for sub in subs:
            day = own_date(db, sub["partnership"]) if sub["active"] else None
            if day is None or sub["id"] in self._told_own_date:
                continue
            self._told_own_date.add(sub["id"])
            month = (date.fromisoformat(day).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
            log.info("Subscription %s is not scheduled: partnership %s takes %s as today (as_of: "
                     "a demonstration or training copy). To post its briefing: cspbot "
                     "send-briefing --partnership %s --month %s", sub["id"], sub["partnership"],
                     day, sub["partnership"], month)

    def _setting(self, name: str, given: float | None) -> float:
        value = given if given is not None else getattr(self.services.config, name, None)
        return float(DEFAULTS[name] if value is None or value == "" else value)

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def lock_path(self) -> Path | None:
        return lock_path_for(str(self.services.config.db_path))

    @property
    def holds_lock(self) -> bool:
        return self._store_lock.held

    @property
    def jobs(self) -> list[str]:
        """The ids of the scheduled jobs: "sub:<id>", "retry:<id>:<period>:<when>", "poll"."""
        return sorted(job.id for job in self._scheduler.get_jobs()) if self.holds_lock else []

    def now(self) -> datetime:
        """The clock, in UTC: arithmetic between two Europe/London datetimes would be by wall
        time, an hour out across a change of the clocks."""
        return (self._frozen or self.clock()).astimezone(UTC)

    def start(self) -> bool:
        """Take the store's scheduler lock, then schedule; False (nothing scheduled) if another
        process holds the lock."""
        if not self._store_lock.take(self.lock_path):
            log.warning("Another CSP Bot process already schedules the briefings of %s (lock "
                        "file %s); this one will not post any.", self.services.config.db_path,
                        self.lock_path)
            return False
        if self._own_clock:
            self._clock_patch.enter_context(apscheduler_clock(self.clock))
        self._scheduler.start()
        self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        self.rebuild(force=True)
        now = self.now()
        poll = PollTrigger(self.poll, self.tz)
        self._scheduler.add_job(self.rebuild, poll, id="poll", name="subscriptions changed?",
                                next_run_time=poll.get_next_fire_time(None, now),
                                replace_existing=True)
        self.catch_up()
        return True

    def shutdown(self, wait: bool = True) -> None:
        if not self._store_lock.held:
            return
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)
        self._clock_patch.close()
        self._store_lock.release()

    # --- jobs --------------------------------------------------------------------------------

    def rebuild(self, force: bool = False) -> bool:
        """Replace the jobs of subscriptions that changed; True if anything was re-read."""
        if not self.holds_lock:
            return False
        with self._mutex:
            db = self.services.db()
            version = subscriptions.version(db)
            if version == self._version and not force:
                return False
            subs = subscriptions.active(db)
            self._on_own_date(subs)
            wanted = {s["id"]: (s["schedule"], s["time_zone"] or LONDON)
                      for s in subs if self.wanted(s)}
            for sub_id in [s for s in self._installed if s not in wanted]:
                self._remove(f"sub:{sub_id}")
                del self._installed[sub_id]
            for sub_id, (text, tz) in wanted.items():
                if self._installed.get(sub_id) == (text, tz):
                    continue
                self._installed[sub_id] = (text, tz)
                try:
                    trigger = trigger_for(parse_schedule(text), tz)
                except ValueError as exc:
                    log.warning("Subscription %s is not scheduled: %s", sub_id, exc)
                    self._remove(f"sub:{sub_id}")
                    continue
                self._scheduler.add_job(
                    self._on_schedule, trigger, args=[sub_id], id=f"sub:{sub_id}",
                    name=f"briefing for subscription {sub_id} ({text})", replace_existing=True,
                    next_run_time=trigger.get_next_fire_time(None, self.now()))
            self._version = version
            log.info("Briefing jobs: %s", ", ".join(self.jobs) or "none")
            return True

    def catch_up(self) -> list[tuple[int, str]]:
        """Queue, to run now, each subscription's latest run that was missed (due within the
        catch-up window) or is still waiting for data; returns (subscription, period) pairs."""
        db, now = self.services.db(), self.now()
        runs = missed_runs(db, filter(self.wanted, subscriptions.active(db)), now,
                           catch_up_window=self.catch_up_window,
                           max_wait_days=self.max_wait_days)
        for run in runs:
            self.queue(run.subscription, run.period, run.due, late=run.late, at=now)
        return [(run.subscription, run.period) for run in runs]

    def _on_schedule(self, sub_id: int) -> None:
        sub = subscriptions.get(self.services.db(), sub_id)
        schedule = read_schedule(sub) if sub else None
        if sub is None or schedule is None:
            return
        due = previous_fire_time(schedule, self.now(), sub["time_zone"] or LONDON)
        self.attempt(sub_id, period_for(due, sub["time_zone"] or LONDON), due.isoformat())

    def _on_missed(self, event: Any) -> None:
        """APScheduler skipped a run (later than the misfire grace): run it now, marked late,
        if it is within the catch-up window."""
        due, parts = event.scheduled_run_time, str(event.job_id).split(":")
        if parts[0] not in ("sub", "retry") or self.now() - due > self.catch_up_window:
            return
        period = parts[2] if parts[0] == "retry" else period_for(due, self.tz)
        self.queue(int(parts[1]), period, due, late=True, at=self.now())

    def queue(self, sub_id: int, period: str, due: datetime, *, late: bool,
               at: datetime) -> None:
        self._scheduler.add_job(
            self.attempt, DateTrigger(run_date=at, timezone=self.tz),
            args=[sub_id, period, due.isoformat()], kwargs={"late": late},
            id=f"retry:{sub_id}:{period}:{at.astimezone(UTC):%Y%m%dT%H%M%S}",
            name=f"briefing {period} for subscription {sub_id}", replace_existing=True)

    def _remove(self, job_id: str) -> None:
        if self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)

    # --- one attempt -------------------------------------------------------------------------

    def attempt(self, sub_id: int, period: str, due: str, *, late: bool = False) -> str:
        """Post `period` to a subscription unless the ledger says it went already; wait for
        the data (up to max-wait days). Returns what happened, in a word or two."""
        key = (sub_id, period)
        with self._mutex:
            if key in self._busy:
                return "busy"
            self._busy.add(key)
        try:
            return run_once(self, sub_id, period, parse_stamp(due) or self.now(), late)
        finally:
            with self._mutex:
                self._busy.discard(key)

    # --- held at a moment (tests) --------------------------------------------------------------

    @property
    def backend(self) -> BaseScheduler:
        """The APScheduler scheduler underneath."""
        return self._scheduler

    @contextlib.contextmanager
    def held_at(self, moment: datetime) -> Iterator[None]:
        """The scheduler's clock reads `moment` for a while (a backend without a thread, driven
        by a test, runs its due jobs meanwhile)."""
        self._frozen = moment
        try:
            yield
        finally:
            self._frozen = None
