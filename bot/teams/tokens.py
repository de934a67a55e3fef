"""The Bot Framework tokens on /api/messages, checked without ever holding up the server.

Teams signs each request to a bot with a JWT (RS256) from the Bot Framework. The SDK's own
check fetches the signing keys with a blocking call on the event loop whenever a token names a
key it does not know, so that any JWT-shaped token froze every request on the server while
Microsoft's key endpoint was slow. `BotTokens` checks a token as the SDK does (signature,
issuer, audience: the bot's app id, expiry with five minutes' leeway; `serviceurl` against the
activity's) with `SigningKeys`: fetched asynchronously, within KEYS_TIMEOUT_S, shared by every
request waiting for them, kept, and fetched again at most every REFETCH_S (when a token names a
key not kept, or the keys are a day old). A token not signed with RS256 or naming no key is
refused before any fetch. `SdkValidator` puts the same check in the SDK's place, so the SDK's
blocking one never runs. Entra ID tokens of agent identities (Agent 365), which the SDK also
takes, are refused: CSP Bot is a Bot Framework bot.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from bot.logs import Throttled

log = logging.getLogger("cspbot.teams")
KEYS_TIMEOUT_S = 5.0  # the whole fetch of the keys, connection to last byte
REFETCH_S = 30.0  # at most one fetch of the keys in this time
KEYS_MAX_AGE_S = 24 * 3600.0  # keys kept longer than this are fetched again (Microsoft: daily)
LEEWAY_S = 300  # clock skew allowed on exp and nbf, as the SDK allows


class TokenRefused(Exception):
    """Why a request's token is not accepted (short, and never the token itself)."""


def keys_url(openid_metadata_url: str) -> str:
    """The keys' URL, from the cloud's OpenID metadata URL, as the SDK derives it."""
    return re.sub(r"/openidconfiguration$", "/keys", openid_metadata_url)


class SigningKeys:
    """The Bot Framework's signing keys (a JWKS at `url`), fetched off the event loop."""

    def __init__(self, url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.url, self._clock = url, clock
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None  # when the keys were last fetched
        self._tried_at: float | None = None  # when a fetch was last started
        self._fetch: asyncio.Future[None] | None = None
        self._failures = Throttled(log)

    async def key(self, kid: str) -> Any | None:
        """The public key `kid`, or None when the Bot Framework lists no such key."""
        stale = self._fetched_at is None or self._clock() - self._fetched_at > KEYS_MAX_AGE_S
        if kid not in self._keys or stale:
            await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        """Fetch the keys, unless a fetch is under way (then wait for that one) or one was
        started less than REFETCH_S ago."""
        fetch = self._fetch
        if fetch is None or fetch.done() or fetch.get_loop() is not asyncio.get_running_loop():
            now = self._clock()
            if self._tried_at is not None and now - self._tried_at < REFETCH_S:
                return
            self._tried_at = now
            fetch = self._fetch = asyncio.ensure_future(self._fetch_keys())
        await asyncio.shield(fetch)  # a request given up on does not end the shared fetch

    async def _fetch_keys(self) -> None:
        try:
            async with httpx.AsyncClient(timeout=KEYS_TIMEOUT_S) as client:
                response = await asyncio.wait_for(client.get(self.url), KEYS_TIMEOUT_S)
            response.raise_for_status()
            keys = {}
            for entry in response.json().get("keys") or []:
                try:
                    keys[str(entry["kid"])] = jwt.PyJWK(entry, algorithm="RS256").key
                except (jwt.PyJWTError, KeyError, TypeError, ValueError):
                    continue  # not an RSA signing key: not one tokens are signed with
        except (httpx.HTTPError, TimeoutError, ValueError, AttributeError) as exc:
            self._failures.warning("could not fetch the Bot Framework's signing keys from "
                                   "%s (%s); keeping the %d known", self.url,
                                   type(exc).__name__, len(self._keys))
            return
        self._keys, self._fetched_at = keys, self._clock()


class BotTokens:
    """Checks the `Authorization: Bearer` token of a request to /api/messages."""

    def __init__(self, app_id: str, issuer: str, keys: SigningKeys) -> None:
        self.audiences = [app_id, f"api://{app_id}", f"api://botid-{app_id}"]
        self.issuer, self.keys = issuer, keys

    async def check(self, authorization: str) -> dict[str, Any]:
        """The token's claims; TokenRefused saying why it is not accepted."""
        scheme, _, raw = authorization.partition(" ")
        if scheme != "Bearer" or not raw.strip():
            raise TokenRefused("no Bearer token")
        raw = raw.strip()
        try:
            header = jwt.get_unverified_header(raw)
        except jwt.PyJWTError:
            raise TokenRefused("the token is not a JWT") from None
        kid = header.get("kid")
        if header.get("alg") != "RS256" or not isinstance(kid, str) or not kid:
            raise TokenRefused("the token is not signed with RS256 and a named key")
        key = await self.keys.key(kid)
        if key is None:
            raise TokenRefused("the token is signed with a key the Bot Framework does not list")
        try:
            claims: dict[str, Any] = jwt.decode(
                raw, key, algorithms=["RS256"], audience=self.audiences, issuer=self.issuer,
                leeway=LEEWAY_S, options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise TokenRefused(f"the token is not valid ({type(exc).__name__})") from None
        return claims


def check_service_url(claims: dict[str, Any], service_url: str) -> None:
    """TokenRefused unless the token was issued for the activity's service URL."""
    claimed = claims.get("serviceurl")
    if not isinstance(claimed, str) or claimed.rstrip("/") != service_url.rstrip("/"):
        raise TokenRefused("the token was not issued for the activity's service URL")


class SdkValidator:
    """`BotTokens` in the place of the SDK's validator (same method, same exception)."""

    def __init__(self, tokens: BotTokens) -> None:
        self.tokens = tokens

    async def validate_token(self, raw_token: str, service_url: str | None = None
                             ) -> dict[str, Any]:
        try:
            claims = await self.tokens.check(f"Bearer {raw_token}")
            if service_url:
                check_service_url(claims, service_url)
        except TokenRefused as exc:
            raise jwt.InvalidTokenError(str(exc)) from None
        return claims
