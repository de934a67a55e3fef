"""End to end: `cspbot run --platform teams --http PORT` in its own process, Teams-shaped
activities posted over real HTTP to /api/messages, and the local connector stub (the activities'
serviceUrl) recording what the bot sends back, with the token it got from the stub's token
endpoint (CSP_TEAMS_LOGIN_URL)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes.teams_connector import FakeConnector
from fakes.waiting import wait_for

from bot.cli.main import cli
from data import subscriptions, teams_refs
from data.db import open_db
from handlers.reply import Chart, Context, Facts, Reply, Text
from handlers.router import dispatch

APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
BOT = {"id": f"28:{APP_ID}", "name": "CSP Bot"}
TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
# The Teams (Entra object) ids of the Kettering seed's people (data/seed/kettering.toml).
ADMIN, KBC_LEAD, POLICE_LEAD, MEMBER = (f"00000000-0000-0000-0000-00000000000{n}"
                                        for n in (1, 2, 4, 6))
SLACK_ADMIN = "U0KETADM1"
CHANNEL = "19:0a1b2c3d4e5f60718293a4b5c6d7e8f9@thread.tacv2"
OTHER_CHANNEL = "19:ffeeddccbbaa99887766554433221100@thread.tacv2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def personal(user: str) -> str:
    return f"a:1{user.replace('-', '')}personalchat"


def activity(connector: FakeConnector, user: str = ADMIN, conversation: str | None = None,
             kind: str = "personal", **fields: Any) -> dict[str, Any]:
    """An activity as Teams sends it to a bot."""
    conversation = conversation or personal(user)
    body: dict[str, Any] = {
        "type": "message", "id": f"17{time.time_ns() % 10**11:011d}",
        "timestamp": "2010-04-12T09:30:00.000Z", "localTimestamp": "2010-04-12T10:30:00+01:00",
        "serviceUrl": connector.url, "channelId": "msteams",
        "from": {"id": f"29:1{user[-6:]}", "name": "A partner", "aadObjectId": user},
        "conversation": {"id": conversation, "conversationType": kind, "tenantId": TENANT},
        "recipient": BOT, "locale": "en-GB", "textFormat": "plain",
        "channelData": {"tenant": {"id": TENANT}}}
    if kind == "channel":
        body["channelData"].update({"team": {"id": CHANNEL, "name": "Kettering CSP"},
                                    "channel": {"id": conversation.split(";")[0]}})
    body.update(fields)
    return body


def message(connector: FakeConnector, text: str, mention: bool = False, **kwargs: Any
            ) -> dict[str, Any]:
    if mention:
        tag = f"<at>{BOT['name']}</at>"
        return activity(connector, text=f"{tag} {text}", entities=[
            {"type": "mention", "text": tag, "mentioned": BOT}], **kwargs)
    return activity(connector, text=text, **kwargs)


def invoke(connector: FakeConnector, name: str, data: dict[str, Any], **kwargs: Any
           ) -> dict[str, Any]:
    return activity(connector, type="invoke", name=name,
                    value={"data": data, "context": {"theme": "default"}}, **kwargs)


def post(url: str, body: dict[str, Any] | bytes, token: str | None = None
         ) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, json.loads(raw) if raw else None


class Bot:
    def __init__(self, url: str, connector: FakeConnector, store: Path) -> None:
        self.url, self.connector, self.store = url, connector, store

    def send(self, body: dict[str, Any], token: str | None = None) -> tuple[int, Any]:
        return post(self.url, body, token)

    def ask(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """Send a message; the card the bot answered with in that conversation."""
        body = message(self.connector, text, **kwargs)
        before = len(self.connector.cards(body["conversation"]["id"]))
        status, _ = self.send(body)
        assert status == 200
        cards = self.connector.wait_for(
            lambda: self.connector.cards(body["conversation"]["id"])[before:])
        return dict(cards[0])

    def db_count(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        db = open_db(self.store)
        try:
            return int(db.execute(sql, params).fetchone()[0])
        finally:
            db.close()

    def updates(self) -> int:
        return self.db_count("SELECT COUNT(*) FROM action_updates")


def start(tmp: Path, connector: FakeConnector, store: Path, **env: str
          ) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = {**os.environ, "CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret",
                   "TENANT_ID": TENANT, "CSP_TEAMS_LOGIN_URL": connector.url.rstrip("/"),
                   "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url, "CSP_DB_PATH": str(store),
                   "CSP_LOG_FILE": str(tmp / "csp.log"), **env}
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
                 "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS"):
        environment.pop(name, None)
    if "CSP_TEAMS_SKIP_AUTH" not in env:
        environment.pop("CSP_TEAMS_SKIP_AUTH", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--platform", "teams", "--http", str(port)],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                return process, base
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise AssertionError(process.communicate()[1].decode()[-2000:])


def stop(process: subprocess.Popen[bytes]) -> str:
    process.terminate()
    return process.communicate(timeout=10)[1].decode()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("teams") / "csp.db"
    assert CliRunner().invoke(cli, ["--db", str(store), "demo"]).exit_code == 0
    return store


@pytest.fixture(scope="module")
def bot(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    with FakeConnector() as connector:
        process, base = start(tmp_path_factory.mktemp("teams-run"), connector, demo_store,
                              CSP_TEAMS_SKIP_AUTH="true")
        try:
            yield Bot(f"{base}/api/messages", connector, demo_store)
        finally:
            log = stop(process)
            assert "CSP_TEAMS_SKIP_AUTH is on" in log  # loud at start and on each request


def card_text(card: dict[str, Any]) -> str:
    """Every text of a card, markup removed (for comparing with the neutral reply)."""
    found = [node[key] for node in nodes(card) for key in ("text", "title", "value", "altText",
                                                           "label")
             if isinstance(node.get(key), str) and not node.get("url")]
    return plain("\n".join(found))


def plain(text: str) -> str:
    return " ".join(re.sub(r"[*_`\u200b]", "", text).split())


def nodes(card: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card, depth first."""
    if isinstance(card, dict):
        yield card
        for value in card.values():
            yield from nodes(value)
    elif isinstance(card, list):
        for value in card:
            yield from nodes(value)


