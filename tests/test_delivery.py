"""Delivery of the monthly briefing (bot/delivery/deliver.py) against the local fake Slack Web API.

A real SQLite store with the demo partnership (built once for the module), one subscription per
test (its own channel), the real slack_sdk client with its retry handlers. The pacing and upload
backoff sleeps are injected as no-ops; the only real waits are slack_sdk's own short retry
pauses. The CLI runs in subprocesses (pacing off), one of them killed with SIGKILL half way
through a post.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes.slack_api import FakeSlack
from fakes.waiting import wait_for

from bot.cli.main import cli
from bot.config import load_config
from bot.delivery.deliver import (
    PACER,
    ChannelPacer,
    DeliveryResult,
    deliver,
    monthly_briefing,
    notify_waiting,
)
from bot.delivery.parts import briefing_parts, late_note
from bot.services import Services
from bot.slack.client import make_client
from bot.slack.render import MAX_MESSAGE_BLOCKS, SECTION_CHARS, render_message
from data import ledger
from data.db import open_db
from data.demo import load_demo
from data.subscriptions import subscribe

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "xoxb-delivery-test"
PID, PERIOD = "kettering", "2010-03"
ADMIN_DM = "D0KETADM1"  # the fake's direct message channel with the demo admin U0KETADM1
PARTS = 14  # headline, the board paper, 11 charts (overview + 10 sections), details


def no_sleep(seconds: float) -> None:
    """Injected for the pacing and upload backoff waits: tests never sleep for them."""


@dataclasses.dataclass
class World:
    store: Path
    services: Services
    fake: FakeSlack

    def subscription(self, channel: str) -> int:
        return subscribe(self.services.db(), PID, "slack", channel, "day 1 at 09:00")

    def deliver(self, subscription: int, **kwargs: Any) -> DeliveryResult:
        client = make_client(TOKEN, self.fake.url)
        return deliver(self.services, client, subscription, kwargs.pop("period", PERIOD),
                       now=datetime.now(UTC), sleep=kwargs.pop("sleep", no_sleep), **kwargs)

    def env(self) -> dict[str, str]:
        return {**os.environ, "CSP_DB_PATH": str(self.store), "SLACK_BOT_TOKEN": TOKEN,
                "CSP_SLACK_API_URL": self.fake.url, "CSP_LOG_FILE": str(self.store) + ".log",
                "PYTHONPATH": str(ROOT)}

    def cspbot(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`cspbot ARGS` in its own process, without the one-post-a-second pacing."""
        return subprocess.run([sys.executable, "-c", UNPACED_CSPBOT, *args], env=self.env(),
                              cwd=ROOT, capture_output=True, text=True, timeout=120)


UNPACED_CSPBOT = ("import bot.slack.posting, bot.cli.main; bot.slack.posting.PACER.interval = 0; "
                  "bot.cli.main.main()")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    store = tmp_path_factory.mktemp("delivery") / "csp.db"
    db = open_db(store)
    load_demo(db)
    db.close()
    config = load_config({"CSP_DB_PATH": str(store), "CSP_LOG_FILE": str(store) + ".log"})
    with FakeSlack(token=TOKEN) as fake:
        yield World(store, Services(config), fake)


def assert_one_complete_briefing(fake: FakeSlack, channel: str) -> None:
    """Exactly one headline, the paper and every chart once in its thread, the details once."""
    messages = fake.messages(channel)
    heads = [m for m in messages if not m.get("thread_ts")]
    assert len(heads) == 1, [m["text"][:60] for m in messages]
    details = [m for m in messages if m.get("thread_ts")]
    assert len(details) == 1 and details[0]["thread_ts"] == heads[0]["ts"]
    uploads = fake.uploads(channel)
    titles = [u["title"] for u in uploads]
    assert len(uploads) == PARTS - 2 and len(set(titles)) == len(titles)
    assert all(u["thread_ts"] == heads[0]["ts"] for u in uploads)
    papers = [u for u in uploads if u["filename"].endswith(".html")]
    assert len(papers) == 1 and papers[0]["data"].startswith(b"<!DOCTYPE html>")
    assert all(u["data"].startswith(b"\x89PNG") and u["alt_txt"] for u in uploads
               if u not in papers)


