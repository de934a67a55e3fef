"""Token validation on /api/messages, with CSP_TEAMS_SKIP_AUTH off: the SDK's validator checks
a Bot Framework token's signature (keys from the connector stub's JWKS, put where Microsoft's
OpenID metadata would point), issuer, audience, expiry and service URL claim."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.demo_store import make_demo_store
from fakes.teams_activities import APP_ID, TENANT, card_text, message
from fakes.teams_connector import FakeConnector
from fastapi.testclient import TestClient
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides

from bot.config import load_config
from bot.services import Services
from bot.teams.app import TeamsBot
from bot.web import build_web_app


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, FakeConnector]]:
    store = make_demo_store(tmp_path)
    with FakeConnector() as connector:
        config = load_config({"CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret",
                              "TENANT_ID": TENANT, "CSP_TEAMS_LOGIN_URL": connector.url,
                              "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url,
                              "CSP_DB_PATH": str(store)})
        assert not config.teams_skip_auth
        cloud = with_overrides(PUBLIC, openid_metadata_url=f"{connector.url}v1/.well-known/"
                                                           "openidconfiguration")
        web = build_web_app(None, TeamsBot(Services(config), cloud=cloud))
        with TestClient(web) as client:
            yield client, connector


def send(client: TestClient, body: dict[str, Any], token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/messages", json=body, headers=headers).status_code


def test_a_valid_bot_framework_token_is_accepted(served: tuple[TestClient, FakeConnector]
                                                 ) -> None:
    client, connector = served
    assert send(client, message(connector, "burglary"), connector.mint_token(APP_ID)) == 200
    assert "burglary" in card_text(connector.cards()[0]).lower()


@pytest.mark.parametrize("problem", ["none", "audience", "expired", "issuer", "service_url",
                                     "key"])
def test_a_token_that_is_not_right_is_refused(served: tuple[TestClient, FakeConnector],
                                              problem: str) -> None:
    client, connector = served
    token: str | None = {
        "none": lambda: None,
        "audience": lambda: connector.mint_token("another-app"),
        "expired": lambda: connector.mint_token(APP_ID, expires_in=-3600),
        "issuer": lambda: connector.mint_token(APP_ID, issuer="https://example.org"),
        "service_url": lambda: connector.mint_token(APP_ID, "https://smba.example.org/"),
        "key": lambda: FakeConnector.mint_token(_stranger(), APP_ID, connector.url),
    }[problem]()
    assert send(client, message(connector, "burglary"), token) == 401
    assert connector.activities() == []


def _stranger() -> FakeConnector:
    """Another stub: its key signs tokens the bot must not trust."""
    stranger = FakeConnector()
    stranger.stop()
    return stranger
