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
"""

from __future__ import annotations

import copy
import json
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SPEC: dict[str, dict] = json.loads(
    Path(__file__).with_name("slack_spec.json").read_text(encoding="utf-8"))["methods"]
BOT = {"user_id": "U0FAKEBOT", "bot_id": "B0FAKEBOT", "team_id": "T0FAKE"}
RESPONSE_URL_USES = 5  # Slack accepts up to five posts to one response_url
Answer = tuple[int, Any, dict[str, str]]  # HTTP status, JSON body (or text), extra headers


@dataclass
class Call:
    """One recorded request: an API method, an ``"upload"`` or a ``"response_url"`` post."""

    method: str
    params: dict[str, Any]  # query and body fields, token removed
    headers: dict[str, str]
    time: float
    target: str = ""  # file id or response_url id from the path
    body: bytes = b""  # the raw request body
    status: int = 200  # HTTP status answered
    response: Any = None  # body answered


class _Fail(Exception):
    """An ``{"ok": false, "error": ...}`` answer (HTTP 200, as Slack sends them)."""


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.server.fake._handle(self)  # type: ignore[attr-defined]

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: the requests are in FakeSlack.calls."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent clients, as in the benchmarks


class FakeSlack:
    """The fake Web API. Starts when built; ``stop()`` or leaving ``with`` stops it."""

    def __init__(self, token: str = "xoxb-test") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.responses: list[Any] = []  # bodies posted to response_url()s, in order
        self.users: dict[str, dict] = {}  # users.info answers by id (default: a made-up user)
        self.channels: dict[str, dict] = {}  # conversations.info answers by id
        self.views: dict[str, dict] = {}  # views opened/updated/published, by view id
        self._lock, self._serial = threading.RLock(), 0
        self._messages: dict[str, list[dict]] = defaultdict(list)
        self._ephemeral: dict[str, list[dict]] = defaultdict(list)
        self._files: dict[str, dict] = {}
        self._uploads: list[dict] = []
        self._response_urls: dict[str, int] = {}
        self._faults: dict[str, list[tuple]] = defaultdict(list)
        self._intervals: dict[str, float] = {}
        self._last: dict[tuple[str, str], float] = {}
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + "/api/"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def __enter__(self) -> FakeSlack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Shut the server down (idempotent)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

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

    def response_url(self) -> str:
        """A fresh URL to give the bot as a slash command's response_url."""
        with self._lock:
            key = f"R{self._next():010d}"
            self._response_urls[key] = 0
        return f"{self.base}/response_url/{key}"

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method, failed ones included."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages(self, channel: str) -> list[dict]:
        """Messages posted to ``channel`` (as last updated): ts, text, blocks, thread_ts."""
        with self._lock:
            return copy.deepcopy(self._messages[channel])

    def ephemerals(self, channel: str) -> list[dict]:
        """chat.postEphemeral messages in ``channel``, each with the ``user`` who saw it."""
        with self._lock:
            return copy.deepcopy(self._ephemeral[channel])

    def uploads(self, channel: str) -> list[dict]:
        """Files completed into ``channel``: id, title, filename, alt_txt, data, thread_ts."""
        with self._lock:
            return copy.deepcopy([u for u in self._uploads if u["channel"] == channel])

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
                    call.params = _parse(split.query, ctype, raw)
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
        problems = _check(SPEC[method], params)
        if problems:
            return 200, {"ok": False, "error": "invalid_arguments",
                         "response_metadata": {"messages": problems}}, {}
        try:
            return 200, {"ok": True, **getattr(self, "_" + method.replace(".", "_"))(params)}, {}
        except _Fail as fail:
            return 200, {"ok": False, "error": str(fail)}, {}

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _ts(self) -> str:  # 1700000000.000100, 1700000000.000200, ...
        micros = self._next() * 100
        return f"{1_700_000_000 + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _auth_test(self, p: dict) -> dict:
        return {"url": "https://csp-test.slack.com/", "team": "CSP Test", "user": "cspbot",
                **BOT}

    def _chat_postMessage(self, p: dict) -> dict:  # noqa: N802
        message = self._message(p, self._ts())
        self._messages[p["channel"]].append(message)
        return {"channel": p["channel"], "ts": message["ts"], "message": message}

    def _chat_postEphemeral(self, p: dict) -> dict:  # noqa: N802
        message = {**self._message(p, self._ts()), "user": p["user"]}
        self._ephemeral[p["channel"]].append(message)
        return {"message_ts": message["ts"]}

    def _chat_update(self, p: dict) -> dict:
        found = [m for m in self._messages[p["channel"]] if m["ts"] == p["ts"]]
        if not found:
            raise _Fail("message_not_found")
        found[0].update(self._message(p, p["ts"]), edited={"user": BOT["user_id"]})
        return {"channel": p["channel"], "ts": p["ts"], "text": found[0]["text"],
                "message": found[0]}

    def _message(self, p: dict, ts: str) -> dict:
        if not any(p.get(k) for k in ("text", "blocks", "attachments")):
            raise _Fail("no_text")
        message = {"type": "message", "user": BOT["user_id"], "bot_id": BOT["bot_id"],
                   "text": p.get("text", ""), "ts": ts}
        for name in ("blocks", "attachments"):
            if p.get(name):
                message[name] = _json(p[name], f"invalid_{name}_format")
        if p.get("thread_ts"):
            message["thread_ts"] = str(p["thread_ts"])
        return message

    def _views_open(self, p: dict, view_id: str = "", **extra: str) -> dict:
        view = {**_json(p.get("view") or "{}", "invalid_arguments"), **extra,
                "id": view_id or f"V{self._next():010d}", "hash": f"{self._next():08x}"}
        self.views[view["id"]] = view
        return {"view": view}

    def _views_update(self, p: dict) -> dict:
        found = [v for v in self.views.values() if v["id"] == p.get("view_id")
                 or (p.get("external_id") and v.get("external_id") == p["external_id"])]
        if not found:
            raise _Fail("not_found")
        if p.get("hash") and p["hash"] != found[0]["hash"]:
            raise _Fail("hash_conflict")
        return self._views_open(p, found[0]["id"])

    def _views_publish(self, p: dict) -> dict:
        old = [v for v in self.views.values() if v.get("user_id") == p["user_id"]]
        if old and p.get("hash") and p["hash"] != old[0]["hash"]:
            raise _Fail("hash_conflict")
        return self._views_open(p, old[0]["id"] if old else "", user_id=p["user_id"])

    def _conversations_info(self, p: dict) -> dict:
        if not p.get("channel"):
            raise _Fail("channel_not_found")
        c = p["channel"]
        return {"channel": self.channels.get(c) or {
            "id": c, "name": f"channel-{c.lower()}", "is_channel": True, "is_private": False,
            "is_member": True, "is_archived": False}}

    def _conversations_open(self, p: dict) -> dict:
        users = (p.get("users") or "").split(",")
        if not users[0] and not p.get("channel"):
            raise _Fail("users_list_not_supplied")
        return {"channel": {"id": p.get("channel") or "D" + users[0].lstrip("UW")}}

    def _users_info(self, p: dict) -> dict:
        if not p.get("user"):
            raise _Fail("user_not_found")
        u, name = p["user"], f"User {p['user']}"
        return {"user": self.users.get(u) or {
            "id": u, "name": f"user-{u.lower()}", "real_name": name, "tz": "Europe/London",
            "is_bot": False, "deleted": False, "profile": {"display_name": name}}}

    def _files_upload(self, p: dict) -> dict:
        raise _Fail("method_deprecated")  # files.upload is retired: use files_upload_v2

    def _files_getUploadURLExternal(self, p: dict) -> dict:  # noqa: N802
        file_id = f"F{self._next():010d}"
        self._files[file_id] = {"id": file_id, "filename": p["filename"], "data": None,
                                "length": int(p["length"]), "alt_txt": p.get("alt_txt"),
                                "snippet_type": p.get("snippet_type")}
        return {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _upload(self, call: Call) -> Answer:
        if call.target not in self._files:
            return 404, "file_not_found", {}
        data = call.body  # slack_sdk posts the raw bytes; browsers and curl -F post multipart
        if call.headers.get("Content-Type", "").lower().startswith("multipart/form-data"):
            data = next((v for v in call.params.values() if isinstance(v, bytes)), b"")
        self._files[call.target]["data"] = data
        return 200, f"OK - {len(data)}", {}

    def _files_completeUploadExternal(self, p: dict) -> dict:  # noqa: N802
        files = _json(p["files"], "invalid_arguments")
        if not isinstance(files, list) or not all(isinstance(f, dict) and "id" in f
                                                  for f in files):
            raise _Fail("invalid_arguments")
        if any(self._files.get(f["id"], {}).get("data") is None for f in files):
            raise _Fail("file_not_found")  # unknown id, or its bytes never arrived
        channels = [p.get("channel_id"), *str(p.get("channels") or "").split(",")]
        done = []
        for f in files:
            stored = self._files[f["id"]]
            title = f.get("title") or stored["filename"]
            for channel in [c for c in channels if c] or [None]:  # None: uploaded, not shared
                self._uploads.append({**stored, "title": title, "channel": channel,
                                      "thread_ts": p.get("thread_ts"),
                                      "initial_comment": p.get("initial_comment")})
            done.append({"id": f["id"], "title": title, "name": stored["filename"],
                         "size": len(stored["data"])})
        return {"files": done}

    def _respond(self, call: Call) -> Answer:
        uses = self._response_urls.get(call.target)
        if uses is None or uses >= RESPONSE_URL_USES:
            return 404, "no_service" if uses is None else "used_url", {}
        self._response_urls[call.target] = uses + 1
        self.responses.append(call.params)
        return 200, "ok", {}


def _parse(query: str, content_type: str, raw: bytes) -> dict[str, Any]:
    """Query-string and body fields; JSON nulls dropped; multipart file parts kept as bytes."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        params.update({k: v for k, v in json.loads(raw or b"{}").items() if v is not None})
    elif kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        for part in BytesParser(policy=HTTP).parsebytes(head + raw).iter_parts():
            data = part.get_payload(decode=True) or b""
            name = str(part.get_param("name", header="content-disposition"))
            params[name] = data if part.get_filename() else data.decode()
    elif raw:
        params.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    return params


def _check(spec: dict, params: dict[str, Any]) -> list[str]:
    """Slack-style messages for missing required fields and values of the wrong type."""
    problems = [f"[ERROR] missing required field: {name}" for name in spec["required"]
                if params.get(name) in (None, "")]
    return problems + [f"[ERROR] invalid type for field: {name} (expected {kind})"
                       for name, kind in spec["params"].items()
                       if name in params and not _type_ok(kind, params[name])]


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "boolean":
        return isinstance(value, bool) or str(value).lower() in ("true", "false", "1", "0")
    if kind not in ("integer", "number"):
        return True
    try:  # form bodies carry numbers as text
        (int if kind == "integer" else float)(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool)


def _json(value: Any, error: str) -> Any:
    """A JSON field: form bodies carry it as a string, JSON bodies as the structure itself."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _Fail(error) from None