def postings(fake: FakeSlack, channel: str, status: int | None = None) -> int:
    return sum(1 for c in fake.calls_to("chat.postMessage")
               if c.params.get("channel") == channel and status in (None, c.status))


def test_a_full_delivery_posts_headline_charts_and_details_and_records_them(world: World
                                                                          ) -> None:
    sid = world.subscription("C0FULL")
    result = world.deliver(sid)
    assert result.state == "delivered" and result.error is None and not result.already
    assert result.posted_parts[0] == "headline" and result.posted_parts[-1] == "details"
    assert result.posted_parts[1:3] == ["paper", "chart:overview"]
    assert len(result.posted_parts) == PARTS
    assert "chart:violence-with-injury@town-centre" in result.posted_parts
    assert_one_complete_briefing(world.fake, "C0FULL")
    head, details = world.fake.messages("C0FULL")
    text = json.dumps(head["blocks"])
    assert "performance briefing, March 2010" in text and "ILLUSTRATIVE" in text
    assert "Principal conclusions" in text and "Vehicle crime is well down" in text
    assert "21 actions: 2 complete, 19 on track" in text
    assert "At a glance" in text and "better (low)" in text  # the glance table
    assert "The printable board paper" in text
    assert "Domestic burglary" in json.dumps(details["blocks"]) and "Figures" in json.dumps(
        details["blocks"])
    db = world.services.db()
    done = ledger.parts_done(db, result.delivery_id)
    assert list(done) == result.posted_parts and done["headline"] == head["ts"]
    assert done["details"] == details["ts"] and all(done.values())
    row = ledger.current(db, sid, PERIOD)
    assert row is not None and row["state"] == "delivered" and row["attempts"] == 1


def test_a_second_delivery_posts_nothing(world: World) -> None:
    sid = world.subscription("C0TWICE")
    assert world.deliver(sid).state == "delivered"
    calls = len(world.fake.calls)
    again = world.deliver(sid)
    assert again.state == "delivered" and again.already and again.delivered_at
    assert again.posted_parts == [] and len(world.fake.calls) == calls
    assert_one_complete_briefing(world.fake, "C0TWICE")


def test_429_with_retry_after_then_success_posts_once(world: World) -> None:
    sid = world.subscription("C0RATE")
    world.fake.fail_next("chat.postMessage", status=429, retry_after=0)
    world.fake.fail_next("files.completeUploadExternal", status=429, retry_after=0)
    sleeps: list[float] = []
    upload_429 = len([c for c in world.fake.calls_to("files.completeUploadExternal")
                      if c.status == 429])
    result = world.deliver(sid, sleep=sleeps.append, pacer=ChannelPacer(interval=0))
    assert result.state == "delivered"
    assert postings(world.fake, "C0RATE", 429) == 1 and postings(world.fake, "C0RATE") == 3
    assert len([c for c in world.fake.calls_to("files.completeUploadExternal")
                if c.status == 429]) == upload_429 + 1
    assert sleeps == []  # slack_sdk's handler honoured Retry-After; nothing else waited
    assert_one_complete_briefing(world.fake, "C0RATE")


def test_500s_then_success_and_upload_retries_back_off(world: World) -> None:
    sid = world.subscription("C0FIVE")
    world.fake.fail_next("chat.postMessage", status=500)
    world.fake.fail_next("upload", status=500, times=2)
    sleeps: list[float] = []
    result = world.deliver(sid, sleep=sleeps.append, pacer=ChannelPacer(interval=0))
    assert result.state == "delivered" and len(result.posted_parts) == PARTS
    assert sleeps == [1.0, 2.0]  # the upload URL failed twice: backoff 1 s, then 2 s
    assert postings(world.fake, "C0FIVE", 500) == 1
    assert_one_complete_briefing(world.fake, "C0FIVE")
    world.fake.fail_next("upload", status=429, retry_after=7)
    sleeps.clear()
    forced = world.deliver(sid, sleep=sleeps.append, pacer=ChannelPacer(interval=0),
                           force_reason="429 on the upload URL")
    assert forced.state == "delivered" and sleeps == [7.0]  # Retry-After honoured


