"""A `Reply` (handlers/reply.py) as JSON and back, to keep a worked-out answer in the store
(handlers/where_store.py): each block tagged with its type, bytes (a chart's PNG, a document)
in base64. Plain data only: nothing is run or imported by reading it back (no pickle).
"""

from __future__ import annotations

import base64
import json
from dataclasses import fields
from typing import Any, cast

from handlers.reply import (
    Actions,
    Block,
    Button,
    Chart,
    Divider,
    Document,
    Facts,
    Link,
    Reply,
    SendBriefing,
    Table,
    Text,
)

BLOCKS = {cls.__name__: cls for cls in (Text, Facts, Chart, Table, Divider, Actions, Document,
                                        Link)}


def reply_to_json(reply: Reply) -> str:
    """The reply as a JSON text (reply_from_json reads it back equal)."""
    return json.dumps({"title": reply.title, "fallback_text": reply.fallback_text,
                       "public": reply.public,
                       "blocks": [_tagged(b) for b in reply.blocks],
                       "effects": [_plain(e) for e in reply.effects]})


def reply_from_json(text: str) -> Reply:
    """The reply that reply_to_json wrote; ValueError, KeyError or TypeError if it does not
    read back whole (e.g. a block type this code does not know)."""
    data = json.loads(text)
    return Reply(data["title"], [_block(b) for b in data["blocks"]], data["fallback_text"],
                 public=data["public"],
                 effects=[SendBriefing(**e) for e in data["effects"]])


def _tagged(block: object) -> dict[str, Any]:
    name = type(block).__name__
    if name not in BLOCKS:
        raise TypeError(f"{name} is not a reply block")
    return {"type": name, **_plain(block)}


def _plain(value: object) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(value):  # type: ignore[arg-type]
        item = getattr(value, f.name)
        if isinstance(item, bytes):
            item = {"base64": base64.b64encode(item).decode("ascii")}
        elif f.name == "buttons":
            item = [_plain(b) for b in item]
        out[f.name] = item
    return out


def _block(data: dict[str, Any]) -> Block:
    data = dict(data)
    cls = BLOCKS[data.pop("type")]
    for name, item in data.items():
        if isinstance(item, dict) and set(item) == {"base64"}:
            data[name] = base64.b64decode(item["base64"], validate=True)
    if cls is Facts:
        data["items"] = [tuple(i) for i in data["items"]]
    if cls is Actions:
        data["buttons"] = [Button(**b) for b in data["buttons"]]
    return cast(Block, cls(**data))
