"""Each platform in its own words (issue 15): the help, the refusal in a channel no
partnership added, the briefing preview and the home name the settings and behaviour of the
platform they are shown on; nothing is cut mid-word; placeholders (`<indicator>`) and a '-'
cell show as typed in Teams cards (parsed by a CommonMark parser, as Teams' markdown is),
Slack Block Kit and the console."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.demo_store import make_demo_store
from markdown_it import MarkdownIt

from bot.cli.render_text import render_text
from bot.slack.escape import fit as slack_fit
from bot.slack.render import render_message
from bot.teams.render import card_json, fit, render_card
from data.db import open_db
from data.subscriptions import subscribe
from handlers.reply import Context, CspError, Reply, Table, Text
from handlers.router import dispatch, error_reply

TEAMS_ADMIN, SLACK_ADMIN = "00000000-0000-0000-0000-000000000001", "U0KETADM1"
TEAMS_CHANNEL, SLACK_CHANNEL = "19:ket@thread.tacv2", "C0KETCSP01"
PLACEHOLDERS = ("<indicator>", "<action>", "<term>", "<period>")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = open_db(make_demo_store(tmp_path_factory.mktemp("platform-words")))
    subscribe(store, "kettering", "teams", TEAMS_CHANNEL, "working day 3 at 09:00")
    yield store
    store.close()


def ask(db, platform: str, text: str, channel: str | None = None) -> Reply:  # type: ignore[no-untyped-def]
    user = TEAMS_ADMIN if platform == "teams" else SLACK_ADMIN
    try:
        result = dispatch(text, Context(user, platform, channel, "2010-04-20"), db)
    except CspError as exc:
        return error_reply(exc)
    assert isinstance(result, Reply)
    return result


def card_texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            yield node["text"]
        for fact in node.get("facts", []) if node.get("type") == "FactSet" else []:
            yield from (fact["title"], fact["value"])
        for value in node.values():
            yield from card_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from card_texts(item)


def shown(markdown: str) -> tuple[str, list[str]]:
    """What a CommonMark renderer shows of a TextBlock (its text, zero-width spaces removed),
    and the block kinds it makes (lists, headings, raw HTML)."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    text = "".join(child.content for token in tokens for child in token.children or []
                   if child.type in ("text", "code_inline"))
    kinds = [t.type for t in tokens if t.type in ("bullet_list_open", "ordered_list_open",
                                                  "heading_open", "html_block", "blockquote_open")]
    kinds += [c.type for t in tokens for c in t.children or [] if c.type == "html_inline"]
    return text.replace("\u200b", ""), kinds


def test_teams_help_names_teams_behaviour_and_keeps_placeholders(db) -> None:
    for channel in (None, TEAMS_CHANNEL):
        card = card_json(render_card(ask(db, "teams", "help", channel)))
        texts = [shown(t) for t in card_texts(card)]
        words = " ".join(text for text, _ in texts)
        assert all(kinds == [] for _, kinds in texts), texts
        for placeholder in PLACEHOLDERS:
            assert placeholder in words, placeholder
        assert "thread" in words and "personal chat" in words
        assert "add share" not in words and "only you see it; add" not in words
        assert "/csp" not in words  # typed as Teams takes it
        assert ("@CSP Bot burglary" in words) is (channel is not None)
        assert not any(text.endswith("…") for text, _ in texts), "a help text was cut"


def test_teams_refusal_names_teams_channels_and_the_personal_chat(db) -> None:
    card = card_json(render_card(ask(db, "teams", "burglary", "19:unknown@thread.tacv2")))
    words = " ".join(shown(t)[0] for t in card_texts(card))
    assert "teams_channels" in json.dumps(card) and "slack_channels" not in json.dumps(card)
    assert "personal chat" in words


def test_slack_refusal_names_slack_channels(db) -> None:
    message = render_message(ask(db, "slack", "burglary", "C0UNKNOWN1"))
    text = json.dumps(message.blocks)
    assert "slack_channels" in text and "teams_channels" not in text
    assert "message CSP Bot directly" in text


def test_the_preview_says_who_sees_it_on_each_platform(db) -> None:
    slack = json.dumps(render_message(ask(db, "slack", "briefing 2010-03", SLACK_CHANNEL)).blocks)
    assert "only you see it" in slack and "/csp briefing share" in slack
    teams = json.dumps(card_json(render_card(ask(db, "teams", "briefing 2010-03",
                                                 TEAMS_CHANNEL))))
    assert "only you see it" not in teams and "thread" in teams and "personal chat" in teams


def test_slack_help_shows_placeholders_and_cuts_no_description(db) -> None:
    message = render_message(ask(db, "slack", "help"))
    text = json.loads(json.dumps(message.blocks))
    body = "\n".join(b["text"]["text"] for b in text if b.get("type") == "section")
    for placeholder in PLACEHOLDERS:  # escaped for Slack, which shows them as typed
        assert placeholder.replace("<", "&lt;").replace(">", "&gt;") in body
    assert "…" not in body
    assert "Answers are private; add `share`" in body
    # a long description wraps inside its column: every word of it is there
    assert "or what a word in its answers means." in " ".join(body.split())


def test_console_help_shows_placeholders_and_cuts_nothing(db, tmp_path: Path) -> None:
    out = render_text(ask(db, "console", "help"), tmp_path)
    for placeholder in PLACEHOLDERS:
        assert placeholder in out
    assert "…" not in out and "share" not in out and "thread" not in out


def test_a_dash_or_number_cell_is_not_a_list_in_teams() -> None:
    reply = Reply("t", [Table(["a", "b", "c"], [["-", "1. first", "# not a heading"],
                                                ["- x", "> y", "+"]])], "t")
    for text in card_texts(card_json(render_card(reply))):
        words, kinds = shown(text)
        assert kinds == [], (text, kinds)
    words = [shown(t)[0] for t in card_texts(card_json(render_card(reply)))]
    assert {"-", "1. first", "# not a heading", "- x", "> y", "+"} <= set(words)


def test_text_is_cut_at_a_space_not_inside_a_word() -> None:
    long = "How an indicator is doing: the change, the trend, the target, a chart."
    assert fit(long, 30) == "How an indicator is doing…"
    assert slack_fit(long, 30) == "How an indicator is doing…"
    assert fit("x" * 50, 10) == "x" * 9 + "…"  # one long word: cut where it must
    card = card_json(render_card(Reply("t", [Text("ok"), Table(["h"], [[long * 3]])], "t")))
    assert any(t.startswith(long) and t.endswith(long) for t in card_texts(card))
