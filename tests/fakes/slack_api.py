"""A local fake of Slack's Web API: a real HTTP server on 127.0.0.1 for tests and benchmarks.

    with FakeSlack(token="xoxb-test") as fake:
        WebClient(token="xoxb-test", base_url=fake.url).chat_postMessage(channel="C1", text="hi")
        assert fake.messages("C1")[0]["text"] == "hi"

Parameters are checked against slack_spec.json (made by make_slack_spec.py from Slack's
published spec); the token comes as ``Authorization: Bearer`` (as slack_sdk sends it) or as a
``token`` field; bodies may be form-encoded, JSON or multipart. Every request that reaches a
known route is recorded in ``.calls``, failures included. Uploads follow slack_sdk's
files_upload_v2: files.getUploadURLExternal, POST the bytes to the upload URL (raw body or
multipart), then files.completeUploadExternal.

This module is the HTTP server and what it checks before a method runs: the token, the faults
and rate limits a test asked for, the fields against the spec. The request parsing and checks
are tests/fakes/slack_requests.py; the state and each method's answer are
tests/fakes/slack_workspace.py (FakeSlack is a SlackWorkspace).
"""

from __future__ import annotations

import copy
import json
import math
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from fakes.local_server import LocalServer
from fakes.slack_requests import SPEC, Answer, Call, Refusal, check_fields, parse_fields
from fakes.slack_workspace import SlackWorkspace

__all__ = ["Call", "FakeSlack"]


class FakeSlack(SlackWorkspace, LocalServer):
    """The fake Web API. Starts when built; ``stop()`` or leaving ``with`` stops it."""

    def __init__(self, token: str = "xoxb-test") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.bind()
        SlackWorkspace.__init__(self, self.base)
        self._faults: dict[str, list[tuple]] = defaultdict(list)
        self._intervals: dict[str, float] = {}
        self._last: dict[tuple[str, str], float] = {}
        self.url = self.base + "/api/"
        self.serve()

    def fail_next(self, method: str, status: int | None = None, retry_after: int | None = None,
                  times: int = 1, error: str | None = None) -> None:
        """Answer the next ``times`` calls of ``method`` (or "upload", "response_url") badly.

        HTTP ``status`` (default 500; 429 sends ``Retry-After: retry_after``, default 1 s), or,
        given only ``error``, HTTP 200 ``{"ok": false, "error": error}``.
        """
        status = status or (200 if error else 500)
        retry_after = 1 if status == 429 and retry_after is None else retry_after
        with self._lock:
            self._faults[method] += [(status, retry_after, error)] * times

    def rate_limit(self, method: str, per_channel_per_second: float | None = 1.0) -> None:
        """429 + Retry-After when a channel gets ``method`` faster than this; None: no limit.

        Calls without a channel share one bucket; refused calls do not count.
        """
        with self._lock:
            self._intervals.pop(method, None)
            if per_channel_per_second:
                self._intervals[method] = 1.0 / per_channel_per_second

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method, failed ones included."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        split, headers = urlsplit(req.path), dict(req.headers.items())
        raw = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        parts = split.path.strip("/").split("/")
        answer: Answer = (404, {"ok": False, "error": "not_found"}, {})
        if len(parts) == 2 and parts[0] in ("api", "upload", "response_url"):
            api = parts[0] == "api"
            call = Call(parts[1] if api else parts[0], {}, headers, time.time(),
                        "" if api else parts[1], raw)
            ctype = headers.get("Content-Type", "")
            if parts[0] != "upload" or ctype.lower().startswith("multipart/"):
                try:  # (slack_sdk's raw upload bytes come labelled as a urlencoded form)
                    call.params = parse_fields(split.query, ctype, raw)
                except ValueError:
                    pass
            with self._lock:
                self.calls.append(call)
                answer = self._answer(call)
                call.status, call.response = answer[0], copy.deepcopy(answer[1])
        status, payload, extra = answer
        text = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
        req.send_response(status)
        kind = "text/plain" if isinstance(payload, str) else "application/json"
        for name, value in {"Content-Type": kind + "; charset=utf-8", **extra,
                            "Content-Length": str(len(text))}.items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(text)

    def _answer(self, call: Call) -> Answer:
        method, params = call.method, call.params
        if not call.target and method not in SPEC:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        if self._faults[method]:
            status, retry_after, error = self._faults[method].pop(0)
            error = error or ("ratelimited" if status == 429 else "internal_error")
            extra = {} if retry_after is None else {"Retry-After": str(retry_after)}
            return status, {"ok": False, "error": error}, extra
        if call.target:
            return (self._upload if method == "upload" else self._respond)(call)
        auth = call.headers.get("Authorization", "")
        token = params.pop("token", None)
        token = auth[7:] if auth.startswith("Bearer ") else token
        if token != self.token:
            return 200, {"ok": False, "error": "invalid_auth" if token else "not_authed"}, {}
        if method in self._intervals:
            key = (method, str(params.get("channel") or params.get("channel_id") or ""))
            now, last = time.monotonic(), self._last.get(key, -math.inf)
            if now - last < self._intervals[method]:
                wait = max(1, math.ceil(self._intervals[method] - (now - last)))
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
            self._last[key] = now
        problems = check_fields(SPEC[method], params)
        if problems:
            return 200, {"ok": False, "error": "invalid_arguments",
                         "response_metadata": {"messages": problems}}, {}
        try:
            return 200, {"ok": True, **getattr(self, "_" + method.replace(".", "_"))(params)}, {}
        except Refusal as fail:
            return 200, {"ok": False, "error": str(fail)}, {}
