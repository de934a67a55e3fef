"""Posting a briefing's parts to a Teams conversation, as bot/delivery.py posts them to Slack.

`teams_poster()` gives bot/delivery.py a Poster for one conversation stored when CSP Bot was
installed there (bot/teams_app.py): each part goes as an Adaptive Card, the headline first, then
the charts and the details as replies in its thread; the answer's activity id is what the
ledger records. Retries of the Bot Connector are bot/teams_client.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.render_briefing_slack import Part
from data.errors import DataError
from handlers.reply import Reply

if TYPE_CHECKING:
    from bot.services import Services
    from bot.slack_posting import Poster


def teams_poster(services: Services, conversation: str) -> Poster:
    """Posts parts as Adaptive Cards into a Teams conversation stored at installation: the
    headline, then the charts and the details as replies in its thread."""
    from bot.render_teams import render_card
    from bot.teams_app import TeamsBot, conversation_ref

    ref = conversation_ref(services, conversation)
    if ref is None:
        raise DataError(f"CSP Bot has no stored Teams conversation {conversation}: it must be "
                        "installed there first.")
    bot = TeamsBot(services)

    def post(part: Part, thread: str | None) -> str:
        reply = part.reply
        if part.chart is not None:
            reply = Reply(part.chart.title, [part.chart], part.chart.alt_text)
        assert reply is not None
        target = ref.thread(thread) if thread else ref
        return bot.post_card(target, render_card(reply), summary=reply.title)

    return post
