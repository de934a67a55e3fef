"""Briefing schedules, without a scheduler: parsing, next and previous fire times across months,
weekends, England and Wales bank holidays and the clock changes, and the period a run covers."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.scheduler.schedules import (
    MonthDayTrigger,
    Schedule,
    WorkingDayTrigger,
    days_later,
    fire_in_month,
    parse_schedule,
    period_for,
    previous_fire_time,
    trigger_for,
    working_day,
)

LONDON = ZoneInfo("Europe/London")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def fires(text: Schedule | str, start: datetime, count: int) -> list[datetime]:
    """The next `count` fire times, chained as APScheduler chains them."""
    trigger, now = trigger_for(text), start
    out = [trigger.get_next_fire_time(None, now)]
    while len(out) < count:
        out.append(trigger.get_next_fire_time(out[-1], out[-1]))
    return out


def fires_between(text: Schedule | str, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time in [start, end), as a scheduler running through it would see them."""
    trigger, out = trigger_for(text), []
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire.astimezone(UTC) < end.astimezone(UTC):
        out.append(fire.astimezone(UTC))  # in UTC: PEP 495 makes a time in a gap or a fold
        fire = trigger.get_next_fire_time(fire, fire)  # unequal to every other zone's
    return out


# --- parsing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("day 5 at 09:00", Schedule("day", 5, 9, 0)),
    ("working day 3 at 09:00", Schedule("working day", 3, 9, 0)),
    ("  Working  Day 20 at 17:45 ", Schedule("working day", 20, 17, 45)),
    ("day 28 at 0:05", Schedule("day", 28, 0, 5)),
    ("day 1st at 23:59", Schedule("day", 1, 23, 59)),
])
def test_parse_schedule(text: str, expected: Schedule) -> None:
    assert parse_schedule(text) == expected
    assert parse_schedule(str(expected)) == expected


def test_schedule_text_is_canonical() -> None:
    assert str(parse_schedule("WORKING DAY 3 AT 9:00")) == "working day 3 at 09:00"


def test_parse_error_says_what_is_allowed() -> None:
    with pytest.raises(ValueError) as err:
        parse_schedule("day 31 at 9")
    message = str(err.value)
    assert "day must be a number from 1 to 28, not '31'" in message
    assert "HH:MM on the 24-hour clock" in message and "not '9'" in message
    assert "working day N at HH:MM" in message and "N from 1 to 20" in message


@pytest.mark.parametrize("text, says", [
    ("working day 21 at 09:00", "working day must be a number from 1 to 20, not '21'"),
    ("working day 0 at 09:00", "from 1 to 20, not '0'"),
    ("day 29 at 09:00", "from 1 to 28, not '29'"),
    ("day five at 09:00", "not 'five'"),
    ("day 5 at 24:00", "(00:00 to 23:59), not '24:00'"),
    ("day 5 at 9am", "not '9am'"),
    ("day 5 at 09:60", "not '09:60'"),
    ("every monday", "is not a schedule I understand"),
    ("", "is not a schedule I understand"),
    ("day 5", "is not a schedule I understand"),
])
def test_parse_errors(text: str, says: str) -> None:
    with pytest.raises(ValueError, match="Write \"day N at HH:MM\"") as err:
        parse_schedule(text)
    assert says in str(err.value)


# --- day N -------------------------------------------------------------------------------------

def test_day_n_is_a_cron_trigger_in_london() -> None:
    trigger = trigger_for("day 5 at 09:00")
    assert isinstance(trigger, CronTrigger) and isinstance(trigger, MonthDayTrigger)
    assert str(trigger.timezone) == "Europe/London"


