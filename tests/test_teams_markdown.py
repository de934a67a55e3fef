"""Teams cards show user text without links: every TextBlock's markdown of a card or dialog full
of hostile text, parsed by a CommonMark parser (markdown-it-py) that trusts every link, holds no
link, image or raw HTML (bot/teams/render.py `defang`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.teams.dialog import render_dialog
from bot.teams.render import card_json, render_card
from handlers.reply import Chart, Facts, Field, Form, Reply, Table, Text

HOSTILE = ("[click](https://evil.example) <at>Everyone</at> burglary\n"  # test_teams_e2e.py's
           "[click](javascript:alert(4)) ![x](http://evil.example/x.png) <http://evil.example>\n"
           "<script>alert(1)</script> [ref][1] [short] <!-- hidden -->\n"
           "[1]: http://evil.example\n[short]: javascript:alert(4)")


def text_blocks(node: Any) -> Iterator[str]:
    """The markdown of every TextBlock and fact (Teams renders markdown in both)."""
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            yield node["text"]
        if node.get("type") == "FactSet":
            for fact in node["facts"]:
                yield from (fact["title"], fact["value"])
        for value in node.values():
            yield from text_blocks(value)
    elif isinstance(node, list):
        for item in node:
            yield from text_blocks(item)


def tokens(text: str) -> Iterator[Token]:
    parser = MarkdownIt("commonmark")
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    for token in parser.parse(text):
        yield token
        yield from token.children or []


def smuggled(card: dict[str, Any]) -> list[str]:
    """What a CommonMark renderer would make a link, an image or raw HTML in the card."""
    return [f"{token.type} in {text!r}" for text in text_blocks(card) for token in tokens(text)
            if token.type in ("link_open", "image", "html_inline", "html_block")]


def test_hostile_text_makes_no_link_in_a_card() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    reply = Reply(HOSTILE, [Text(HOSTILE), Facts([(HOSTILE, HOSTILE)]),
                            Table([HOSTILE], [[HOSTILE]]), Chart(png, HOSTILE, HOSTILE)], HOSTILE)
    card = card_json(render_card(reply))
    assert len(list(text_blocks(card))) >= 6
    assert smuggled(card) == []
    assert "click" in json.dumps(card)  # the text is shown, only its links are broken


def test_hostile_text_makes_no_link_in_a_dialog() -> None:
    form = Form("update_action", HOSTILE, [Field("note", HOSTILE, "multiline", HOSTILE,
                                                 required=False, hint=HOSTILE)],
                intro=HOSTILE)
    card = card_json(render_dialog(form, errors={"note": HOSTILE}))
    assert len(list(text_blocks(card))) >= 3
    assert smuggled(card) == []
    empty = card_json(render_dialog(Form("update_action", HOSTILE, [])))  # the title alone
    assert list(text_blocks(empty)) and smuggled(empty) == []