def test_a_failed_upload_after_the_headline_alerts_once_and_the_retry_posts_the_rest(
        world: World) -> None:
    sid = world.subscription("C0UPLOAD")
    dms = len(world.fake.messages(ADMIN_DM))
    world.fake.fail_next("upload", status=500, times=3)  # every try of the paper's upload
    first = world.deliver(sid)
    assert first.state == "failed" and first.posted_parts == ["headline"]
    assert first.error is not None and "HTTP 500" in first.error
    row = ledger.current(world.services.db(), sid, PERIOD)
    assert row is not None and row["state"] == "failed" and row["alerted_failure"] == 1
    assert "HTTP 500" in row["last_error"]
    alerts = world.fake.messages(ADMIN_DM)[dms:]
    assert len(alerts) == 1
    assert "could not be posted to <#C0UPLOAD>" in alerts[0]["text"]
    assert (f"`cspbot send-briefing --partnership {PID} --month {PERIOD} --subscription {sid}`"
            in alerts[0]["text"])

    world.fake.fail_next("upload", status=500, times=3)  # the next run fails again ...
    second = world.deliver(sid)
    assert second.state == "failed" and second.posted_parts == []
    assert second.skipped_parts == ["headline"]
    assert len(world.fake.messages(ADMIN_DM)) == dms + 1  # ... and nobody is told twice

    third = world.deliver(sid)
    assert third.state == "delivered" and third.skipped_parts == ["headline"]
    assert len(third.posted_parts) == PARTS - 1
    assert_one_complete_briefing(world.fake, "C0UPLOAD")
    row = ledger.current(world.services.db(), sid, PERIOD)
    assert row is not None and row["attempts"] == 3


def test_a_slack_error_stops_the_attempt_and_is_reported(world: World) -> None:
    sid = world.subscription("C0GONE")
    dms = len(world.fake.messages(ADMIN_DM))
    world.fake.fail_next("chat.postMessage", error="channel_not_found")
    result = world.deliver(sid)
    assert result.state == "failed" and result.error == "channel_not_found"
    assert result.posted_parts == [] and world.fake.uploads("C0GONE") == []
    assert "channel_not_found" in world.fake.messages(ADMIN_DM)[dms]["text"]
    assert world.deliver(sid).state == "delivered"
    assert_one_complete_briefing(world.fake, "C0GONE")


def test_force_with_a_reason_posts_again_as_generation_2(world: World) -> None:
    sid = world.subscription("C0FORCE")
    assert world.deliver(sid).generation == 1
    again = world.deliver(sid, force_reason="March figures corrected")
    assert again.state == "delivered" and again.generation == 2
    assert len(again.posted_parts) == PARTS
    row = ledger.current(world.services.db(), sid, PERIOD)
    assert row is not None and row["generation"] == 2
    assert row["forced_reason"] == "March figures corrected"
    heads = [m for m in world.fake.messages("C0FORCE") if not m.get("thread_ts")]
    assert len(heads) == 2 and len(world.fake.uploads("C0FORCE")) == 2 * (PARTS - 2)


