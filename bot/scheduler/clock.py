"""APScheduler's clock: the time its thread reads, made the bot's own clock (CSP_NOW).

APScheduler 3 reads the time with `datetime.now(tz)` in its modules; `apscheduler_clock()`
makes it read another clock for a while. The scheduler uses it when the bot's clock is not the
real one (CSP_NOW, tests and rehearsals); the tests' manual backend freezes it at a moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import apscheduler.executors.base as _executors_base  # type: ignore[import-untyped]
import apscheduler.schedulers.base as _schedulers_base  # type: ignore[import-untyped]


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