def test_day_n_across_months_and_years_wall_clock() -> None:
    got = fires("day 5 at 09:00", local(2025, 11, 20), 6)
    assert got == [local(2025, 12, 5, 9), local(2026, 1, 5, 9), local(2026, 2, 5, 9),
                   local(2026, 3, 5, 9), local(2026, 4, 5, 9), local(2026, 5, 5, 9)]
    # 09:00 on the wall clock: 09:00 UTC in GMT, 08:00 UTC in BST (a Sunday is fine for "day N")
    assert got[3].astimezone(UTC) == utc(2026, 3, 5, 9)
    assert got[4].astimezone(UTC) == utc(2026, 4, 5, 8)


def test_day_n_at_the_minute_itself_fires_now() -> None:
    assert fires("day 5 at 09:00", local(2026, 2, 5, 9), 1) == [local(2026, 2, 5, 9)]
    assert fires("day 5 at 09:00", local(2026, 2, 5, 9, 0, 1), 1) == [local(2026, 3, 5, 9)]


# --- working day N -----------------------------------------------------------------------------

def test_working_day_1_skips_new_years_day() -> None:
    # Thursday 1 January 2026 is New Year's Day: the first working day is Friday 2 January.
    assert fires("working day 1 at 09:00", local(2025, 12, 31), 1) == [local(2026, 1, 2, 9)]
    assert working_day(2026, 1, 1) == date(2026, 1, 2)


def test_working_day_skips_the_may_day_holiday() -> None:
    # May 2025: Thu 1 and Fri 2 are working days 1 and 2; Monday 5 May is the Early May bank
    # holiday, so working day 3 is Tuesday 6 May and working day 4 Wednesday 7 May.
    assert fires("working day 3 at 09:00", local(2025, 5, 1), 1) == [local(2025, 5, 6, 9)]
    assert fires("working day 4 at 09:00", local(2025, 5, 1), 1) == [local(2025, 5, 7, 9)]
    assert working_day(2025, 5, 2) == date(2025, 5, 2)


def test_working_day_across_months_weekends_easter_and_bst() -> None:
    got = fires("working day 3 at 09:00", local(2025, 11, 20), 6)
    assert got == [local(2025, 12, 3, 9),   # Mon 1 Dec is working day 1
                   local(2026, 1, 6, 9),    # 1 Jan holiday, Fri 2, Mon 5, Tue 6
                   local(2026, 2, 4, 9),    # Sun 1 Feb
                   local(2026, 3, 4, 9),    # Sun 1 Mar
                   local(2026, 4, 7, 9),    # Wed 1, Thu 2, Good Friday 3, Easter Monday 6
                   local(2026, 5, 6, 9)]    # Fri 1, May Day Mon 4, Tue 5, Wed 6
    assert got[3].astimezone(UTC) == utc(2026, 3, 4, 9)  # GMT
    assert got[4].astimezone(UTC) == utc(2026, 4, 7, 8)  # BST


def test_working_day_3_in_april_2010_skips_easter() -> None:
    # The demo's schedule: Good Friday 2 April and Easter Monday 5 April 2010.
    assert fires("working day 3 at 09:00", local(2010, 4, 1), 1) == [local(2010, 4, 7, 9)]


def test_substitute_and_one_off_bank_holidays() -> None:
    # Christmas 2022 fell on a Sunday: Tue 27 December was the substitute day.
    assert working_day(2022, 12, 18) == date(2022, 12, 28)
    # The state funeral of Queen Elizabeth II, Monday 19 September 2022.
    assert working_day(2022, 9, 13) == date(2022, 9, 20)
    # The coronation of Charles III, Monday 8 May 2023 (and May Day on Monday 1 May).
    assert working_day(2023, 5, 4) == date(2023, 5, 5)
    assert working_day(2023, 5, 5) == date(2023, 5, 9)


def test_month_with_fewer_working_days_fires_on_its_last() -> None:
    # April 2022 had 19 working days (Good Friday 15, Easter Monday 18): working day 20 is
    # Friday 29 April, its last; May's is the 20th as usual (Monday 30 May: the spring bank
    # holiday moved to 2 June for the Platinum Jubilee).
    assert fires("working day 20 at 09:00", local(2022, 4, 1), 2) == [local(2022, 4, 29, 9),
                                                                      local(2022, 5, 30, 9)]