def test_a_late_briefing_says_so_and_a_missing_note_is_shown(world: World) -> None:
    sid = world.subscription("C0LATE")
    result = world.deliver(sid, late=True, first_due="2010-04-06T08:00:00+00:00",
                           missing_note="Some figures for 2010-03 were not in the store.")
    assert result.state == "delivered"
    text = json.dumps(world.fake.messages("C0LATE")[0]["blocks"])
    assert ("This briefing is late: it was due on Tuesday 6 April 2010 at 09:00 while CSP Bot "
            "was down.") in text
    assert "Some figures for 2010-03 were not in the store." in text
    row = ledger.current(world.services.db(), sid, PERIOD)
    assert row is not None and row["late"] == 1
    assert late_note("2010-12-01") == ("This briefing is late: it was due on Wednesday 1 "
                                       "December 2010 while CSP Bot was down.")


def test_waiting_for_data_tells_the_admins_once(world: World) -> None:
    sid = world.subscription("C0WAIT")
    row = ledger.claim(world.services.db(), sid, "2010-04")
    client = make_client(TOKEN, world.fake.url)
    dms = len(world.fake.messages(ADMIN_DM))
    missing = ["police.uk figures for 2010-04", "burglary (kettering) for 2010-04"]
    assert notify_waiting(world.services, client, row, missing, sleep=no_sleep)
    assert not notify_waiting(world.services, client, row, missing, sleep=no_sleep)
    told = world.fake.messages(ADMIN_DM)[dms:]
    assert len(told) == 1 and "burglary (kettering) for 2010-04" in told[0]["text"]
    assert "<#C0WAIT> is waiting for figures" in told[0]["text"]
    assert world.fake.messages("C0WAIT") == []


def test_the_messages_keep_to_slacks_limits(world: World) -> None:
    briefing = monthly_briefing(world.services, PID, PERIOD)
    assert monthly_briefing(world.services, PID, PERIOD) is briefing  # built once
    huge = dataclasses.replace(briefing, sections=briefing.sections * 8,
                               conclusions=briefing.conclusions * 30,
                               revisions=[f"2010-0{i % 9 + 1} x: 1 -> 2" for i in range(40)])
    parts = briefing_parts(huge, "late", "missing")
    for part in parts:
        if part.chart is not None:
            assert len(part.chart.alt_text) <= 1000
            continue
        blocks = render_message(part.reply).blocks
        assert len(blocks) <= MAX_MESSAGE_BLOCKS
        assert all(len(b["text"]["text"]) <= SECTION_CHARS for b in blocks
                   if b["type"] == "section" and "text" in b)
    assert [p.name for p in parts].count("details") == 1


def test_the_pacer_spaces_posts_to_a_channel_by_a_second() -> None:
    clock = [100.0]
    waits: list[float] = []
    pacer = ChannelPacer(interval=1.0, clock=lambda: clock[0])
    for channel in ("C1", "C1", "C2"):
        with pacer.turn(channel, waits.append):
            clock[0] += 0.25  # the post itself
        clock[0] += 0.375  # other work before the next post
    assert waits == [0.625]  # a second after the end of the previous post to C1


def test_send_briefing_twice_says_it_was_already_delivered(world: World) -> None:
    sid = world.subscription("C0CLI")
    first = world.cspbot("send-briefing", "--partnership", PID, "--month", PERIOD,
                         "--channel", "C0CLI")
    assert first.returncode == 0, first.stderr
    assert "C0CLI: delivered: 14 parts posted." in first.stdout
    second = world.cspbot("send-briefing", "--partnership", PID, "--month", PERIOD,
                          "--subscription", str(sid), "--json")
    assert second.returncode == 0, second.stderr
    line = json.loads(second.stdout)
    assert line["already_delivered"] and line["posted"] == [] and line["channel"] == "C0CLI"
    third = world.cspbot("send-briefing", "--partnership", PID, "--month", PERIOD,
                         "--channel", "C0CLI")
    assert "C0CLI: already delivered on " in third.stdout
    assert "use --force --reason TEXT to send again" in third.stdout
    assert_one_complete_briefing(world.fake, "C0CLI")


