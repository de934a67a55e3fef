"""Driving the scheduler by hand (tests): due jobs run in the calling thread, at a set time.

`ManualScheduler` is APScheduler's BackgroundScheduler without its thread; `run_due_jobs()` runs
every job due at a given moment, as APScheduler's own loop would at that instant, with
APScheduler's clock frozen at that moment (`freeze_apscheduler_clock`). Only
`BriefingScheduler(..., manual=True)` uses them: with no scheduler thread there is nothing to
race with, and nobody sleeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import apscheduler.executors.base as _executors_base  # type: ignore[import-untyped]
import apscheduler.schedulers.base as _schedulers_base  # type: ignore[import-untyped]
from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
)
from apscheduler.schedulers.background import (  # type: ignore[import-untyped]
    BackgroundScheduler,
)


class ManualScheduler(BackgroundScheduler):  # type: ignore[misc]
    """A BackgroundScheduler without its thread: due jobs run only when run_due() asks."""

    def start(self, paused: bool = False) -> None:
        _schedulers_base.BaseScheduler.start(self, paused)

    def shutdown(self, wait: bool = True) -> None:
        _schedulers_base.BaseScheduler.shutdown(self, wait)

    def wakeup(self) -> None:
        pass


def run_due_jobs(scheduler: ManualScheduler, moment: datetime) -> list[str]:
    """Run, in this thread, every job of `scheduler` due at `moment`, and the jobs those queue
    to run "now"; returns the ids of the jobs that ran. A job's exception is raised here."""
    ran: list[str] = []
    errors: list[BaseException] = []

    def record(event: Any) -> None:
        ran.append(event.job_id)
        if event.exception is not None:
            errors.append(event.exception)

    scheduler.add_listener(record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        with freeze_apscheduler_clock(moment):
            for _ in range(10):  # jobs queued "now" by a job run in the next pass
                if scheduler._process_jobs() != 0:
                    break
    finally:
        scheduler.remove_listener(record)
    if errors:
        raise errors[0]
    return ran


@contextmanager
def freeze_apscheduler_clock(moment: datetime) -> Iterator[None]:
    """APScheduler's clock reads `moment` for a while (see `apscheduler_clock`)."""
    with apscheduler_clock(lambda: moment):
        yield


@contextmanager
def apscheduler_clock(read: Callable[[], datetime]) -> Iterator[None]:
    """APScheduler 3 reads the time with `datetime.now(tz)` in schedulers/base.py (due jobs, the
    wait until the next one) and executors/base.py (the misfire check): make both read `read()`
    for a while. The bot's clock under CSP_NOW (tests and rehearsals) and the manual mode use
    it; it is process-wide, so only one scheduler of a process may use it at a time."""

    class _Clocked(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            moment = read()
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    modules = (_schedulers_base, _executors_base)
    saved = [module.datetime for module in modules]
    for module in modules:
        module.datetime = _Clocked
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.datetime = original
