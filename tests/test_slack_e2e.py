"""End to end: `cspbot run --http PORT` in its own process, requests signed as Slack signs them
sent over real HTTP, and the local fake Slack Web API recording what the bot sends back."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.processes import launch_bot
from fakes.slack_api import FakeSlack
from fakes.slack_bot import SECRET, TOKEN, slack_env
from fakes.slack_signing import interaction, post_signed, slash_command
from fakes.street_files import add_kettering_burglaries
from fakes.waiting import wait_for

from data.db import open_db

ADMIN, POLICE_LEAD, KBC_LEAD, MEMBER = "U0KETADM1", "U0KETPOL1", "U0KETKBC1", "U0KETMEM1"
CHANNEL = "C0KETCSP01"


class Bot:
    def __init__(self, url: str, fake: FakeSlack, store: Path) -> None:
        self.url, self.fake, self.store = url, fake, store

    def command(self, text: str, user: str = ADMIN, channel: str = CHANNEL
                ) -> tuple[int, str]:
        """Send `/csp text`; (HTTP status, response_url of this command)."""
        response_url = self.fake.response_url()
        status, _ = post_signed(self.url, SECRET, slash_command(text, user, channel,
                                                                response_url))
        return status, response_url

    def answer(self, response_url: str, timeout: float = 15) -> dict[str, Any]:
        """The first message the bot posted to a command's response_url."""
        target = response_url.rsplit("/", 1)[1]
        return wait_for(lambda: next((c.params for c in self.fake.calls
                                      if c.method == "response_url" and c.target == target),
                                     None), timeout)

    def ask(self, text: str, **kwargs: str) -> str:
        status, url = self.command(text, **kwargs)
        assert status == 200
        answer = self.answer(url)
        return json.dumps(answer["blocks"]) + answer.get("text", "")

    def updates(self) -> int:
        db = open_db(self.store)
        try:
            return int(db.execute("SELECT COUNT(*) FROM action_updates").fetchone()[0])
        finally:
            db.close()

    def newest_update(self) -> tuple[str, ...]:
        db = open_db(self.store)
        try:
            return tuple(db.execute("SELECT by, source, person_id, chat_id FROM action_updates "
                                    "ORDER BY id DESC LIMIT 1").fetchone())
        finally:
            db.close()


@pytest.fixture(scope="module")
def bot(demo_store: Path) -> Iterator[Bot]:
    log = demo_store.parent / "csp.log"
    with FakeSlack(token=TOKEN) as fake, launch_bot(  # INFO: the scheduler's lines are read
            demo_store, {**slack_env(fake), "CSP_LOG_LEVEL": "INFO"}) as running:
        wait_for(lambda: "is not scheduled" in log.read_text(), what="the scheduler's start")
        yield Bot(f"{running.url}/slack/events", fake, demo_store)


def test_the_demo_lives_on_its_own_date_and_is_posted_nothing_by_the_scheduler(
        bot: Bot) -> None:
    """The demo takes 7 April 2010 as today: on any real date, starting the bot posts no
    briefing and tells no admin that a real month's figures are missing."""
    log = (bot.store.parent / "csp.log").read_text()
    assert ("Subscription 1 is not scheduled: partnership kettering takes 2010-04-07 as today"
            in log)
    assert "cspbot send-briefing --partnership kettering --month 2010-03" in log
    db = open_db(bot.store)
    try:
        assert db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 0
    finally:
        db.close()
    notices = [c for c in bot.fake.calls if c.method == "chat.postMessage"
               and "monthly briefing" in json.dumps(c.params)]
    assert notices == []


def test_indicator_answer_is_private_with_its_chart_in_a_direct_message(bot: Bot) -> None:
    status, url = bot.command("violence town centre")
    assert status == 200
    answer = bot.answer(url)
    assert answer["response_type"] == "ephemeral"
    assert "Town Centre is down 15%, within normal" in json.dumps(answer["blocks"])
    upload = wait_for(lambda: bot.fake.uploads("D0KETADM1"))
    assert upload[-1]["data"].startswith(b"\x89PNG") and upload[-1]["alt_txt"]


