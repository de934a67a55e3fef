"""One ASGI web app (FastAPI, served by uvicorn): Slack at /slack/events, Teams at
/api/messages, health at /healthz and, with CSP_PUBLIC_URL set, the printable board papers at
/papers/<partnership>/<YYYY-MM>/<token> (bot/paper_link.py; the page from what bot/startup.py
hands in, read-only; 404 for a token that is not the bot's).

What comes from outside is checked here before anything parses it. A body over the limit
(CSP_HTTP_MAX_BODY_BYTES) gets 413 before it is read whole: at once when its Content-Length
says so, else as soon as the count passes the limit while a chunked body streams in. A Slack
request's signature is checked on the raw bytes (missing, wrong, a timestamp that is not a
number or more than five minutes off: 401); only then is the body read, and one that cannot be
(not UTF-8, not JSON where JSON is said) gets 400. Teams' requests go to bot/teams/app.py's
`TeamsBot.handle` as bytes, where the token is checked before anything else. Refusals are
logged as one short line, at most one a minute of each kind (bot/logs.py's `Throttled`), never
with the body.

Bolt's dispatch is synchronous; it runs in a worker thread so the event loop keeps accepting
requests while one is being acknowledged. Teams' SDK is asynchronous: its handler runs on the
loop (and runs CSP Bot's handlers in worker threads itself).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.error import BoltError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from bot.logs import Throttled

log = logging.getLogger("cspbot.web")
MAX_BODY = 1024 * 1024  # CSP_HTTP_MAX_BODY_BYTES' default
SLACK_MAX_AGE_S = 5 * 60  # Slack's rule: a request signed longer ago than this is refused
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# a paper is self-contained (inline CSS, data: images, no script); its address is its key
PAPER_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
                 "X-Robots-Tag": "noindex", "X-Content-Type-Options": "nosniff",
                 "Content-Security-Policy": "default-src 'none'; img-src data:; "
                                            "style-src 'unsafe-inline'"}


class ActivityHandler(Protocol):
    """What serves /api/messages (bot/teams/app.py's TeamsBot)."""

    async def handle(self, body: bytes, headers: dict[str, str], peer: str = ""
                     ) -> tuple[int, Any]: ...


class _Refused(Exception):
    """A request refused before it reached Slack's or Teams' handlers."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status, self.error = status, error


def build_web_app(slack: App | None, teams: ActivityHandler | None = None, *,
                  slack_signing_secret: str = "", max_body: int = MAX_BODY,
                  papers: Callable[[str, str, str], str | None] | None = None) -> FastAPI:
    """The web app for the chats given; Slack's requests are verified with its signing
    secret, which `slack` needs. `papers` (partnership, month, token) gives a paper's HTML, or
    None for 404 (bot/delivery/paper_page.py)."""
    if slack is not None and not slack_signing_secret:
        raise ValueError("serving Slack needs its signing secret")
    web = FastAPI(title="CSP Bot", docs_url=None, redoc_url=None, openapi_url=None)
    too_large, unsigned = Throttled(log), Throttled(log)

    @web.exception_handler(_Refused)
    async def refused(request: Request, exc: _Refused) -> Response:
        return JSONResponse({"error": exc.error}, exc.status)

    async def read_body(request: Request) -> bytes:
        """The body, up to `max_body` bytes; a larger one is refused (413) unread."""
        declared = request.headers.get("content-length", "")
        size, chunks = 0, []
        if declared.isascii() and declared.isdigit() and int(declared) > max_body:
            size = int(declared)
        else:
            try:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > max_body:
                        break
                    chunks.append(chunk)
            except ClientDisconnect:
                raise _Refused(400, "the request ended before its body did") from None
        if size > max_body:
            too_large.warning("refused a request to %s from %s: its body is over %d bytes "
                              "(CSP_HTTP_MAX_BODY_BYTES)", request.url.path, peer(request),
                              max_body)
            raise _Refused(413, f"the body is over the limit of {max_body} bytes")
        return b"".join(chunks)

    @web.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    if slack is not None:
        @web.post("/slack/events")
        async def slack_events(request: Request) -> Response:
            body = await read_body(request)
            if not signed_by_slack(slack_signing_secret, body, request.headers, time.time()):
                unsigned.warning("refused a request to /slack/events from %s: its Slack "
                                 "signature is missing, wrong or more than 5 minutes old",
                                 peer(request))
                return JSONResponse({"error": "invalid request"}, 401)
            try:
                bolt_request = to_bolt_request(request, body)
            except (ValueError, TypeError, AttributeError, RecursionError, BoltError) as exc:
                # signed, so from Slack itself: a body Bolt cannot read (not UTF-8, not JSON)
                log.warning("a signed Slack request could not be read (%s)", type(exc).__name__)
                return JSONResponse({"error": "the body cannot be read"}, 400)
            response = await run_in_threadpool(slack.dispatch, bolt_request)
            return to_starlette_response(response)

    if teams is not None:
        @web.post("/api/messages")
        async def teams_messages(request: Request) -> Response:
            body = await read_body(request)
            status, answer = await teams.handle(body, dict(request.headers), peer(request))
            if answer is None:
                return Response(status_code=status)
            return JSONResponse(answer, status_code=status)

    if papers is not None:
        @web.get("/papers/{partnership}/{month}/{token}")
        async def paper(partnership: str, month: str, token: str) -> Response:
            html = await run_in_threadpool(papers, partnership, month, token)
            if html is None:
                return JSONResponse({"error": "not found"}, 404)
            return HTMLResponse(html, headers=PAPER_HEADERS)

    return web


def signed_by_slack(secret: str, body: bytes, headers: Mapping[str, str], now: float) -> bool:
    """Whether `body` carries Slack's signature (v0, HMAC-SHA256 of the timestamp and the raw
    bytes) made with `secret` within the last five minutes (Slack's rule). Not slack_sdk's
    SignatureVerifier: it decodes the body as UTF-8 and reads the timestamp with int(), so a
    request that is neither would raise (a 500) instead of being refused."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not _TIMESTAMP.fullmatch(timestamp) or abs(now - int(timestamp)) > SLACK_MAX_AGE_S:
        return False
    mac = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    # headers are read as latin-1: any header, whatever its bytes, is compared as those bytes
    return hmac.compare_digest(b"v0=" + mac.hexdigest().encode(), signature.encode("latin-1"))


def peer(request: Request) -> str:
    """The address the request came from (a proxy's, behind one)."""
    return request.client.host if request.client else "an unknown address"
