"""The address of a briefing's printable board paper on the bot's own web server, for the chats
that take no file from a bot (a Teams channel).

With CSP_PUBLIC_URL set, the paper of (partnership, month) is at
`<CSP_PUBLIC_URL>/papers/<partnership>/<YYYY-MM>/<token>`. The token is an HMAC-SHA256 of the
partnership and the month, keyed as bot/form_seal.py keys its seals: by a key derived from the
platform's secret (Teams' client secret, else Slack's signing secret; never the secret itself),
so nobody can guess another partnership's or another month's address. Without either secret the
key is random for the process: links posted before a restart stop working (404). bot/web.py
serves the address with what bot/delivery/paper_page.py hands it; a bad token gets 404.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from urllib.parse import quote

from bot.config import Config

PATH = "/papers"
MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
TOKEN_CHARS = 32  # hex: 128 bits of the HMAC
_PROCESS_KEY = secrets.token_bytes(32)


def paper_key(config: Config) -> bytes:
    """The key the papers' tokens are made with, derived from the bot's secret."""
    secret = config.teams_client_secret or config.slack_signing_secret
    if not secret:
        return _PROCESS_KEY
    return hmac.new(secret.encode(), b"cspbot paper link v1", hashlib.sha256).digest()


def paper_token(key: bytes, partnership: str, month: str) -> str:
    """The token of the paper of `partnership` for `month` (YYYY-MM)."""
    message = json.dumps(["paper", partnership, month], ensure_ascii=True, separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:TOKEN_CHARS]


def token_matches(key: bytes, partnership: str, month: str, token: str) -> bool:
    """Whether `token` is the one of (partnership, month), compared in constant time."""
    return bool(MONTH.fullmatch(month)) and hmac.compare_digest(
        token.encode("utf-8", "replace"), paper_token(key, partnership, month).encode())


def paper_url(config: Config, partnership: str, month: str) -> str | None:
    """The paper's address, or None when CSP_PUBLIC_URL is not set."""
    if not config.public_url:
        return None
    token = paper_token(paper_key(config), partnership, month)
    return f"{config.public_url}{PATH}/{quote(partnership, safe='')}/{month}/{token}"
