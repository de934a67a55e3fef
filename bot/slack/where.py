"""The "Where?" button under an indicator answer: it asks `/csp where <indicator> [area]
[month]` for the same indicator, area and month (the button's value, handlers/where.py), and
the answer is sent as a command's is (privately: ephemeral in a channel, else in the direct
message)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.services import Services
from bot.slack.answering import answer, context, no_effects
from handlers.reply import CspError
from handlers.router import dispatch, error_reply
from handlers.where import WHERE, button_command


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Callable[..., Any]) -> None:
        ack()

    def on_where_button(body: dict[str, Any], client: WebClient) -> None:
        ctx = context(services, body["user"]["id"], (body.get("channel") or {}).get("id"))
        text = button_command(WHERE, str(body["actions"][0].get("value") or ""))
        answer(services, "where button", ctx, client, None, lambda: dispatch(
            text, ctx, services.db(), services.settings()) if text else error_reply(
            CspError("That button asks nothing.", "/csp where burglary")), no_effects)

    app.action(re.compile(rf"^{WHERE}(:\d+)?$"))(ack=acknowledge, lazy=[on_where_button])
