"""No acknowledged `/csp` command is lost when the bot dies (bot/slack/journal.py, resume.py):
each is written to the store before the ack, and a restarted bot answers, through its
response_url, every one the dead bot left, or tells its person by direct message that it could
not; none is answered twice. Over real HTTP: `cspbot run --http`, signed commands, the local
fake Slack counting the posts to each response_url."""

from __future__ import annotations

import fcntl
import json
import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from unittest.mock import ANY

import pytest
from fakes.demo_store import copy_store
from fakes.processes import RunningBot, launch_bot
from fakes.slack_api import FakeSlack
from fakes.slack_bot import SECRET, TOKEN, slack_env
from fakes.slack_signing import post_signed, slash_command
from fakes.waiting import wait_for

from bot.lives import Life
from data.commands import mark, now, purge, record, stamp, take_over
from data.db import open_db

CHANNEL = "C0KETCSP01"
ADMIN = "U0KETADM1"
DEAD = "0123456789abcdef"  # a life id with no file beside the store: over


def bot_env(fake: FakeSlack) -> dict[str, str | None]:
    """A bot talking to `fake` that works each answer out when asked (none prepared ahead:
    quicker to start, and answers slow enough to be caught by a kill)."""
    return {**slack_env(fake), "CSP_PREPARE_ANSWERS": "false"}


def posts(fake: FakeSlack) -> Counter[str]:
    """How many posts each response_url (by its id) received."""
    return Counter(c.target for c in fake.calls_to("response_url") if c.status == 200)


def notices(fake: FakeSlack, user: str) -> list[str]:
    """The texts posted to `user`'s direct message channel."""
    return [str(c.params.get("text")) for c in fake.calls_to("chat.postMessage")
            if c.params.get("channel") == "D" + user[1:] and c.status == 200]


def states(store: Path) -> dict[int, tuple[str, str, int]]:
    with sqlite3.connect(store) as db:
        return {r[0]: (r[1], r[2], r[3]) for r in db.execute(
            "SELECT id, state, owner, resumed FROM chat_commands ORDER BY id")}


def open_count(store: Path, owner: str | None = None) -> int:
    with sqlite3.connect(store) as db:
        return int(db.execute(
            "SELECT COUNT(*) FROM chat_commands WHERE state IN ('pending', 'sending') AND "
            "owner IS NOT ?", [owner]).fetchone()[0])


def leave(store: Path, fake: FakeSlack, text: str, user: str, *, owner: str = DEAD,
          minutes_ago: float = 1, state: str = "pending", url: str | None = None
          ) -> tuple[int, str]:
    """A command as a bot that died would have left it; (its id, its response_url's id)."""
    url = url or fake.response_url()
    db = open_db(store)
    try:
        command = record(db, platform="slack", user_id=user, channel_id=CHANNEL, text=text,
                         response_url=url, owner=owner,
                         received_at=now() - timedelta(minutes=minutes_ago))
        if state != "pending":
            mark(db, command, state)
    finally:
        db.close()
    return command, url.rsplit("/", 1)[1]


