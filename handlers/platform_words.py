"""What a reply says about the platform it is shown on: where answers go, how to ask
privately, which partnership-file key lists a channel, and how a command is typed there.

Slack: `/csp ...` answers privately unless `share` is added. Teams: no private answer to a
channel message, so an answer goes in the message's thread; the personal chat with CSP Bot is
private; in a channel or group chat CSP Bot is mentioned (`@CSP Bot burglary`), in the personal
chat the words are typed alone (a leading `/csp` is ignored). The console: the answer is
printed where it was asked.
"""

from __future__ import annotations

import re

from handlers.reply import Context

MENTION = "@CSP Bot"
_TYPED = re.compile(r"(?<![\w/])/csp\b ?")


def channel_key(ctx: Context) -> str:
    """The partnership-file key that lists the channels CSP Bot answers in, here."""
    return "teams_channels" if ctx.platform == "teams" else "slack_channels"


def ask_privately(ctx: Context) -> str:
    """Where to ask for an answer only the asker sees."""
    if ctx.platform == "teams":
        return "ask in your personal chat with CSP Bot"
    return "message CSP Bot directly"


def where_answers_go(ctx: Context) -> str:
    """One sentence: who sees an answer here, and how to show it to the channel."""
    if ctx.platform == "teams":
        return ("In a channel or group chat the answer goes in the message's thread, for "
                "everyone there; ask in your personal chat with CSP Bot for an answer only "
                "you see.")
    if ctx.platform == "slack":
        return "Answers are private; add `share` to post one in the channel."
    return ""


def as_typed(text: str, ctx: Context, channel: bool | None = None) -> str:
    """`/csp burglary` as it is typed on this platform: `@CSP Bot burglary` in a Teams channel
    (or wherever `channel` says), `burglary` in the Teams personal chat; unchanged in Slack and
    the console."""
    if ctx.platform != "teams":
        return text
    in_channel = bool(ctx.channel) if channel is None else channel
    return _TYPED.sub(f"{MENTION} " if in_channel else "", text)