def test_send_briefing_refuses_what_it_cannot_do(world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PACER, "interval", 0)
    world.subscription("C0REFUSE")
    base = ["--db", str(world.store), "send-briefing", "--partnership", PID, "--month", PERIOD]
    runner = CliRunner()
    env = {"SLACK_BOT_TOKEN": TOKEN, "CSP_SLACK_API_URL": world.fake.url,
           "CSP_LOG_FILE": str(world.store) + ".log"}
    forced = runner.invoke(cli, [*base, "--force"], env=env)
    assert forced.exit_code == 2 and "--force needs --reason" in forced.output
    elsewhere = runner.invoke(cli, [*base, "--channel", "C0NOWHERE"], env=env)
    assert elsewhere.exit_code == 1
    assert "C0NOWHERE is not one of kettering's active Slack subscriptions" in elsewhere.output
    no_token = runner.invoke(cli, [*base, "--channel", "C0REFUSE"],
                             env={**env, "SLACK_BOT_TOKEN": None})
    assert no_token.exit_code == 1 and "SLACK_BOT_TOKEN is not set" in no_token.output
    early = runner.invoke(cli, [*base[:-1], "2010-04", "--channel", "C0REFUSE"], env=env)
    assert early.exit_code == 1 and "2010-04 is not held for Kettering" in early.output
    assert "The latest held month is 2010-03." in early.output  # METHOD 2.9
    assert world.fake.messages("C0REFUSE") == []
    sent = runner.invoke(cli, [*base, "--channel", "C0REFUSE", "--force", "--reason", "test"],
                         env=env)
    assert sent.exit_code == 0 and "delivered" in sent.output
    row = ledger.current(world.services.db(), world.subscription("C0REFUSE"), PERIOD)
    assert row is not None and row["forced_reason"] == "test"


KILLABLE = """
import os, sys, time
from datetime import UTC, datetime
from bot.config import load_config
from bot.delivery.deliver import deliver
from bot.services import Services
from bot.slack.client import make_client

marker, stop_at, subscription = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
waits = 0

def sleep(seconds):
    # The pacing wait before each part after the headline: hang before part `stop_at`.
    global waits
    waits += 1
    if waits >= stop_at:
        open(marker, "w").close()
        time.sleep(600)

client = make_client(os.environ["SLACK_BOT_TOKEN"], os.environ["CSP_SLACK_API_URL"])
deliver(Services(load_config()), client, subscription, "2010-03", now=datetime.now(UTC),
        sleep=sleep)
"""


def test_a_delivery_killed_half_way_resumes_without_repeating_a_part(world: World,
                                                                     tmp_path: Path) -> None:
    sid = world.subscription("C0KILL")
    marker = tmp_path / "hanging"
    process = subprocess.Popen([sys.executable, "-c", KILLABLE, str(marker), "5", str(sid)],
                               env=world.env(), cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        wait_for(lambda: marker.exists() or process.poll() is not None, timeout=90,
                 what="the delivering process to get half way")
        assert marker.exists(), process.stderr.read() if process.stderr else ""
        row = ledger.current(world.services.db(), sid, PERIOD)
        assert row is not None and row["state"] == "sending"
        done = ledger.parts_done(world.services.db(), row["id"])
        assert list(done)[:2] == ["headline", "paper"] and len(done) == 5  # and 3 charts
        busy = world.cspbot("send-briefing", "--partnership", PID, "--month", PERIOD,
                            "--channel", "C0KILL")
        assert busy.returncode == 1 and "another CSP Bot process is posting it" in busy.stdout
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert len(world.fake.uploads("C0KILL")) == 4 and len(world.fake.messages("C0KILL")) == 1
    resumed = world.cspbot("send-briefing", "--partnership", PID, "--month", PERIOD,
                           "--channel", "C0KILL")
    assert resumed.returncode == 0, resumed.stderr
    assert "C0KILL: delivered: 9 parts posted, 5 were posted before." in resumed.stdout
    assert_one_complete_briefing(world.fake, "C0KILL")
    row = ledger.current(world.services.db(), sid, PERIOD)
    assert row is not None and row["state"] == "delivered" and row["attempts"] == 2
