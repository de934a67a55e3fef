"""Requests to the bot signed exactly as Slack signs them (v0 HMAC-SHA256 of timestamp and body).

See https://api.slack.com/authentication/verifying-requests-from-slack.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request


def sign(secret: str, body: bytes, timestamp: int) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post_signed(url: str, secret: str, body: bytes, *, timestamp: int | None = None,
                signature: str | None = None,
                content_type: str = "application/x-www-form-urlencoded") -> tuple[int, bytes]:
    """POST `body` to the bot with Slack's headers; (status, response body)."""
    ts = int(time.time()) if timestamp is None else timestamp
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature or sign(secret, body, ts)})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def slash_command(text: str, user: str, channel: str, response_url: str,
                  trigger_id: str = "T1.trigger") -> bytes:
    return urllib.parse.urlencode({
        "token": "deprecated-verification-token", "team_id": "T0KET", "team_domain": "ket",
        "channel_id": channel, "channel_name": "csp", "user_id": user, "user_name": user,
        "command": "/csp", "text": text, "api_app_id": "A0CSPBOT", "is_enterprise_install":
        "false", "response_url": response_url, "trigger_id": trigger_id}).encode()


def interaction(payload: dict) -> bytes:
    """An interactivity request (button click, view submission): payload=<json>, form-encoded."""
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
