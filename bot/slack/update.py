"""The Update button under an action and its modal: open the form, save the submission (field
errors shown in the modal, nothing saved), confirm where the form was opened.

The modal's private_metadata comes back with the submission and is only believed when its seal
matches (bot/form_seal.py): the channel in it is the one the form was opened in, and a changed
one is refused in a direct message, nothing saved and nothing sent to the channel it names."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.form_seal import form_key, unseal
from bot.services import Services
from bot.slack.answering import answer, attempt, context, no_effects
from bot.slack.render import read_submission, render_errors
from bot.slack.send import send_reply
from handlers.reply import FormErrors, Reply
from handlers.update import open_update_form, submit_update


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Callable[..., Any]) -> None:
        ack()

    def on_update_button(body: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        ctx = context(services, user, channel)
        pid, _, action_id = body["actions"][0]["value"].partition(":")
        answer(services, "update button", ctx, client, None, lambda: open_update_form(
            pid, action_id, ctx, services.db()), no_effects, trigger_id=body.get("trigger_id"))

    app.action(re.compile(r"^update_action(:\d+)?$"))(ack=acknowledge, lazy=[on_update_button])

    @app.view("update_action")
    def on_update_submit(ack: Callable[..., Any], body: dict[str, Any],
                         client: WebClient) -> None:
        user = body["user"]["id"]
        submission = read_submission(body["view"], user)
        hidden = attempt("update form", lambda: unseal(
            submission.hidden, form_key(services.config, "slack"), "slack"))
        if isinstance(hidden, Reply):  # changed since it was opened: told privately
            ack()
            attempt("update form (sending the refusal)",
                    lambda: send_reply(client, hidden, user=user, channel=None))
            return
        channel = hidden.pop("channel", "") or None
        submission.hidden = hidden
        ctx = context(services, user, channel)
        try:
            reply = attempt("update form", lambda: submit_update(
                submission, ctx, services.db(), services.settings()))
        except FormErrors as exc:
            ack(**render_errors(exc))
            return
        ack()
        attempt("update form (sending the answer)",
                lambda: send_reply(client, reply, user=user, channel=channel))
