"""What outsiders can send to `cspbot run --http` (Slack and Teams on one server, in its own
process, over real HTTP): bodies too large are refused unread (413) and leave the log and the
memory as they were; forged signatures are logged as one short line, rarely; malformed Slack
requests get 400 or 401, never 500. And the log file: at CSP_LOG_LEVEL, rotated."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fakes.edge_bot import edge_env
from fakes.processes import RunningBot, launch_bot
from fakes.raw_http import post_large, rss_bytes
from fakes.slack_api import FakeSlack
from fakes.slack_bot import SECRET, TOKEN
from fakes.slack_signing import post_signed, sign, slash_command
from fakes.teams_connector import FakeConnector
from fakes.waiting import healthy, wait_for
from slack_bolt.request import BoltRequest

from bot.config import load_config
from bot.logs import Throttled, configure_logging
from bot.services import Services
from bot.slack.app import build_app

MB = 1024 * 1024
ADMIN, CHANNEL = "U0KETADM1", "C0KETCSP01"


@dataclass
class Edge:
    bot: RunningBot
    slack: FakeSlack
    connector: FakeConnector
    log: Path

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0


@pytest.fixture(scope="module")
def edge(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    log = tmp_path_factory.mktemp("edge") / "csp.log"
    with FakeSlack(token=TOKEN) as slack, FakeConnector() as connector, \
            launch_bot(demo_store, edge_env(slack, connector), "both", log) as bot:
        yield Edge(bot, slack, connector, log)


def test_bodies_over_the_limit_are_refused_unread(edge: Edge) -> None:
    """20 unsigned POSTs of 10 MB each: 413 before the body is sent; the log grows by less than
    100 KB and the bot's memory by less than 20 MB."""
    for path in ("/slack/events", "/api/messages"):  # warm up: every module on the path loaded
        assert post_large(edge.bot.url + path, 10, wait=0,
                          content_type="application/x-www-form-urlencoded") == (401, False)
    log, rss = edge.log_size(), rss_bytes(edge.bot.process.pid)
    for n in range(20):
        path = "/slack/events" if n % 2 else "/api/messages"
        assert post_large(edge.bot.url + path, 10 * MB) == (413, True)
    for path in ("/slack/events", "/api/messages"):  # no Content-Length: counted as it comes
        assert post_large(edge.bot.url + path, 10 * MB, chunked=True)[0] == 413
    assert healthy(edge.bot.url)
    assert edge.log_size() - log < 100_000
    assert rss_bytes(edge.bot.process.pid) - rss < 20 * MB
    assert "over 1048576 bytes (CSP_HTTP_MAX_BODY_BYTES)" in edge.log.read_text()


def test_a_forged_slack_signature_is_logged_as_one_short_line_at_most(edge: Edge) -> None:
    body = slash_command("burglary " + "SECRETWORD" * 20_000, ADMIN, CHANNEL,
                         edge.slack.response_url())
    before = edge.log.read_text() if edge.log.exists() else ""
    for _ in range(30):
        assert post_signed(f"{edge.bot.url}/slack/events", "not-the-secret", body)[0] == 401
    added = edge.log.read_text()[len(before):]
    assert "SECRETWORD" not in added and len(added) < 1000
    assert added.count("refused a request to /slack/events") <= 1


@pytest.mark.parametrize(("body", "content_type", "signed", "headers", "status"), [
    (b"command=/csp&text=\xff\xfe", "application/x-www-form-urlencoded", False, {}, 401),
    (b"{garbage", "application/json", False, {}, 401),
    (b"command=/csp&text=help", "application/x-www-form-urlencoded", False,
     {"timestamp": "abc"}, 401),
    (b"command=/csp&text=help", "application/x-www-form-urlencoded", False,
     {"signature": "v0=\xe9t\xe9"}, 401),
    (b"command=/csp&text=\xff\xfe", "application/x-www-form-urlencoded", True, {}, 400),
    (b"{garbage", "application/json", True, {}, 400),
    (b"[1]", "application/json", True, {}, 400),
    (b"payload=%7Bgarbage", "application/x-www-form-urlencoded", True, {}, 400),
], ids=["unsigned-not-utf8", "unsigned-not-json", "timestamp-abc", "signature-not-ascii",
        "signed-not-utf8", "signed-not-json", "signed-json-not-an-object",
        "signed-payload-not-json"])
