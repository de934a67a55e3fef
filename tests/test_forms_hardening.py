"""Forms whose hidden data was changed on the way back are refused, over real HTTP: the Slack
modal's private_metadata (signed requests to a `cspbot run` process, the fake Slack Web API
recording what it sends) and the Teams dialog's Save data (activities posted to
/api/messages, the connector stub recording). A refusal says to open the form again, nothing is
saved, and the confirmation goes only where the form was opened (bot/form_seal.py,
handlers/update.py `read_hidden`, which the last test tries without a front end)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from fakes.demo_store import copy_store
from fakes.processes import launch_bot
from fakes.slack_api import FakeSlack
from fakes.slack_bot import SECRET, TOKEN, slack_env
from fakes.slack_signing import interaction, post_signed, slash_command
from fakes.teams_activities import APP_ID, TENANT, card_text, elements, invoke
from fakes.teams_connector import FakeConnector
from fakes.waiting import wait_for

from data.db import open_db
from data.demo import load_demo
from handlers.reply import Context, CspError, FormSubmission
from handlers.update import open_update_form, submit_update

LEAD, CHANNEL, DIRECT = "U0KETPOL1", "C0KETCSP01", "D0KETPOL1"  # Slack: a police lead
TEAMS_LEAD = "00000000-0000-0000-0000-000000000004"
REFUSAL = "This form was changed after it was opened, so nothing was saved"
APOLOGY = "went wrong"


def updates(store: Path) -> int:
    db = open_db(store)
    try:
        return int(db.execute("SELECT COUNT(*) FROM action_updates").fetchone()[0])
    finally:
        db.close()


# Slack ------------------------------------------------------------------------------------

class SlackBot:
    def __init__(self, url: str, fake: FakeSlack, store: Path) -> None:
        self.url, self.fake, self.store = url, fake, store

    def open_modal(self, action: str = "4.6.2") -> dict[str, Any]:
        """`/csp update ACTION` typed by the lead in the partnership's channel: the modal."""
        before = len(self.fake.calls_to("views.open"))
        command = slash_command(f"update {action}", LEAD, CHANNEL, self.fake.response_url())
        assert post_signed(self.url, SECRET, command)[0] == 200
        view = wait_for(lambda: self.fake.calls_to("views.open")[before:])[0].params["view"]
        return dict(json.loads(view) if isinstance(view, str) else view)

    def submit(self, view: dict[str, Any], metadata: str, value: str) -> None:
        """The view_submission of `view` with `metadata` as its private_metadata, the figure
        `value` typed and every other input left as it was."""
        state: dict[str, Any] = {}
        for block in (b for b in view["blocks"] if b.get("type") == "input"):
            element = block["element"]
            if element["type"] == "static_select":
                entry = {"type": "static_select", "selected_option": element["initial_option"]}
            else:
                entry = {"type": element["type"], "value": value if block["block_id"] == "value"
                         else element.get("initial_value")}
            state[block["block_id"]] = {element["action_id"]: entry}
        body = interaction({"type": "view_submission", "user": {"id": LEAD},
                            "team": {"id": "T0KET"}, "api_app_id": "A0CSPBOT",
                            "view": {**view, "id": "V1", "private_metadata": metadata,
                                     "state": {"values": state}}})
        status, answer = post_signed(self.url, SECRET, body)
        assert status == 200 and not answer.strip(b" {}")

    def said(self, channel: str, text: str) -> list[dict[str, Any]]:
        """What the bot posted or posted privately in `channel` that holds `text`."""
        return [m for m in self.fake.messages(channel) + self.fake.ephemerals(channel)
                if text in json.dumps(m)]


@pytest.fixture(scope="module")
def slack(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackBot]:
    store = copy_store(demo_store, tmp_path_factory.mktemp("slack-forms"))
    with FakeSlack(token=TOKEN) as fake, launch_bot(store, slack_env(fake)) as running:
        yield SlackBot(f"{running.url}/slack/events", fake, store)


def changed(metadata: str, **fields: str | None) -> str:
    data = json.loads(metadata)
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data)


