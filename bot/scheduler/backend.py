"""APScheduler underneath the briefing scheduler: the background scheduler with its thread
pool (a test hands in another backend, tests/fakes/manual_scheduler.py), and the trigger of the
minute's poll for changed subscriptions."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]
from apscheduler.schedulers.background import (  # type: ignore[import-untyped]
    BackgroundScheduler,
)
from apscheduler.schedulers.base import BaseScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]

Backend = Callable[..., "BaseScheduler"]  # (timezone=, workers=, job_defaults=) -> scheduler


def background(timezone: ZoneInfo, workers: int, job_defaults: dict[str, Any]
               ) -> BackgroundScheduler:
    """APScheduler's BackgroundScheduler: its own thread, a pool of `workers` threads."""
    return BackgroundScheduler(timezone=timezone, job_defaults=job_defaults,
                               executors={"default": ThreadPoolExecutor(workers)})



class PollTrigger(BaseTrigger):  # type: ignore[misc]
    """Every `interval` (on whole multiples of it); after a jump of the clock (a suspended
    machine, a test) it runs once, not once for every interval missed. Computed on timestamps:
    datetimes of one zone compare by wall time, which repeats an hour when the clocks go back."""

    def __init__(self, interval: timedelta, timezone: ZoneInfo) -> None:
        self.step, self.timezone = interval.total_seconds(), timezone

    def get_next_fire_time(self, previous_fire_time: datetime | None,
                           now: datetime) -> datetime | None:
        after = now.timestamp() if previous_fire_time is None else max(
            now.timestamp(), previous_fire_time.timestamp())
        return datetime.fromtimestamp((math.floor(after / self.step) + 1) * self.step,
                                      self.timezone)
