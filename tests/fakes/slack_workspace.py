"""The workspace behind the fake Slack Web API: what it holds and how each method answers.

`SlackWorkspace` keeps what the bot has done in Slack (messages, ephemeral messages, uploaded
files, views, posts to response URLs) and answers each Web API method it knows from that state:
``_chat_postMessage`` answers chat.postMessage, and so on; a `Refusal` becomes Slack's
``{"ok": false, "error": ...}``. It knows no HTTP, tokens, faults or rate limits: those are the
server's, tests/fakes/slack_api.py, whose FakeSlack is a SlackWorkspace. Tests read the state
with `messages()`, `ephemerals()` and `uploads()`, and set `users` and `channels` to change what
users.info and conversations.info answer.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from typing import Any

from fakes.slack_requests import Answer, Call, Refusal, decode_json

BOT = {"user_id": "U0FAKEBOT", "bot_id": "B0FAKEBOT", "team_id": "T0FAKE"}
RESPONSE_URL_USES = 5  # Slack accepts up to five posts to one response_url


class SlackWorkspace:
    """The state of the fake Slack and the answers of its methods; `base` is the server's URL
    (for upload URLs and response URLs)."""

    def __init__(self, base: str) -> None:
        self.base = base
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

    def response_url(self) -> str:
        """A fresh URL to give the bot as a slash command's response_url."""
        with self._lock:
            key = f"R{self._next():010d}"
            self._response_urls[key] = 0
        return f"{self.base}/response_url/{key}"

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

    # --- the answers (called by the server with its lock held) ---------------------------------

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
            raise Refusal("message_not_found")
        found[0].update(self._message(p, p["ts"]), edited={"user": BOT["user_id"]})
        return {"channel": p["channel"], "ts": p["ts"], "text": found[0]["text"],
                "message": found[0]}

    def _message(self, p: dict, ts: str) -> dict:
        if not any(p.get(k) for k in ("text", "blocks", "attachments")):
            raise Refusal("no_text")
        message = {"type": "message", "user": BOT["user_id"], "bot_id": BOT["bot_id"],
                   "text": p.get("text", ""), "ts": ts}
        for name in ("blocks", "attachments"):
            if p.get(name):
                message[name] = decode_json(p[name], f"invalid_{name}_format")
        if p.get("thread_ts"):
            message["thread_ts"] = str(p["thread_ts"])
        return message

    def _views_open(self, p: dict, view_id: str = "", **extra: str) -> dict:
        view = {**decode_json(p.get("view") or "{}", "invalid_arguments"), **extra,
                "id": view_id or f"V{self._next():010d}", "hash": f"{self._next():08x}"}
        self.views[view["id"]] = view
        return {"view": view}

    def _views_update(self, p: dict) -> dict:
        found = [v for v in self.views.values() if v["id"] == p.get("view_id")
                 or (p.get("external_id") and v.get("external_id") == p["external_id"])]
        if not found:
            raise Refusal("not_found")
        if p.get("hash") and p["hash"] != found[0]["hash"]:
            raise Refusal("hash_conflict")
        return self._views_open(p, found[0]["id"])

    def _views_publish(self, p: dict) -> dict:
        old = [v for v in self.views.values() if v.get("user_id") == p["user_id"]]
        if old and p.get("hash") and p["hash"] != old[0]["hash"]:
            raise Refusal("hash_conflict")
        return self._views_open(p, old[0]["id"] if old else "", user_id=p["user_id"])

    def _conversations_info(self, p: dict) -> dict:
        if not p.get("channel"):
            raise Refusal("channel_not_found")
        c = p["channel"]
        return {"channel": self.channels.get(c) or {
            "id": c, "name": f"channel-{c.lower()}", "is_channel": True, "is_private": False,
            "is_member": True, "is_archived": False}}

    def _conversations_open(self, p: dict) -> dict:
        users = (p.get("users") or "").split(",")
        if not users[0] and not p.get("channel"):
            raise Refusal("users_list_not_supplied")
        return {"channel": {"id": p.get("channel") or "D" + users[0].lstrip("UW")}}

    def _users_info(self, p: dict) -> dict:
        if not p.get("user"):
            raise Refusal("user_not_found")
        u, name = p["user"], f"User {p['user']}"
        return {"user": self.users.get(u) or {
            "id": u, "name": f"user-{u.lower()}", "real_name": name, "tz": "Europe/London",
            "is_bot": False, "deleted": False, "profile": {"display_name": name}}}

    def _files_upload(self, p: dict) -> dict:
        raise Refusal("method_deprecated")  # files.upload is retired: use files_upload_v2

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
        files = decode_json(p["files"], "invalid_arguments")
        if not isinstance(files, list) or not all(isinstance(f, dict) and "id" in f
                                                  for f in files):
            raise Refusal("invalid_arguments")
        if any(self._files.get(f["id"], {}).get("data") is None for f in files):
            raise Refusal("file_not_found")  # unknown id, or its bytes never arrived
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
