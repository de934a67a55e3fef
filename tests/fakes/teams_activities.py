"""Teams as the tests speak it: the bot's app id and tenant, the Kettering seed's Teams ids,
activities as Teams sends them to a bot (messages, mentions, invokes), and the text and elements
of the Adaptive Cards the bot sends back."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from fakes.teams_connector import FakeConnector

APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
BOT = {"id": f"28:{APP_ID}", "name": "CSP Bot"}
TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
# The Teams (Entra object) ids of the Kettering seed's people (data/seed/kettering.toml).
ADMIN, KBC_LEAD, POLICE_LEAD, MEMBER = (f"00000000-0000-0000-0000-00000000000{n}"
                                        for n in (1, 2, 4, 6))
CHANNEL = "19:0a1b2c3d4e5f60718293a4b5c6d7e8f9@thread.tacv2"


def personal(user: str) -> str:
    """The id of `user`'s personal chat with the bot."""
    return f"a:1{user.replace('-', '')}personalchat"


def activity(connector: FakeConnector, user: str = ADMIN, conversation: str | None = None,
             kind: str = "personal", **fields: Any) -> dict[str, Any]:
    """An activity as Teams sends it to a bot."""
    conversation = conversation or personal(user)
    body: dict[str, Any] = {
        "type": "message", "id": f"17{time.time_ns() % 10**11:011d}",
        "timestamp": "2010-04-12T09:30:00.000Z", "localTimestamp": "2010-04-12T10:30:00+01:00",
        "serviceUrl": connector.url, "channelId": "msteams",
        "from": {"id": f"29:1{user[-6:]}", "name": "A partner", "aadObjectId": user},
        "conversation": {"id": conversation, "conversationType": kind, "tenantId": TENANT},
        "recipient": BOT, "locale": "en-GB", "textFormat": "plain",
        "channelData": {"tenant": {"id": TENANT}}}
    if kind == "channel":
        body["channelData"].update({"team": {"id": CHANNEL, "name": "Kettering CSP"},
                                    "channel": {"id": conversation.split(";")[0]}})
    body.update(fields)
    return body


def message(connector: FakeConnector, text: str, mention: bool = False, **kwargs: Any
            ) -> dict[str, Any]:
    """A message activity; `mention`: with the bot @mentioned before the text."""
    if mention:
        tag = f"<at>{BOT['name']}</at>"
        return activity(connector, text=f"{tag} {text}", entities=[
            {"type": "mention", "text": tag, "mentioned": BOT}], **kwargs)
    return activity(connector, text=text, **kwargs)


def invoke(connector: FakeConnector, name: str, data: dict[str, Any], **kwargs: Any
           ) -> dict[str, Any]:
    """An invoke activity (task/fetch, task/submit) with `data` as a card action's data."""
    return activity(connector, type="invoke", name=name,
                    value={"data": data, "context": {"theme": "default"}}, **kwargs)


def card_text(card: dict[str, Any]) -> str:
    """Every text of a card, markup removed (for comparing with the neutral reply)."""
    found = [node[key] for node in nodes(card) for key in ("text", "title", "value", "altText",
                                                           "label")
             if isinstance(node.get(key), str) and not node.get("url")]
    return plain("\n".join(found))


def plain(text: str) -> str:
    """`text` without markdown emphasis or zero-width spaces, its whitespace collapsed."""
    return " ".join(re.sub(r"[*_`\u200b]", "", text).split())


def nodes(card: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card, depth first."""
    if isinstance(card, dict):
        yield card
        for value in card.values():
            yield from nodes(value)
    elif isinstance(card, list):
        for value in card:
            yield from nodes(value)


def elements(card: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The card's elements of type `kind` (TextBlock, Image, Input.Text...)."""
    return [node for node in nodes(card) if node.get("type") == kind]


def post_activity(url: str, body: dict[str, Any] | bytes, token: str | None = None
                  ) -> tuple[int, Any]:
    """POST an activity (or raw bytes) to /api/messages; (HTTP status, JSON answer or None)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, json.loads(raw) if raw else None
