"""Sending a neutral Reply to Slack: blocks through the response URL or chat.postMessage, charts
with files_upload_v2 (channel ids, alt text).

A private answer is ephemeral; Slack has no private files, so its charts go to the asker's
direct message with CSP Bot. A shared answer is posted in the channel, its charts in the thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.slack.render import render_message
from handlers.reply import Chart, Reply


def send_reply(client: WebClient, reply: Reply, *, user: str, channel: str | None,
               respond: Callable[..., Any] | None = None) -> None:
    message = render_message(reply)
    if reply.public and channel:
        posted = client.chat_postMessage(channel=channel, blocks=message.blocks,
                                         text=message.text)
        upload_charts(client, message.charts, channel, thread_ts=posted.get("ts"))
        return
    if respond is not None:
        respond(blocks=message.blocks, text=message.text, response_type="ephemeral")
    elif channel and not channel.startswith("D"):
        client.chat_postEphemeral(channel=channel, user=user, blocks=message.blocks,
                                  text=message.text)
    else:
        channel = direct_channel(client, user)
        client.chat_postMessage(channel=channel, blocks=message.blocks, text=message.text)
    if message.charts:
        upload_charts(client, message.charts, direct_channel(client, user))


_DIRECT: dict[tuple[str, str | None, str], str] = {}  # (API, token, user) -> channel id


def direct_channel(client: WebClient, user: str) -> str:
    """The id of the direct message channel between CSP Bot and `user` (opened once: the id of
    a direct message channel does not change)."""
    key = (client.base_url, client.token, user)
    if key not in _DIRECT:
        opened = client.conversations_open(users=user)
        _DIRECT[key] = str(opened["channel"]["id"])
    return _DIRECT[key]


def upload_charts(client: WebClient, charts: list[Chart], channel: str,
                  thread_ts: str | None = None) -> None:
    for chart in charts:
        client.files_upload_v2(channel=channel, file=chart.png, filename=chart.filename,
                               title=chart.title, alt_txt=chart.alt_text[:1000],
                               thread_ts=thread_ts)
