"""Two `cspbot run` processes on one store: one scheduler, so exactly one of them posts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from fakes.slack_api import FakeSlack
from fakes.waiting import healthy, wait_for
from test_slack_e2e import SECRET, TOKEN, free_port

from bot.cli.main import cli
from data.db import open_db
from data.subscriptions import subscribe


def test_two_processes_one_scheduler_exactly_one_notice(tmp_path: Path) -> None:
    store = tmp_path / "csp.db"
    assert CliRunner().invoke(cli, ["--db", str(store), "demo"]).exit_code == 0
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
        env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
               "CSP_SLACK_API_URL": fake.url, "CSP_DB_PATH": str(store),
               "CSP_LOG_FILE": str(tmp_path / "csp.log"), "CSP_SCHEDULER_CATCH_UP_HOURS": "72",
               "CSP_NOW": "2010-05-03T12:00"}
        env.pop("SLACK_APP_TOKEN", None)
        bots = []
        try:
            for _ in range(2):
                port = free_port()
                bots.append(subprocess.Popen(
                    [sys.executable, "-m", "bot", "run", "--http", str(port)], env=env,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
                wait_for(lambda p=port: healthy(f"http://127.0.0.1:{p}"), timeout=30)
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
            assert holder in {b.pid for b in bots}
        finally:
            for bot in bots:
                bot.terminate()
                bot.wait(timeout=10)
        logs = "".join(b.stderr.read() for b in bots if b.stderr)
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