def test_a_restarted_bot_answers_or_tells_each_command_a_dead_bot_left_once(
        demo_store: Path, tmp_path: Path) -> None:
    store = copy_store(demo_store, tmp_path)
    alive = Life(str(store))  # this test process: a bot that is still answering its own
    with FakeSlack(token=TOKEN) as fake:
        fresh, fresh_url = leave(store, fake, "vehicle crime", "U0KETA001")
        old, old_url = leave(store, fake, "burglary <!here>", "U0KETA002", minutes_ago=40)
        halfway, halfway_url = leave(store, fake, "vehicle crime", "U0KETA003",
                                     state="sending")
        done, done_url = leave(store, fake, "vehicle crime", "U0KETA004", state="answered")
        form, form_url = leave(store, fake, "update 4.6.2", ADMIN)
        gone, _ = leave(store, fake, "vehicle crime", "U0KETA005",
                        url=f"{fake.base}/response_url/expired")
        theirs, theirs_url = leave(store, fake, "vehicle crime", "U0KETA006", owner=alive.id)
        try:
            with launch_bot(store, bot_env(fake)):
                wait_for(lambda: open_count(store, alive.id) == 0, 60,
                         what="the commands left to be answered or told")
                answered = posts(fake)
        finally:
            alive.end()
        after = states(store)

    assert answered[fresh_url] == 1
    assert "Vehicle crime is well down" in json.dumps(fake.responses)
    assert after[fresh][0] == "answered" and after[fresh][2] == 1
    assert answered[old_url] == 0  # its response_url has expired: told by direct message
    assert notices(fake, "U0KETA002") == [
        "CSP Bot restarted while answering `/csp burglary &lt;!here&gt;`; please ask again."]
    assert answered[halfway_url] == 0  # it may have landed: never sent twice, but told
    assert notices(fake, "U0KETA003") == [
        "CSP Bot restarted while sending its answer to `/csp vehicle crime`: if the answer "
        "did not reach you, please ask again."]
    assert answered[form_url] == 0  # a form needs Slack's trigger, long expired
    assert notices(fake, ADMIN) == [
        "CSP Bot restarted while answering `/csp update 4.6.2`; please ask again."]
    assert notices(fake, "U0KETA005") == [  # the answer failed: told
        "CSP Bot restarted while answering `/csp vehicle crime`; please ask again."]
    assert {k: after[k][0] for k in (old, halfway, form, gone)} == dict.fromkeys(
        (old, halfway, form, gone), "told")
    assert answered[done_url] == 0 and after[done][0] == "answered"
    assert answered[theirs_url] == 0 and after[theirs] == ("pending", alive.id, 0)
    assert notices(fake, "U0KETA001") == [] and notices(fake, "U0KETA004") == []
    assert notices(fake, "U0KETA006") == []


def test_of_two_bots_started_together_each_left_command_is_answered_by_one(
        demo_store: Path, tmp_path: Path) -> None:
    store = copy_store(demo_store, tmp_path)
    with FakeSlack(token=TOKEN) as fake:
        left = [leave(store, fake, "vehicle crime", f"U0KETB{n:03d}")[1] for n in range(20)]
        with ThreadPoolExecutor(2) as pool:
            bots = list(pool.map(lambda _: launch_bot(store, bot_env(fake)), range(2)))
        try:
            wait_for(lambda: open_count(store) == 0, 60, what="the commands left")
            wait_for(lambda: sum(posts(fake).values()) >= len(left), 30, what="the answers")
        finally:
            for bot in bots:
                bot.stop()
        answered = posts(fake)
    assert [answered[url] for url in left] == [1] * len(left)
    assert {state for state, _, _ in states(store).values()} == {"answered"}


def send(bot: RunningBot, fake: FakeSlack, text: str, user: str) -> str:
    """A signed `/csp text` from `user`, acknowledged; its response_url's id."""
    url = fake.response_url()
    status, _ = post_signed(f"{bot.url}/slack/events", SECRET,
                            slash_command(text, user, CHANNEL, url))
    assert status == 200
    return url.rsplit("/", 1)[1]


def life_over(store: Path) -> bool:
    """Whether every life file beside the store can be locked: no bot or worker is left."""
    for path in (store.parent / (store.name + ".lives")).glob("*.lock"):
        with path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False
    return True


def test_a_bot_killed_with_answers_pending_leaves_no_acknowledged_command_unanswered(
        demo_store: Path, tmp_path: Path) -> None:
    store = copy_store(demo_store, tmp_path)
    users = [f"U0KETK{n:03d}" for n in range(30)]
    texts = ["vehicle crime", "burglary", "violence town centre"]
    with FakeSlack(token=TOKEN) as fake:
        env = bot_env(fake)
        bot = launch_bot(store, env)
        sent = {send(bot, fake, texts[n % 3], user): user for n, user in enumerate(users)}
        bot.process.kill()  # SIGKILL: while the workers are still starting or answering
        bot.process.wait()
        bot.stop()
        wait_for(lambda: life_over(store), 10, what="the killed bot's workers to stop")
        left = open_count(store)
        assert left > 0, "the bot answered everything before it was killed: nothing resumed"
        with launch_bot(store, env):
            wait_for(lambda: open_count(store) == 0, 90, what="the commands left")
        answered = posts(fake)
    resumed = {r for r, (state, _, again) in states(store).items() if again}
    assert len(resumed) == left
    assert len(states(store)) == len(sent)
    assert max(answered.values()) == 1  # none twice
    for url, user in sent.items():
        assert answered[url] == 1 or notices(fake, user), f"{user} got nothing"


