"""One web server for both chats (`cspbot run --platform both --http PORT`): /slack/events and
/api/messages from the one FastAPI app; and what `cspbot run --platform` refuses."""

from __future__ import annotations

from pathlib import Path

from fakes.demo_store import make_demo_store
from fakes.teams_activities import APP_ID, message
from fakes.teams_connector import FakeConnector
from fastapi.testclient import TestClient

from bot.config import load_config
from bot.services import Services
from bot.slack.app import build_app
from bot.teams.app import TeamsBot
from bot.web import build_web_app


def test_one_app_serves_slack_and_teams(tmp_path: Path) -> None:
    store = make_demo_store(tmp_path)
    with FakeConnector() as connector:
        config = load_config({"CLIENT_ID": APP_ID, "CLIENT_SECRET": "x", "CSP_DB_PATH": str(store),
                              "CSP_TEAMS_SKIP_AUTH": "true",
                              "CSP_TEAMS_LOGIN_URL": connector.url,
                              "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url,
                              "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
                              "CSP_SLACK_API_URL": "http://127.0.0.1:9/api/"})
        services = Services(config)
        slack = build_app(services, config.slack_bot_token, config.slack_signing_secret,
                          config.slack_api_url)
        web = build_web_app(slack, TeamsBot(services),
                            slack_signing_secret=config.slack_signing_secret)
        with TestClient(web) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            assert client.post("/slack/events", content=b"command=/csp&text=help").status_code \
                == 401  # unsigned: refused
            assert client.post("/api/messages", json=message(connector, "help")).status_code \
                == 200
        assert "what you can ask" in str(connector.cards())


def test_run_says_what_a_platform_needs(cspbot) -> None:  # type: ignore[no-untyped-def]
    no_teams = {"CLIENT_ID": "", "CLIENT_SECRET": "", "CSP_TEAMS_SKIP_AUTH": "false"}
    result = cspbot("run", "--platform", "teams", "--http", "0", env=no_teams)
    assert result.exit_code == 1 and "needs CLIENT_ID and CLIENT_SECRET" in result.output
    only_id = {**no_teams, "CLIENT_ID": APP_ID}
    result = cspbot("run", "--platform", "teams", "--http", "0", env=only_id)
    assert result.exit_code == 1 and "needs CLIENT_SECRET" in result.output
    result = cspbot("run", "--platform", "teams", env={"CLIENT_ID": APP_ID,
                                                       "CLIENT_SECRET": "x"})
    assert result.exit_code == 1 and "--http PORT" in result.output
    result = cspbot("run", "--platform", "slack", env={"SLACK_BOT_TOKEN": "",
                                                       "SLACK_SIGNING_SECRET": ""})
    assert result.exit_code == 1 and "SLACK_BOT_TOKEN" in result.output
