"""Talking to Teams' Bot Framework connector with microsoft-teams-apps: credentials from CSP Bot's
settings, the bot's own token, retries, conversation references, the SDK's App wired in.

Credentials come from CLIENT_ID, CLIENT_SECRET and TENANT_ID only (through bot/config.py): the
SDK's own look-up of the environment (and of managed identities) is bypassed. The bot's token
comes from Entra ID through MSAL, as the SDK does it; CSP_TEAMS_LOGIN_URL points it elsewhere
(tests, proxies), through the SDK's documented `token` option, since MSAL accepts only https
login authorities. The connector's 429 (honouring Retry-After), 5xx answers and failed
connections are retried by `RetryMiddleware`, the SDK's HTTP client middleware, never by loops
around each call.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx

with warnings.catch_warnings():  # the SDK announces its preview features when imported
    warnings.simplefilter("ignore")
    from microsoft_teams.api import ApiClient, ClientCredentials, Credentials, TokenCredentials
    from microsoft_teams.api.activities.message import MessageActivityInput
    from microsoft_teams.api.models.attachment import Attachment
    from microsoft_teams.apps import App
    from microsoft_teams.cards import AdaptiveCard
    from microsoft_teams.common import Client, ClientOptions

from bot.config import Config
from bot.teams.render import MAX_MESSAGE_BYTES, card_bytes, defang, fit

log = logging.getLogger("cspbot.teams")
CARD = "application/vnd.microsoft.card.adaptive"
RETRIES, BACKOFF_S, MAX_WAIT_S = 3, 1.0, 60.0


@dataclass(frozen=True)
class ConversationRef:
    """Where a card goes: a conversation (a channel, chat or thread), its service URL, tenant."""

    conversation_id: str
    service_url: str
    tenant_id: str | None = None

    def thread(self, activity_id: str) -> ConversationRef:
        """The thread under a posted card (Teams' ';messageid=' form of a channel's id)."""
        return replace(self, conversation_id=f"{base_id(self.conversation_id)};messageid="
                                             f"{activity_id}")


def base_id(conversation_id: str) -> str:
    """'19:x@thread.tacv2;messageid=17...' -> '19:x@thread.tacv2' (the channel itself)."""
    return conversation_id.split(";", 1)[0]


def card_activity(card: AdaptiveCard | dict[str, Any], summary: str | None
                  ) -> MessageActivityInput:
    """A message carrying one Adaptive Card; `summary` is what notifications show."""
    text = defang(fit(summary or "CSP Bot", 200))
    activity = MessageActivityInput.model_validate({"summary": text})
    return activity.add_attachments(Attachment(content_type=CARD, content=card))


class TeamsApp(App):
    """The SDK's App with credentials from CSP Bot's settings only (the SDK would otherwise
    read CLIENT_ID, CLIENT_SECRET, MANAGED_IDENTITY_CLIENT_ID from the environment itself)."""

    def __init__(self, credentials: Credentials | None, **options: Any) -> None:
        self._csp_credentials = credentials
        super().__init__(**options)

    def _init_credentials(self) -> Credentials | None:
        return self._csp_credentials


class RouteCollector:
    """An HttpServerAdapter that only collects the SDK's routes: bot/web.py serves them."""

    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}

    def register_route(self, method: str, path: str, handler: Any) -> None:
        self.routes[path] = handler

    def serve_static(self, path: str, directory: str) -> None:
        raise NotImplementedError("CSP Bot serves no static pages")

    async def start(self, port: int) -> None:
        raise NotImplementedError("bot/web.py runs the server")

    async def stop(self) -> None:
        return None


def credentials(config: Config) -> Credentials | None:
    if not (config.teams_client_id and config.teams_client_secret):
        return None
    tenant = config.teams_tenant_id or None
    if config.teams_login_url:
        return TokenCredentials(client_id=config.teams_client_id, tenant_id=tenant,
                                token=LoginTokens(config.teams_login_url, config.teams_client_id,
                                                  config.teams_client_secret))
    return ClientCredentials(client_id=config.teams_client_id,
                             client_secret=config.teams_client_secret, tenant_id=tenant)


