"""Briefing schedules: "day 5 at 09:00" or "working day 3 at 09:00", in Europe/London.

A "day N" schedule fires on that day of every month (N from 1 to 28, so every month has it); a
"working day N" schedule on the Nth working day (N from 1 to 20), skipping weekends and England
and Wales bank holidays (from the `holidays` package). A month with fewer than N working days
(April 2022 had 19) fires on its last working day, so no month is ever skipped.

Times are wall-clock times in the subscription's zone: 09:00 is 09:00 in GMT and in BST. On the
day the clocks go forward a time in the missing hour (01:00-01:59) fires at the same offset as
before the change, i.e. an hour later on the clock (01:30 GMT = 02:30 BST); on the day they go
back a time in the repeated hour fires once, at its first occurrence (BST). Only "day N"
schedules can meet either: the clocks change on a Sunday, never a working day.

A briefing posted in month M covers month M-1 (`period_for`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

import holidays
from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

LONDON = "Europe/London"
MAX_DAY = 28
MAX_WORKING_DAY = 20
ALLOWED = (f'Write "day N at HH:MM" (a day of the month, N from 1 to {MAX_DAY}) or '
           f'"working day N at HH:MM" (the Nth working day, N from 1 to {MAX_WORKING_DAY}), '
           'with a 24-hour time, e.g. "working day 3 at 09:00" (Europe/London).')
_SHAPE = re.compile(r"^(working\s+day|day)\s+(\S+)\s+at\s+(\S+)$", re.IGNORECASE)
_NUMBER = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")

Kind = Literal["day", "working day"]


@dataclass(frozen=True)
class Schedule:
    kind: Kind
    n: int
    hour: int
    minute: int

    def __str__(self) -> str:
        return f"{self.kind} {self.n} at {self.hour:02d}:{self.minute:02d}"


def parse_schedule(text: str) -> Schedule:
    """The schedule `text` names; ValueError (saying what is allowed) if it names none."""
    shape = _SHAPE.match(" ".join(str(text).split()))
    if not shape:
        raise ValueError(f'"{text}" is not a schedule I understand. {ALLOWED}')
    kind: Kind = "working day" if shape.group(1).lower().startswith("working") else "day"
    limit = MAX_WORKING_DAY if kind == "working day" else MAX_DAY
    problems = []
    number = _NUMBER.match(shape.group(2))
    n = int(number.group(1)) if number else 0
    if not 1 <= n <= limit:
        problems.append(f"{kind} must be a number from 1 to {limit}, not '{shape.group(2)}'")
    clock = _TIME.match(shape.group(3))
    hour, minute = (int(clock.group(1)), int(clock.group(2))) if clock else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        problems.append(f"the time must be HH:MM on the 24-hour clock (00:00 to 23:59), "
                        f"not '{shape.group(3)}'")
    if problems:
        raise ValueError(f'"{text}" is not a valid schedule: {"; ".join(problems)}. {ALLOWED}')
    return Schedule(kind, n, hour, minute)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of `year` (substitute days included)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def working_day(year: int, month: int, n: int) -> date:
    """The Nth working day of a month (its last working day if it has fewer than N)."""
    found: list[date] = []
    for d in range(1, calendar.monthrange(year, month)[1] + 1):
        day = date(year, month, d)
        if is_working_day(day):
            found.append(day)
            if len(found) == n:
                break
    return found[-1]


def fire_in_month(schedule: Schedule, year: int, month: int, tz: str | tzinfo = LONDON
                  ) -> datetime:
    """The instant `schedule` fires in a month (aware, in `tz`; a wall time in a DST gap is
    read with the offset before the change, a repeated one as its first occurrence)."""
    zone = _zone(tz)
    day = (date(year, month, schedule.n) if schedule.kind == "day"
           else working_day(year, month, schedule.n))
    wall = datetime(day.year, day.month, day.day, schedule.hour, schedule.minute, tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone)  # normalised: fold and gap resolved


def next_fire_time(schedule: Schedule, after: datetime, tz: str | tzinfo = LONDON, *,
                   inclusive: bool = False) -> datetime:
    """The first time `schedule` fires after `after` (or at it, when `inclusive`)."""
    local = after.astimezone(_zone(tz))
    year, month = local.year, local.month
    while True:
        fire = fire_in_month(schedule, year, month, tz)
        if _utc(fire) > _utc(after) or (inclusive and _utc(fire) == _utc(after)):
            return fire
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def previous_fire_time(schedule: Schedule, now: datetime, tz: str | tzinfo = LONDON
                       ) -> datetime:
    """The latest time `schedule` fired at or before `now` (to catch up a missed run)."""
    local = now.astimezone(_zone(tz))
    year, month = local.year, local.month
    while True:
        fire = fire_in_month(schedule, year, month, tz)
        if _utc(fire) <= _utc(now):
            return fire
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)


def period_for(fire_time: datetime, tz: str | tzinfo = LONDON) -> str:
    """The month a briefing fired at `fire_time` covers: the month before ("YYYY-MM")."""
    local = fire_time.astimezone(_zone(tz)) if fire_time.tzinfo else fire_time
    year, month = (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    return f"{year:04d}-{month:02d}"


class MonthDayTrigger(CronTrigger):  # type: ignore[misc]
    """CronTrigger(day=N, hour, minute) that fires a repeated wall time once.

    APScheduler 3's CronTrigger fires "01:30" twice on the day the clocks go back (at 00:30 and
    01:30 UTC); this skips the second occurrence (fold=1).
    """

    __slots__ = ()

    def get_next_fire_time(self, previous_fire_time: datetime | None,
                           now: datetime) -> datetime | None:
        fire: datetime | None = super().get_next_fire_time(previous_fire_time, now)
        while fire is not None and fire.fold == 1 and _repeated(fire):
            # `now` in UTC: datetimes of one zone compare by wall time, ignoring fold
            fire = super().get_next_fire_time(fire, fire.astimezone(UTC))
        # normalised (a wall time in the spring gap becomes the instant it stands for)
        return None if fire is None else fire.astimezone(UTC).astimezone(self.timezone)


class WorkingDayTrigger(BaseTrigger):  # type: ignore[misc]
    """Fires on the Nth working day of every month (England and Wales) at HH:MM, wall clock."""

    __slots__ = ("schedule", "timezone")

    def __init__(self, schedule: Schedule, timezone: str | tzinfo = LONDON) -> None:
        if schedule.kind != "working day":
            raise ValueError(f"WorkingDayTrigger needs a working-day schedule, not '{schedule}'")
        self.schedule = schedule
        self.timezone = _zone(timezone)

    def get_next_fire_time(self, previous_fire_time: datetime | None,
                           now: datetime) -> datetime | None:
        # Like CronTrigger: after a previous fire time the next one follows it (even if that is
        # still before `now`, so that missed runs can be counted); otherwise the first at or
        # after `now`.
        if previous_fire_time is not None:
            return next_fire_time(self.schedule, previous_fire_time, self.timezone)
        return next_fire_time(self.schedule, now, self.timezone, inclusive=True)

    def __getstate__(self) -> dict[str, Any]:
        return {"version": 1, "schedule": str(self.schedule), "timezone": str(self.timezone)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.schedule = parse_schedule(state["schedule"])
        self.timezone = _zone(state["timezone"])

    def __str__(self) -> str:
        return f"working day[{self.schedule.n} at {self.schedule.hour:02d}:" \
               f"{self.schedule.minute:02d}]"

    def __repr__(self) -> str:
        return f"<WorkingDayTrigger ({self.schedule}, timezone='{self.timezone}')>"


def trigger_for(schedule: Schedule | str, tz: str | tzinfo = LONDON) -> BaseTrigger:
    """The APScheduler 3 trigger of a schedule."""
    if isinstance(schedule, str):
        schedule = parse_schedule(schedule)
    if schedule.kind == "day":
        return MonthDayTrigger(day=schedule.n, hour=schedule.hour, minute=schedule.minute,
                               timezone=_zone(tz))
    return WorkingDayTrigger(schedule, tz)


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _utc(moment: datetime) -> datetime:
    """Compare instants in UTC: two datetimes of one zone compare by wall time, ignoring fold
    (01:30 BST and 01:30 GMT on the day the clocks go back would be "equal")."""
    return moment.astimezone(UTC)


def _repeated(moment: datetime) -> bool:
    """Is this wall time one of two (the hour repeated when the clocks go back)? In a gap (the
    hour skipped when they go forward) the offsets compare the other way round."""
    first, second = moment.replace(fold=0).utcoffset(), moment.replace(fold=1).utcoffset()
    return first is not None and second is not None and first > second


def time_of_day_after(schedule: Schedule, moment: datetime, days: int = 1,
                      tz: str | tzinfo = LONDON) -> datetime:
    """The schedule's time of day, `days` calendar days after `moment`'s date (wall clock)."""
    local = moment.astimezone(_zone(tz)).date() + timedelta(days=days)
    wall = datetime(local.year, local.month, local.day, schedule.hour, schedule.minute,
                    tzinfo=_zone(tz))
    return wall.astimezone(UTC).astimezone(_zone(tz))


def days_later(moment: datetime, days: float, tz: str | tzinfo = LONDON) -> datetime:
    """`days` later on the wall clock (09:00 stays 09:00 across a change of the clocks)."""
    wall = moment.astimezone(_zone(tz)).replace(tzinfo=None) + timedelta(days=days)
    return wall.replace(tzinfo=_zone(tz)).astimezone(UTC).astimezone(_zone(tz))