def test_malformed_slack_requests_get_400_or_401_never_500(
        edge: Edge, body: bytes, content_type: str, signed: bool, headers: dict[str, str],
        status: int) -> None:
    timestamp = headers.get("timestamp", str(int(time.time())))
    signature = headers.get("signature") or sign(SECRET if signed else "not-the-secret", body,
                                                 timestamp)
    answer = post_signed(f"{edge.bot.url}/slack/events", SECRET, body, timestamp=timestamp,
                         signature=signature, content_type=content_type)
    assert answer[0] == status
    assert "Traceback" not in edge.log.read_text()


def test_a_slack_command_is_still_answered(edge: Edge) -> None:
    response_url = edge.slack.response_url()
    body = slash_command("help", ADMIN, CHANNEL, response_url)
    assert post_signed(f"{edge.bot.url}/slack/events", SECRET, body)[0] == 200
    target = response_url.rsplit("/", 1)[1]
    answers = wait_for(lambda: [c for c in edge.slack.calls
                                if c.method == "response_url" and c.target == target])
    assert "what you can ask" in str(answers[0].params)


def test_bolt_logs_a_refused_signature_without_the_body(tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    """Bolt checks signatures again after bot/web.py; what it logs of one it refuses is one
    short line, not the body."""
    services = Services(load_config({"CSP_DB_PATH": str(tmp_path / "csp.db")}))
    app = build_app(services, TOKEN, SECRET, "http://127.0.0.1:9/api/")
    caplog.set_level(logging.INFO)
    response = app.dispatch(BoltRequest(body="command=/csp&text=" + "SECRETWORD" * 1000, headers={
        "content-type": "application/x-www-form-urlencoded", "x-slack-signature": "v0=forged",
        "x-slack-request-timestamp": str(int(time.time()))}))
    assert response.status == 401
    assert "Invalid request signature detected" in caplog.text
    assert "SECRETWORD" not in caplog.text


@pytest.fixture
def root_logging() -> Iterator[None]:
    """The root logger as it was, after a test that configures logging."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:], root.level = handlers, level


def test_the_log_file_keeps_to_the_level_and_is_rotated(tmp_path: Path,
                                                        root_logging: None) -> None:
    log = tmp_path / "csp.log"
    configure_logging(load_config({
        "CSP_DB_PATH": str(tmp_path / "csp.db"), "CSP_LOG_FILE": str(log),
        "CSP_LOG_LEVEL": "WARNING", "CSP_LOG_FILE_MAX_BYTES": "2000",
        "CSP_LOG_FILE_BACKUPS": "2"}))
    said = logging.getLogger("cspbot.test")
    said.info("an INFO line")
    for n in range(100):
        said.warning("warning %03d %s", n, "x" * 40)
    assert sorted(p.name for p in tmp_path.glob("csp.log*")) == [
        "csp.log", "csp.log.1", "csp.log.2"]
    assert all(p.stat().st_size <= 2000 for p in tmp_path.glob("csp.log*"))
    assert "warning 099" in log.read_text()
    assert not any("INFO" in p.read_text() for p in tmp_path.glob("csp.log*"))


def test_refusals_are_logged_once_a_minute_with_a_count(caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    now = [1000.0]
    refusals = Throttled(logging.getLogger("cspbot.test"), every=60, clock=lambda: now[0])
    for _ in range(10):  # one every 10 s: logged at 0 s, and at 60 s with the 5 between
        refusals.warning("refused a request from %s", "127.0.0.1")
        now[0] += 10
    lines = [r.getMessage() for r in caplog.records if r.name == "cspbot.test"]
    assert len(lines) == 2
    assert lines[0].startswith("refused a request from 127.0.0.1 (more like it: at most one")
    assert lines[1] == ("refused a request from 127.0.0.1 (and 5 more like it, not logged, "
                        "since the last such line)")
