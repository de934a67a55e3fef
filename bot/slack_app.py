"""The Slack front end with slack-bolt: `/csp`, the Update button and modal, the App Home.

Listeners are thin: ack at once, then dispatch to handlers/ and render. Bolt verifies every
request's signature (forged or older than 5 minutes: 401). Exceptions are turned into messages
in `_run` only: CspError/FormErrors by handlers' rules, anything else logged with a reference.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot.effects import run_effects
from bot.render_slack import read_submission, render_errors, render_home, render_modal
from bot.services import Services, apology
from bot.slack_client import make_client
from bot.slack_send import send_reply
from handlers.home import home
from handlers.reply import Context, CspError, Form, FormErrors, Reply
from handlers.router import dispatch, error_reply
from handlers.update import open_update_form, submit_update

log = logging.getLogger("cspbot.slack")


def build_app(services: Services, token: str, signing_secret: str,
              api_url: str | None = None) -> App:
    client = make_client(token, api_url)
    # process_before_response: Bolt answers Slack's HTTP request as soon as the ack listener
    # returns; the work runs afterwards, so the ack never waits behind other people's answers:
    # `/csp` commands in the answer worker processes when there are some (their own interpreter
    # locks, so this process only acknowledges), else, like the other listeners, as lazy
    # listeners in Bolt's thread pool (two threads: answers are CPU-bound and share this
    # process's interpreter lock with the acknowledging threads).
    bolt_log = logging.getLogger("slack_bolt")
    bolt_log.addFilter(_client_carries_the_token)
    app = App(client=client, signing_secret=signing_secret, token_verification_enabled=False,
              process_before_response=True, logger=bolt_log,
              listener_executor=ThreadPoolExecutor(max_workers=2,
                                                   thread_name_prefix="csp-answer"))
    register(app, services)
    return app


def _client_carries_the_token(record: logging.LogRecord) -> bool:
    """Bolt finds SLACK_BOT_TOKEN in the environment and warns, at every start, that it is
    unused since a client is given: the client was made with that very token."""
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


def answer_command(services: Services, client: WebClient, body: dict[str, Any],
                   respond: Callable[..., Any]) -> None:
    """The work after the ack of `/csp ...`: dispatch, then the reply (or the form)."""
    ctx = _context(services, body["user_id"], body.get("channel_id"))
    _run(services, "slash command", ctx, client, respond, lambda: dispatch(
        body.get("text", ""), ctx, services.db(), services.settings()),
        trigger_id=body.get("trigger_id"))


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Callable[..., Any]) -> None:
        ack()

    def on_command(body: dict[str, Any], client: WebClient,
                   respond: Callable[..., Any]) -> None:
        answer_command(services, client, body, respond)

    def on_update_button(body: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        ctx = _context(services, user, channel)
        pid, _, action_id = body["actions"][0]["value"].partition(":")
        _run(services, "update button", ctx, client, None, lambda: open_update_form(
            pid, action_id, ctx, services.db()), trigger_id=body.get("trigger_id"))

    workers = services.workers
    if workers is not None:
        def hand_over(ack: Callable[..., Any], body: dict[str, Any], client: WebClient,
                      respond: Callable[..., Any]) -> None:
            ack()
            if not workers.answer_slack_command(body):
                threading.Thread(target=answer_command, args=(services, client, body, respond),
                                 name="csp-answer-here", daemon=True).start()

        app.command("/csp")(hand_over)
    else:
        app.command("/csp")(ack=acknowledge, lazy=[on_command])
    app.action(re.compile(r"^update_action(:\d+)?$"))(ack=acknowledge, lazy=[on_update_button])

    @app.view("update_action")
    def on_update_submit(ack: Callable[..., Any], body: dict[str, Any],
                         client: WebClient) -> None:
        user = body["user"]["id"]
        submission = read_submission(body["view"], user)
        channel = submission.hidden.get("channel") or None
        ctx = _context(services, user, channel)
        try:
            reply = submit_update(submission, ctx, services.db(), services.settings())
        except FormErrors as exc:
            ack(**render_errors(exc))
            return
        except CspError as exc:
            ack()
            reply = error_reply(exc)
        except Exception as exc:  # noqa: BLE001 (the one place exceptions become messages)
            ack()
            reply = apology(exc, "update form")
        else:
            ack()
        send_reply(client, reply, user=user, channel=channel)

    def on_home(event: dict[str, Any], client: WebClient) -> None:
        ctx = _context(services, event["user"], None)
        try:
            reply = home(ctx, services.db(), services.settings())
        except CspError as exc:
            reply = error_reply(exc)
        except Exception as exc:  # noqa: BLE001
            reply = apology(exc, "app home")
        client.views_publish(user_id=event["user"], view=render_home(reply))

    app.event("app_home_opened")(ack=acknowledge, lazy=[on_home])


def _context(services: Services, user: str, channel: str | None) -> Context:
    direct = channel is None or channel.startswith("D")
    return Context(user=user, platform="slack", channel=None if direct else channel,
                   today=services.today(), extra={"slack_channel": channel})


def _run(services: Services, where: str, ctx: Context, client: WebClient,
         respond: Callable[..., Any] | None, work: Callable[[], Reply | Form],
         trigger_id: str | None = None) -> None:
    """Do the work; show its Reply or open its Form; turn any exception into a message."""
    channel = ctx.extra.get("slack_channel")
    try:
        result = work()
        if isinstance(result, Form):
            result.hidden["channel"] = channel or ""
            client.views_open(trigger_id=trigger_id, view=render_modal(
                result, private_metadata=json.dumps(result.hidden)))
            return
        reply = result
    except CspError as exc:
        reply = error_reply(exc)
    except Exception as exc:  # noqa: BLE001 (the one place exceptions become messages)
        reply = apology(exc, where)
    try:
        send_reply(client, reply, user=ctx.user, channel=channel, respond=respond)
        run_effects(services, client, reply, ctx.user)
    except Exception as exc:  # noqa: BLE001
        apology(exc, f"{where} (sending the answer)")