def test_working_day_trigger_from_any_instant_and_pickles() -> None:
    trigger = trigger_for("working day 2 at 13:15")
    assert isinstance(trigger, WorkingDayTrigger)
    # Jan 2026: Fri 2 is working day 1, Mon 5 working day 2.
    assert trigger.get_next_fire_time(None, local(2026, 1, 5, 13, 15)) == local(2026, 1, 5, 13, 15)
    assert trigger.get_next_fire_time(None, local(2026, 1, 5, 13, 16)) == local(2026, 2, 3, 13, 15)
    # A `now` in another zone is the same instant.
    assert trigger.get_next_fire_time(None, utc(2026, 1, 5, 13, 14)) == local(2026, 1, 5, 13, 15)
    # After a previous fire time the next one follows it, even if `now` is much later (so that
    # APScheduler can count missed runs and coalesce them).
    assert trigger.get_next_fire_time(local(2026, 1, 5, 13, 15),
                                      local(2026, 6, 1)) == local(2026, 2, 3, 13, 15)
    copy = pickle.loads(pickle.dumps(trigger))
    assert copy.get_next_fire_time(None, local(2026, 1, 6)) == local(2026, 2, 3, 13, 15)


# --- the clock changes: last Sunday of March (GMT -> BST) and October (BST -> GMT) ------------

def run_through(schedule: Schedule | str, start: datetime, end: datetime) -> list[datetime]:
    """What APScheduler does with a trigger while the clock runs minute by minute (in UTC)
    from `start` to `end`: the instants it fires."""
    trigger = trigger_for(schedule)
    now = start.astimezone(UTC)
    next_run = trigger.get_next_fire_time(None, now)
    fired = []
    while now < end:
        if next_run is not None and next_run.astimezone(UTC) <= now:
            fired.append(next_run.astimezone(UTC))
            next_run = trigger.get_next_fire_time(next_run, now)
        now += timedelta(minutes=1)
    return fired


def test_spring_forward_day_fires_once_at_the_right_instant() -> None:
    # Sunday 29 March 2026, 01:00 GMT -> 02:00 BST. A partnership file cannot say "day 29"
    # (every month must have the day), but the trigger is checked on that Sunday all the same;
    # Sunday 28 March 2027 is a day a file can name.
    for day, year in ((29, 2026), (28, 2027)):
        sunday_start, sunday_end = local(year, 3, day), local(year, 3, day + 1)
        # 01:30 does not exist that night: it fires once, read with the offset before the
        # change, at 01:30 UTC (02:30 BST on the clock).
        assert run_through(Schedule("day", day, 1, 30), sunday_start, sunday_end) == \
            [utc(year, 3, day, 1, 30)]
        assert run_through(Schedule("day", day, 9, 0), sunday_start, sunday_end) == \
            [utc(year, 3, day, 8)]
        assert fires_between(Schedule("day", day, 1, 30), sunday_start, sunday_end) == \
            [utc(year, 3, day, 1, 30)]
    # and a month later 01:30 is 01:30 BST again
    assert fires(Schedule("day", 28, 1, 30), local(2027, 3, 28), 2)[1] == \
        local(2027, 4, 28, 1, 30)
    assert local(2027, 4, 28, 1, 30).astimezone(UTC) == utc(2027, 4, 28, 0, 30)


