"""The neutral reply model: what every command returns, and every front end renders.

Handlers never know a chat platform. They return a `Reply` made of blocks (`Text`, `Facts`,
`Chart`, `Table`, `Divider`, `Actions`), or a `Form` to ask for input (a Slack modal, a Teams
dialog, console prompts). A mistake by the user is a `CspError`, written for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Text:
    markdown: str  # a small common subset: *bold*, _italic_, `code`, bullet lines "- "


@dataclass
class Facts:
    items: list[tuple[str, str]]


@dataclass
class Chart:
    png: bytes
    alt_text: str
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    filename: str = "chart.png"


@dataclass
class Document:
    """A file handed over as it is, e.g. the printable board paper: posted as an upload where
    the platform takes one, otherwise left out."""

    data: bytes
    filename: str
    title: str
    mime: str = "text/html"


@dataclass
class Link:
    """An address to open, e.g. the printable board paper on the bot's web server: a button
    that opens it (Teams: Action.OpenUrl). The address is the bot's own, never a user's."""

    url: str
    label: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Divider:
    pass


@dataclass
class Button:
    id: str  # the action id, e.g. "update_action"
    label: str
    value: str  # e.g. "kettering:4.6.2"
    # The `/csp` command the button stands for ("where burglary 2022-10"), when it asks one; the
    # console shows it as a hint. None: the button opens a form (a Slack modal, a Teams dialog).
    asks: str | None = None


@dataclass
class Actions:
    buttons: list[Button]


Block = Text | Facts | Chart | Table | Divider | Actions | Document | Link


@dataclass
class SendBriefing:
    """Asks the front end to deliver a briefing through the delivery ledger (handlers know no
    chat platform, so they cannot post it themselves)."""

    partnership: str
    month: str
    channel: str | None  # the channel asked from; None: every subscription of the partnership
    force_reason: str | None = None


@dataclass
class Reply:
    title: str
    blocks: list[Block]
    fallback_text: str  # plain text for notifications and screen readers
    public: bool = False  # posted in the channel; otherwise only the asker sees it
    effects: list[SendBriefing] = field(default_factory=list)  # done by the front end


@dataclass
class Field:
    id: str
    label: str
    kind: str = "text"  # text, multiline, number, choice
    value: str | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    required: bool = True
    hint: str | None = None


@dataclass
class Form:
    form_id: str  # e.g. "update_action"
    title: str
    fields: list[Field]
    hidden: dict[str, str] = field(default_factory=dict)  # e.g. action id, version
    submit_label: str = "Save"
    intro: str | None = None


@dataclass
class FormSubmission:
    form_id: str
    values: dict[str, str]
    hidden: dict[str, str]
    user: str  # platform user id


@dataclass
class FormErrors(Exception):
    """Input that cannot be saved, per field: the form stays open with these messages."""

    errors: dict[str, str]


class CspError(Exception):
    """A mistake by the user, explained for the user; `usage` says what to type instead."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


@dataclass
class Context:
    """Who asks, where, and when: everything a handler may know of the outside world."""

    user: str  # platform user id, e.g. Slack "U0123ABCD"
    platform: str  # "slack", "teams" or "console"
    channel: str | None = None  # channel / conversation id; None in a direct message
    today: str = ""  # YYYY-MM-DD, passed in (handlers never read the clock)
    extra: dict[str, Any] = field(default_factory=dict)
    # The front end, when it is not the platform's own: "console" when the console acts as a
    # chat user (`cspbot console --user U...`). The audit trail records changes under it.
    via: str | None = None

    @property
    def route(self) -> str:
        """How a request came: "slack", "teams" or "console" (the audit trail's source)."""
        return self.via or self.platform