@pytest.mark.parametrize("workers", ["2", "0"])  # answered in a worker, or by a lazy listener
def test_each_command_is_recorded_answered_or_told_as_it_goes(
        demo_store: Path, tmp_path: Path, workers: str) -> None:
    store = copy_store(demo_store, tmp_path)
    with FakeSlack(token=TOKEN) as fake, \
            launch_bot(store, {**bot_env(fake), "CSP_ANSWER_WORKERS": workers}) as bot:
        answered = send(bot, fake, "help", "U0KETF001")
        wait_for(lambda: list(states(store).values()) == [("answered", ANY, 0)], 30,
                 what="the command recorded as answered")
        fake.fail_next("response_url", 500)
        failed = send(bot, fake, "vehicle crime", "U0KETF002")
        told = wait_for(lambda: notices(fake, "U0KETF002"), 30, what="the notice")
        assert told == ["CSP Bot could not send its answer to `/csp vehicle crime`; please "
                        "ask again."]
        send(bot, fake, "update 4.6.2", ADMIN)  # a form: opened, nothing posted
        wait_for(lambda: fake.calls_to("views.open"), 30, what="the form")
        wait_for(lambda: [s for s, _, _ in states(store).values()] == [
            "answered", "told", "answered"], 10, what="the commands recorded")
        assert posts(fake) == Counter({answered: 1})
        assert failed not in posts(fake) and notices(fake, ADMIN) == []


def test_a_store_too_busy_to_record_the_command_delays_no_ack_and_loses_no_answer(
        demo_store: Path, tmp_path: Path) -> None:
    store = copy_store(demo_store, tmp_path)
    log = tmp_path / "bot.log"
    with FakeSlack(token=TOKEN) as fake, \
            launch_bot(store, bot_env(fake), log=log) as bot:
        blocker = sqlite3.connect(store)
        blocker.execute("BEGIN IMMEDIATE")  # an import holding the store's write lock
        try:
            url = send(bot, fake, "vehicle crime", "U0KETW001")
        finally:
            blocker.rollback()
            blocker.close()
        wait_for(lambda: posts(fake)[url] == 1, 30, what="the answer")
    assert states(store) == {}
    assert "could not record a /csp command before acknowledging it (database is locked)" \
        in log.read_text()


def test_of_two_bots_taking_over_a_dead_ones_commands_each_row_goes_to_one(
        tmp_path: Path) -> None:
    """take_over changes the owner of only the rows still open and still the dead one's."""
    store = tmp_path / "csp.db"
    first, second = open_db(store), open_db(store)
    try:
        ids = [record(first, platform="slack", user_id=f"U{n}", channel_id=CHANNEL,
                      text="burglary", response_url=f"https://hooks.example/{n}", owner=DEAD)
               for n in range(6)]
        mark(first, ids[0], "answered")
        mark(first, ids[1], "sending")
        record(first, platform="slack", user_id="U9", channel_id=CHANNEL, text="burglary",
               response_url="https://hooks.example/9", owner="fedcba9876543210")
        with ThreadPoolExecutor(2) as pool:
            taken = list(pool.map(lambda db, me: take_over(db, DEAD, me), [first, second],
                                  ["a" * 16, "b" * 16]))
        got = sorted(c.id for c in taken[0] + taken[1])
        assert got == ids[1:]  # every open row once, the finished one never
        assert {c.state for c in taken[0] + taken[1]} == {"pending", "sending"}
        assert take_over(first, DEAD, "0" * 16) == []
        assert mark(first, ids[0], "told") is False  # finished stays finished
    finally:
        first.close()
        second.close()


def test_finished_commands_are_purged_after_a_while_open_ones_never(tmp_path: Path) -> None:
    db = open_db(tmp_path / "csp.db")
    try:
        done, waiting = (record(db, platform="slack", user_id="U1", channel_id=None,
                                text="burglary", response_url="https://hooks.example/1",
                                owner=DEAD, received_at=now() - timedelta(days=3))
                         for _ in range(2))
        mark(db, done, "answered")
        assert purge(db, timedelta(days=1)) == 0  # answered just now
        db.execute("UPDATE chat_commands SET finished_at = ? WHERE id = ?",
                   [stamp(now() - timedelta(days=2)), done])
        db.conn.commit()
        assert purge(db, timedelta(days=1)) == 1
        assert [r[0] for r in db.execute("SELECT id FROM chat_commands")] == [waiting]
    finally:
        db.close()
