"""The Teams front end with microsoft-teams-apps: messages, the Update dialog and installation.
Cards posted without a request to answer (briefings) go through bot/teams/connector.py's
`TeamsSender`, which `TeamsBot.post_card` also uses.

A message ("@CSP Bot burglary", or "burglary" in a personal chat; a leading "csp" or "/csp" is
dropped) goes through the same `dispatch` as Slack and is answered in its conversation (in a
channel, in the message's thread) with an Adaptive Card (bot/teams/render.py). Teams has no
private replies to a channel message, so answers go where the question was asked. "Update"
buttons open a dialog (task/fetch) built from the handlers' Form, its hidden data sealed
(bot/form_seal.py); its submit (task/submit) is saved by `submit_update` if the seal matches,
and the confirmation, the field errors or the refusal show in the dialog. Installing the bot in
a team or chat stores the conversation reference (data/teams_refs.py) and, when a partnership
file lists the conversation or an admin installed it, subscribes it to the monthly briefing.

Every request passes bot/teams/inbound.py's `Gate` first: its Bot Framework token before
anything else (checked without blocking the server: bot/teams/tokens.py, which also takes the
place of the SDK's own check), then its body, its service URL (only those in
CSP_TEAMS_SERVICE_URL_ALLOWLIST) and its shape. Only CSP_TEAMS_SKIP_AUTH=true (tests, the Agents
Playground) turns the token check off, with a warning at start and on every request. Replies
and posts go only to allowed service URLs, with the SDK's client plus a retry middleware (429
honouring Retry-After, 5xx and failed connections: three retries).
Exceptions become messages in one place, bot/teams/answering.py: CspError by the handlers' rules,
anything else logged with a reference id.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable
from typing import Any

with warnings.catch_warnings():  # the SDK announces its preview features when imported
    warnings.simplefilter("ignore")
    from microsoft_teams.api.activities.conversation import ConversationUpdateActivity
    from microsoft_teams.api.activities.install_update import (
        InstalledActivity,
        UninstalledActivity,
    )
    from microsoft_teams.api.activities.invoke.task import (
        TaskFetchInvokeActivity,
        TaskSubmitInvokeActivity,
    )
    from microsoft_teams.api.activities.message import MessageActivity, MessageActivityInput
    from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
    from microsoft_teams.apps import ActivityContext
    from microsoft_teams.cards import AdaptiveCard

from bot.form_seal import form_key, seal, unseal
from bot.services import Services
from bot.teams.answering import (
    activity_data,
    attempt,
    attempt_sending,
    dialog_response,
    message_text,
)
from bot.teams.connector import (
    ConversationRef,
    RouteCollector,
    TeamsApp,
    TeamsSender,
    base_id,
    card_activity,
    credentials,
    http_client,
)
from bot.teams.dialog import (
    CLOSE,
    form_opener,
    read_submission,
)
from bot.teams.inbound import Refused, inbound_gate
from bot.teams.install import conversation_of, conversation_ref, installed, remember, uninstalled
from bot.teams.render import BUTTON, render_card
from handlers.reply import Context, Form, FormErrors, Reply, Text
from handlers.router import dispatch
from handlers.update import button_target, open_update_form, submit_update
from handlers.where import button_command

log = logging.getLogger("cspbot.teams")
# What a reply asks beyond being shown, e.g. send the briefing: (reply, asker) -> a note to add
Effects = Callable[[Reply, Context], "str | None"]
__all__ = ["ConversationRef", "TeamsBot", "conversation_ref"]


class TeamsBot:
    """The SDK's App with CSP Bot's handlers; `handle` serves POST /api/messages."""

    def __init__(self, services: Services, cloud: CloudEnvironment | None = None,
                 effects: Effects | None = None) -> None:
        config = services.config
        self.services = services
        self.skip_auth = config.teams_skip_auth
        # what a reply asks beyond being shown (e.g. send the briefing): handed in by
        # bot/startup.py; None: such a reply says that it cannot be done from here
        self.on_effects = effects
        self._routes = RouteCollector()
        self.app = TeamsApp(credentials(config), http_server_adapter=self._routes,
                            client=http_client(), state=False, cloud=cloud,
                            dangerously_allow_unauthenticated_requests=self.skip_auth)
        self._ready, self._starting = False, asyncio.Lock()
        self.sender = TeamsSender(self.app, config.teams_service_urls)
        self.gate = inbound_gate(config, self.app.cloud, self.allows)
        register(self)
        if self.skip_auth:
            log.warning("CSP_TEAMS_SKIP_AUTH is on: requests to /api/messages are accepted "
                        "WITHOUT checking their Bot Framework token. For tests and local trials "
                        "only; never in production.")

    async def handle(self, raw: bytes, headers: dict[str, str], peer: str = ""
                     ) -> tuple[int, Any]:
        """One POST to /api/messages, its body as sent: (HTTP status, JSON body or None)."""
        try:
            body = await self.gate.check(raw, headers, peer)
        except Refused as exc:
            return exc.status, {"error": exc.error}
        async with self._starting:
            if not self._ready:
                await self.app.initialize()
                self.gate.replace_sdk_check(self.app.server)
                self._ready = True
        handler = self._routes.routes[self.app.server.messaging_endpoint]
        response = await handler({"body": body, "headers": headers})
        return int(response["status"]), response.get("body")

    def allows(self, service_url: str) -> bool:
        return self.sender.allows(service_url)

    def post_card(self, ref: ConversationRef, card: AdaptiveCard | dict[str, Any],
                  summary: str | None = None) -> str:
        """Post a card to a conversation without a message to answer (bot/teams/connector.py)."""
        return self.sender.post_card(ref, card, summary)

    def context(self, activity: Any) -> Context:
        user = activity.from_.aad_object_id or activity.from_.id
        kind = activity.conversation.conversation_type
        channel = None if kind == "personal" else base_id(activity.conversation.id)
        return Context(user=user, platform="teams", channel=channel,
                       today=self.services.today(), extra={"teams_kind": kind})

    async def _answer(self, where: str, work: Callable[[], Any]) -> Any:
        """Run handler work off the event loop; its result or the message for its error."""
        return await asyncio.to_thread(attempt, where, work)


def register(bot: TeamsBot) -> None:
    app, services, key = bot.app, bot.services, form_key(bot.services.config, "teams")

    @app.on_message
    async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
        activity = ctx.activity
        text = message_text(activity)
        if not text and activity.value:  # a card's button that is not a dialog
            asked = button_text(activity.value)
            if not asked:
                return
            text = asked
        asker = bot.context(activity)

        def work() -> Reply | Form:
            remember(services, activity)
            return dispatch(text, asker, services.db(), services.settings())

        result = await bot._answer("message", work)
        await attempt_sending("message (sending the answer)",
                              ctx.send(_message(bot, result, asker)))

    @app.on_dialog_open
    async def on_dialog_open(ctx: ActivityContext[TaskFetchInvokeActivity]) -> Any:
        data = activity_data(ctx.activity)
        asker = bot.context(ctx.activity)

        def work() -> Form:
            pid, action = button_target(str(data.get("target") or ""))
            form = open_update_form(pid, action, asker, services.db())
            prefill = data.get("prefill")
            if isinstance(prefill, dict) and data.get("version") == form.hidden.get("version"):
                for item in form.fields:  # what was typed, if the action is still as it was
                    item.value = str(prefill.get(item.id, item.value) or "") or None
            form.hidden = seal(form.hidden, key, "teams")  # bot/form_seal.py
            return form

        return dialog_response(await bot._answer("update dialog", work))

    @app.on_dialog_submit
    async def on_dialog_submit(ctx: ActivityContext[TaskSubmitInvokeActivity]) -> Any:
        data = activity_data(ctx.activity)
        if data.get("action") == CLOSE:
            return None  # an empty answer closes the dialog
        asker = bot.context(ctx.activity)
        submission = read_submission(data, asker.user)
        errors: dict[str, str] = {}

        def work() -> Reply | Form:
            submission.hidden = unseal(submission.hidden, key, "teams")
            try:
                return submit_update(submission, asker, services.db(), services.settings())
            except FormErrors as exc:
                errors.update(exc.errors)
                hidden = submission.hidden
                form = open_update_form(hidden["partnership"], hidden["action"], asker,
                                        services.db())
                form.hidden = seal(hidden, key, "teams")  # the version the user started from
                return form

        return dialog_response(await bot._answer("update dialog submit", work), submission.values,
                       errors)

    @app.on_conversation_update
    async def on_conversation_update(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        activity, bot_id = ctx.activity, ctx.activity.recipient.id
        if any(m.id == bot_id for m in activity.members_added or []):
            await _installed(bot, ctx, welcome=True)
        elif any(m.id == bot_id for m in activity.members_removed or []):
            await asyncio.to_thread(uninstalled, services, base_id(activity.conversation.id))

    @app.on_install_add
    async def on_install(ctx: ActivityContext[InstalledActivity]) -> None:
        await _installed(bot, ctx, welcome=False)  # conversationUpdate follows with the welcome

    @app.on_install_remove
    async def on_uninstall(ctx: ActivityContext[UninstalledActivity]) -> None:
        await asyncio.to_thread(uninstalled, services, base_id(ctx.activity.conversation.id))


async def _installed(bot: TeamsBot, ctx: ActivityContext[Any], welcome: bool) -> None:
    activity = ctx.activity
    installer = activity.from_.aad_object_id or activity.from_.id
    where = conversation_of(activity)
    reply = await bot._answer("installation", lambda: installed(
        bot.services, where, installer, bot.context(activity)))
    if welcome and isinstance(reply, Reply):
        await attempt_sending("installation (sending the welcome)",
                              ctx.send(card_activity(render_card(reply), reply.fallback_text)))


def button_text(value: Any) -> str | None:
    """What a card's command button ("Where?") asks, from the message's value."""
    if not isinstance(value, dict):
        return None
    return button_command(str(value.get(BUTTON) or ""), str(value.get("value") or ""))


def _message(bot: TeamsBot, result: Reply | Form, asker: Context) -> MessageActivityInput:
    """The answer to a message: the reply's card, or for a form a card with a button that
    opens it (a dialog cannot open from a message)."""
    if isinstance(result, Form):
        target = f"{result.hidden.get('partnership', '')}:{result.hidden.get('action', '')}"
        return card_activity(form_opener(result, target), result.title)
    if result.effects:
        note = bot.on_effects(result, asker) if bot.on_effects else (
            "Sending the briefing to Teams channels from chat is not available yet: an admin "
            "can run `cspbot send-briefing` on the server.")
        if note:
            result.blocks.append(Text(note))
    return card_activity(render_card(result), result.fallback_text)
