"""What a request to /api/messages must pass before the SDK sees it, in this order:

1. its Bot Framework token (bot/teams/tokens.py; 401), before anything else about it is read,
   so that an outsider learns nothing but "unauthorized", whatever else is wrong;
2. a body that is a JSON object (400);
3. a token issued for the activity's service URL (401);
4. a service URL on CSP_TEAMS_SERVICE_URL_ALLOWLIST (403);
5. an activity the SDK can read (400), so that a malformed one never becomes a 500.

With CSP_TEAMS_SKIP_AUTH (tests, the Agents Playground) the token checks are skipped. Each kind
of refusal is logged as one short line, at most one a minute (bot/logs.py's `Throttled`),
never with the body or the token.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

with warnings.catch_warnings():  # the SDK announces its preview features when imported
    warnings.simplefilter("ignore")
    from microsoft_teams.api.activities import ActivityTypeAdapter

from bot.config import Config
from bot.logs import Throttled
from bot.teams.tokens import (
    BotTokens,
    SdkValidator,
    SigningKeys,
    TokenRefused,
    check_service_url,
    keys_url,
)

log = logging.getLogger("cspbot.teams")


class Refused(Exception):
    """A request refused at the gate: its HTTP status and the error sent back."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status, self.error = status, error


def inbound_gate(config: Config, cloud: Any, allows: Callable[[str], bool]) -> Gate:
    """The gate of a bot with these settings, in this cloud (the SDK's CloudEnvironment: its
    token issuer, and its keys unless CSP_TEAMS_KEYS_URL names others)."""
    if config.teams_skip_auth:
        return Gate(None, allows)
    keys = SigningKeys(config.teams_keys_url or keys_url(cloud.openid_metadata_url))
    return Gate(BotTokens(config.teams_client_id, cloud.token_issuer, keys), allows)


class Gate:
    """Checks requests to /api/messages; `tokens` None: tokens are not checked (skip auth)."""

    def __init__(self, tokens: BotTokens | None, allows: Callable[[str], bool]) -> None:
        self.tokens, self.allows = tokens, allows
        self._unauthorized, self._unreadable, self._elsewhere = (
            Throttled(log), Throttled(log), Throttled(log))

    async def check(self, raw: bytes, headers: dict[str, str], peer: str) -> dict[str, Any]:
        """The activity, as JSON, of a request that passes; Refused for one that does not."""
        claims = await self._token(headers.get("authorization", ""), peer)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
            body = None
        if not isinstance(body, dict):
            self._unreadable.warning("refused a request to /api/messages from %s: the body is "
                                     "not a JSON activity", peer)
            raise Refused(400, "the body must be a JSON activity")
        service_url = body.get("serviceUrl")
        if not isinstance(service_url, str | None):
            raise Refused(400, "serviceUrl must be text")
        if claims is not None:
            try:
                check_service_url(claims, service_url or "")
            except TokenRefused as exc:
                self._unauthorized.warning("refused a request to /api/messages from %s: %s",
                                           peer, exc)
                raise Refused(401, "Unauthorized") from None
        if service_url and not self.allows(service_url):
            self._elsewhere.warning("refused a Teams activity: service URL %r is not in "
                                    "CSP_TEAMS_SERVICE_URL_ALLOWLIST", service_url[:100])
            raise Refused(403, "service URL not allowed")
        try:
            ActivityTypeAdapter.validate_python(body)
        except ValidationError as exc:
            self._unreadable.warning("refused a request to /api/messages from %s: not an "
                                     "activity the bot can read (%d problems)", peer,
                                     exc.error_count())
            raise Refused(400, "the body is not a Teams activity the bot can read") from None
        return body

    def replace_sdk_check(self, server: Any) -> None:
        """Put this gate's token check in the place of the SDK's (which blocks the event loop
        while it fetches keys): `server` is the SDK App's HttpServer, initialized."""
        if self.tokens is None:
            return
        if getattr(server, "_token_validator", None) is None:
            raise RuntimeError("microsoft-teams-apps' HttpServer has no _token_validator to "
                               "replace: see bot/teams/tokens.py")
        server._token_validator = SdkValidator(self.tokens)

    async def _token(self, authorization: str, peer: str) -> dict[str, Any] | None:
        """The token's claims (None when tokens are not checked); Refused (401) if it is not
        accepted."""
        if self.tokens is None:
            log.warning("CSP_TEAMS_SKIP_AUTH is on: this request's token is NOT checked")
            return None
        try:
            return await self.tokens.check(authorization)
        except TokenRefused as exc:
            self._unauthorized.warning("refused a request to /api/messages from %s: %s", peer,
                                       exc)
            raise Refused(401, "Unauthorized") from None