def test_fall_back_day_fires_once_at_the_right_instant() -> None:
    sunday_start, sunday_end = local(2026, 10, 25), local(2026, 10, 26)
    # 01:30 happens twice on Sunday 25 October 2026 (BST, then GMT): it fires once, the first.
    assert run_through("day 25 at 01:30", sunday_start, sunday_end) == [utc(2026, 10, 25, 0, 30)]
    assert fires_between("day 25 at 01:30", sunday_start, sunday_end) == \
        [utc(2026, 10, 25, 0, 30)]
    assert run_through("day 25 at 09:00", sunday_start, sunday_end) == [utc(2026, 10, 25, 9)]
    # Starting between the two 01:30s (01:00 GMT) does not fire the repeat either.
    assert trigger_for("day 25 at 01:30").get_next_fire_time(None, utc(2026, 10, 25, 1)) == \
        local(2026, 11, 25, 1, 30)
    # the clock-change nights run to the same instants from one month before
    assert run_through("day 25 at 01:30", local(2026, 9, 24), local(2026, 11, 1)) == \
        [utc(2026, 9, 25, 0, 30), utc(2026, 10, 25, 0, 30)]


def test_plain_cron_trigger_would_fire_twice_on_fall_back() -> None:
    """Why MonthDayTrigger exists: APScheduler 3's CronTrigger repeats the hour."""
    cron = CronTrigger(day=25, hour=1, minute=30, timezone=LONDON)
    first = cron.get_next_fire_time(None, local(2026, 10, 25))
    second = cron.get_next_fire_time(first, first)
    assert second.astimezone(UTC) == utc(2026, 10, 25, 1, 30)


def test_fire_in_month_and_previous_fire_time_agree_on_clock_change_days() -> None:
    for schedule, moment in ((Schedule("day", 29, 1, 30), utc(2026, 3, 29, 1, 30)),
                             (parse_schedule("day 25 at 01:30"), utc(2026, 10, 25, 0, 30))):
        # (compared in UTC: PEP 495 makes a wall time in a gap or fold unequal to any UTC time)
        assert fire_in_month(schedule, moment.year, moment.month).astimezone(UTC) == moment
        assert previous_fire_time(schedule, moment + timedelta(hours=3)).astimezone(UTC) == moment
    schedule = parse_schedule("day 25 at 01:30")
    assert previous_fire_time(schedule, utc(2026, 10, 25, 0, 29)) == local(2026, 9, 25, 1, 30)


def test_working_days_never_meet_a_clock_change() -> None:
    for month in (3, 10):
        trigger = trigger_for("working day 20 at 01:30")
        fire = trigger.get_next_fire_time(None, local(2026, month, 1))
        assert fire.weekday() < 5 and fire.hour == 1 and fire.minute == 30


# --- previous fire time and period --------------------------------------------------------------

def test_previous_fire_time() -> None:
    schedule = parse_schedule("working day 3 at 09:00")
    assert previous_fire_time(schedule, local(2010, 4, 7, 9)) == local(2010, 4, 7, 9)
    assert previous_fire_time(schedule, local(2010, 4, 7, 8, 59)) == local(2010, 3, 3, 9)
    assert previous_fire_time(schedule, local(2010, 1, 2)) == local(2009, 12, 3, 9)
    assert previous_fire_time(parse_schedule("day 28 at 23:59"),
                              local(2026, 3, 1)) == local(2026, 2, 28, 23, 59)


def test_period_for_is_the_month_before() -> None:
    assert period_for(local(2010, 4, 7, 9)) == "2010-03"
    assert period_for(local(2026, 1, 2, 9)) == "2025-12"
    # Midnight 1 April BST is still 31 March in UTC: the London month decides.
    assert period_for(utc(2026, 3, 31, 23, 30)) == "2026-03"
    assert period_for(datetime(2026, 5, 6, 9)) == "2026-04"


def test_days_later_keeps_the_wall_clock_across_a_clock_change() -> None:
    # a wait of ten days from 09:00 GMT on 25 March 2026 ends at 09:00 BST on 4 April
    assert days_later(local(2026, 3, 25, 9), 10) == local(2026, 4, 4, 9)
    assert days_later(utc(2026, 3, 25, 9), 10).astimezone(UTC) == utc(2026, 4, 4, 8)
    assert days_later(local(2026, 10, 20, 9), 10).astimezone(UTC) == utc(2026, 10, 30, 9)
