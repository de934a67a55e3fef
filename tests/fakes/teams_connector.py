"""A local stub of the Bot Framework connector that Teams bots talk to: a real HTTP server on
127.0.0.1, given to the bot as the activity's ``serviceUrl``.

    with FakeConnector() as connector:
        ...  # post an activity with "serviceUrl": connector.url to the bot's /api/messages
        card = connector.wait_for(lambda: connector.cards("19:abc@thread.tacv2"))

It answers as the connector does (REST API v3, https://learn.microsoft.com/azure/bot-service/
rest-api/bot-framework-rest-connector-api-reference):

- ``POST /v3/conversations/{id}/activities`` (send to conversation) and ``POST .../activities/
  {activityId}`` (reply to activity): ``201 {"id": ...}``; ``PUT .../activities/{activityId}``
  (update): ``200 {"id": ...}``; ``POST /v3/conversations`` (create): ``201 {"id": ...}``.
- ``POST /{tenant}/oauth2/v2.0/token``: a client-credentials token endpoint (as Entra ID's), so
  that the bot gets its token here and not from login.microsoftonline.com; the connector then
  wants ``Authorization: Bearer <that token>`` (401 without).
- ``GET /keys``: a JWKS with the stub's own RSA key; ``mint_token()`` signs inbound tokens
  with it, as the Bot Framework signs the requests it sends to bots.

Faults for the bot's retries: ``fail_next(status, times, retry_after)`` (429 with Retry-After,
5xx). Bodies larger than ``max_body`` get 413 ``MessageSizeTooBig``. ``hold_keys()`` makes
``GET /keys`` wait until ``release_keys()`` (a key endpoint that is slow, as Microsoft's can be;
``keys_asked`` counts the requests that arrived). Every request is recorded in ``calls``,
failures included.
"""

from __future__ import annotations

import base64
import copy
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from fakes.local_server import LocalServer
from fakes.waiting import wait_for

CARD = "application/vnd.microsoft.card.adaptive"


@dataclass
class Call:
    method: str  # HTTP method
    path: str  # unquoted, without the query
    kind: str  # "send", "reply", "update", "create", "token", "keys", "unknown"
    conversation: str = ""
    activity_id: str = ""  # the activity replied to or updated
    body: Any = None  # parsed JSON (or form fields for the token endpoint)
    headers: dict[str, str] = field(default_factory=dict)
    size: int = 0  # bytes of the request body
    time: float = 0.0
    status: int = 0  # HTTP status answered
    response: Any = None
    answered_id: str = ""  # the new activity's id, when one was created