def test_slack_a_version_changed_to_a_unicode_digit_is_refused_not_apologised(
        slack: SlackBot) -> None:
    view = slack.open_modal()
    before = updates(slack.store)
    slack.submit(view, changed(view["private_metadata"], version="²"), "150")
    refusal = wait_for(lambda: slack.said(DIRECT, REFUSAL))
    assert "open it again with /csp update 4.6.2" in json.dumps(refusal)
    assert slack.said(DIRECT, APOLOGY) == [] and slack.said(CHANNEL, APOLOGY) == []
    assert updates(slack.store) == before


def test_slack_a_changed_channel_gets_nothing_and_the_form_still_confirms_where_opened(
        slack: SlackBot) -> None:
    view = slack.open_modal()
    before, refused = updates(slack.store), len(slack.said(DIRECT, REFUSAL))
    for metadata in (changed(view["private_metadata"], channel="C0OTHER999"),
                     changed(view["private_metadata"], channel="")):
        slack.submit(view, metadata, "151")
    wait_for(lambda: len(slack.said(DIRECT, REFUSAL)) == refused + 2)
    assert slack.fake.messages("C0OTHER999") == slack.fake.ephemerals("C0OTHER999") == []
    assert updates(slack.store) == before
    slack.submit(view, view["private_metadata"], "151")  # as it was opened: saved, confirmed
    confirmation = wait_for(lambda: slack.said(CHANNEL, "4.6.2 updated"))
    assert "151" in json.dumps(confirmation) and updates(slack.store) == before + 1
    assert slack.said(DIRECT, "4.6.2 updated") == []


@pytest.mark.parametrize("tamper", [
    lambda m: changed(m, extra="1"),
    lambda m: changed(m, seal=None),
    lambda m: changed(m, action="4.6.5"),
    lambda m: changed(m, partnership="nowhere"),
    lambda m: changed(m, version="99999"),
    lambda m: changed(m, seal=json.loads(m)["seal"][::-1]),
    lambda m: "{not json",
], ids=["unknown key", "no seal", "other action", "other partnership", "future version",
        "wrong seal", "not JSON"])
def test_slack_any_other_change_to_the_metadata_is_refused(
        slack: SlackBot, tamper: Callable[[str], str]) -> None:
    view = slack.open_modal()
    before, refused = updates(slack.store), len(slack.said(DIRECT, REFUSAL))
    slack.submit(view, tamper(view["private_metadata"]), "152")
    wait_for(lambda: len(slack.said(DIRECT, REFUSAL)) > refused)
    assert updates(slack.store) == before


# Teams ------------------------------------------------------------------------------------

