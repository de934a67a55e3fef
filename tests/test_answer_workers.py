"""The bot's answer worker processes and answer preparation (bot/answers/workers.py), through a
real `cspbot run --http` against the local fake Slack, and the preparer in process."""

from __future__ import annotations

import json
import signal
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes.demo_store import copy_store
from fakes.processes import RunningBot, launch_bot
from fakes.slack_api import FakeSlack
from fakes.slack_bot import SECRET, TOKEN, slack_env
from fakes.slack_signing import post_signed, sign, slash_command
from fakes.waiting import wait_for

from bot.answers.preparer import AnswerPreparer
from bot.cli.main import cli
from bot.config import load_config
from bot.services import Services
from briefings import answers
from data.answers import answerable
from data.db import open_db

CHANNEL = "C0KETCSP01"
ADMIN = "U0KETADM1"
PID = "kettering"
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def running_bot(store: Path, fake: FakeSlack, **env: str) -> RunningBot:
    """`cspbot run --http` on `store`, talking to `fake`; stopped at the end of a `with`."""
    return launch_bot(store, {**slack_env(fake), **env})


def ask(bot: RunningBot, fake: FakeSlack, text: str) -> dict[str, Any]:
    """Send `/csp text` signed; the message posted to its response_url."""
    url = fake.response_url()
    status, _ = post_signed(f"{bot.url}/slack/events", SECRET,
                            slash_command(text, ADMIN, CHANNEL, url))
    assert status == 200
    target = url.rsplit("/", 1)[1]
    return wait_for(lambda: next((c.params for c in fake.calls if c.method == "response_url"  # type: ignore[no-any-return]
                                  and c.target == target), None), 30)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def busy_workers(bot: RunningBot, fake: FakeSlack) -> list[int]:
    """The bot's worker processes, once they have answered a question."""
    ask(bot, fake, "vehicle crime")
    return wait_for(lambda: [p for p in children(bot.process.pid) if alive(p)],  # type: ignore[no-any-return]
                    what="workers")


def test_the_bot_prepares_every_answer_at_start_and_answers_from_them(
        demo_store: Path, tmp_path: Path) -> None:
    store = copy_store(demo_store, tmp_path)
    db = open_db(store)
    expected = len(answerable(db, PID))
    with FakeSlack(token=TOKEN) as fake, running_bot(store, fake) as bot:
        wait_for(lambda: db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] >= expected,
                 timeout=90, what="the answers to be prepared")
        made = db.execute("SELECT made_at FROM answers WHERE question = ?",
                          ["violence-with-injury@town-centre@latest"]).fetchone()[0]
        answer = ask(bot, fake, "violence town centre")
        assert "Town Centre is down 15%, within normal" in json.dumps(answer["blocks"])
        wait_for(lambda: fake.uploads("D0KETADM1"), what="the chart")
        # answered from the prepared answer: still the one row, made before the question
        assert db.execute("SELECT COUNT(*), MAX(made_at) FROM answers WHERE question = ?",
                          ["violence-with-injury@town-centre@latest"]).fetchone() == (1, made)
    db.close()


def test_without_worker_processes_the_bot_answers_in_its_own(demo_store: Path,
                                                             tmp_path: Path) -> None:
    store = copy_store(demo_store, tmp_path)
    with FakeSlack(token=TOKEN) as fake, \
            running_bot(store, fake, CSP_ANSWER_WORKERS="0") as bot:
        answer = ask(bot, fake, "vehicle crime")
        assert "Vehicle crime is well down" in json.dumps(answer["blocks"])
        wait_for(lambda: fake.uploads("D0KETADM1"), what="the chart")
        if Path("/proc").exists():
            assert children(bot.process.pid) == []
    db = open_db(store)
    assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1  # not prepared
    db.close()


