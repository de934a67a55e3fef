"""Answering on Slack: the context of a request, and the one place where what a listener does
(or the exception that stopped it) becomes what the person sees.

`answer()` runs the work: a Form opens as a modal (its hidden data and the channel it was
opened in sealed, bot/form_seal.py), a Reply is sent (bot/slack/send.py), and any
exception becomes a message through `reply_to` (bot/services.py): a CspError by the handlers'
rules, anything else logged with a reference. Then the reply's effects are carried out. It says
whether the reply reached the person, and tells a `Delivery` (the journal of commands) just
before and after sending.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.form_seal import form_key, seal
from bot.services import Services, reply_to
from bot.slack.render import render_modal
from bot.slack.send import send_reply
from handlers.reply import Context, Form, FormErrors, Reply

# What a reply asks beyond being shown (e.g. send the briefing): (services, client, reply,
# user). Handed in by bot/startup.py; a module-level function, so that it pickles by reference
# when a command is answered in an answer worker.
Effects = Callable[[Services, WebClient, Reply, str], None]


def no_effects(services: Services, client: WebClient, reply: Reply, user: str) -> None:
    """For an app that carries out no effects (tests of the front end alone)."""


def context(services: Services, user: str, channel: str | None) -> Context:
    direct = channel is None or channel.startswith("D")
    return Context(user=user, platform="slack", channel=None if direct else channel,
                   today=services.today(), extra={"slack_channel": channel})


def attempt(where: str, work: Callable[[], Any]) -> Any:
    """`work()`, or the message for the exception that stopped it. FormErrors pass: they are
    the form's answer (shown in the modal), not a failure."""
    try:
        return work()
    except FormErrors:
        raise
    except Exception as exc:  # noqa: BLE001 (the one place exceptions become messages)
        return reply_to(exc, where)


class Delivery(Protocol):
    """Told when a reply is about to be sent and when it has been (bot/slack/journal.py)."""

    def sending(self) -> None: ...

    def sent(self) -> None: ...


def answer(services: Services, where: str, ctx: Context, client: WebClient,
           respond: Callable[..., Any] | None, work: Callable[[], Reply | Form],
           effects: Effects, trigger_id: str | None = None,
           delivery: Delivery | None = None) -> bool:
    """Do the work; show its Reply or open its Form; carry out the reply's effects. Whether
    it reached the person: False when sending failed (logged), or when a Form came without a
    trigger to open it (a command answered after a restart)."""
    channel = ctx.extra.get("slack_channel")
    result = attempt(where, work)
    if isinstance(result, Form):  # its hidden data and the channel, sealed (bot/form_seal.py)
        if trigger_id is None:
            return False
        hidden = seal({**result.hidden, "channel": channel or ""},
                      form_key(services.config, "slack"), "slack")
        opened = attempt(where, lambda: client.views_open(
            trigger_id=trigger_id, view=render_modal(result, private_metadata=hidden)))
        if not isinstance(opened, Reply):
            return True
        result = opened

    def send() -> None:
        if delivery is not None:
            delivery.sending()
        send_reply(client, result, user=ctx.user, channel=channel, respond=respond)
        if delivery is not None:
            delivery.sent()

    if isinstance(attempt(f"{where} (sending the answer)", send), Reply):
        return False
    attempt(f"{where} (carrying out the answer)",
            lambda: effects(services, client, result, ctx.user))
    return True
