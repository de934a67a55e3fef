"""/api/messages against outsiders, with tokens checked (`cspbot run --platform both` in its own
process; the signing keys and the bot's own token from the connector stub): the token is
checked before anything else, so an unauthenticated request gets 401 whatever else is wrong
with it; an authenticated one that is malformed gets 400, never 500; and forged tokens, while
Microsoft's key endpoint is slow, hold up nothing else on the server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fakes.edge_bot import edge_env, forged_token
from fakes.processes import RunningBot, launch_bot
from fakes.slack_api import FakeSlack
from fakes.slack_bot import SECRET, TOKEN
from fakes.slack_signing import post_signed, slash_command
from fakes.teams_activities import APP_ID, card_text, message, post_activity
from fakes.teams_connector import FakeConnector
from fakes.waiting import healthy, wait_for

OFF_LIST = "https://smba.example.org/"


def post(url: str, body: dict[str, Any] | bytes, token: str | None = None) -> int:
    return post_activity(url, body, token)[0]


@pytest.fixture(scope="module")
def served(demo_store: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[RunningBot, FakeConnector, Path]]:
    log = tmp_path_factory.mktemp("teams-edge") / "csp.log"
    with FakeSlack(token=TOKEN) as slack, FakeConnector() as connector, \
            launch_bot(demo_store, edge_env(slack, connector), "both", log) as bot:
        yield bot, connector, log


TOKENS: dict[str, Callable[[FakeConnector], str | None]] = {
    "no token": lambda c: None,
    "not a JWT": lambda c: "not-a-jwt",
    "alg none": lambda c: forged_token("none", c.url),
    "HS256": lambda c: forged_token("hs256", c.url),
    "unknown key": lambda c: forged_token("unknown-key", c.url),
    "expired": lambda c: c.mint_token(APP_ID, expires_in=-3600),
    "another app": lambda c: c.mint_token("another-app"),
}
BODIES: dict[str, Callable[[FakeConnector], dict[str, Any] | bytes]] = {
    "service URL off the allowlist": lambda c: message(c, "burglary", serviceUrl=OFF_LIST),
    "not JSON": lambda c: b"{garbage",
    "not an activity": lambda c: {"type": 5, "serviceUrl": c.url},
}


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("token", TOKENS)
def test_an_unauthenticated_request_gets_401_whatever_else_is_wrong(
        served: tuple[RunningBot, FakeConnector, Path], token: str, body: str) -> None:
    bot, connector, log = served
    asked = connector.keys_asked
    assert post(f"{bot.url}/api/messages", BODIES[body](connector),
                TOKENS[token](connector)) == 401
    if token in ("no token", "not a JWT", "alg none", "HS256"):
        assert connector.keys_asked == asked  # refused without fetching any key
    assert connector.activities() == []
    assert "Traceback" not in log.read_text()


def test_an_authenticated_request_that_is_malformed_gets_400(
        served: tuple[RunningBot, FakeConnector, Path]) -> None:
    bot, connector, log = served
    url, token = f"{bot.url}/api/messages", connector.mint_token(APP_ID)
    assert post(url, b"{garbage", token) == 400
    assert post(url, b"\xff\xfe", token) == 400
    assert post(url, {"type": 5, "serviceUrl": connector.url}, token) == 400
    assert post(url, {**message(connector, "help"), "from": 7}, token) == 400
    assert "Traceback" not in log.read_text()


def test_the_service_url_is_checked_against_the_token_then_the_allowlist(
        served: tuple[RunningBot, FakeConnector, Path]) -> None:
    bot, connector, _ = served
    url = f"{bot.url}/api/messages"
    # a token issued for another service URL than the activity's: not authenticated
    assert post(url, message(connector, "help"), connector.mint_token(APP_ID, OFF_LIST)) == 401
    # authenticated, for a service URL off the allowlist: forbidden
    assert post(url, message(connector, "help", serviceUrl=OFF_LIST),
                connector.mint_token(APP_ID, OFF_LIST)) == 403
    assert connector.activities() == []


def test_a_valid_token_is_answered_and_checked_once(
        served: tuple[RunningBot, FakeConnector, Path]) -> None:
    """The bot's check (keys fetched and kept) is the SDK's check too: the SDK's own, which
    would fetch the keys again, on the event loop, never runs."""
    bot, connector, _ = served
    url, token = f"{bot.url}/api/messages", connector.mint_token(APP_ID)
    assert post(url, b"{garbage", token) == 400  # the bot has the keys now
    asked = connector.keys_asked
    assert post(url, message(connector, "help"), token) == 200
    assert "what you can ask" in card_text(connector.cards()[-1])
    assert connector.keys_asked == asked


def test_forged_tokens_hold_up_nothing_else_while_the_keys_are_slow(
        demo_store: Path, tmp_path: Path) -> None:
    """20 forged tokens (RS256, a key id nobody lists) in flight while the key endpoint does
    not answer: /healthz and a signed Slack command are answered meanwhile; the 20 are refused
    once the keys come, which were fetched once for them all."""
    with FakeSlack(token=TOKEN) as slack, FakeConnector() as connector, \
            launch_bot(demo_store, edge_env(slack, connector), "both",
                       tmp_path / "csp.log") as bot, ThreadPoolExecutor(20) as pool:
        connector.hold_keys()
        token = forged_token("unknown-key", connector.url)
        forged = [pool.submit(post, f"{bot.url}/api/messages", message(connector, "help"),
                              token) for _ in range(20)]
        wait_for(lambda: connector.keys_asked, what="the bot to ask for the keys")
        assert healthy(bot.url)
        command = slash_command("help", "U0KETADM1", "C0KETCSP01", slack.response_url())
        assert post_signed(f"{bot.url}/slack/events", SECRET, command)[0] == 200
        assert not any(f.done() for f in forged), "a forged request was answered already"
        connector.release_keys()
        assert [f.result() for f in forged] == [401] * 20
        assert connector.keys_asked == 1
