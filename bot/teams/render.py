"""Render the neutral Reply (handlers/reply.py) as an Adaptive Card 1.5 for Teams (dialogs from
Forms: bot/teams/dialog.py).

Built with microsoft_teams.cards (pydantic models of the Adaptive Card schema), using only what
schema 1.5 has, plus Teams' own `msteams` properties (full width; charts that expand on click).
title -> heading TextBlock; Text -> TextBlock (markdown); Facts -> FactSet; Table -> one
ColumnSet per row (numbers right-aligned; at most TABLE_ROWS rows, then a note); Divider -> a
separator on the next element; Actions -> Action.Submit buttons that open a dialog (task/fetch),
or, for a button that asks a command ("Where?"), send {"csp_button": id, "value": value} back;
Link -> an Action.OpenUrl button (the paper on the bot's web server);
Chart -> its title and an Image whose url is a data: URI of the PNG, with its alt text.

Size: Teams refuses messages over about 100 KB and advises staying under 80 KB, so a card is
kept under MAX_CARD_BYTES of JSON, charts included. Charts get what the rest leaves, shared
between them; a chart that does not fit is re-encoded with fewer colours, then scaled down, and
as a last resort replaced by a one-line note. Text and tables are cut before charts are dropped.

Text from users and files goes into TextBlocks, whose markdown is a small subset; link syntax
(`[x](url)`, `[x][ref]` with `[ref]: url`, `<http://x>`) is broken up by a zero-width space so no
link can be smuggled in; a '<' that would open a tag gets one too, so placeholders such as
`<indicator>` show as typed. The handlers' *bold* becomes **bold**, `code` loses its backticks
(cards have no inline code). A table cell or fact is literal (`literal`): '-' alone, '1.' or
'#' at its start stay text, not a list or a heading. Nothing is cut mid-word (`fit`).
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Column,
    ColumnSet,
    Fact,
    FactSet,
    Image,
    OpenUrlAction,
    SubmitAction,
    TeamsCardProperties,
    TeamsImageProperties,
    TextBlock,
)

from handlers.reply import (
    Actions,
    Button,
    Chart,
    Divider,
    Facts,
    Link,
    Reply,
    Table,
    Text,
)

VERSION: Literal["1.5"] = "1.5"
MAX_MESSAGE_BYTES = 80_000  # the whole activity; Teams' hard limit is about 100 KB
MAX_CARD_BYTES = MAX_MESSAGE_BYTES - 2_000  # room for the activity around the card
BUTTONS_PER_SET = 5  # Teams shows at most 6 actions in a row
TABLE_ROWS = 40
TEXT_CHARS = 6_000  # one TextBlock
CELL_CHARS = 400  # a cell wraps; one longer than this is cut at a space
BUTTON = "csp_button"  # in a command button's data (sent back as a message's value)
DATA_URI = "data:image/png;base64,"
MIN_CHART_WIDTH = 400  # pixels: a chart shrunk below this is unreadable, so it becomes a note
CUTS = ((TABLE_ROWS, TEXT_CHARS), (15, 2_500), (5, 800), (0, 300))  # tried in turn
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]*)`")
_BULLET = re.compile(r"^\s*[-•] ")
_NUMBER = re.compile(r"^[-+−]?\d[\d,]*(\.\d+)?%?$")
_BLOCK_START = re.compile(r"(?m)^(\s*)([-+*•]|\d+[.)]|#{1,6}|>)(?=\s|$)")
_LINK_PARTS = re.compile(r"(\](?=[(\[:])|<(?=[A-Za-z/!?]))")


def to_markdown(text: str, limit: int = TEXT_CHARS) -> str:
    """The handlers' markdown subset (and any user text in it) as a TextBlock's markdown."""
    text = _BOLD.sub(r"**\1**", _CODE.sub(r"\1", fit(text, limit)))
    text = defang(text)
    out: list[str] = []
    previous = False
    for n, line in enumerate(text.split("\n")):
        bullet = bool(_BULLET.match(line))
        if n:  # a single line break is a space in markdown: bullets stay a list, lines split
            out.append("\n" if bullet and previous else "\n\n")
        out.append(_BULLET.sub("- ", line) if bullet else line)
        previous = bullet
    return "".join(out)


def defang(text: str) -> str:
    """No link from user text: a zero-width space after a ']' that would close a link's text
    (`[text](url)`, `[text][ref]`, `[ref]: url`) and after a '<' that would open an autolink
    (`<http://x>`) or a tag."""
    return _LINK_PARTS.sub("\\1\u200b", text)


def fit(text: str, limit: int) -> str:
    """The text, or its first words within `limit` characters and '…' (a word is cut only when
    it is longer than half the limit)."""
    text = str(text)
    if len(text) <= limit:
        return text
    cut = max(0, limit - 1)
    if not text[cut].isspace():
        space = text.rfind(" ", 0, cut)
        cut = space if space > cut // 2 else cut
    return text[:cut].rstrip(" ,;:") + "…"


def literal(text: str) -> str:
    """A cell or fact as typed: a zero-width space before what markdown would read as a list,
    a heading or a quote at the start of a line ('-' alone shows as a bullet in Teams)."""
    return _BLOCK_START.sub("\\1\u200b\\2", text)


def card_json(card: AdaptiveCard) -> dict[str, Any]:
    data: dict[str, Any] = card.model_dump(by_alias=True, exclude_none=True)
    return data


def card_bytes(card: AdaptiveCard | Mapping[str, Any]) -> int:
    data = card_json(card) if isinstance(card, AdaptiveCard) else card
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def new_card(body: list[CardElement], fallback: str, actions: list[Any] | None = None
             ) -> AdaptiveCard:
    """A card of schema 1.5, full width in Teams, with its fallback text."""
    return AdaptiveCard(version=VERSION, body=body, actions=actions or None,
                        fallback_text=defang(fit(fallback, 500)) or None,
                        msteams=TeamsCardProperties(width="full"))


def heading(title: str) -> TextBlock:
    return TextBlock(text=defang(fit(title, 200)), style="heading", size="Large", weight="Bolder",
                     wrap=True)


def render_card(reply: Reply, budget: int = MAX_CARD_BYTES) -> AdaptiveCard:
    """The reply as one card of at most `budget` bytes of JSON (see the module's notes)."""
    fallback = reply.fallback_text.strip() or reply.title.strip() or "CSP Bot"
    for rows, chars in CUTS:
        body, charts = _body(reply, rows, chars)
        card = new_card(body, fallback)
        if card_bytes(card) + 200 * len(charts) <= budget:
            break
    else:  # even the shortest cut is too long: the title and the plain text only
        return new_card([heading(reply.title or "CSP Bot"),
                         TextBlock(text=to_markdown(fallback, 2_000), wrap=True)], fallback)
    room = budget - card_bytes(card)
    assert card.body is not None
    for left, (index, chart) in zip(range(len(charts), 0, -1), charts, strict=True):
        uri = chart_uri(chart.png, room // left)
        image = card.body[index]
        assert isinstance(image, Image)
        if uri is None:
            card.body[index] = TextBlock(text=to_markdown(
                f"_Chart not shown: {chart.title or chart.alt_text} (too large for one Teams "
                "message)._", 600), wrap=True, is_subtle=True, separator=image.separator)
            room -= 200  # (allowed for above)
        else:
            image.url = uri
            room -= len(uri)
    return card


def _body(reply: Reply, rows: int, chars: int) -> tuple[list[CardElement], list[tuple[int, Chart]]]:
    """Card elements for the reply; charts as Images without a url yet, with their indexes."""
    body: list[CardElement] = [heading(reply.title)] if reply.title.strip() else []
    charts: list[tuple[int, Chart]] = []
    separate = False
    for block in reply.blocks:
        start = len(body)
        if isinstance(block, Divider):
            separate = True
            continue
        if isinstance(block, Text) and block.markdown.strip():
            body.append(TextBlock(text=to_markdown(block.markdown, chars), wrap=True))
        elif isinstance(block, Facts) and block.items:
            body.append(FactSet(facts=[Fact(title=to_markdown(literal(label), 200),
                                            value=to_markdown(literal(value), 2_000) or "–")
                                       for label, value in block.items]))
        elif isinstance(block, Table):
            body.extend(_table(block, rows))
        elif isinstance(block, Actions) and block.buttons:
            body.extend(_buttons(block.buttons))
        elif isinstance(block, Link):  # the bot's own address (the paper's), as a button
            body.append(ActionSet(actions=[OpenUrlAction(url=block.url,
                                                         title=fit(block.label, 60))]))
        elif isinstance(block, Chart):
            if block.title:
                body.append(TextBlock(text=to_markdown(block.title, 300), weight="Bolder",
                                      wrap=True))
            charts.append((len(body), block))
            body.append(Image(url="", alt_text=fit(block.alt_text or block.title, 2_000),
                              size="Stretch", msteams=TeamsImageProperties(allow_expand=True)))
        if separate and len(body) > start:
            setattr(body[start], "separator", True)  # noqa: B010 (every element has one)
            separate = False
    return body, charts


def _table(table: Table, max_rows: int) -> list[CardElement]:
    cells = [[fit(" ".join(str(v).split()), CELL_CHARS) for v in row] for row in table.rows]
    columns = max([len(table.headers)] + [len(row) for row in cells])
    if not columns:
        return []
    head = [str(h) for h in table.headers] + [""] * (columns - len(table.headers))
    cells = [row + [""] * (columns - len(row)) for row in cells]
    numeric = [all(_NUMBER.match(row[c]) for row in cells if row[c]) and any(
        row[c] for row in cells) for c in range(columns)]
    # a short column gets room for its longest cell and a margin, so that 'complete' or
    # '2011-03-31' is not broken inside the word; long text shares the rest and wraps
    weights = [min(24, 2 + max(3, len(head[c]), *(len(row[c]) for row in cells[:max_rows])))
               for c in range(columns)]
    shown = cells[:max_rows]

    def line(values: Sequence[str], bold: bool) -> ColumnSet:
        return ColumnSet(spacing="Small", columns=[Column(width=weights[c], items=[TextBlock(
            text=to_markdown(literal(values[c]), CELL_CHARS) or " ", wrap=True, size="Small",
            weight="Bolder" if bold else None,
            horizontal_alignment="Right" if numeric[c] else None)]) for c in range(columns)])

    out: list[CardElement] = [line(head, True)] if table.headers else []
    out += [line(row, False) for row in shown]
    if not table.rows or len(shown) < len(table.rows):
        note = "(no rows)" if not table.rows else f"(first {len(shown)} rows of {len(cells)})"
        out.append(TextBlock(text=note, is_subtle=True, size="Small", wrap=True))
    return out


def _buttons(buttons: list[Button]) -> list[CardElement]:
    actions = [SubmitAction(title=fit(b.label, 60) or "–", data=(
        {BUTTON: b.id, "value": b.value} if b.asks else open_dialog(b.id, target=b.value)))
        for b in buttons]
    return [ActionSet(actions=list(actions[i:i + BUTTONS_PER_SET]))
            for i in range(0, len(actions), BUTTONS_PER_SET)]


def open_dialog(dialog_id: str, **data: Any) -> dict[str, Any]:
    """An Action.Submit's data that makes Teams ask the bot for a dialog (task/fetch); the
    SDK's OpenDialogData, without its null fields."""
    return {"msteams": {"type": "task/fetch"}, "dialog_id": dialog_id, **data}


def chart_uri(png: bytes, max_len: int) -> str | None:
    """A data: URI of the chart of at most `max_len` characters: as it is, with 32 colours,
    then smaller (down to MIN_CHART_WIDTH); None when even that would not fit."""
    if _uri_len(len(png)) <= max_len:
        return DATA_URI + base64.b64encode(png).decode()
    if max_len < _uri_len(4_000):
        return None
    from PIL import Image as Pillow  # matplotlib's own dependency; only for big charts

    with Pillow.open(io.BytesIO(png)) as original:
        picture = original.convert("RGB")
    for scale in (1.0, 0.8, 0.64, 0.5, 0.4, 0.32, 0.25):
        size = (round(picture.width * scale), round(picture.height * scale))
        if size[0] < MIN_CHART_WIDTH:
            break
        smaller = picture if scale == 1.0 else picture.resize(size, Pillow.Resampling.LANCZOS)
        out = io.BytesIO()
        smaller.quantize(colors=32).save(out, format="PNG", optimize=True)
        if _uri_len(out.tell()) <= max_len:
            return DATA_URI + base64.b64encode(out.getvalue()).decode()
    return None


def _uri_len(png_bytes: int) -> int:
    return len(DATA_URI) + 4 * math.ceil(png_bytes / 3)
