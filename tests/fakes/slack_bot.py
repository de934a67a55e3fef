"""What the tests that run the Slack bot against the local fake Slack share: the bot token and
signing secret they give it, and the environment that points it at a FakeSlack."""

from __future__ import annotations

from fakes.slack_api import FakeSlack

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


def slack_env(fake: FakeSlack) -> dict[str, str | None]:
    """The Slack settings of a bot talking to `fake` over HTTP (no Socket Mode app token),
    for fakes.processes.launch_bot."""
    return {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
            "CSP_SLACK_API_URL": fake.url, "SLACK_APP_TOKEN": None}
