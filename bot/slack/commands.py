"""`/csp ...` on Slack: acknowledged at once, then answered by an answer worker process when
there are some (bot/slack/handover.py), else by a lazy listener in this process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.answers.workers import AnswerWorkers
from bot.services import Services
from bot.slack.answering import Effects, answer, context
from bot.slack.handover import hand_over
from handlers.router import dispatch


def answer_command(services: Services, client: WebClient, body: dict[str, Any],
                   respond: Callable[..., Any], effects: Effects) -> None:
    """The work after the ack of `/csp ...`: dispatch, then the reply (or the form)."""
    ctx = context(services, body["user_id"], body.get("channel_id"))
    answer(services, "slash command", ctx, client, respond, lambda: dispatch(
        body.get("text", ""), ctx, services.db(), services.settings()), effects,
        trigger_id=body.get("trigger_id"))


def register(app: App, services: Services, effects: Effects,
             workers: AnswerWorkers | None) -> None:
    if workers is not None:
        def on_command_handed_over(ack: Callable[..., Any], body: dict[str, Any],
                                   client: WebClient, respond: Callable[..., Any]) -> None:
            ack()
            hand_over(workers, services, client, body, respond, effects, answer_command)

        app.command("/csp")(on_command_handed_over)
        return

    def acknowledge(ack: Callable[..., Any]) -> None:
        ack()

    def on_command(body: dict[str, Any], client: WebClient,
                   respond: Callable[..., Any]) -> None:
        answer_command(services, client, body, respond, effects)

    app.command("/csp")(ack=acknowledge, lazy=[on_command])