def elements(card: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [node for node in nodes(card) if node.get("type") == kind]


def test_an_indicator_question_gets_the_same_sentence_and_facts_as_slack(bot: Bot) -> None:
    card = bot.ask("csp burglary")
    db = open_db(bot.store)
    try:
        today = date.today().isoformat()
        teams = dispatch("burglary", Context(ADMIN, "teams", None, today), db)
        slack = dispatch("burglary", Context(SLACK_ADMIN, "slack", None, today), db)
    finally:
        db.close()
    assert isinstance(teams, Reply) and isinstance(slack, Reply)
    sentences = [b.markdown for b in slack.blocks if isinstance(b, Text)]
    facts = [b.items for b in slack.blocks if isinstance(b, Facts)]
    assert sentences and facts
    assert sentences == [b.markdown for b in teams.blocks if isinstance(b, Text)]
    assert facts == [b.items for b in teams.blocks if isinstance(b, Facts)]
    shown = card_text(card)
    for sentence in sentences:
        assert plain(sentence) in shown
    fact_sets = elements(card, "FactSet")
    assert [[(plain(f["title"]), plain(f["value"])) for f in s["facts"]] for s in fact_sets] == [
        [(plain(label), plain(value)) for label, value in items] for items in facts]
    chart = next(b for b in teams.blocks if isinstance(b, Chart))
    image = elements(card, "Image")[0]
    assert image["url"].startswith("data:image/png;base64,iVBOR")
    assert image["altText"] == chart.alt_text
    sent = bot.connector.activities(personal(ADMIN))[-1]
    assert sent.size < 80_000 and sent.headers["Authorization"].removeprefix("Bearer ") in (
        bot.connector.tokens)


def test_a_channel_mention_is_answered_in_its_thread(bot: Bot) -> None:
    install = activity(bot.connector, conversation=CHANNEL, kind="channel",
                       type="conversationUpdate", membersAdded=[BOT])
    assert bot.send(install)[0] == 200
    thread = f"{CHANNEL};messageid=1700000000001"
    card = bot.ask("priorities", mention=True, user=MEMBER, conversation=thread, kind="channel")
    assert "Northamptonshire Police" in card_text(card)
    assert bot.connector.activities(thread)  # the reply went to the message's thread


@pytest.mark.parametrize(("text", "expected"), [
    ("help", "what you can ask"),
    ("/csp leads police", "Serious acquisitive crime"),
    ("actions 4.6", "4.6.2"),
    ("status", "Kettering"),
    ("briefing 2010-03", "Vehicle crime is well down"),
    ("burglery", "Did you mean"),
])
def test_each_command_answers_with_a_card(bot: Bot, text: str, expected: str) -> None:
    card = bot.ask(text, user=KBC_LEAD)
    assert expected in card_text(card)
    assert float(card["version"]) <= 1.5
    assert all(image.get("altText") for image in elements(card, "Image"))


def test_hostile_text_cannot_make_links_or_mentions(bot: Bot) -> None:
    card = bot.ask("[click](https://evil.example) <at>Everyone</at> burglary")
    raw = json.dumps(card)
    assert "](https://evil" not in raw and "<at>" not in raw


def dialog_card(response: Any) -> dict[str, Any]:
    task = response["task"]
    assert task["type"] == "continue"
    card = task["value"]["card"]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    return dict(card["content"])


def open_dialog(bot: Bot, user: str, target: str = "kettering:4.6.2") -> dict[str, Any]:
    status, response = bot.send(invoke(bot.connector, "task/fetch", {
        "msteams": {"type": "task/fetch"}, "dialog_id": "update_action", "target": target},
        user=user))
    assert status == 200
    return dialog_card(response)


def submit(bot: Bot, card: dict[str, Any], user: str, values: dict[str, str]
           ) -> dict[str, Any]:
    """Submit a dialog as Teams does: each input's value under its id, beside the button's
    data."""
    data = dict(card["actions"][0]["data"])
    for element in elements(card, "Input.ChoiceSet") + elements(card, "Input.Number") + (
            elements(card, "Input.Text")):
        value = values.get(element["id"].removeprefix("field_"), element.get("value"))
        data[element["id"]] = "" if value is None else str(value)
    status, response = bot.send(invoke(bot.connector, "task/submit", data, user=user))
    assert status == 200
    return dialog_card(response)


def test_the_update_dialog_round_trip_saves_one_update(bot: Bot) -> None:
    card = open_dialog(bot, POLICE_LEAD)
    ids = [e["id"] for e in elements(card, "Input.ChoiceSet") + elements(card, "Input.Number")
           + elements(card, "Input.Text")]
    assert ids == ["field_status", "field_value", "field_note"] and len(set(ids)) == len(ids)
    before = bot.updates()
    answer = submit(bot, card, POLICE_LEAD, {"value": "131", "note": "8 more [homes](x)"})
    assert "4.6.2 updated" in card_text(answer)
    assert bot.updates() == before + 1
    history = card_text(bot.ask("history 4.6.2", user=POLICE_LEAD))
    assert "131" in history and "8 more [homes]" in history
    close = {"action": "close"}
    status, body = bot.send(invoke(bot.connector, "task/submit", close, user=POLICE_LEAD))
    assert status == 200 and not body  # an empty answer closes the dialog


def test_field_errors_show_in_the_dialog_and_nothing_is_saved(bot: Bot) -> None:
    card = open_dialog(bot, POLICE_LEAD)
    before = bot.updates()
    again = submit(bot, card, POLICE_LEAD, {"value": "lots", "note": "x" * 1001})
    text = card_text(again)
    assert "Give a number of 0 or more" in text and "at most 1,000" in text
    assert next(e for e in elements(again, "Input.Text") if e["id"] == "field_value")[
        "value"] == "lots"  # what was typed stays
    assert bot.updates() == before


def test_a_member_may_not_update_and_nothing_changes(bot: Bot) -> None:
    before = bot.updates()
    assert "Only a lead or an admin" in card_text(bot.ask("update 4.6.2", user=MEMBER))
    refusal = card_text(open_dialog(bot, MEMBER))
    assert "may" in refusal and "Sorry" in refusal
    forged = submit(bot, open_dialog(bot, POLICE_LEAD), MEMBER, {"value": "999"})
    assert "Only" in card_text(forged)
    assert bot.updates() == before


def test_a_typed_update_offers_a_button_that_opens_the_dialog_with_what_was_typed(
        bot: Bot) -> None:
    card = bot.ask("update 4.6.2 140 more gates", user=POLICE_LEAD)
    data = card["actions"][0]["data"]
    assert data["msteams"] == {"type": "task/fetch"} and data["dialog_id"] == "update_action"
    status, response = bot.send(invoke(bot.connector, "task/fetch", data, user=POLICE_LEAD))
    dialog = dialog_card(response)
    assert next(e for e in elements(dialog, "Input.Number"))["value"] == 140
    assert next(e for e in elements(dialog, "Input.Text"))["value"] == "more gates"


def test_installing_in_a_team_stores_the_conversation_as_a_subscription_target(
        bot: Bot) -> None:
    before = len(bot.connector.cards(CHANNEL))
    for kind, extra in (("installationUpdate", {"action": "add"}),
                        ("conversationUpdate", {"membersAdded": [BOT]})):
        body = activity(bot.connector, conversation=CHANNEL, kind="channel", type=kind, **extra)
        assert bot.send(body)[0] == 200
    welcome = bot.connector.wait_for(lambda: bot.connector.cards(CHANNEL)[before:])
    assert "monthly briefing" in card_text(welcome[0])
    db = open_db(bot.store)
    try:
        sub = subscriptions.find(db, "teams", CHANNEL)
        ref = teams_refs.get(db, CHANNEL)
    finally:
        db.close()
    assert sub is not None and sub["active"] and sub["partnership"] == "kettering"
    assert ref is not None and ref["service_url"] == bot.connector.url
    assert ref["tenant"] == TENANT and ref["kind"] == "channel"


def test_installed_by_a_member_the_conversation_is_not_subscribed(bot: Bot) -> None:
    body = activity(bot.connector, user=MEMBER, conversation=OTHER_CHANNEL, kind="channel",
                    type="conversationUpdate", membersAdded=[BOT])
    assert bot.send(body)[0] == 200
    welcome = bot.connector.wait_for(lambda: bot.connector.cards(OTHER_CHANNEL))
    assert "a partnership admin can type" in card_text(welcome[0])
    assert bot.db_count("SELECT COUNT(*) FROM subscriptions WHERE channel = ?",
                        (OTHER_CHANNEL,)) == 0
    removed = activity(bot.connector, user=MEMBER, conversation=OTHER_CHANNEL, kind="channel",
                       type="conversationUpdate", membersRemoved=[BOT])
    assert bot.send(removed)[0] == 200
    assert bot.db_count("SELECT COUNT(*) FROM teams_conversations WHERE conversation = ? AND "
                        "active = 1", (OTHER_CHANNEL,)) == 0


def test_sending_the_briefing_from_teams_delivers_it_through_the_ledger(bot: Bot) -> None:
    # the channel is installed (and so subscribed) by this test, whatever ran before it
    install = activity(bot.connector, conversation=CHANNEL, kind="channel",
                       type="installationUpdate", action="add")
    assert bot.send(install)[0] == 200
    assert bot.db_count("SELECT COUNT(*) FROM subscriptions WHERE platform = 'teams' AND "
                        "channel = ? AND active = 1", (CHANNEL,)) == 1
    card = bot.ask("briefing send 2010-03", mention=True, conversation=CHANNEL, kind="channel")
    assert "Sending the briefing for 2010-03" in card_text(card)
    delivered = ("SELECT COUNT(*) FROM deliveries WHERE platform = 'teams' AND period = "
                 "'2010-03' AND state = 'delivered'")
    wait_for(lambda: bot.db_count(delivered), timeout=60, what="the Teams delivery")
    assert bot.db_count(delivered) == 1
    posted = [c for c in bot.connector.cards(CHANNEL) if "March 2010" in card_text(c)]
    assert posted, "the briefing's headline card reached the channel"


def test_removing_the_bot_stops_the_subscription(bot: Bot) -> None:
    removed = activity(bot.connector, conversation=CHANNEL, kind="channel",
                       type="installationUpdate", action="remove")
    assert bot.send(removed)[0] == 200
    assert bot.db_count("SELECT COUNT(*) FROM subscriptions WHERE platform = 'teams' AND "
                        "channel = ? AND active = 1", (CHANNEL,)) == 0
    again = activity(bot.connector, conversation=CHANNEL, kind="channel",
                     type="conversationUpdate", membersAdded=[BOT])
    assert bot.send(again)[0] == 200  # added back by the admin: subscribed again
    assert bot.db_count("SELECT COUNT(*) FROM subscriptions WHERE platform = 'teams' AND "
                        "channel = ? AND active = 1", (CHANNEL,)) == 1


def test_a_service_url_off_the_allowlist_is_refused(bot: Bot) -> None:
    body = message(bot.connector, "burglary")
    body["serviceUrl"] = "https://smba.trafficmanager.net.example.org/"
    before = len(bot.connector.calls)
    assert bot.send(body)[0] == 403
    assert len(bot.connector.calls) == before


def test_not_json_is_a_bad_request(bot: Bot) -> None:
    assert post(bot.url, b"{not json")[0] == 400


def test_without_a_valid_token_requests_are_refused(demo_store: Path, tmp_path: Path) -> None:
    with FakeConnector() as connector:
        process, base = start(tmp_path, connector, demo_store)  # CSP_TEAMS_SKIP_AUTH unset
        try:
            url = f"{base}/api/messages"
            body = message(connector, "burglary")
            assert post(url, body)[0] == 401
            assert post(url, body, token="not-a-jwt")[0] == 401
        finally:
            log = stop(process)
        assert not connector.activities()
        assert "CSP_TEAMS_SKIP_AUTH is on" not in log
