"""One ASGI web app (FastAPI, served by uvicorn): Slack at /slack/events, health at /healthz.

Bolt's dispatch is synchronous; it runs in a worker thread so the event loop keeps accepting
requests while one is being verified and acknowledged.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool


def build_web_app(slack: App | None) -> FastAPI:
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

    return web
