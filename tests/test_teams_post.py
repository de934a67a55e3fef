"""Proactive cards (the monthly briefing's way into Teams): `TeamsBot.post_card` against the
local connector stub, with its token from the stub's token endpoint, retries on 429 (after
Retry-After) and 5xx, and refusals before anything is sent."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from fakes.teams_activities import APP_ID, CHANNEL, TENANT
from fakes.teams_connector import FakeConnector

import bot.teams.connector as teams_client
from bot.config import load_config
from bot.services import Services
from bot.teams.app import ConversationRef, TeamsBot, conversation_ref
from bot.teams.render import MAX_MESSAGE_BYTES, card_json, render_card
from data import teams_refs
from handlers.reply import Facts, Reply, Text


def teams_bot(connector: FakeConnector, tmp_path: Path) -> TeamsBot:
    config = load_config({"CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret",
                          "TENANT_ID": TENANT, "CSP_TEAMS_LOGIN_URL": connector.url,
                          "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url,
                          "CSP_DB_PATH": str(tmp_path / "csp.db")})
    return TeamsBot(Services(config))


@pytest.fixture
def connector() -> FakeConnector:
    with FakeConnector() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(teams_client, "BACKOFF_S", 0.01)


def briefing_card() -> dict[str, object]:
    reply = Reply("Kettering CSP: briefing for March 2010",
                  [Text("*Vehicle crime* is well down."), Facts([("All crime", "-6%")])],
                  "Kettering CSP: briefing for March 2010")
    return card_json(render_card(reply))


def test_post_card_delivers_once_and_returns_the_activity_id(connector: FakeConnector,
                                                             tmp_path: Path) -> None:
    bot = teams_bot(connector, tmp_path)
    ref = ConversationRef(CHANNEL, connector.url, TENANT)
    posted = bot.post_card(ref, briefing_card(), "Briefing for March 2010")
    [sent] = connector.activities(CHANNEL)
    assert sent.answered_id == posted and sent.kind == "send"
    assert sent.body["summary"] == "Briefing for March 2010"
    assert sent.body["attachments"][0]["content"]["body"][0]["text"].startswith("Kettering")
    reply = bot.post_card(ref.thread(posted), briefing_card())  # the details, in its thread
    assert connector.activities(f"{CHANNEL};messageid={posted}")[0].answered_id == reply
    assert len(connector.tokens) == 1  # one token, cached for both posts
    assert all(call.headers["Authorization"] == f"Bearer {connector.tokens[0]}"
               for call in connector.activities())


def test_429_is_retried_after_retry_after(connector: FakeConnector, tmp_path: Path) -> None:
    connector.fail_next(429, retry_after=1)
    started = time.monotonic()
    posted = teams_bot(connector, tmp_path).post_card(
        ConversationRef(CHANNEL, connector.url), briefing_card())
    assert time.monotonic() - started >= 1.0
    statuses = [c.status for c in connector.calls if c.kind == "send"]
    assert statuses == [429, 201] and connector.activities()[0].answered_id == posted


def test_server_errors_are_retried(connector: FakeConnector, tmp_path: Path) -> None:
    connector.fail_next(500, times=2)
    teams_bot(connector, tmp_path).post_card(ConversationRef(CHANNEL, connector.url),
                                             briefing_card())
    assert [c.status for c in connector.calls if c.kind == "send"] == [500, 500, 201]
    assert len(connector.activities()) == 1


def test_a_connector_that_keeps_failing_raises_after_three_retries(
        connector: FakeConnector, tmp_path: Path) -> None:
    connector.fail_next(503, times=10)
    with pytest.raises(httpx.HTTPStatusError):
        teams_bot(connector, tmp_path).post_card(ConversationRef(CHANNEL, connector.url),
                                                 briefing_card())
    assert len([c for c in connector.calls if c.kind == "send"]) == 4
    assert connector.activities() == []


def test_a_refusal_is_not_retried(connector: FakeConnector, tmp_path: Path) -> None:
    connector.fail_next(403)
    with pytest.raises(httpx.HTTPStatusError) as failure:
        teams_bot(connector, tmp_path).post_card(ConversationRef(CHANNEL, connector.url),
                                                 briefing_card())
    assert failure.value.response.status_code == 403
    assert len([c for c in connector.calls if c.kind == "send"]) == 1


def test_nothing_is_sent_off_the_allowlist_or_over_the_size_budget(
        connector: FakeConnector, tmp_path: Path) -> None:
    bot = teams_bot(connector, tmp_path)
    with pytest.raises(ValueError, match="ALLOWLIST"):
        bot.post_card(ConversationRef(CHANNEL, "https://attacker.example.org/"), {})
    huge = {"type": "AdaptiveCard", "version": "1.5",
            "body": [{"type": "TextBlock", "text": "x" * MAX_MESSAGE_BYTES}]}
    with pytest.raises(ValueError, match="bytes"):
        bot.post_card(ConversationRef(CHANNEL, connector.url), huge)
    assert connector.calls == []


def test_the_reference_stored_at_installation_is_the_one_to_post_to(
        connector: FakeConnector, tmp_path: Path) -> None:
    bot = teams_bot(connector, tmp_path)
    assert conversation_ref(bot.services, CHANNEL) is None
    teams_refs.remember(bot.services.db(), CHANNEL, connector.url, TENANT, "channel")
    ref = conversation_ref(bot.services, f"{CHANNEL};messageid=1700000000001")
    assert ref is not None and ref.service_url == connector.url and ref.tenant_id == TENANT
    assert bot.post_card(ref, briefing_card())
    teams_refs.forget(bot.services.db(), CHANNEL)
    assert conversation_ref(bot.services, CHANNEL) is None
