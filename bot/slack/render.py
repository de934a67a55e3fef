"""Render the neutral Reply and Form (handlers/reply.py) as Slack Block Kit; read modals back.

Built with slack_sdk's Block Kit classes, whose `to_dict()` validates every block. Slack's
limits are kept here: at most 50 blocks a message (App Home 100; over that the first 49 (99) are
kept and the last says there is more); section text <= 3,000 characters (text and tables split
at line ends); <= 10 section fields of <= 2,000; header <= 150; button and option labels <= 75,
<= 25 buttons per actions block, action ids "<button id>:<n>" unique in the message; modal
title, submit and close <= 24; private_metadata <= 3,000 (too much hidden data is an error,
never cut).

Text from users or files is escaped (bot/slack/escape.py). Input values, option and button
values and private_metadata are data that Slack does not format: they go as they are and come
back unchanged.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.escape import escape_slack, fit, split
from bot.slack.table import table_sections
from handlers.reply import (
    Actions,
    Chart,
    Divider,
    Facts,
    Field,
    Form,
    FormErrors,
    FormSubmission,
    Reply,
    Table,
    Text,
)

MAX_MESSAGE_BLOCKS = 50
MAX_HOME_BLOCKS = 100
SECTION_CHARS = 3000
FIELD_CHARS = 2000
FIELDS_PER_SECTION = 10
HEADER_CHARS = 150
BUTTON_CHARS = 75
BUTTONS_PER_BLOCK = 25
OPTION_CHARS = 75
OPTIONS_PER_SELECT = 100
MODAL_TITLE_CHARS = 24
LABEL_CHARS = 2000
METADATA_CHARS = 3000
MORE_TEXT = "_… more than Slack shows in one message: ask for less at a time, or `/csp briefing`._"


@dataclass
class RenderedMessage:
    blocks: list[dict[str, Any]]  # Block Kit JSON, at most 50 blocks
    text: str  # the escaped fallback for notifications, at most 3,000 characters
    charts: list[Chart] = field(default_factory=list)  # uploaded by the app with files_upload_v2
    public: bool = False  # posted in the channel (else ephemeral)


def render_message(reply: Reply, more_text: str = MORE_TEXT) -> RenderedMessage:
    blocks = _blocks(reply, MAX_MESSAGE_BLOCKS, more_text, chart_lines=True)
    charts = [block for block in reply.blocks if isinstance(block, Chart)]
    return RenderedMessage([block.to_dict() for block in blocks], _fallback(reply), charts,
                           reply.public)


def render_home(reply: Reply, more_text: str = MORE_TEXT) -> dict[str, Any]:
    """The App Home tab: the same blocks as a message, without charts, at most 100 blocks."""
    blocks = _blocks(reply, MAX_HOME_BLOCKS, more_text, chart_lines=False)
    if not blocks:
        blocks = [_section(_fallback(reply))]
    return View(type="home", blocks=blocks).to_dict()


def _fallback(reply: Reply) -> str:
    return fit(reply.fallback_text.strip() or reply.title.strip() or "CSP Bot", SECTION_CHARS)


def _blocks(reply: Reply, limit: int, more_text: str, chart_lines: bool) -> list[Block]:
    out: list[Block] = []
    if reply.title.strip():
        out.append(HeaderBlock(text=PlainTextObject(text=fit(reply.title.strip(), HEADER_CHARS),
                                                    emoji=True)))
    action_numbers = count(1)
    for index, block in enumerate(reply.blocks):
        if len(out) > limit:
            break
        if isinstance(block, Text):
            text = escape_slack(_bullets(block.markdown))
            out.extend(_section(piece) for piece in split(text, SECTION_CHARS))
        elif isinstance(block, Facts):
            out.extend(_facts(block))
        elif isinstance(block, Table):
            later = 1 if index < len(reply.blocks) - 1 else 0
            out.extend(_section(text) for text in table_sections(
                block, max(1, limit - len(out) - later), SECTION_CHARS))
        elif isinstance(block, Divider):
            out.append(DividerBlock())
        elif isinstance(block, Actions):
            out.extend(_actions(block, action_numbers))
        elif isinstance(block, Chart) and chart_lines:
            line = f"Chart: {fit(block.title or block.alt_text, 200)} (below)"
            out.append(ContextBlock(elements=[MarkdownTextObject(text=line, verbatim=True)]))
    if len(out) > limit:
        out = out[: limit - 1] + [_section(more_text)]
    return out


def _section(text: str) -> SectionBlock:
    """A section of already escaped mrkdwn; verbatim, so bare '@here' or '#x' stay text."""
    return SectionBlock(text=MarkdownTextObject(text=text, verbatim=True))


def _bullets(markdown: str) -> str:
    """The handlers' '- ' bullet lines as Slack bullets."""
    return re.sub(r"(?m)^(\s*)- ", "\\1• ", markdown)


