"""Sending a Reply to Slack (bot/slack/send.py) against the local fake Slack Web API."""

from __future__ import annotations

from typing import Any

from fakes.slack_api import FakeSlack

from bot.slack.client import make_client
from bot.slack.send import send_reply
from handlers.reply import Chart, Reply, Text

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def answer() -> Reply:
    return Reply("Vehicle crime", [Text("Vehicle crime is well down."),
                                   Chart(PNG, "Line chart of vehicle crime.", "Vehicle crime")],
                 "Vehicle crime is well down.")


def test_private_answers_reach_the_askers_direct_message_opened_once() -> None:
    posted: list[dict[str, Any]] = []
    with FakeSlack(token="xoxb-send") as fake:
        client = make_client("xoxb-send", fake.url)
        for _ in range(3):
            send_reply(client, answer(), user="U0SEND01", channel="C0KETCSP01",
                       respond=lambda **message: posted.append(message))
        send_reply(client, answer(), user="U0SEND02", channel="C0KETCSP01",
                   respond=lambda **message: posted.append(message))
        opened = [c.params.get("users") for c in fake.calls_to("conversations.open")]
        assert opened == ["U0SEND01", "U0SEND02"]
        assert len(fake.uploads("D0SEND01")) == 3 and len(fake.uploads("D0SEND02")) == 1
    assert [m["response_type"] for m in posted] == ["ephemeral"] * 4
