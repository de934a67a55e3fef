"""briefing.md shows user text as typed: no link, image, HTML, emphasis, heading, list or table
from a partnership file, an import or a lead's note (bot/cli/markdown_text.py).

Checked by rendering the Markdown with a real CommonMark renderer (markdown-it-py, with GFM's
tables and strikethrough): a briefing whose every piece of text is hostile must give the same
HTML elements as the same briefing with plain words, and show each hostile text as typed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import sqlite_utils
from markdown_it import MarkdownIt

from bot.cli.briefing_files import render_markdown
from bot.cli.markdown_text import block, inline
from briefings.model import ActionProgress, Briefing, Chart, Fact, Freshness, Section
from data.db import open_db
from handlers.reply import Context, FormSubmission
from handlers.update import open_update_form, submit_update

LEAD = "U0KETPOL1"  # a police lead of the demo partnership, in Slack

HOSTILE = [
    "[click](javascript:alert(4))",
    "[click](https://evil.example) <at>Everyone</at> burglary",  # tests/test_teams_e2e.py's
    "<script>alert(1)</script>",
    "![x](http://evil.example/x.png)",
    "<http://evil.example>",
    "<!-- hidden -->",
    "**bold** __strong__ _em_ *em* `code` ~~gone~~",
    "# heading",
    "1. one",
    "2) two",
    "- item",
    "+ item",
    "> quote",
    "=====",
    "a | b | c",
    "first line\n# second line\n<b>third</b>",
    "[ref][1]\n\n[1]: http://evil.example",
    "[^1] footnote",
    "&lt;b&gt; &#106;avascript &amp;",
    "trailing backslash \\",
    "\\*still not emphasis\\*",
    "{: onclick=alert(1)}",
]


def markdown_html(text: str) -> str:
    """HTML from a renderer that trusts every link (as some mail clients do): markdown-it-py
    refuses javascript: links itself, which must not be what protects the reader."""
    renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    renderer.validateLink = lambda url: True  # type: ignore[method-assign]
    return renderer.render(text)


class Elements(HTMLParser):
    """The start tags (an image with its source) and the text of rendered HTML, an image's alt
    text included."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found.get("src") or ""))
        if tag == "img":
            self.text.append(f" {found.get('alt')} ")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def briefing(text: str) -> Briefing:
    """A briefing with `text` in every place that can hold text from users or files."""
    chart = Chart("all-crime@kettering", b"", f"alt {text}", ["Month", "Count"], [["x", "1"]])
    section = Section("all-crime@kettering", "all-crime", "kettering", text, text,
                      [Fact(text, text)], chart, {}, notes=[text], priority=text, leads=[text])
    actions = ActionProgress(
        {"on-track": 1}, [{"id": text, "title": text, "lead": text, "due": text,
                           "status": "on-track"}],
        [{"action": text, "at": text, "by": text, "field": text, "old": text, "new": text,
          "note": text}], "2010-03-01")
    return Briefing("kettering", text, "2010-03", text, [text, text], [section], actions,
                    [Freshness(text, text, [text], False)], [text, text], chart, notes=[text])


def save_note(db: sqlite_utils.Database, note: str) -> None:
    """The lead saves `note` on action 4.6.2 from Slack's update form."""
    ctx = Context(user=LEAD, platform="slack", channel="C0KETCSP01", today="2010-04-07")
    form = open_update_form("kettering", "4.6.2", ctx, db)
    values = {f.id: f.value or "" for f in form.fields} | {"note": note}
    submit_update(FormSubmission(form.form_id, values, form.hidden, LEAD), ctx, db)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_hostile_text_renders_as_typed_and_changes_no_element() -> None:
    plain = Elements(markdown_html(render_markdown(briefing("plain words"))))
    places = one_line("".join(plain.text)).count("plain words")
    assert places >= 20
    wrong = []
    for text in HOSTILE:
        hostile = Elements(markdown_html(render_markdown(briefing(text))))
        shown = one_line("".join(hostile.text)).count(one_line(text))
        if hostile.tags != plain.tags or shown != places:  # each place shows it as typed
            wrong.append(f"{text!r}: {shown} of {places} places as typed, elements "
                         f"{'the same' if hostile.tags == plain.tags else 'changed'}")
    assert wrong == []


def test_bare_web_addresses_are_not_autolinked() -> None:
    """GitHub links 'http://...' and 'www....' in text (GFM's autolink extension), which
    markdown-it-py's CommonMark does not: the two triggers never reach the file."""
    markdown = render_markdown(briefing("see https://evil.example or www.evil.example"))
    assert not re.search(r"(?i)[a-z]://|(?<![\w.\\-])www\.", markdown)
    shown = one_line("".join(Elements(markdown_html(markdown)).text))
    assert "see https://evil.example or www.evil.example" in shown


def test_ordinary_text_stays_readable() -> None:
    """Only what could open Markdown syntax is escaped: figures, dates, parentheses and
    'p < 0.001' read as they are."""
    text = "699, against 886 (-21.1%; significant, p < 0.001) in 2010-03."
    assert inline(text) == text and block(text) == text
    assert block("-21.1% in 2010") == "\\-21.1% in 2010"
    assert inline("-21.1% in 2010") == "-21.1% in 2010"
    assert block("10. ten") == "10\\. ten"


def test_a_leads_note_is_no_live_link_in_briefing_md(cspbot, db_path: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    """Finding 11 as it happened: a lead's note saved from chat, then `cspbot briefing`."""
    assert cspbot("demo").exit_code == 0
    note = "[click](javascript:alert(4)) ![x](http://evil.example/x.png) <http://x> <b>b</b>"
    db = open_db(db_path)
    try:
        save_note(db, note)
    finally:
        db.close()
    result = cspbot("briefing", "--partnership", "kettering", "--month", "2010-03",
                    "--since", "2000-01-01", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    rendered = Elements(markdown_html((tmp_path / "out" / "briefing.md").read_text("utf-8")))
    assert [t for t, _ in rendered.tags if t in ("a", "b", "script")] == []
    assert all(re.fullmatch(r"[\w.-]+\.png", src) for t, src in rendered.tags if t == "img")
    assert note in one_line("".join(rendered.text))
