"""The Slack app manifest creates an app with what the bot uses: /csp, scopes, interactivity."""

from __future__ import annotations

import json
import re
from pathlib import Path

MANIFEST = Path(__file__).resolve().parents[1] / "bot" / "slack" / "manifest.json"
BOT = Path(__file__).resolve().parents[1] / "bot"


def manifest() -> dict:
    return json.loads(MANIFEST.read_text())


def test_the_manifest_declares_the_command_interactivity_and_events() -> None:
    m = manifest()
    (command,) = m["features"]["slash_commands"]
    assert command["command"] == "/csp" and command["url"].endswith("/slack/events")
    assert command["should_escape"] is True
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert m["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert m["features"]["app_home"]["home_tab_enabled"] is True


def test_the_scopes_cover_every_web_api_method_the_bot_calls() -> None:
    needed = {"chat_postMessage": "chat:write", "chat_postEphemeral": "chat:write",
              "files_upload_v2": "files:write", "conversations_open": "im:write",
              "views_open": None, "views_publish": None}
    used = set()
    slack_modules = [*(BOT / "slack").glob("*.py"), *(BOT / "delivery").glob("*.py")]
    for path in slack_modules:
        used |= set(re.findall(r"client\.(\w+)\(", path.read_text()))
    assert used, "the bot's Web API calls should be found"
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    for method in used:
        assert method in needed, f"{method}: add its scope to the manifest and to this test"
        if needed[method]:
            assert needed[method] in scopes, method
    assert "commands" in scopes
