"""The App Home tab: what a person leads and what is due, published when they open it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.services import Services
from bot.slack.answering import attempt, context
from bot.slack.render import render_home
from handlers.home import home


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Callable[..., Any]) -> None:
        ack()

    def on_home(event: dict[str, Any], client: WebClient) -> None:
        ctx = context(services, event["user"], None)
        reply = attempt("app home", lambda: home(ctx, services.db(), services.settings()))
        attempt("app home (publishing)", lambda: client.views_publish(
            user_id=event["user"], view=render_home(reply)))

    app.event("app_home_opened")(ack=acknowledge, lazy=[on_home])