@needs_proc
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_the_workers_stop_with_the_bot(demo_store: Path, tmp_path: Path, how: int) -> None:
    """SIGTERM (docker stop) and Ctrl-C: a clean exit that stops them, with no answer being
    prepared reported as failed; SIGKILL: they notice and stop themselves."""
    store = copy_store(demo_store, tmp_path)
    with FakeSlack(token=TOKEN) as fake, running_bot(store, fake) as bot:
        workers = busy_workers(bot, fake)
        bot.process.send_signal(how)
        assert bot.process.wait(timeout=15) == (-signal.SIGKILL if how == signal.SIGKILL else 0)
        wait_for(lambda: not any(alive(p) for p in workers), timeout=10,
                 what="the workers to stop")
        said = bot.stop()
    assert "Traceback" not in said and "could not" not in said
    if how != signal.SIGKILL:
        assert "Traceback" not in (store.parent / "csp.log").read_text()


def test_the_preparer_prepares_again_after_an_import(demo_store: Path, tmp_path: Path) -> None:
    store = copy_store(demo_store, tmp_path)
    config = load_config({"CSP_DB_PATH": str(store), "CSP_LOG_FILE": str(tmp_path / "log")})
    preparer = AnswerPreparer(Services(config))  # (no workers: answers worked out here)
    answers._MEMORY.clear()
    preparer.prepare_all()
    db = open_db(store)
    first = {r[0]: r[1] for r in db.execute("SELECT question, version FROM answers")}
    assert len(first) == len(answerable(db, PID))
    preparer.prepare_all()  # nothing changed: nothing done
    assert {r[0]: r[1] for r in db.execute("SELECT question, version FROM answers")} == first
    revised = tmp_path / "revised.csv"
    revised.write_text("month,indicator,area,value\n2010-03,vehicle-crime,kettering,41\n")
    result = CliRunner().invoke(cli, ["--db", str(store), "ingest", "values", str(revised)])
    assert result.exit_code == 0, result.output
    preparer.prepare_all()
    second = {r[0]: r[1] for r in db.execute("SELECT question, version FROM answers")}
    assert second.keys() == first.keys()
    assert set(second.values()).isdisjoint(first.values())
    db.close()


def test_a_command_no_worker_can_take_is_answered_in_the_bots_process(
        demo_store: Path, tmp_path: Path) -> None:
    from slack_bolt.request import BoltRequest

    from bot.answers.workers import AnswerWorkers
    from bot.slack.app import build_app

    store = copy_store(demo_store, tmp_path)
    config = load_config({"CSP_DB_PATH": str(store), "CSP_LOG_FILE": str(tmp_path / "log")})
    workers = AnswerWorkers(config, 1, eager=False)
    workers.close()  # a bot whose workers are stopping: none takes the command
    services = Services(config)
    with FakeSlack(token=TOKEN) as fake:
        app = build_app(services, TOKEN, SECRET, fake.url, workers=workers)
        url = fake.response_url()
        body = slash_command("vehicle crime", ADMIN, CHANNEL, url).decode()
        ts = int(time.time())
        response = app.dispatch(BoltRequest(body=body, headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": str(ts),
            "x-slack-signature": sign(SECRET, body.encode(), ts)}))
        assert response.status == 200
        target = url.rsplit("/", 1)[1]
        answer = wait_for(lambda: next((c.params for c in fake.calls if c.method ==
                                        "response_url" and c.target == target), None), 30)
        assert "Vehicle crime is well down" in json.dumps(answer["blocks"])


def test_preparing_stops_when_the_workers_have_gone(demo_store: Path, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A bot that is stopping terminates its workers: the preparer stops at the first answer
    lost with them, and reports none of the rest as an answer that could not be worked out."""
    store = copy_store(demo_store, tmp_path)
    asked: list[str] = []

    def submit(pid: str, indicator: str, *args: Any) -> Future[Any]:
        asked.append(indicator)
        gone: Future[Any] = Future()
        gone.set_exception(BrokenProcessPool("a process in the pool was terminated"))
        return gone

    answers.use_workers(submit)
    try:
        with pytest.raises(BrokenProcessPool):
            answers.prepare_answers(open_db(store), PID, parallel=2)
    finally:
        answers.use_workers(None)
    assert len(asked) == 2  # the first two handed over; nothing more after they were lost
    assert "could not work out" not in caplog.text
