"""`dispatch`: one line of `/csp ...` text in, one neutral Reply (or Form) out.

It refuses over-long input, finds the partnership (the channel's, or the asker's in a direct
message), the command (or an indicator: `/csp burglary town centre 2010-03`), checks the asker
may run it, and runs it. A `CspError` becomes a private reply that says what to type; any other
exception goes up to the front end, which logs it with a reference id (one place per front end).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlite_utils

from data.partnerships import partnership_ids, partnership_today
from data.people import find_people, partnership_of_channel
from handlers import acl
from handlers.platform_words import ask_privately, channel_key
from handlers.registry import lookup
from handlers.reply import Context, CspError, Form, Reply, Text
from handlers.request import Request, Settings  # bot/ imports Settings from here too
from handlers.where import where_words

MAX_INPUT = 1000
SHARE_WORDS = ("share", "--share")


def dispatch(text: str, ctx: Context, db: sqlite_utils.Database,
             settings: Settings | None = None) -> Reply | Form:
    settings = settings or Settings()
    try:
        return _dispatch(text, ctx, db, settings)
    except CspError as exc:
        return error_reply(exc)


def error_reply(exc: CspError) -> Reply:
    lines = [exc.message] + ([f"Try: {exc.usage}"] if exc.usage else [])
    return Reply("Sorry", [Text("\n".join(lines))], " ".join(lines), public=False)


def _dispatch(text: str, ctx: Context, db: sqlite_utils.Database, settings: Settings
              ) -> Reply | Form:
    if len(text) > MAX_INPUT:
        raise CspError(f"That is {len(text):,} characters; CSP Bot reads at most "
                       f"{MAX_INPUT:,}. Please shorten it.")
    words = text.split()
    public = any(w.lower() in SHARE_WORDS for w in words)
    words = where_words([w for w in words if w.lower() not in SHARE_WORDS])
    entry = lookup(words[0]) if words else lookup("help")
    pid, person = find_partnership(db, ctx, settings,
                                   any_channel=bool(entry and entry.any_channel))
    rest = words[1:] if words else []
    if entry is None:
        entry, rest = lookup("indicator"), words  # "/csp burglary town centre"
    assert entry is not None
    acl.check(entry, person, ctx)
    ctx = replace(ctx, today=partnership_today(db, pid, ctx.today))  # a demo's own date
    request = Request(db, ctx, pid, person, rest, text, public, settings)
    result = entry.handler(request)
    if isinstance(result, Reply):
        result.public = result.public or public
    return result


def find_partnership(db: sqlite_utils.Database, ctx: Context, settings: Settings,
                     any_channel: bool = False) -> tuple[str, dict[str, Any] | None]:
    """The partnership that answers here, and the asker's row in it (None if not listed)."""
    people = find_people(db, ctx.platform, ctx.user)
    if ctx.platform == "console":
        pid = settings.partnership or _only(db)
        return pid, next((p for p in people if p["partnership"] == pid), None)
    if ctx.channel is not None:
        found = partnership_of_channel(db, ctx.platform, ctx.channel)
        if found is None and any_channel and people:
            return people[0]["partnership"], people[0]
        if found is None:
            raise CspError("CSP Bot does not answer in this channel: no partnership has "
                           "added it.", "ask your partnership's admin to add the channel to "
                           f"the partnership file ({channel_key(ctx)}), or "
                           f"{ask_privately(ctx)}.")
        return found, next((p for p in people if p["partnership"] == found), None)
    if not people:
        raise CspError("CSP Bot answers the people of a partnership, and you are not on any "
                       "partnership's list.", "ask your partnership's admin to add your user "
                       "id to the partnership file.")
    return people[0]["partnership"], people[0]


def _only(db: sqlite_utils.Database) -> str:
    ids = partnership_ids(db)
    if not ids:
        raise CspError("The store holds no partnership yet.", "cspbot demo (or cspbot "
                       "partnership load FILE)")
    if len(ids) > 1:
        raise CspError(f"The store holds several partnerships ({', '.join(ids)}).",
                       "cspbot console --partnership ID")
    return ids[0]
