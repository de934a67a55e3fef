"""One ASGI web app (FastAPI, served by uvicorn): Slack at /slack/events, Teams at
/api/messages, health at /healthz.

Bolt's dispatch is synchronous; it runs in a worker thread so the event loop keeps accepting
requests while one is being verified and acknowledged. Teams' SDK is asynchronous: its handler
runs on the loop (and runs CSP Bot's handlers in worker threads itself).
"""

from __future__ import annotations

from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool


class ActivityHandler(Protocol):
    """What serves /api/messages (bot/teams/app.py's TeamsBot)."""

    async def handle(self, body: dict[str, Any], headers: dict[str, str]
                     ) -> tuple[int, Any]: ...


def build_web_app(slack: App | None, teams: ActivityHandler | None = None) -> FastAPI:
    web = FastAPI(title="CSP Bot", docs_url=None, redoc_url=None, openapi_url=None)

    @web.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    if slack is not None:
        @web.post("/slack/events")
        async def slack_events(request: Request) -> Response:
            body = await request.body()
            response = await run_in_threadpool(slack.dispatch, to_bolt_request(request, body))
            return to_starlette_response(response)

    if teams is not None:
        @web.post("/api/messages")
        async def teams_messages(request: Request) -> Response:
            try:
                body = await request.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                return JSONResponse({"error": "the body must be a JSON activity"}, 400)
            status, answer = await teams.handle(body, dict(request.headers))
            if answer is None:
                return Response(status_code=status)
            return JSONResponse(answer, status_code=status)

    return web