class LoginTokens:
    """Client-credentials tokens from CSP_TEAMS_LOGIN_URL + '/{tenant}/oauth2/v2.0/token' (as
    Entra ID's), each cached until a minute before it expires."""

    def __init__(self, base_url: str, client_id: str, client_secret: str) -> None:
        self.base_url, self.client_id = base_url.rstrip("/"), client_id
        self._secret = client_secret
        self._cache: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never the secret
        return f"LoginTokens({self.base_url!r}, {self.client_id!r})"

    async def __call__(self, scope: str | list[str], tenant_id: str | None) -> str:
        scope = scope if isinstance(scope, str) else " ".join(scope)
        key = (scope, tenant_id or "botframework.com")
        with self._lock:
            token, expires = self._cache.get(key, ("", 0.0))
        if token and expires > time.monotonic() + 60:
            return token
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(f"{self.base_url}/{key[1]}/oauth2/v2.0/token", data={
                "grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self._secret, "scope": scope})
        response.raise_for_status()
        answer = response.json()
        token = str(answer["access_token"])
        with self._lock:
            self._cache[key] = (token, time.monotonic() + float(answer.get("expires_in", 3600)))
        return token


class RetryMiddleware:
    """Retries what the connector asks to be retried: 429 (after Retry-After), 5xx and
    connections that failed, up to RETRIES times with backoff; anything else is raised."""

    async def send(self, context: Any, next: Callable[[], Any]) -> httpx.Response:  # noqa: A002
        for attempt in range(RETRIES + 1):
            try:
                response: httpx.Response = await next()
                return response
            except httpx.HTTPStatusError as exc:
                status = exc.response.status_code
                if attempt == RETRIES or not (status == 429 or status >= 500):
                    raise
                wait = retry_after(exc.response) or BACKOFF_S * 2 ** attempt
                why = str(status)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
                if attempt == RETRIES:
                    raise
                wait, why = BACKOFF_S * 2 ** attempt, type(exc).__name__
            log.warning("Teams connector: %s on %s %s; retry %d of %d in %.1f s", why,
                        context.method, str(context.url).split("?")[0], attempt + 1, RETRIES,
                        min(wait, MAX_WAIT_S))
            await asyncio.sleep(min(wait, MAX_WAIT_S))
        raise AssertionError("unreachable")


def retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def http_client() -> Client:
    """The SDK's HTTP client with the retries; the App clones it for every conversation."""
    client = Client(ClientOptions(timeout=30))
    client.use(RetryMiddleware())
    return client


class TeamsSender:
    """Everything CSP Bot sends to Teams without a request to answer (briefings): cards posted
    with the SDK app's token and cloud, only to service URLs on the allowlist. `TeamsBot`
    (bot/teams/app.py) has one on its own App; `sender_for` makes one with no inbound app."""

    def __init__(self, app: App, service_urls: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = tuple(u.rstrip("/") + "/" for u in service_urls)

    def allows(self, service_url: str) -> bool:
        return (service_url.rstrip("/") + "/").startswith(self.allowed)

    async def apost_card(self, ref: ConversationRef, card: AdaptiveCard | dict[str, Any],
                         summary: str | None = None) -> str:
        """Post a card to a conversation without a message to answer; the new activity's id.
        Raises ValueError (service URL not allowed, card too big) or httpx.HTTPStatusError."""
        if not self.allows(ref.service_url):
            raise ValueError("service URL not in CSP_TEAMS_SERVICE_URL_ALLOWLIST")
        activity = card_activity(card, summary)
        size = card_bytes(activity.model_dump(by_alias=True, exclude_none=True))
        if size > MAX_MESSAGE_BYTES:
            raise ValueError(f"the card is {size:,} bytes; Teams takes about "
                             f"{MAX_MESSAGE_BYTES:,} at most")
        api = ApiClient(ref.service_url, http_client(), cloud=self.app.cloud,
                        token_provider=self.app.token_provider)
        try:
            sent = await api.conversations.create_activity(ref.conversation_id, activity)
        finally:
            await api.http.http.aclose()
        return str(sent.id)

    def post_card(self, ref: ConversationRef, card: AdaptiveCard | dict[str, Any],
                  summary: str | None = None) -> str:
        """`apost_card` from a thread without a running event loop (the delivery's)."""
        return asyncio.run(self.apost_card(ref, card, summary))


def sender_for(config: Config, cloud: Any = None) -> TeamsSender:
    """A sender for posting on its own (the delivery of briefings): the SDK's App with CSP Bot's
    credentials and retries, and no handlers, since it answers nothing."""
    app = TeamsApp(credentials(config), http_server_adapter=RouteCollector(),
                   client=http_client(), state=False, cloud=cloud,
                   dangerously_allow_unauthenticated_requests=config.teams_skip_auth)
    return TeamsSender(app, config.teams_service_urls)