class TeamsBot:
    def __init__(self, url: str, connector: FakeConnector, store: Path) -> None:
        self.url, self.connector, self.store = url, connector, store

    def send(self, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(self.url, json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            task = json.loads(response.read())["task"]
        assert task["type"] == "continue"
        return dict(task["value"]["card"]["content"])

    def open_dialog(self, target: str = "kettering:4.6.2") -> dict[str, Any]:
        return self.send(invoke(self.connector, "task/fetch", {
            "msteams": {"type": "task/fetch"}, "dialog_id": "update_action", "target": target},
            user=TEAMS_LEAD))

    def submit(self, card: dict[str, Any], value: str,
               tamper: Callable[[dict[str, str]], None] = lambda hidden: None) -> dict[str, Any]:
        """Submit a dialog as Teams does (each input's value under its id beside the Save
        button's data), its hidden data first changed by `tamper`."""
        data = json.loads(json.dumps(card["actions"][0]["data"]))
        tamper(data["hidden"])
        for element in (elements(card, "Input.ChoiceSet") + elements(card, "Input.Number")
                        + elements(card, "Input.Text")):
            data[element["id"]] = value if element["id"] == "field_value" else str(
                element.get("value") or "")
        return self.send(invoke(self.connector, "task/submit", data, user=TEAMS_LEAD))


@pytest.fixture(scope="module")
def teams(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamsBot]:
    folder = tmp_path_factory.mktemp("teams-forms")
    store = copy_store(demo_store, folder)
    with FakeConnector() as connector, launch_bot(store, {
            "CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret", "TENANT_ID": TENANT,
            "CSP_TEAMS_LOGIN_URL": connector.url.rstrip("/"),
            "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url, "CSP_TEAMS_SKIP_AUTH": "true",
            "SLACK_BOT_TOKEN": None, "SLACK_SIGNING_SECRET": None, "SLACK_APP_TOKEN": None},
            platform="teams", log=folder / "csp.log") as running:
        yield TeamsBot(f"{running.url}/api/messages", connector, store)


def setting(**fields: str | None) -> Callable[[dict[str, str]], None]:
    def tamper(hidden: dict[str, str]) -> None:
        for key, value in fields.items():
            if value is None:
                hidden.pop(key, None)
            else:
                hidden[key] = value
    return tamper


def test_teams_a_version_changed_to_a_unicode_digit_is_refused_not_apologised(
        teams: TeamsBot) -> None:
    before = updates(teams.store)
    answer = card_text(teams.submit(teams.open_dialog(), "150", setting(version="²")))
    assert REFUSAL in answer and "open it again with /csp update 4.6.2" in answer
    assert APOLOGY not in answer and updates(teams.store) == before


@pytest.mark.parametrize("tamper", [
    setting(extra="1"), setting(seal=None), setting(action="4.6.5"),
    setting(partnership="nowhere"), setting(version="99999"), setting(seal="0" * 64),
    setting(version=None),
], ids=["unknown key", "no seal", "other action", "other partnership", "future version",
        "wrong seal", "no version"])
def test_teams_any_other_change_to_the_hidden_data_is_refused(
        teams: TeamsBot, tamper: Callable[[dict[str, str]], None]) -> None:
    before = updates(teams.store)
    answer = card_text(teams.submit(teams.open_dialog(), "153", tamper))
    assert REFUSAL in answer and APOLOGY not in answer
    assert updates(teams.store) == before


def test_teams_the_form_reshown_with_field_errors_still_saves(teams: TeamsBot) -> None:
    """A refused field keeps the form open with its hidden data sealed again: correcting the
    field saves, and the form cannot be changed in between either."""
    before = updates(teams.store)
    again = teams.submit(teams.open_dialog(), "lots")
    assert "Give a number of 0 or more" in card_text(again) and updates(teams.store) == before
    tampered = card_text(teams.submit(again, "154", setting(version="²")))
    assert REFUSAL in tampered and updates(teams.store) == before
    assert "4.6.2 updated" in card_text(teams.submit(again, "154"))
    assert updates(teams.store) == before + 1


# The handler itself, whatever front end hands it the form ---------------------------------

@pytest.mark.parametrize("hidden", [
    {"version": "²"}, {"version": "٣"}, {"version": " 3"}, {"version": "1" * 10},
    {"version": "999"}, {"extra": "1"}, {"channel": CHANNEL}, {"partnership": "nowhere"},
    {"partnership": None},
], ids=["superscript two", "arabic-indic three", "space", "ten digits", "future version",
        "unknown key", "a front end's key", "unknown partnership", "no partnership"])
def test_the_handler_reads_hidden_data_as_strictly_as_typed_input(
        db: sqlite_utils.Database, hidden: dict[str, str | None]) -> None:
    load_demo(db)
    ctx = Context(user=LEAD, platform="slack", channel=CHANNEL, today="2010-04-07")
    form = open_update_form("kettering", "4.6.2", ctx, db)
    values = {"status": "on-track", "value": "155", "note": ""}
    data = {k: v for k, v in {**form.hidden, **hidden}.items() if v is not None}
    before = db.execute("SELECT COUNT(*) FROM action_updates").fetchone()[0]
    with pytest.raises(CspError, match=REFUSAL):
        submit_update(FormSubmission("update_action", values, data, LEAD), ctx, db)
    assert db.execute("SELECT COUNT(*) FROM action_updates").fetchone()[0] == before
    reply = submit_update(FormSubmission("update_action", values, form.hidden, LEAD), ctx, db)
    assert reply.title == "4.6.2 updated"  # the form as it was given saves
