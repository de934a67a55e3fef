"""Posting a briefing's parts to a Slack channel: paced per channel, chart uploads retried.

`slack_poster()` gives bot/delivery/deliver.py a Poster for one channel: a part's neutral Reply
goes with chat.postMessage (rendered by bot/slack/render.py), a chart part's chart and the
board paper (a Document) with files_upload_v2; the answer's reference (message ts or file id)
is what the ledger records.
Pacing: at most one post per second per channel (Slack's limit for chat.postMessage), shared
through PACER by every thread of the process; a post waits a second after the previous post to
that channel ended. Retries: slack_sdk's retry handlers (bot/slack/client.py) already retry the
Web API methods, but files_upload_v2 sends the bytes to the upload URL with plain urllib, where
no handler applies: those failures are retried here, with exponential backoff, three tries,
honouring Retry-After on 429. `describe()` words any failure for the ledger, the log and the
admins.
"""

from __future__ import annotations

import http.client
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.error import HTTPError, URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.render import render_message
from data.errors import DataError
from handlers.reply import Chart, Document, Reply

log = logging.getLogger("cspbot.delivery")

Sleep = Callable[[float], None]
Poster = Callable[[Reply, "str | None"], str]  # a part's message, its thread -> reference
UPLOAD_TRIES = 3
BACKOFF_S = 1.0  # then 2 s: the waits between upload tries
MAX_RETRY_AFTER_S = 60.0
NETWORK_ERRORS = (URLError, ConnectionError, TimeoutError, http.client.HTTPException)


class ChannelPacer:
    """At most one post per `interval` seconds per channel, across threads: a post starts
    `interval` after the previous post to the same channel ended (time.monotonic)."""

    def __init__(self, interval: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.interval, self.clock = interval, clock
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    @contextmanager
    def turn(self, channel: str, sleep: Sleep) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(channel, threading.Lock())
        with lock:
            delay = self._last.get(channel, -math.inf) + self.interval - self.clock()
            if delay > 0:
                sleep(delay)
            try:
                yield
            finally:
                self._last[channel] = self.clock()


PACER = ChannelPacer()


def slack_poster(client: WebClient, channel: str, pacer: ChannelPacer, sleep: Sleep) -> Poster:
    return lambda part, thread: post_part(client, channel, part, thread, pacer, sleep)


def post_part(client: WebClient, channel: str, part: Reply, thread: str | None,
              pacer: ChannelPacer, sleep: Sleep) -> str:
    """Post one part (a Reply holding one chart is uploaded); its reference (message ts or
    file id) for the ledger."""
    with pacer.turn(channel, sleep):
        if len(part.blocks) == 1 and isinstance(part.blocks[0], Chart):
            return upload_chart(client, channel, part.blocks[0], thread, sleep)
        if len(part.blocks) == 1 and isinstance(part.blocks[0], Document):
            paper = part.blocks[0]
            return upload(client, channel, thread, sleep, file=paper.data,
                          filename=paper.filename, title=paper.title)
        message = render_message(part)
        answer = client.chat_postMessage(channel=channel, blocks=message.blocks,
                                         text=message.text, thread_ts=thread,
                                         unfurl_links=False, unfurl_media=False)
        return str(answer["ts"])


def upload_chart(client: WebClient, channel: str, chart: Chart, thread: str | None,
                 sleep: Sleep) -> str:
    return upload(client, channel, thread, sleep, file=chart.png, filename=chart.filename,
                  title=chart.title, alt_txt=chart.alt_text)


def upload(client: WebClient, channel: str, thread: str | None, sleep: Sleep,
           **file: Any) -> str:
    """files_upload_v2 (a chart, or the board paper), tried again when the upload URL fails
    (HTTP 429 / 5xx, network); the file's id."""
    for attempt in range(1, UPLOAD_TRIES + 1):
        try:
            answer = client.files_upload_v2(channel=channel, thread_ts=thread, **file)
            uploaded = answer.get("file") or (answer.get("files") or [{}])[0]
            return str(uploaded.get("id") or "")
        except NETWORK_ERRORS as exc:
            if attempt == UPLOAD_TRIES or (isinstance(exc, HTTPError) and exc.code != 429
                                           and exc.code < 500):
                raise
            delay = read_retry_after(exc) or BACKOFF_S * 2 ** (attempt - 1)
            log.warning("file %s upload to %s failed (%s): try %d of %d in %.1f s",
                        file.get("filename"), channel, describe(exc), attempt + 1,
                        UPLOAD_TRIES, delay)
            sleep(delay)
    raise AssertionError("unreachable")


def read_retry_after(exc: BaseException) -> float | None:
    """The Retry-After of an HTTP 429 (at most MAX_RETRY_AFTER_S); None for anything else."""
    if isinstance(exc, HTTPError) and exc.code == 429 and exc.headers:
        try:
            return min(MAX_RETRY_AFTER_S, max(0.0, float(exc.headers.get("Retry-After", ""))))
        except ValueError:
            return None
    return None


def describe(exc: BaseException) -> str:
    """A short description of a failure for the ledger, the log and the admins."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        error = str(exc.response.get("error") or "unknown error")
        text = error + (f" (HTTP {status})" if status != 200 else "")
    elif isinstance(exc, HTTPError):
        text = f"chart upload refused: HTTP {exc.code} {exc.reason}"
    elif isinstance(exc, URLError):
        text = f"could not reach Slack ({exc.reason})"
    elif isinstance(exc, DataError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 300 else text[:299] + "…"