@pytest.mark.parametrize(("text", "expected"), [
    ("help", "what you can ask"),
    ("priorities", "Northamptonshire Police"),
    ("leads police", "Serious acquisitive crime"),
    ("actions 4.6", "4.6.2"),
    ("history 4.6.2", "created"),
    ("status", "Kettering"),
    ("briefing 2010-03", "Vehicle crime is well down"),
    ("burglery", "Did you mean"),
])
def test_each_command_answers(bot: Bot, text: str, expected: str) -> None:
    assert expected in bot.ask(text)


def test_two_periods_and_a_term_are_answered(bot: Bot) -> None:
    """`/csp burglary 2010-03 vs 2009-03` (the demo's latest month against a year before): the
    two counts of the store, what was understood first; `/csp help significant`."""
    db = open_db(bot.store)
    try:
        now, before = (int(db.execute(
            "SELECT value FROM monthly_values WHERE indicator = 'domestic-burglary' AND area = "
            "'kettering' AND month = ?", (m,)).fetchone()[0]) for m in ("2010-03", "2009-03"))
    finally:
        db.close()
    answer = bot.ask("burglary 2010-03 vs 2009-03")
    assert ("Taking this as: Domestic burglary, Kettering Community Safety Partnership, "
            "2010-03 against 2009-03.") in answer
    assert f"{now} against {before}" in answer and "Give one month at most" not in answer
    assert "too large to put down to that chance" in bot.ask("help significant")


def test_share_posts_in_the_channel(bot: Bot) -> None:
    before = len(bot.fake.messages(CHANNEL))
    status, _ = bot.command("vehicle crime share")
    assert status == 200
    posted = wait_for(lambda: bot.fake.messages(CHANNEL)[before:])
    assert "Vehicle crime is well down" in json.dumps(posted[0]["blocks"])
    chart = wait_for(lambda: [u for u in bot.fake.uploads(CHANNEL)
                              if u["thread_ts"] == posted[0]["ts"]])
    assert chart[0]["data"].startswith(b"\x89PNG")


def open_modal(bot: Bot, user: str, action: str = "4.6.2") -> dict[str, Any]:
    before = len(bot.fake.calls_to("views.open"))
    status, _ = bot.command(f"update {action}", user=user)
    assert status == 200
    call = wait_for(lambda: bot.fake.calls_to("views.open")[before:])[0]
    view = call.params["view"]
    return json.loads(view) if isinstance(view, str) else view


def submission(view: dict[str, Any], user: str, values: dict[str, str]) -> bytes:
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        value = values.get(block["block_id"])
        if element["type"] == "static_select":
            chosen = value or (element.get("initial_option") or {}).get("value")
            entry = {"type": "static_select", "selected_option": {
                "value": chosen, "text": {"type": "plain_text", "text": chosen}}}
        else:
            entry = {"type": element["type"], "value": value if value is not None
                     else element.get("initial_value")}
        state[block["block_id"]] = {element["action_id"]: entry}
    return interaction({"type": "view_submission", "user": {"id": user},
                        "team": {"id": "T0KET"}, "api_app_id": "A0CSPBOT",
                        "view": {**view, "id": "V1", "state": {"values": state}}})


def test_modal_round_trip_saves_and_audits(bot: Bot) -> None:
    view = open_modal(bot, POLICE_LEAD)
    assert len(view["title"]["text"]) <= 24
    before = bot.updates()
    status, body = post_signed(bot.url, SECRET, submission(view, POLICE_LEAD, {
        "value": "130", "note": "8 more homes <!channel>"}))
    assert status == 200 and not body.strip(b" {}")
    wait_for(lambda: bot.updates() > before)
    history = bot.ask("history 4.6.2")
    assert "122" in history and "130" in history
    assert "&lt;!channel&gt;" in history and "<!channel>" not in history
    # who and how: the person's id in the file and their Slack id, the route Slack
    assert bot.newest_update() == ("Chris Example", "slack", "police-lead", POLICE_LEAD)


