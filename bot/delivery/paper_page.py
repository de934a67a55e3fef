"""The printable board paper served over HTTP (`GET /papers/<partnership>/<YYYY-MM>/<token>`,
bot/web.py), for the Teams headline's "Printable paper" link (bot/paper_link.py).

`paper_pages(services)` gives bot/web.py the function that answers such a request: the same
HTML page as `cspbot briefing` writes (bot/paper/page.py's `render_paper` of the month's
briefing, built as the delivery builds it and shared with it for a while), or None (404) for a
token that is not the bot's, a month that is not YYYY-MM, or a briefing that cannot be built
(an unknown partnership, a month not held). Nothing is written to the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.delivery.deliver import monthly_briefing
from bot.paper.page import render_paper
from bot.paper_link import paper_key, token_matches
from bot.services import Services
from data.errors import DataError

log = logging.getLogger("cspbot.papers")

PaperPage = Callable[[str, str, str], str | None]  # (partnership, month, token) -> HTML or None


def paper_pages(services: Services) -> PaperPage:
    """The function that serves papers for bot/web.py, keyed from the bot's secret."""
    key = paper_key(services.config)

    def page(partnership: str, month: str, token: str) -> str | None:
        if not token_matches(key, partnership, month, token):
            return None
        try:
            briefing = monthly_briefing(services, partnership, month)
        except DataError as exc:
            log.info("no paper for %s %s: %s", partnership, month, exc)
            return None
        return render_paper(briefing, services.settings().suppress_below)

    return page
