"""The Where? button end to end, on the demo with Kettering street files written by the test
(tests/fakes/where_store.py): in Slack, `/csp burglary` answers with the button, and pressing
it (a block_actions request signed as Slack signs it) answers `where burglary 2010-03`
privately; in Teams, the card's Action.Submit comes back as a message with the button's data,
and is answered with the same breakdown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.processes import RunningBot, launch_bot
from fakes.slack_api import FakeSlack
from fakes.slack_bot import SECRET, TOKEN, slack_env
from fakes.slack_signing import interaction, post_signed, slash_command
from fakes.teams_activities import ADMIN as TEAMS_ADMIN
from fakes.teams_activities import (
    APP_ID,
    TENANT,
    card_text,
    message,
    nodes,
    personal,
    post_activity,
)
from fakes.teams_connector import FakeConnector
from fakes.waiting import wait_for
from fakes.where_store import add_streets

ADMIN, CHANNEL = "U0KETADM1", "C0KETCSP01"
SAID = "Burglary rose by 48 (+66.7%) in Kettering Community Safety Partnership"


@pytest.fixture(scope="module")
def store(demo_store: Path) -> Path:
    add_streets(demo_store, demo_store.parent / "streets")
    return demo_store


@pytest.fixture(scope="module")
def slack(store: Path) -> Iterator[tuple[str, FakeSlack]]:
    with FakeSlack(token=TOKEN) as fake, launch_bot(store, slack_env(fake)) as running:
        yield f"{running.url}/slack/events", fake


def start(tmp: Path, connector: FakeConnector, store: Path) -> RunningBot:
    """`cspbot run --platform teams` against the connector stub, tokens not checked (as
    tests/test_teams_e2e.py starts it)."""
    return launch_bot(store, {
        "CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret", "TENANT_ID": TENANT,
        "CSP_TEAMS_LOGIN_URL": connector.url.rstrip("/"),
        "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url, "SLACK_BOT_TOKEN": None,
        "SLACK_SIGNING_SECRET": None, "SLACK_APP_TOKEN": None,
        "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS": None, "CSP_TEAMS_SKIP_AUTH": "true"},
        platform="teams", log=tmp / "csp.log")


def where_button(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                if e["action_id"].startswith("where:"))


def test_the_slack_where_button_answers_where_for_the_same_indicator_and_month(
        slack: tuple[str, FakeSlack]) -> None:
    url, fake = slack
    response_url = fake.response_url()
    assert post_signed(url, SECRET, slash_command("burglary", ADMIN, CHANNEL,
                                                  response_url))[0] == 200
    target = response_url.rsplit("/", 1)[1]
    answer = wait_for(lambda: next((c.params for c in fake.calls if c.method == "response_url"
                                    and c.target == target), None))
    button = where_button(answer["blocks"])
    assert button["text"]["text"] == "Where?" and button["value"] == "burglary 2010-03"
    before = len(fake.calls_to("chat.postEphemeral"))
    body = interaction({
        "type": "block_actions", "user": {"id": ADMIN}, "team": {"id": "T0KET"},
        "api_app_id": "A0CSPBOT", "trigger_id": "T3.trigger", "channel": {"id": CHANNEL},
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b1",
                     "value": button["value"], "action_ts": "1.0"}]})
    assert post_signed(url, SECRET, body)[0] == 200
    call = wait_for(lambda: fake.calls_to("chat.postEphemeral")[before:])[0]
    assert call.params["channel"] == CHANNEL and call.params["user"] == ADMIN
    shown = json.dumps(call.params["blocks"])
    assert SAID in shown and "Kettering 007 gave 36 of it (75%)" in shown
    assert "Kettering Town Centre" in shown  # the areas' table: the demo has a sub-area


def test_the_teams_where_button_answers_where(store: Path,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    with FakeConnector() as connector:
        running = start(tmp_path_factory.mktemp("teams-where"), connector, store)
        try:
            url = f"{running.url}/api/messages"
            chat = personal(TEAMS_ADMIN)
            assert post_activity(url, message(connector, "burglary"))[0] == 200
            card = connector.wait_for(lambda: connector.cards(chat))[0]
            submit = next(n for n in nodes(card) if n.get("type") == "Action.Submit"
                          and n.get("title") == "Where?")
            assert "msteams" not in submit["data"]  # a message back, not a dialog
            before = len(connector.cards(chat))
            pressed = message(connector, "", value=submit["data"])
            del pressed["text"]
            assert post_activity(url, pressed)[0] == 200
            answer = connector.wait_for(lambda: connector.cards(chat)[before:])[0]
            shown = card_text(answer)
            assert SAID in shown and "Kettering 007" in shown
        finally:
            running.stop()
