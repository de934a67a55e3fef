"""A bot serving Slack and Teams on one server with every check on, as the tests and the
benchmark of what outsiders can send (tests/test_edge.py, tests/test_teams_edge.py,
bench/edge.py) run it, and tokens as a forger would make them."""

from __future__ import annotations

import time
from typing import Any

from fakes.slack_api import FakeSlack
from fakes.slack_bot import slack_env
from fakes.teams_activities import APP_ID, TENANT
from fakes.teams_connector import FakeConnector


def edge_env(slack: FakeSlack, connector: FakeConnector) -> dict[str, str | None]:
    """For fakes.processes.launch_bot(..., platform="both"): Slack against `slack`; Teams with
    its tokens checked, the keys and the bot's own token from `connector`; every INFO line
    logged (the most a log can say); answers worked out in the bot's own process."""
    return {**slack_env(slack), "CLIENT_ID": APP_ID, "CLIENT_SECRET": "not-a-real-secret",
            "TENANT_ID": TENANT, "CSP_TEAMS_LOGIN_URL": connector.url.rstrip("/"),
            "CSP_TEAMS_KEYS_URL": connector.jwks_url,
            "CSP_TEAMS_SERVICE_URL_ALLOWLIST": connector.url, "CSP_TEAMS_SKIP_AUTH": None,
            "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS": None, "CSP_LOG_LEVEL": "INFO",
            "CSP_ANSWER_WORKERS": "0", "CSP_PREPARE_ANSWERS": "false"}


def forged_token(kind: str, service_url: str) -> str:
    """A token for APP_ID that the Bot Framework did not sign: "unknown-key" (RS256, signed with
    a key of our own under a key id nobody lists), "none" (alg none), "hs256" (signed with a
    shared secret)."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    now = int(time.time())
    claims: dict[str, Any] = {"iss": "https://api.botframework.com", "aud": APP_ID,
                              "iat": now, "nbf": now, "exp": now + 3600,
                              "serviceurl": service_url}
    if kind == "none":
        return str(jwt.encode(claims, None, algorithm="none"))
    if kind == "hs256":
        return str(jwt.encode(claims, "a-secret-of-our-own-0123456789abcdef", algorithm="HS256",
                              headers={"kid": "stub-key"}))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return str(jwt.encode(claims, key, algorithm="RS256", headers={"kid": f"forged-{now}"}))
