"""The Slack Web API client: base URL from CSP_SLACK_API_URL, slack_sdk's retry handlers on.

Rate limits (429, honouring Retry-After), server errors (5xx) and dropped connections are
retried by slack_sdk's own handlers, never by hand-written loops.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

DEFAULT_API_URL = "https://slack.com/api/"


def make_client(token: str | None, api_url: str | None = None, retries: int = 3) -> WebClient:
    client = WebClient(token=token, base_url=api_url or DEFAULT_API_URL, timeout=30)
    client.retry_handlers.extend([
        RateLimitErrorRetryHandler(max_retry_count=retries),
        ServerErrorRetryHandler(max_retry_count=retries),
        ConnectionErrorRetryHandler(max_retry_count=retries),
    ])
    return client
