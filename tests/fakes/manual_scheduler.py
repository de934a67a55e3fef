"""Driving the briefing scheduler by hand: due jobs run in the test's thread, at a set time.

`manual_backend` goes to `BriefingScheduler(..., backend=manual_backend, clock=...)`: APScheduler's
BackgroundScheduler without its thread, running jobs in the calling thread (DebugExecutor).
`run_due(scheduler, at)` runs every job due at `at` (default: the scheduler's clock), as
APScheduler's own loop would at that instant, with both APScheduler's clock and the scheduler's
own held at that moment. With no scheduler thread there is nothing to race with, and nobody
sleeps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import apscheduler.schedulers.base as _schedulers_base
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from bot.scheduler.clock import apscheduler_clock
from bot.scheduler.scheduler import BriefingScheduler


class ManualScheduler(BackgroundScheduler):  # type: ignore[misc]
    """A BackgroundScheduler without its thread: due jobs run only when run_due() asks."""

    def start(self, paused: bool = False) -> None:
        _schedulers_base.BaseScheduler.start(self, paused)

    def shutdown(self, wait: bool = True) -> None:
        _schedulers_base.BaseScheduler.shutdown(self, wait)

    def wakeup(self) -> None:
        pass


def manual_backend(timezone: Any, workers: int, job_defaults: dict[str, Any]
                   ) -> ManualScheduler:
    return ManualScheduler(timezone=timezone, job_defaults=job_defaults,
                           executors={"default": DebugExecutor()})


def run_due(scheduler: BriefingScheduler, at: datetime | None = None) -> list[str]:
    """Run, in this thread, every job due at `at` (default: the scheduler's clock), and the jobs
    those queue to run "now"; the ids of the jobs that ran. A job's exception is raised here."""
    moment = at or scheduler.clock()
    backend = scheduler.backend
    assert isinstance(backend, ManualScheduler), "run_due needs backend=manual_backend"
    ran: list[str] = []
    errors: list[BaseException] = []

    def record(event: Any) -> None:
        ran.append(event.job_id)
        if event.exception is not None:
            errors.append(event.exception)

    backend.add_listener(record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        with scheduler.held_at(moment), apscheduler_clock(lambda: moment):
            for _ in range(10):  # jobs queued "now" by a job run in the next pass
                if backend._process_jobs() != 0:
                    break
    finally:
        backend.remove_listener(record)
    if errors:
        raise errors[0]
    return ran
