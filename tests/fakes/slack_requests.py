"""The requests the fake Slack Web API receives: how they are recorded, read and checked.

A request is recorded as a `Call`; its fields come from the query string and the body, which
may be form-encoded, JSON or multipart (`parse_fields`), and are checked against the method's
entry in slack_spec.json (made by make_slack_spec.py from Slack's published spec) the way Slack
words its complaints (`check_fields`). A `Refusal` is the ``{"ok": false, "error": ...}`` answer
a method gives; an `Answer` is what goes back over HTTP. The server is tests/fakes/slack_api.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

SPEC: dict[str, dict] = json.loads(
    Path(__file__).with_name("slack_spec.json").read_text(encoding="utf-8"))["methods"]
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


class Refusal(Exception):
    """An ``{"ok": false, "error": ...}`` answer (HTTP 200, as Slack sends them)."""


def parse_fields(query: str, content_type: str, raw: bytes) -> dict[str, Any]:
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


def check_fields(spec: dict, params: dict[str, Any]) -> list[str]:
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


def decode_json(value: Any, error: str) -> Any:
    """A JSON field: form bodies carry it as a string, JSON bodies as the structure itself; a
    Refusal with `error` if it is not JSON."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise Refusal(error) from None
