"""The briefing scheduler with a controllable clock (never sleeping in real time): the real
APScheduler, a real SQLite store with the demo partnership (figures to 2010-03), fake deliver
and notify callables that record their calls and write the ledger as the real ones do."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakes.manual_scheduler import manual_backend, run_due

from bot.config import load_config
from bot.scheduler.scheduler import BriefingScheduler
from bot.services import Services
from data import ledger, subscriptions
from data.db import open_db
from data.demo import load_demo
from data.errors import DataError

LONDON = ZoneInfo("Europe/London")
ROOT = Path(__file__).resolve().parents[1]


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Fakes:
    """deliver() and notify_waiting() as bot.delivery.deliver has them, recording every call."""

    delivered: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False

    def deliver(self, services: Services, client: Any, subscription_id: int, period: str, *,
                now: datetime, late: bool = False, force_reason: str | None = None,
                missing_note: str | None = None, briefing: Any = None) -> SimpleNamespace:
        db = services.db()
        row = ledger.claim(db, subscription_id, period, force_reason=force_reason)
        assert row["state"] != "delivered", "a delivered period was posted again"
        self.delivered.append({"subscription": subscription_id, "period": period, "now": now,
                               "late": late, "missing_note": missing_note})
        if self.fail:
            ledger.set_state(db, row["id"], "failed", error="Slack is down", attempt=True)
            return SimpleNamespace(delivery_id=row["id"], state="failed", posted_parts=[],
                                   skipped_parts=[], error="Slack is down")
        ledger.record_part(db, row["id"], "headline", 0, "1270627200.000100")
        ledger.set_state(db, row["id"], "delivered", late=late, attempt=True)
        return SimpleNamespace(delivery_id=row["id"], state="delivered",
                               posted_parts=["headline"], skipped_parts=[], error=None)

    def notify(self, services: Services, client: Any, delivery_row: dict[str, Any],
               missing: list[str]) -> bool:
        # like notify_waiting: the ledger's flag decides, so admins are told once per delivery
        if not ledger.flag_once(services.db(), delivery_row["id"], "notified_waiting"):
            return False
        self.notices.append({"row": delivery_row, "missing": missing})
        return True


@pytest.fixture
def store(tmp_path: Path) -> SimpleNamespace:
    """The demo store, its file subscription switched off, and one chat subscription. The
    partnership lives on the test's clock: the demo's own date (`as_of`) is cleared."""
    path = tmp_path / "store" / "csp.db"
    db = open_db(path)
    load_demo(db)
    db.execute("UPDATE partnerships SET as_of = NULL")
    db.conn.commit()
    for sub in subscriptions.active(db):
        subscriptions.unsubscribe(db, sub["partnership"], sub["platform"], sub["channel"])
    sub_id = subscriptions.subscribe(db, "kettering", "slack", "C0TEST", "working day 3 at 09:00")
    services = Services(load_config({"CSP_DB_PATH": str(path)}))
    yield SimpleNamespace(path=path, db=db, sub=sub_id, services=services)
    db.close()


def make(store: SimpleNamespace, clock: Clock, fakes: Fakes, **options: Any) -> BriefingScheduler:
    return BriefingScheduler(store.services, client="client", deliver=fakes.deliver,
                             notify=fakes.notify, clock=clock, backend=manual_backend, **options)


def add_april_2010(db: Any, but: str | None = None, month: str = "2010-04") -> None:
    """April's figures arrive (a copy of March's), every series' or all `but` one's."""
    db.execute("INSERT INTO monthly_values SELECT partnership, area, indicator, ?, value, "
               "source, ingest_id FROM monthly_values WHERE month = '2010-03' AND indicator "
               "IS NOT ?", (month, but))
    db.conn.commit()


def test_job_fires_at_the_scheduled_minute_and_not_before(store: SimpleNamespace) -> None:
    clock, fakes = Clock(local(2010, 4, 1)), Fakes()
    scheduler = make(store, clock, fakes)
    assert scheduler.start() is True
    assert scheduler.jobs == ["poll", f"sub:{store.sub}"]
    job = scheduler._scheduler.get_job(f"sub:{store.sub}")
    # Working day 3 of April 2010: Thu 1, (Good Friday 2, Easter Monday 5), Tue 6, Wed 7.
    assert job.next_run_time == local(2010, 4, 7, 9)
    for moment in (local(2010, 4, 6, 9), local(2010, 4, 7, 8, 59), local(2010, 4, 7, 8, 59, 59)):
        clock.now = moment
        run_due(scheduler)
    assert fakes.delivered == []
    clock.now = local(2010, 4, 7, 9)
    assert f"sub:{store.sub}" in run_due(scheduler)
    assert fakes.delivered == [{"subscription": store.sub, "period": "2010-03",
                                "now": local(2010, 4, 7, 9), "late": False,
                                "missing_note": None}]
    assert fakes.delivered[0]["now"].utcoffset() == timedelta(0)  # 08:00 UTC, BST
    for moment in (local(2010, 4, 7, 9, 1), local(2010, 4, 8, 9), local(2010, 5, 5, 9)):
        clock.now = moment
        run_due(scheduler)
    assert len(fakes.delivered) == 1
    assert fakes.notices == []
    # next month: working day 3 of May 2010 is Thu 6 (Mon 3 was the May Day holiday)
    assert job.id in scheduler.jobs
    assert scheduler._scheduler.get_job(job.id).next_run_time == local(2010, 5, 6, 9)
    row = ledger.current(store.db, store.sub, "2010-03")
    assert row is not None and row["state"] == "delivered"
    scheduler.shutdown()


def test_missed_run_is_caught_up_once_at_start(store: SimpleNamespace) -> None:
    # CSP Bot was down on Wednesday 7 April 2010 at 09:00; it starts the next morning.
    clock, fakes = Clock(local(2010, 4, 8, 7, 30)), Fakes()
    first = make(store, clock, fakes)
    first.start()
    run_due(first)
    assert fakes.delivered == [{"subscription": store.sub, "period": "2010-03",
                                "now": local(2010, 4, 8, 7, 30), "late": True,
                                "missing_note": None}]
    assert ledger.current(store.db, store.sub, "2010-03")["late"] == 1
    run_due(first, local(2010, 4, 9))
    first.shutdown()
    # a second start (a restart an hour later) posts nothing
    clock.now = local(2010, 4, 8, 8, 30)
    second = make(store, clock, fakes)
    second.start()
    run_due(second)
    assert len(fakes.delivered) == 1
    second.shutdown()


def test_a_run_missed_longer_ago_than_the_window_is_not_caught_up(
        store: SimpleNamespace) -> None:
    clock, fakes = Clock(local(2010, 4, 9, 9, 1)), Fakes()  # 48 hours and a minute late
    scheduler = make(store, clock, fakes)
    scheduler.start()
    run_due(scheduler)
    assert fakes.delivered == []
    scheduler.shutdown()
    scheduler = make(store, clock, fakes, catch_up_hours=72)
    scheduler.start()
    run_due(scheduler)
    assert [c["late"] for c in fakes.delivered] == [True]
    scheduler.shutdown()


def test_started_at_the_very_minute_posts_once_on_time(store: SimpleNamespace) -> None:
    clock, fakes = Clock(local(2010, 4, 7, 9)), Fakes()
    scheduler = make(store, clock, fakes)
    scheduler.start()
    run_due(scheduler)
    assert [(c["period"], c["late"]) for c in fakes.delivered] == [("2010-03", False)]
    scheduler.shutdown()


def test_a_run_later_than_the_misfire_grace_is_still_posted_marked_late(
        store: SimpleNamespace) -> None:
    # The machine was suspended from 08:00 to 16:00: APScheduler misses the 09:00 run (its
    # grace is 6 hours); the scheduler posts it at once, marked late.
    clock, fakes = Clock(local(2010, 4, 7, 8)), Fakes()
    scheduler = make(store, clock, fakes)
    scheduler.start()
    clock.now = local(2010, 4, 7, 16)
    run_due(scheduler)
    assert [(c["period"], c["late"], c["now"]) for c in fakes.delivered] == \
        [("2010-03", True, local(2010, 4, 7, 16))]
    # within the grace it is simply run (not late)
    clock.now = local(2010, 5, 6, 14, 59)
    add_april_2010(store.db)
    run_due(scheduler)
    assert [(c["period"], c["late"]) for c in fakes.delivered][1:] == [("2010-04", False)]
    scheduler.shutdown()


def test_data_not_loaded_means_no_post_one_notice_and_a_retry_next_day(
        store: SimpleNamespace) -> None:
    # May 2010: the briefing covers April, and April's figures are not in the store.
    clock, fakes = Clock(local(2010, 5, 1)), Fakes()
    scheduler = make(store, clock, fakes)
    scheduler.start()
    clock.now = local(2010, 5, 6, 9)  # working day 3 (Mon 3 May was a bank holiday)
    run_due(scheduler)
    assert fakes.delivered == []
    assert len(fakes.notices) == 1
    notice = fakes.notices[0]
    assert notice["row"]["state"] == "waiting_for_data" and notice["row"]["period"] == "2010-04"
    assert "vehicle-crime (kettering) for 2010-04" in notice["missing"]
    row = ledger.current(store.db, store.sub, "2010-04")
    assert row["state"] == "waiting_for_data" and row["notified_waiting"] == 1
    assert datetime.fromisoformat(row["first_due"]) == local(2010, 5, 6, 9)
    retries = [j for j in scheduler.jobs if j.startswith(f"retry:{store.sub}:2010-04:")]
    assert len(retries) == 1
    assert scheduler._scheduler.get_job(retries[0]).next_run_time == local(2010, 5, 7, 9)
    # the next day: still nothing, and no second notice
    clock.now = local(2010, 5, 7, 9)
    assert retries[0] in run_due(scheduler)
    assert fakes.delivered == [] and len(fakes.notices) == 1
    assert [j for j in scheduler.jobs if j.startswith("retry:")] == \
        [f"retry:{store.sub}:2010-04:20100508T080000"]
    # April's figures arrive; the next retry posts, without a missing note
    add_april_2010(store.db)
    clock.now = local(2010, 5, 8, 9)
    run_due(scheduler)
    assert fakes.delivered == [{"subscription": store.sub, "period": "2010-04",
                                "now": local(2010, 5, 8, 9), "late": False,
                                "missing_note": None}]
    assert not [j for j in scheduler.jobs if j.startswith("retry:")]
    clock.now = local(2010, 5, 20, 9)
    run_due(scheduler)
    assert len(fakes.delivered) == 1 and len(fakes.notices) == 1
    scheduler.shutdown()


def test_after_max_wait_days_it_posts_with_a_missing_note(store: SimpleNamespace) -> None:
    add_april_2010(store.db, but="vehicle-crime")  # April is held, but one series lags
    clock, fakes = Clock(local(2010, 5, 1)), Fakes()
    scheduler = make(store, clock, fakes)
    scheduler.start()
    for day in range(6, 16):  # 6 May (due) to 15 May: waiting, retrying daily
        clock.now = local(2010, 5, day, 9)
        run_due(scheduler)
        assert fakes.delivered == [], day
    clock.now = local(2010, 5, 16, 9)  # ten days after it was due (CSP_BRIEFING_MAX_WAIT_DAYS)
    run_due(scheduler)
    assert len(fakes.notices) == 1
    assert len(fakes.delivered) == 1
    note = fakes.delivered[0]["missing_note"]
    assert note.startswith("Some figures for April 2010 had still not reached CSP Bot 10 days "
                           "after this briefing was due")
    assert "vehicle-crime (kettering) for 2010-04" in note
    assert ledger.current(store.db, store.sub, "2010-04")["state"] == "delivered"
    assert not [j for j in scheduler.jobs if j.startswith("retry:")]
    scheduler.shutdown()


def test_a_month_not_held_keeps_waiting_past_max_wait_days(store: SimpleNamespace) -> None:
    """No figure at all for April 2010: the month is not held (METHOD 2.9), so it is never
    posted with a note of what is missing; the run waits a day at a time until it is held."""
    clock, fakes = Clock(local(2010, 5, 1)), Fakes()
    scheduler = make(store, clock, fakes, max_wait_days=3)
    scheduler.start()
    for day in range(6, 25):  # 6 May (due) to 24 May, well past the 3 days' wait
        clock.now = local(2010, 5, day, 9)
        run_due(scheduler)
        assert fakes.delivered == [], day
    assert len(fakes.notices) == 1
    assert ledger.current(store.db, store.sub, "2010-04")["state"] == "waiting_for_data"
    assert [j for j in scheduler.jobs if j.startswith(f"retry:{store.sub}:2010-04:")]
    add_april_2010(store.db)
    clock.now = local(2010, 5, 25, 9)
    run_due(scheduler)
    assert [(c["period"], c["missing_note"]) for c in fakes.delivered] == [("2010-04", None)]
    scheduler.shutdown()


def test_max_wait_is_a_setting_and_a_restart_resumes_the_wait(store: SimpleNamespace) -> None:
    add_april_2010(store.db, but="vehicle-crime")
    clock, fakes = Clock(local(2010, 5, 6, 9)), Fakes()
    scheduler = make(store, clock, fakes, max_wait_days=3)
    scheduler.start()  # started at the very minute: the job is due now
    run_due(scheduler)
    assert len(fakes.notices) == 1 and fakes.delivered == []
    scheduler.shutdown()  # the retry job dies with the process
    clock.now = local(2010, 5, 8, 12)
    restarted = make(store, clock, fakes, max_wait_days=3)
    restarted.start()
    run_due(restarted)  # resumes the wait: no post, no second notice, a retry tomorrow
    assert fakes.delivered == [] and len(fakes.notices) == 1
    clock.now = local(2010, 5, 9, 9)
    run_due(restarted)
    assert len(fakes.delivered) == 1 and fakes.delivered[0]["missing_note"]
    restarted.shutdown()


def test_a_failed_delivery_is_retried_from_the_ledger(store: SimpleNamespace) -> None:
    clock, fakes = Clock(local(2010, 4, 7, 8)), Fakes(fail=True)
    scheduler = make(store, clock, fakes)
    scheduler.start()
    clock.now = local(2010, 4, 7, 9)
    run_due(scheduler)
    assert len(fakes.delivered) == 1
    fakes.fail = False
    clock.now = local(2010, 4, 7, 10)
    run_due(scheduler)
    assert len(fakes.delivered) == 2
    assert ledger.current(store.db, store.sub, "2010-03")["state"] == "delivered"
    scheduler.shutdown()


def test_a_second_scheduler_on_the_store_schedules_nothing(
        store: SimpleNamespace, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock(local(2010, 4, 7, 8))
    first, second = make(store, clock, Fakes()), make(store, clock, Fakes())
    assert first.start() is True and first.holds_lock
    assert second.start() is False and not second.holds_lock
    assert second.jobs == []
    assert first.jobs == ["poll", f"sub:{store.sub}"]
    assert "Another CSP Bot process already schedules the briefings" in caplog.text
    assert Path(str(store.path) + ".scheduler.lock").exists()
    first.shutdown()
    third = make(store, clock, Fakes())
    assert third.start() is True
    third.shutdown()


def test_rebuild_picks_up_subscription_changes(store: SimpleNamespace) -> None:
    clock, fakes = Clock(local(2010, 4, 1)), Fakes()
    scheduler = make(store, clock, fakes)
    scheduler.start()
    assert scheduler.rebuild() is False  # nothing changed
    # a new subscription from chat, in another connection (as another process would)
    other = open_db(store.path)
    new = subscriptions.subscribe(other, "kettering", "slack", "C0OTHER", "day 5 at 10:30")
    assert f"sub:{new}" not in scheduler.jobs
    clock.now = local(2010, 4, 1, 0, 1)
    run_due(scheduler)  # the minute's poll
    assert f"sub:{new}" in scheduler.jobs
    assert scheduler._scheduler.get_job(f"sub:{new}").next_run_time == local(2010, 4, 5, 10, 30)
    # a changed schedule replaces the job; an unsubscribed channel loses it
    subscriptions.subscribe(other, "kettering", "slack", "C0OTHER", "working day 1 at 08:00")
    subscriptions.unsubscribe(other, "kettering", "slack", "C0TEST")
    assert scheduler.rebuild() is True
    assert scheduler.jobs == ["poll", f"sub:{new}"]
    assert scheduler._scheduler.get_job(f"sub:{new}").next_run_time == local(2010, 4, 1, 8)
    clock.now = local(2010, 4, 1, 8)
    run_due(scheduler)
    assert [(c["subscription"], c["period"]) for c in fakes.delivered] == [(new, "2010-03")]
    other.close()
    scheduler.shutdown()


def test_a_schedule_it_cannot_follow_is_skipped_with_a_warning(
        store: SimpleNamespace, caplog: pytest.LogCaptureFixture) -> None:
    store.db.execute("UPDATE subscriptions SET schedule = 'working day 25 at 09:00' "
                     "WHERE id = ?", [store.sub])
    store.db.conn.commit()
    scheduler = make(store, Clock(local(2010, 4, 1)), Fakes())
    scheduler.start()
    assert scheduler.jobs == ["poll"]
    assert "working day must be a number from 1 to 20" in caplog.text
    scheduler.shutdown()


def test_clock_change_sunday_fires_once(store: SimpleNamespace) -> None:
    """"day 25 at 01:30" on Sunday 25 October 2026, the clocks going back at 02:00 BST: the
    scheduler, run every 10 minutes through the night, posts once, at 00:30 UTC."""
    subscriptions.subscribe(store.db, "kettering", "slack", "C0TEST", "day 25 at 01:30")
    clock, fakes = Clock(local(2026, 10, 24, 23)), Fakes()
    add_april_2010(store.db, month="2026-09")  # September 2026 is held
    scheduler = make(store, clock, fakes, max_wait_days=0)
    scheduler.start()
    moment = clock.now.astimezone(UTC)
    while moment < datetime(2026, 10, 25, 4, tzinfo=UTC):
        clock.now = moment
        run_due(scheduler)
        moment += timedelta(minutes=10)
    assert [c["now"].astimezone(UTC) for c in fakes.delivered] == \
        [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]
    assert fakes.delivered[0]["period"] == "2026-09"
    scheduler.shutdown()


def test_only_one_of_two_processes_takes_the_lock(store: SimpleNamespace) -> None:
    script = textwrap.dedent("""
        import os
        import sys
        from bot.config import load_config
        from bot.scheduler.scheduler import BriefingScheduler
        from bot.services import Services

        none = lambda *args, **kwargs: None
        scheduler = BriefingScheduler(
            Services(load_config({**os.environ, "CSP_DB_PATH": sys.argv[1]})),
            deliver=none, notify=none)
        held = scheduler.start()
        print("holds the lock" if held else "no lock", len(scheduler.jobs), flush=True)
        sys.stdin.read()  # until the test closes stdin
        scheduler.shutdown(wait=False)
    """)
    # on the test's clock (mid-month: nothing due to catch up), whatever the real date
    env = {**os.environ, "CSP_NOW": "2010-05-20T12:00"}
    processes = [subprocess.Popen([sys.executable, "-c", script, str(store.path)], cwd=ROOT,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  env=env)
                 for _ in range(2)]
    try:
        lines = [p.stdout.readline().strip() for p in processes]  # type: ignore[union-attr]
    finally:
        for p in processes:
            p.communicate(timeout=30)
    assert sorted(lines) == ["holds the lock 2", "no lock 0"]
    assert all(p.returncode == 0 for p in processes)


def test_a_notifier_that_keeps_no_flag_is_still_called_once(store: SimpleNamespace) -> None:
    calls: list[list[str]] = []
    clock = Clock(local(2010, 5, 6, 8))
    scheduler = BriefingScheduler(store.services, deliver=Fakes().deliver,
                                  notify=lambda services, client, row, missing:
                                  calls.append(missing),
                                  clock=clock, backend=manual_backend)
    scheduler.start()
    for day in (6, 7, 8):
        clock.now = local(2010, 5, day, 9)
        run_due(scheduler)
    assert len(calls) == 1
    assert ledger.current(store.db, store.sub, "2010-04")["notified_waiting"] == 1
    scheduler.shutdown()


def test_platforms_and_subscriptions_the_deliverer_refuses(store: SimpleNamespace) -> None:
    teams = subscriptions.subscribe(store.db, "kettering", "teams", "19:abc@thread.tacv2",
                                    "working day 3 at 09:00")
    clock = Clock(local(2010, 4, 1))
    slack_only = make(store, clock, Fakes(), platforms={"slack"})
    slack_only.start()
    assert slack_only.jobs == ["poll", f"sub:{store.sub}"]
    slack_only.shutdown()

    def refuse(services: Services, client: Any, subscription_id: int, period: str,
               **kwargs: Any) -> None:
        raise DataError(f"There is no active Slack subscription {subscription_id}.")

    everything = BriefingScheduler(store.services, deliver=refuse, notify=Fakes().notify,
                                   clock=clock, backend=manual_backend)
    everything.start()
    assert everything.jobs == ["poll", f"sub:{store.sub}", f"sub:{teams}"]
    clock.now = local(2010, 4, 7, 9)
    run_due(everything)  # refused (logged), and not retried every hour
    assert not [j for j in everything.jobs if j.startswith("retry:")]
    everything.shutdown()


def test_the_real_delivery_functions_take_what_the_scheduler_passes(
        store: SimpleNamespace) -> None:
    import inspect

    delivery = pytest.importorskip("bot.delivery.deliver")
    inspect.signature(delivery.deliver).bind(store.services, None, store.sub, "2010-03",
                                             now=local(2010, 4, 7, 9), late=False,
                                             missing_note=None)
    inspect.signature(delivery.notify_waiting).bind(store.services, None, {"id": 1}, ["x"])


def test_missing_note_is_plain_and_short() -> None:
    from bot.scheduler.attempt import missing_note

    assert missing_note("2010-04", ["police.uk figures for 2010-04"], 10) == (
        "Some figures for April 2010 had still not reached CSP Bot 10 days after this briefing "
        "was due, so it is posted without them. Missing: police.uk figures for 2010-04.")
    long = missing_note("2010-04", [f"indicator {i}" for i in range(20)], 10)
    assert long.endswith("indicator 11; and 8 more.")


@pytest.mark.parametrize("moment", [local(2026, 12, 5, 10), local(2027, 1, 6, 9, 30),
                                    local(2010, 4, 7, 9, 30)])
def test_a_partnership_on_its_own_date_is_never_scheduled(
        store: SimpleNamespace, moment: datetime, caplog: pytest.LogCaptureFixture) -> None:
    """The demo takes 7 April 2010 as today (as_of): whatever the clock says, its subscription
    is never run, nothing is caught up, nobody is told figures are missing; the log says how
    to post its own month."""
    store.db.execute("UPDATE partnerships SET as_of = '2010-04-07'")
    store.db.conn.commit()
    clock, fakes = Clock(moment), Fakes()
    scheduler = make(store, clock, fakes)
    caplog.set_level("INFO", logger="cspbot.scheduler")
    scheduler.start()
    assert scheduler.jobs == ["poll"]
    assert scheduler.catch_up() == []
    for hours in range(0, 24 * 40, 6):  # forty days of the clock running on
        clock.now = moment + timedelta(hours=hours)
        run_due(scheduler)
    assert fakes.delivered == [] and fakes.notices == []
    assert ledger.current(store.db, store.sub, "2026-11") is None
    assert "cspbot send-briefing --partnership kettering --month 2010-03" in caplog.text
    # the partnership reloaded without its own date goes back on the real clock at once
    store.db.execute("UPDATE partnerships SET as_of = NULL")
    store.db.conn.commit()
    assert scheduler.rebuild() and scheduler.jobs == ["poll", f"sub:{store.sub}"]
    scheduler.shutdown()