class FakeConnector(LocalServer):
    """The stub connector. Starts when built; ``stop()`` or leaving ``with`` stops it."""

    def __init__(self, require_token: bool = True, max_body: int | None = None) -> None:
        self.require_token = require_token
        self.max_body = max_body
        self.calls: list[Call] = []
        self.tokens: list[str] = []  # tokens issued by the token endpoint
        self._lock, self._serial = threading.RLock(), 0
        self._faults: list[tuple[int, int | None]] = []
        self._key: Any = None  # the RSA key of mint_token, made on first use
        self._keys_released = threading.Event()
        self._keys_released.set()
        self.keys_asked = 0  # GET /keys requests that arrived (held ones included)
        self.bind()
        self.url = self.base + "/"  # a serviceUrl ends with '/'
        self.token_url = f"{self.base}/botframework.com/oauth2/v2.0/token"
        self.jwks_url = f"{self.base}/keys"
        self.serve()

    # -- what tests ask ------------------------------------------------------------------------

    def fail_next(self, status: int = 500, times: int = 1, retry_after: int | None = None
                  ) -> None:
        """Answer the next ``times`` activity posts with ``status`` (429: with Retry-After,
        default 1 s)."""
        retry_after = 1 if status == 429 and retry_after is None else retry_after
        with self._lock:
            self._faults += [(status, retry_after)] * times

    def activities(self, conversation: str | None = None) -> list[Call]:
        """Activities the bot sent (sent, replied or updated) and the stub accepted."""
        with self._lock:
            return [copy.deepcopy(c) for c in self.calls
                    if c.kind in ("send", "reply", "update") and c.status < 300
                    and (conversation is None or c.conversation == conversation)]

    def cards(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """The Adaptive Cards in the accepted activities, in order."""
        return [attachment["content"] for call in self.activities(conversation)
                for attachment in (call.body or {}).get("attachments") or []
                if attachment.get("contentType") == CARD]

    def hold_keys(self) -> None:
        """Make GET /keys wait (up to a minute) until `release_keys()`."""
        self._keys_released.clear()

    def release_keys(self) -> None:
        self._keys_released.set()

    def stop(self) -> None:
        self.release_keys()
        super().stop()

    @staticmethod
    def wait_for(probe: Callable[[], Any], timeout: float = 15) -> Any:
        return wait_for(probe, timeout, "the bot to reach the connector")

    def mint_token(self, audience: str, service_url: str | None = None,
                   expires_in: int = 3600, issuer: str = "https://api.botframework.com",
                   **claims: Any) -> str:
        """An inbound token as the Bot Framework signs them (RS256, with our JWKS key)."""
        import jwt

        now = int(time.time())
        payload = {"iss": issuer, "aud": audience, "iat": now - 10, "nbf": now - 10,
                   "exp": now + expires_in, "serviceurl": service_url or self.url, **claims}
        return jwt.encode(payload, self._private_key(), algorithm="RS256",
                          headers={"kid": "stub-key"})

    # -- the server ----------------------------------------------------------------------------

    def _private_key(self) -> Any:
        from cryptography.hazmat.primitives.asymmetric import rsa

        with self._lock:
            if self._key is None:
                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key

    @staticmethod
    def _access_token(form: dict[str, str], tenant: str) -> str:
        """A JWT, as Entra ID issues (the SDK reads its claims without checking the signature)."""
        import jwt

        now = int(time.time())
        scope = form.get("scope", "").removesuffix("/.default")
        return jwt.encode({"aud": scope, "appid": form.get("client_id", ""), "tid": tenant,
                           "iat": now, "exp": now + 3600, "jti": uuid.uuid4().hex},
                          "stub-connector-signing-secret-0123456789", algorithm="HS256")

    def _jwks(self) -> dict[str, Any]:
        numbers = self._private_key().public_key().public_numbers()

        def b64(value: int) -> str:
            raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        return {"keys": [{"kty": "RSA", "use": "sig", "kid": "stub-key", "alg": "RS256",
                          "n": b64(numbers.n), "e": b64(numbers.e),
                          "endorsements": ["msteams"]}]}

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        split = urlsplit(req.path)
        raw = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        if req.command == "GET" and split.path.rstrip("/").endswith("/keys"):
            with self._lock:
                self.keys_asked += 1
            self._keys_released.wait(60)
        call = Call(req.command, unquote(split.path), "unknown", headers=dict(req.headers.items()),
                    size=len(raw), time=time.time())
        with self._lock:
            self.calls.append(call)
            status, payload, extra = self._answer(call, raw)
            call.status, call.response = status, copy.deepcopy(payload)
        text = json.dumps(payload).encode()
        req.send_response(status)
        for name, value in {"Content-Type": "application/json; charset=utf-8", **extra,
                            "Content-Length": str(len(text))}.items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(text)

    def _answer(self, call: Call, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        parts = call.path.strip("/").split("/")
        if call.method == "GET" and parts[-1:] == ["keys"]:
            call.kind = "keys"
            return 200, self._jwks(), {}
        if call.method == "POST" and parts[1:] == ["oauth2", "v2.0", "token"]:
            call.kind = "token"
            call.body = dict(parse_qsl(raw.decode()))
            if call.body.get("grant_type") != "client_credentials":
                return 400, {"error": "unsupported_grant_type"}, {}
            token = self._access_token(call.body, parts[0])
            self.tokens.append(token)
            return 200, {"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600,
                         "access_token": token}, {}
        if parts[:2] != ["v3", "conversations"]:
            return 404, {"error": {"code": "NotFound", "message": call.path}}, {}
        try:
            call.body = json.loads(raw or b"{}")
        except ValueError:
            return 400, {"error": {"code": "BadArgument", "message": "body is not JSON"}}, {}
        if len(parts) == 2 and call.method == "POST":
            call.kind = "create"
        elif len(parts) in (4, 5) and parts[3] == "activities":
            call.conversation = parts[2]
            call.activity_id = parts[4] if len(parts) == 5 else ""
            call.kind = {("POST", 4): "send", ("POST", 5): "reply",
                         ("PUT", 5): "update"}.get((call.method, len(parts)), "unknown")
        if call.kind == "unknown":
            return 405, {"error": {"code": "BadArgument", "message": "not supported"}}, {}
        auth = call.headers.get("Authorization", "")
        if self.require_token and auth.removeprefix("Bearer ") not in self.tokens:
            return 401, {"message": "Authorization has been denied for this request."}, {}
        if self._faults:
            status, retry_after = self._faults.pop(0)
            extra = {} if retry_after is None else {"Retry-After": str(retry_after)}
            code = "Throttled" if status == 429 else "ServiceError"
            return status, {"error": {"code": code, "message": f"injected {status}"}}, extra
        if self.max_body is not None and call.size > self.max_body:
            return 413, {"error": {"code": "MessageSizeTooBig",
                                   "message": "Message size too big"}}, {}
        if call.kind == "create":
            self._serial += 1
            call.answered_id = f"a:stub-conversation-{self._serial}"
            return 201, {"id": call.answered_id}, {}
        if call.kind == "update":
            call.answered_id = call.activity_id
            return 200, {"id": call.activity_id}, {}
        self._serial += 1
        call.answered_id = f"1{self._serial:012d}"
        return 201, {"id": call.answered_id}, {}