def _facts(facts: Facts) -> list[Block]:
    cells = []
    for label, value in facts.items:
        label_text = fit(str(label), FIELD_CHARS // 4)
        head = f"*{label_text}*\n" if label_text else ""
        cells.append(head + (fit(str(value), FIELD_CHARS - len(head)) or "–"))
    return [SectionBlock(fields=[MarkdownTextObject(text=cell, verbatim=True)
                                 for cell in cells[start:start + FIELDS_PER_SECTION]])
            for start in range(0, len(cells), FIELDS_PER_SECTION)]


def _actions(actions: Actions, numbers: count[int]) -> list[Block]:
    buttons = [ButtonElement(text=PlainTextObject(text=fit(button.label, BUTTON_CHARS) or "–",
                                                  emoji=True),
                             action_id=f"{button.id}:{next(numbers)}", value=button.value)
               for button in actions.buttons]
    return [ActionsBlock(elements=buttons[start:start + BUTTONS_PER_BLOCK])
            for start in range(0, len(buttons), BUTTONS_PER_BLOCK)]


def button_id(action_id: str) -> str:
    """The neutral Button.id of a rendered action id: 'update_action:3' -> 'update_action'."""
    base, _, number = action_id.rpartition(":")
    return base if base and number.isdigit() else action_id


def render_modal(form: Form, callback_id: str | None = None,
                 private_metadata: str | Mapping[str, str] | None = None) -> dict[str, Any]:
    """A modal view for `form`; callback_id defaults to form.form_id, private_metadata to the
    form's hidden data, JSON encoded (a dict is encoded; a str is taken as JSON already)."""
    data = form.hidden if private_metadata is None else private_metadata
    metadata = data if isinstance(data, str) else json.dumps(dict(data), ensure_ascii=False)
    if len(metadata) > METADATA_CHARS:
        raise ValueError(f"hidden form data is {len(metadata)} characters; Slack keeps "
                         f"at most {METADATA_CHARS} in private_metadata")
    blocks: list[Block] = []
    if form.intro and form.intro.strip():
        blocks.extend(_section(piece)
                      for piece in split(escape_slack(_bullets(form.intro)), SECTION_CHARS))
    blocks.extend(_input(item) for item in form.fields)
    if not blocks:
        blocks.append(_section(fit(form.title, SECTION_CHARS) or "–"))
    view = View(type="modal", callback_id=callback_id or form.form_id,
                title=PlainTextObject(text=fit(form.title, MODAL_TITLE_CHARS) or "CSP Bot"),
                submit=PlainTextObject(text=fit(form.submit_label, MODAL_TITLE_CHARS) or "Save"),
                close=PlainTextObject(text="Cancel"), blocks=blocks, private_metadata=metadata)
    return view.to_dict()


def _input(item: Field) -> InputBlock:
    element: InputInteractiveElement
    value = item.value if item.value not in (None, "") else None
    if item.kind == "choice" and item.choices:
        options = [Option(value=choice, text=PlainTextObject(text=fit(label, OPTION_CHARS) or "–"))
                   for choice, label in item.choices]
        chosen = next((o for o in options if value is not None and o.value == value), None)
        if len(options) > OPTIONS_PER_SELECT:
            options = options[:OPTIONS_PER_SELECT]
            if chosen is not None and all(option is not chosen for option in options):
                options[-1] = chosen
        element = StaticSelectElement(action_id=item.id, options=options, initial_option=chosen,
                                      placeholder=PlainTextObject(text="Choose…"))
    elif item.kind == "number" and (value is None or _is_number(value)):
        element = NumberInputElement(action_id=item.id, is_decimal_allowed=True,
                                     initial_value=value)
    else:  # text, multiline, and a number field whose current value is not a number
        element = PlainTextInputElement(action_id=item.id, initial_value=value,
                                        multiline=item.kind == "multiline")
    return InputBlock(block_id=item.id, label=PlainTextObject(text=fit(item.label, LABEL_CHARS)
                                                              or item.id),
                      element=element, optional=not item.required,
                      hint=PlainTextObject(text=fit(item.hint, LABEL_CHARS)) if item.hint else None)


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def read_submission(view_payload: Mapping[str, Any], user_id: str) -> FormSubmission:
    """The FormSubmission in a view_submission's `view` (or the whole payload): every input by
    its block id ('' when left empty), and the hidden data from private_metadata."""
    view = view_payload.get("view", view_payload) if "state" not in view_payload else view_payload
    values: dict[str, str] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for state in (actions or {}).values():
            values[block_id] = _state_value(state or {})
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    hidden = ({str(k): "" if v is None else str(v) for k, v in metadata.items()}
              if isinstance(metadata, dict) else {})
    return FormSubmission(form_id=str(view.get("callback_id") or ""), values=values,
                          hidden=hidden, user=user_id)


def _state_value(state: Mapping[str, Any]) -> str:
    if "selected_option" in state:
        return str((state.get("selected_option") or {}).get("value") or "")
    return "" if state.get("value") is None else str(state["value"])


def render_errors(form_errors: FormErrors) -> dict[str, Any]:
    """The view_submission answer that keeps the modal open with a message under each field."""
    return {"response_action": "errors", "errors": dict(form_errors.errors)}
