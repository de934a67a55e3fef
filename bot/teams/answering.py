"""Answering on Teams: what was asked, and the one place of the Teams front end where what a
handler did (or the exception that stopped it) becomes what the person sees: `attempt` turns an
exception into a message through bot/services.py's `reply_to` (a CspError by the handlers'
rules, anything else logged with a reference id); `dialog_response` is the dialog's next card.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

with warnings.catch_warnings():  # the SDK announces its preview features when imported
    warnings.simplefilter("ignore")
    from microsoft_teams.api.activities.message import MessageActivity
    from microsoft_teams.api.activities.utils import (
        StripMentionsTextOptions,
        strip_mentions_text,
    )
    from microsoft_teams.api.models.attachment import Attachment
    from microsoft_teams.api.models.invoke_response import InvokeResponse
    from microsoft_teams.api.models.task_module import (
        CardTaskModuleTaskInfo,
        TaskModuleContinueResponse,
        TaskModuleResponse,
    )

from bot.services import reply_to
from bot.teams.connector import CARD
from bot.teams.dialog import dialog_card, render_dialog
from bot.teams.render import fit
from handlers.reply import Form, Reply

_COMMAND_WORD = re.compile(r"^/?csp\b[:,]?\s*", re.IGNORECASE)
_TAGS = re.compile(r"</?(at|p|span|div|br)\b[^>]*>", re.IGNORECASE)


def attempt(where: str, work: Callable[[], Any]) -> Any:
    """`work()`, or the message for the exception that stopped it: the one place of the Teams
    front end where exceptions become messages (through bot/services.py's `reply_to`)."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 (the one place exceptions become messages)
        return reply_to(exc, where)


async def attempt_sending(where: str, send: Awaitable[Any]) -> None:
    """Await a send; a failure is logged with a reference (there is nobody left to answer)."""
    try:
        await send
    except Exception as exc:  # noqa: BLE001 (logged by reply_to, with a reference)
        reply_to(exc, where)


def message_text(activity: MessageActivity) -> str:
    """What was asked: mention tags and markup removed, a leading 'csp' or '/csp' dropped."""
    text = strip_mentions_text(activity, StripMentionsTextOptions(
        account_id=activity.recipient.id)) or ""
    text = html.unescape(_TAGS.sub(" ", text)).replace("\xa0", " ")
    return _COMMAND_WORD.sub("", " ".join(text.split()))


def activity_data(activity: Any) -> dict[str, Any]:
    data = activity.value.data if activity.value else None
    return data if isinstance(data, dict) else {}


def dialog_response(result: Reply | Form, values: dict[str, str] | None = None,
            errors: dict[str, str] | None = None) -> InvokeResponse[TaskModuleResponse]:
    """The dialog's next card: the form (with the errors of a refused submit), or a reply."""
    card = attempt("update dialog (rendering)", lambda: (
        render_dialog(result, values, errors) if isinstance(result, Form)
        else dialog_card(result)))
    if isinstance(card, Reply):  # rendering failed: the apology, shown in the dialog
        result, card = card, dialog_card(card)
    info = CardTaskModuleTaskInfo(title=fit(result.title or "CSP Bot", 60),
                                  card=Attachment(content_type=CARD, content=card))
    return InvokeResponse(status=200, body=TaskModuleResponse(
        task=TaskModuleContinueResponse(value=info)))
