"""Posting a briefing's parts to a Teams conversation, as bot/delivery/deliver.py asks.

`teams_poster()` gives the delivery a Poster for one conversation stored when CSP Bot was
installed there (bot/teams/install.py): each part's neutral Reply goes as an Adaptive Card, the
headline first, then the charts and the details as replies in its thread; the answer's activity
id is what the ledger records. Retries of the Bot Connector are bot/teams/connector.py's.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.services import Services
from bot.teams.connector import sender_for
from bot.teams.install import conversation_ref
from bot.teams.render import render_card
from data.errors import DataError
from handlers.reply import Reply


def teams_poster(services: Services, conversation: str) -> Callable[[Reply, str | None], str]:
    """Posts parts as Adaptive Cards into a Teams conversation stored at installation: the
    headline, then the charts and the details as replies in its thread."""
    ref = conversation_ref(services, conversation)
    if ref is None:
        raise DataError(f"CSP Bot has no stored Teams conversation {conversation}: it must be "
                        "installed there first.")
    sender = sender_for(services.config)

    def post(part: Reply, thread: str | None) -> str:
        target = ref.thread(thread) if thread else ref
        return sender.post_card(target, render_card(part), summary=part.title)

    return post
