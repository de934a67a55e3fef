"""Two `cspbot run` processes on one store: one scheduler, so exactly one of them posts."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from fakes.demo_store import make_demo_store
from fakes.processes import RunningBot, launch_bot
from fakes.slack_api import FakeSlack
from fakes.slack_bot import TOKEN, slack_env
from fakes.waiting import wait_for

from data.db import open_db
from data.subscriptions import subscribe


def test_two_processes_one_scheduler_exactly_one_notice(tmp_path: Path) -> None:
    store = make_demo_store(tmp_path)
    db = open_db(store)
    # On the test's clock, 3 May 2010 at noon (CSP_NOW), the partnership living on that clock
    # (its own date cleared). Due on the 1st of every month at midnight: both processes find
    # April's briefing due at start, within the catch-up window. The demo's figures end in
    # March 2010, so the briefing waits for data: the admins are told once, by the process
    # that holds the scheduler.
    db.execute("UPDATE partnerships SET as_of = NULL")
    db.conn.commit()
    sub = subscribe(db, "kettering", "slack", "C0KETCSP01", "day 1 at 00:00")
    db.close()
    with FakeSlack(token=TOKEN) as fake:
        env = {**slack_env(fake), "CSP_SCHEDULER_CATCH_UP_HOURS": "72",
               "CSP_NOW": "2010-05-03T12:00"}
        bots: list[RunningBot] = []
        with ExitStack() as running:  # one after the other, each answering before the next
            for _ in range(2):
                bots.append(running.enter_context(launch_bot(store, env)))
            wait_for(lambda: fake.messages("D0KETADM1"), timeout=20)
            # the holder's attempt is over (the ledger waits, flagged as told) and the other
            # process has said it schedules nothing: no second notice can come after this
            wait_for(lambda: waiting_and_told(store, sub), timeout=20, what="the ledger")
            log = tmp_path / "csp.log"
            wait_for(lambda: "will not post any" in log.read_text(), what="the second bot")
            notices = fake.messages("D0KETADM1")
            assert len(notices) == 1, notices
            assert "wait" in str(notices[0]).lower() and "2010-04" in str(notices[0])
            lock = Path(str(store.resolve()) + ".scheduler.lock")
            holder = int(lock.read_text().split()[0])
            assert holder in {b.process.pid for b in bots}
        logs = "".join(b.stop() for b in bots)  # stopped: what each wrote on stderr
        assert "Briefing scheduler started" in logs
        assert logs.count("Briefing scheduler started") == 1


def waiting_and_told(store: Path, sub: int) -> bool:
    db = open_db(store)
    try:
        row = db.execute("SELECT state, notified_waiting FROM deliveries WHERE subscription = ? "
                         "AND period = '2010-04'", [sub]).fetchone()
    finally:
        db.close()
    return bool(row and row[0] == "waiting_for_data" and row[1])
