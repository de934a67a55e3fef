"""`/csp ...` on Slack: written to the store's journal of commands (bot/slack/journal.py), then
acknowledged at once, then answered by an answer worker process when there are some
(bot/slack/handover.py), else by a lazy listener in this process. The answer is recorded as it
goes; a command whose answer could not be sent is told so by direct message. A command a killed
bot left unanswered is answered by the next one (bot/slack/resume.py), through the same
`answer_recorded`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.answers.workers import AnswerWorkers
from bot.services import Services
from bot.slack.answering import Delivery, Effects, answer, context
from bot.slack.handover import hand_over
from bot.slack.journal import COMMAND, NOT_SENT, RESTARTED, CommandJournal, Tracked, tell
from handlers.router import dispatch


def answer_command(services: Services, client: WebClient, body: dict[str, Any],
                   respond: Callable[..., Any], effects: Effects,
                   delivery: Delivery | None = None) -> bool:
    """The work after the ack of `/csp ...`: dispatch, then the reply (or the form); whether
    it reached the person."""
    ctx = context(services, body["user_id"], body.get("channel_id"))
    return answer(services, "slash command", ctx, client, respond, lambda: dispatch(
        body.get("text", ""), ctx, services.db(), services.settings()), effects,
        trigger_id=body.get("trigger_id"), delivery=delivery)


def answer_recorded(services: Services, client: WebClient, body: dict[str, Any],
                    respond: Callable[..., Any], effects: Effects) -> None:
    """`answer_command`, recorded in the journal as it goes when the command was recorded;
    when its answer could not be sent, the person is told by direct message."""
    command = body.get(COMMAND)
    if command is None:
        answer_command(services, client, body, respond, effects)
        return
    tracked = Tracked(services.db(), command["id"])
    delivered = answer_command(services, client, body, tracked.checked(respond), effects,
                               tracked)
    if delivered:
        tracked.sent()  # (a form opened: nothing was posted)
    elif not tracked.answered:
        tell(services, client, command["id"], body["user_id"], body.get("text", ""),
             RESTARTED if command["resumed"] else NOT_SENT)


def register(app: App, services: Services, effects: Effects, workers: AnswerWorkers | None,
             journal: CommandJournal | None = None) -> None:
    def recorded(body: dict[str, Any]) -> dict[str, Any]:
        command = journal.record(body) if journal is not None else None
        return body if command is None else {**body, COMMAND: command}

    if workers is not None:
        def on_command_handed_over(ack: Callable[..., Any], body: dict[str, Any],
                                   client: WebClient, respond: Callable[..., Any]) -> None:
            body = recorded(body)
            ack()
            hand_over(workers, services, client, body, respond, effects, answer_recorded)

        app.command("/csp")(on_command_handed_over)
        return

    def acknowledge(ack: Callable[..., Any], body: dict[str, Any],
                    context: BoltContext) -> None:
        context[COMMAND] = recorded(body).get(COMMAND)
        ack()

    def on_command(body: dict[str, Any], client: WebClient, respond: Callable[..., Any],
                   context: BoltContext) -> None:
        command = context.get(COMMAND)
        answer_recorded(services, client, body if command is None else {**body, COMMAND: command},
                        respond, effects)

    app.command("/csp")(ack=acknowledge, lazy=[on_command])
