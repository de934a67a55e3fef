"""What a handler is given: the `Request` (the store, who asks where, the words typed), and the
`Settings` it carries.

Its own module so that the registry (which types handlers as taking a Request), the access
checks and the dispatcher all depend on it, and none of them on another for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from briefings.method import MethodSettings
from handlers.reply import Context


@dataclass
class Settings:
    """What handlers need of the settings (bot/config.py fills it)."""

    method: MethodSettings = field(default_factory=MethodSettings)
    suppress_below: int = 5
    partnership: str | None = None  # the console's partnership when the store holds several


@dataclass
class Request:
    db: sqlite_utils.Database
    ctx: Context
    partnership: str
    person: dict[str, Any] | None  # the asker's row in people, if listed
    words: list[str]  # the arguments after the command word
    text: str  # the whole text as typed
    public: bool
    settings: Settings