def test_a_member_may_not_update_and_nothing_changes(bot: Bot) -> None:
    before = bot.updates()
    answer = bot.ask("update 4.6.2", user=MEMBER)
    assert "Only a lead or an admin" in answer and "may use" in answer
    assert bot.updates() == before


def test_a_stale_form_is_refused_with_who_and_when(bot: Bot) -> None:
    view = open_modal(bot, ADMIN)
    first = submission(open_modal(bot, POLICE_LEAD), POLICE_LEAD, {"value": "140"})
    assert post_signed(bot.url, SECRET, first)[0] == 200
    wait_for(lambda: "140" in bot.ask("history 4.6.2"))
    before = bot.updates()
    status, _ = post_signed(bot.url, SECRET, submission(view, ADMIN, {"value": "150"}))
    assert status == 200
    refusal = wait_for(lambda: [m for m in bot.fake.ephemerals(CHANNEL) + bot.fake.messages(
        "D0KETADM1") if "nothing was saved" in json.dumps(m)])
    assert "changed by" in json.dumps(refusal[-1])
    assert bot.updates() == before


def test_forged_and_expired_signatures_are_refused(bot: Bot) -> None:
    body = slash_command("burglary", ADMIN, CHANNEL, bot.fake.response_url())
    assert post_signed(bot.url, SECRET, body, signature="v0=" + "0" * 64)[0] == 401
    assert post_signed(bot.url, SECRET, body, timestamp=int(time.time()) - 6 * 60)[0] == 401
    assert post_signed(bot.url, "another-secret", body)[0] == 401


def test_oversized_and_hostile_input(bot: Bot) -> None:
    assert "reads at most 1,000" in bot.ask("burglary " + "x" * 1000)
    hostile = bot.ask("<!channel> <@U999> burglary")
    assert "<!channel>" not in hostile and "<@U999>" not in hostile
    assert "&lt;!channel&gt;" in hostile


def test_a_channel_not_in_the_partnership_is_refused(bot: Bot) -> None:
    assert "does not answer in this channel" in bot.ask("burglary", channel="C0OTHER999")


def test_the_update_button_opens_the_modal(bot: Bot) -> None:
    before = len(bot.fake.calls_to("views.open"))
    body = interaction({
        "type": "block_actions", "user": {"id": POLICE_LEAD}, "team": {"id": "T0KET"},
        "api_app_id": "A0CSPBOT", "trigger_id": "T2.trigger", "channel": {"id": CHANNEL},
        "actions": [{"type": "button", "action_id": "update_action:0", "block_id": "b1",
                     "value": "kettering:4.6.5", "action_ts": "1.0"}]})
    assert post_signed(bot.url, SECRET, body)[0] == 200
    call = wait_for(lambda: bot.fake.calls_to("views.open")[before:])[0]
    view = call.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert call.params["trigger_id"] == "T2.trigger"
    assert view["title"]["text"] == "Update 4.6.5"


def test_the_app_home_shows_my_actions(bot: Bot) -> None:
    before = len(bot.fake.calls_to("views.publish"))
    event = {"token": "x", "team_id": "T0KET", "api_app_id": "A0CSPBOT", "type":
             "event_callback", "event_id": "Ev1", "event_time": int(time.time()),
             "event": {"type": "app_home_opened", "user": POLICE_LEAD, "channel": "D0KETPOL1",
                       "tab": "home"}}
    status, _ = post_signed(bot.url, SECRET, json.dumps(event).encode(),
                            content_type="application/json")
    assert status == 200
    call = wait_for(lambda: bot.fake.calls_to("views.publish")[before:])[0]
    assert call.params["user_id"] == POLICE_LEAD
    assert "4.6.2" in json.dumps(call.params["view"])


def test_compare_burglary_in_slack(bot: Bot) -> None:
    """Last of the module: the store gets police.uk files for Kettering (the demo has none)."""
    add_kettering_burglaries(bot.store, bot.store.parent / "street")
    text = bot.ask("compare burglary 2024-12")
    assert "Burglary" in text and "ranked from the largest rise" in text
    assert "Kettering" in text and "Northamptonshire" in text and "+66.7%" in text
