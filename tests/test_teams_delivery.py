"""The monthly briefing reaches a Teams conversation through the delivery ledger, exactly once:
the headline card, then every chart and the details as replies in its thread; with
CSP_PUBLIC_URL, the headline links to the printable paper on the bot's web server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fakes.teams_activities import APP_ID, CHANNEL, TENANT
from fakes.teams_connector import FakeConnector
from fastapi.testclient import TestClient

import bot.teams.connector as teams_client
from bot.config import load_config
from bot.delivery.deliver import deliver
from bot.delivery.paper_page import paper_pages
from bot.paper_link import paper_url
from bot.services import Services
from bot.web import build_web_app
from data import ledger, teams_refs
from data.demo import load_demo
from data.subscriptions import subscribe


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(teams_client, "BACKOFF_S", 0.01)


def test_a_briefing_is_delivered_to_teams_once(tmp_path: Path) -> None:
    with FakeConnector() as connector:
        config = load_config({"CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret",
                              "TENANT_ID": TENANT, "CSP_TEAMS_LOGIN_URL": connector.url,
                              "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url,
                              "CSP_DB_PATH": str(tmp_path / "csp.db")})
        services = Services(config)
        db = services.db()
        load_demo(db)
        teams_refs.remember(db, CHANNEL, connector.url, TENANT)
        sub = subscribe(db, "kettering", "teams", CHANNEL, "working day 3 at 09:00")
        now = datetime(2010, 4, 6, 8, 0, tzinfo=UTC)
        first = deliver(services, None, sub, "2010-03", now=now)  # type: ignore[arg-type]
        assert first.state == "delivered", first.error
        sent = connector.activities()
        assert len(sent) == len(first.posted_parts) == 13  # headline, 11 charts, details
        headline_id = first.posted_parts and sent[0].answered_id
        threaded = [c for c in sent[1:] if f";messageid={headline_id}" in c.conversation]
        assert len(threaded) == 12  # every chart and the details, in the headline's thread
        headline = sent[0].body
        assert "Vehicle crime is well down" in str(headline)
        assert "At a glance" in str(headline)  # the glance table; no paper: Teams takes no file
        second = deliver(services, None, sub, "2010-03", now=now)  # type: ignore[arg-type]
        assert second.state == "delivered" and second.posted_parts == []
        assert len(connector.activities()) == 13
        row = ledger.current(db, sub, "2010-03")
        assert row is not None and row["state"] == "delivered"
        assert len(ledger.parts_done(db, row["id"])) == 13


def open_urls(node: Any) -> list[tuple[str, str]]:
    """(title, url) of every Action.OpenUrl in a card, wherever it sits."""
    if isinstance(node, list):
        return [found for item in node for found in open_urls(item)]
    if not isinstance(node, dict):
        return []
    own = [(node.get("title", ""), node["url"])] if node.get("type") == "Action.OpenUrl" else []
    return own + [found for value in node.values() for found in open_urls(value)]


@pytest.mark.parametrize("public_url", ["https://csp.example.org", ""])
def test_the_headline_links_to_the_paper_when_the_bot_has_a_public_url(
        tmp_path: Path, public_url: str) -> None:
    with FakeConnector() as connector:
        config = load_config({"CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret",
                              "TENANT_ID": TENANT, "CSP_TEAMS_LOGIN_URL": connector.url,
                              "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url,
                              "CSP_DB_PATH": str(tmp_path / "csp.db"),
                              "CSP_PUBLIC_URL": public_url})
        services = Services(config)
        db = services.db()
        load_demo(db)
        teams_refs.remember(db, CHANNEL, connector.url, TENANT)
        sub = subscribe(db, "kettering", "teams", CHANNEL, "working day 3 at 09:00")
        now = datetime(2010, 4, 6, 8, 0, tzinfo=UTC)
        result = deliver(services, None, sub, "2010-03", now=now)  # type: ignore[arg-type]
        assert result.state == "delivered", result.error
        cards = connector.cards()
        links = [open_urls(card) for card in cards]
        if public_url:
            signed = paper_url(config, "kettering", "2010-03")
            assert signed is not None and signed.startswith(f"{public_url}/papers/kettering/")
            assert links[0] == [("Printable paper", signed)]  # in the headline, once
            glance = str(cards[0]).index("At a glance")
            assert glance < str(cards[0]).index(signed)  # after the summary at a glance
            with TestClient(build_web_app(None, papers=paper_pages(services))) as web:
                page = web.get(signed.removeprefix(public_url))
            assert page.status_code == 200 and "<!DOCTYPE html>" in page.text
        else:
            assert links[0] == []
            assert "papers" not in str(cards[0])
        assert all(found == [] for found in links[1:])  # no link in the thread's parts
