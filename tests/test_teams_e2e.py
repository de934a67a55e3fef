"""End to end: `cspbot run --platform teams --http PORT` in its own process, Teams-shaped
activities posted over real HTTP to /api/messages, and the local connector stub (the activities'
serviceUrl) recording what the bot sends back, with the token it got from the stub's token
endpoint (CSP_TEAMS_LOGIN_URL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fakes.processes import RunningBot, launch_bot
from fakes.street_files import add_kettering_burglaries
from fakes.teams_activities import (
    ADMIN,
    APP_ID,
    BOT,
    CHANNEL,
    KBC_LEAD,
    MEMBER,
    POLICE_LEAD,
    TENANT,
    activity,
    card_text,
    elements,
    invoke,
    message,
    personal,
    plain,
    post_activity,
)
from fakes.teams_connector import FakeConnector
from fakes.waiting import wait_for

from data import subscriptions, teams_refs
from data.db import open_db
from handlers.reply import Chart, Context, Facts, Reply, Text
from handlers.router import dispatch

SLACK_ADMIN = "U0KETADM1"
OTHER_CHANNEL = "19:ffeeddccbbaa99887766554433221100@thread.tacv2"


class Bot:
    def __init__(self, url: str, connector: FakeConnector, store: Path) -> None:
        self.url, self.connector, self.store = url, connector, store

    def send(self, body: dict[str, Any], token: str | None = None) -> tuple[int, Any]:
        return post_activity(self.url, body, token)

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

    def newest_update(self) -> tuple[str, ...]:
        db = open_db(self.store)
        try:
            return tuple(db.execute("SELECT by, source, person_id, chat_id FROM action_updates "
                                    "ORDER BY id DESC LIMIT 1").fetchone())
        finally:
            db.close()


def start(tmp: Path, connector: FakeConnector, store: Path, **env: str) -> RunningBot:
    """`cspbot run --platform teams` against the connector stub, with no Slack settings and
    CSP_TEAMS_SKIP_AUTH only when given; its log in `tmp`."""
    return launch_bot(store, {
        "CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret", "TENANT_ID": TENANT,
        "CSP_TEAMS_LOGIN_URL": connector.url.rstrip("/"),
        "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url, "SLACK_BOT_TOKEN": None,
        "SLACK_SIGNING_SECRET": None, "SLACK_APP_TOKEN": None,
        "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS": None, "CSP_TEAMS_SKIP_AUTH": None, **env},
        platform="teams", log=tmp / "csp.log")


@pytest.fixture(scope="module")
def bot(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    with FakeConnector() as connector:
        running = start(tmp_path_factory.mktemp("teams-run"), connector, demo_store,
                        CSP_TEAMS_SKIP_AUTH="true")
        try:
            yield Bot(f"{running.url}/api/messages", connector, demo_store)
        finally:
            log = running.stop()
            assert "CSP_TEAMS_SKIP_AUTH is on" in log  # loud at start and on each request


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


def test_two_periods_get_the_same_counts_as_slack(bot: Bot) -> None:
    card = card_text(bot.ask("csp burglary 2010-03 vs 2009-03"))
    now, before = (bot.db_count(
        "SELECT value FROM monthly_values WHERE indicator = 'domestic-burglary' AND area = "
        "'kettering' AND month = ?", (m,)) for m in ("2010-03", "2009-03"))
    assert ("Taking this as: Domestic burglary, Kettering Community Safety Partnership, "
            "2010-03 against 2009-03.") in card
    assert f"{now} against {before}" in card
    assert "The range a monthly figure usually stays within" in card_text(
        bot.ask("help normal variation"))


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
    # who and how: the person's id in the file and their Teams id, the route Teams
    assert bot.newest_update() == ("Chris Example", "teams", "police-lead", POLICE_LEAD)
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
    text = card_text(welcome[0])
    assert "A partnership admin can type" in text and "personal chat" in text
    assert "@CSP Bot burglary" not in text  # no invitation to a question refused here
    refusal = card_text(bot.ask("burglary", mention=True, user=MEMBER,
                                conversation=OTHER_CHANNEL, kind="channel"))
    assert "does not answer in this channel" in refusal
    assert "teams" in refusal and "slack" not in refusal.lower() and "personal chat" in refusal
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
    assert post_activity(bot.url, b"{not json")[0] == 400


def test_without_a_valid_token_requests_are_refused(demo_store: Path, tmp_path: Path) -> None:
    with FakeConnector() as connector:
        running = start(tmp_path, connector, demo_store)  # CSP_TEAMS_SKIP_AUTH unset
        try:
            url = f"{running.url}/api/messages"
            body = message(connector, "burglary")
            assert post_activity(url, body)[0] == 401
            assert post_activity(url, body, token="not-a-jwt")[0] == 401
        finally:
            log = running.stop()
        assert not connector.activities()
        assert "CSP_TEAMS_SKIP_AUTH is on" not in log


def test_compare_burglary_in_teams(bot: Bot) -> None:
    """After the module's other tests on this bot: the store gets police.uk files for
    Kettering (the demo has none)."""
    add_kettering_burglaries(bot.store, bot.store.parent / "street")
    text = card_text(bot.ask("compare burglary 2024-12", user=KBC_LEAD))
    assert "ranked from the largest rise" in text
    assert "Kettering" in text and "Northamptonshire" in text and "+66.7%" in text
