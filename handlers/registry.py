"""The command registry: every `/csp` command, its help, who may run it. Help is generated here.

A handler module declares its commands with `@command(...)`; `handlers/__init__.py` imports the
modules so that the registry is complete before the first dispatch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from handlers.request import Request

ROLES = ("member", "lead", "admin")


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    usage: str
    handler: Callable[[Request], Any]
    role: str = "member"  # the least role that may run it; "lead" commands check more
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=())
    any_channel: bool = False  # may run in a channel no partnership knows yet (subscribe)


REGISTRY: dict[str, Command] = {}


def command(name: str, summary: str, usage: str, role: str = "member",
            examples: tuple[str, ...] = (), aliases: tuple[str, ...] = (),
            any_channel: bool = False
            ) -> Callable[[Callable[[Request], Any]], Callable[[Request], Any]]:
    """Register a handler as `/csp NAME`."""
    assert role in ROLES

    def register(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        entry = Command(name, summary, usage, handler, role, examples, aliases, any_channel)
        for word in (name, *aliases):
            assert word not in REGISTRY, f"command word '{word}' registered twice"
            REGISTRY[word] = entry
        return handler

    return register


HELP_ORDER = ("help", "indicator", "where", "priorities", "leads", "actions", "history", "status",
              "briefing", "update", "subscribe", "unsubscribe", "deliveries", "note")


def commands() -> list[Command]:
    """Each command once: the usual ones in HELP_ORDER, then any others by name."""
    unique = list(dict.fromkeys(REGISTRY.values()))
    order = {name: n for n, name in enumerate(HELP_ORDER)}
    return sorted(unique, key=lambda c: (order.get(c.name, len(order)), c.name))


def lookup(word: str) -> Command | None:
    return REGISTRY.get(word.lower())
