"""The printable board paper on the bot's own web server (CSP_PUBLIC_URL): a running bot serves
the very page `cspbot briefing` writes at its signed address, and nothing (404) at an address
it did not sign."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fakes.processes import launch_bot
from fastapi.testclient import TestClient

from bot.config import load_config
from bot.paper_link import paper_url
from bot.web import build_web_app

PUBLIC = "https://csp.example.org"
ENV = {"CLIENT_ID": "00000000-0000-0000-0000-00000000c5b0", "CLIENT_SECRET": "not-a-real-secret",
       "CSP_TEAMS_SKIP_AUTH": "true", "CSP_PUBLIC_URL": PUBLIC, "CSP_ANSWER_WORKERS": "0",
       "CSP_PREPARE_ANSWERS": "false"}


def fetch(url: str) -> tuple[int, str, str]:
    """Status, Content-Type and body of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"], refused.read().decode()


def test_a_running_bot_serves_the_paper_at_its_signed_address_only(
        demo_store: Path, tmp_path: Path, cspbot) -> None:  # type: ignore[no-untyped-def]
    config = load_config(ENV)
    signed = paper_url(config, "kettering", "2010-03")
    assert signed is not None and signed.startswith(f"{PUBLIC}/papers/kettering/2010-03/")
    token = signed.rsplit("/", 1)[1]
    with launch_bot(demo_store, ENV, "teams") as bot:
        status, kind, page = fetch(signed.replace(PUBLIC, bot.url))
        assert status == 200 and kind.startswith("text/html"), page[:500]
        wrong = token[:-1] + ("0" if token[-1] != "0" else "1")
        other_month = paper_url(config, "kettering", "2010-02")
        other_place = paper_url(config, "nowhere", "2010-03")
        assert other_month is not None and other_place is not None
        for refused in (f"{bot.url}/papers/kettering/2010-03/{wrong}",
                        f"{bot.url}/papers/kettering/2010-03/{token[:-1]}",
                        f"{bot.url}/papers/kettering/2010-02/{token}",  # another month's
                        f"{bot.url}/papers/corby/2010-03/{token}",  # another partnership's
                        other_place.replace(PUBLIC, bot.url),  # signed, but no such partnership
                        f"{bot.url}/papers/kettering/2010-3/{token}"):
            assert fetch(refused)[0] == 404, refused
        assert fetch(other_month.replace(PUBLIC, bot.url))[0] == 200  # its own token: served
    out = tmp_path / "out"
    result = cspbot("briefing", "--partnership", "kettering", "--month", "2010-03", "--out",
                    str(out), env={"CSP_DB_PATH": str(demo_store)})
    assert result.exit_code == 0, result.output
    assert page == (out / "briefing.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("secret", ["not-a-real-secret", "another-secret"])
def test_the_address_depends_on_the_secret_and_needs_the_setting(secret: str) -> None:
    with_secret = load_config({**ENV, "CLIENT_SECRET": secret})
    assert paper_url(with_secret, "kettering", "2010-03") != paper_url(
        load_config({**ENV, "CLIENT_SECRET": secret + "!"}), "kettering", "2010-03")
    assert paper_url(load_config({**ENV, "CSP_PUBLIC_URL": ""}), "kettering", "2010-03") is None


def test_without_the_setting_no_paper_is_served() -> None:
    with TestClient(build_web_app(None)) as client:
        assert client.get("/papers/kettering/2010-03/0123456789abcdef").status_code == 404


def test_the_public_url_must_be_https() -> None:
    assert load_config({"CSP_PUBLIC_URL": "https://csp.example.org/"}).public_url == PUBLIC
    for bad in ("http://csp.example.org", "https://", "csp.example.org", "https://x/?a=1"):
        with pytest.raises(ValueError, match="CSP_PUBLIC_URL must be an https:// address"):
            load_config({"CSP_PUBLIC_URL": bad})
