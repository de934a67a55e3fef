"""Context notes (METHOD 2.9, "Context"): the national notes, `[[context]]` in a partnership
file (read, checked, stored, replaced on reload), and `/csp note` through the router: admins
only, logged with who, how and where, kept across a reload of the file, escaped in Slack."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.demo_store import copy_store

from bot.slack.render import render_message
from data.context import NATIONAL, note_log, notes_between, short_label
from data.db import open_db
from data.demo import DEMO_AS_OF, SEED
from data.partnership import load_partnership
from data.partnership_file import read_partnership_file
from data.toml_reader import PartnershipFileError
from handlers import Context, Reply, dispatch
from handlers.registry import commands
from handlers.reply import Table, Text

CHANNEL = "C0KETCSP01"
ADMIN, LEAD, MEMBER = "U0KETADM1", "U0KETPOL1", "U0KETMEM1"
HEAD = """[partnership]
id = "testshire"
name = "Testshire CSP"
lsoas = ["E01027058", "E01027059"]

[[areas]]
id = "centre"
name = "Town centre"
lsoas = ["E01027058"]
"""


def read(tmp_path: Path, context: str) -> Any:
    path = tmp_path / "testshire.toml"
    path.write_text(HEAD + context, encoding="utf-8")
    return read_partnership_file(path)


def refusal(tmp_path: Path, context: str) -> str:
    with pytest.raises(PartnershipFileError) as caught:
        read(tmp_path, context)
    return caught.value.message


# --- the partnership file -------------------------------------------------------------------


def test_context_tables_are_read_with_a_month_or_a_span(tmp_path: Path) -> None:
    p = read(tmp_path, """
[[context]]
month = "2023-04"
text = "Operation Nightfall:   extra patrols\\nin the town centre"
area = "centre"

[[context]]
from = "2022-10"
to = "2023-03"
text = "New crime recording system"
label = "New recording system"
""")
    assert p.context == [
        {"first": "2023-04", "last": "2023-04", "text": "Operation Nightfall: extra patrols "
         "in the town centre", "label": None, "area": "centre"},
        {"first": "2022-10", "last": "2023-03", "text": "New crime recording system",
         "label": "New recording system", "area": None}]


@pytest.mark.parametrize(("context", "key", "problem"), [
    ('month = "2023-04"\nfrom = "2023-01"\nto = "2023-02"\ntext = "x"', "context[1].month",
     "either month, or from and to"),
    ('text = "x"', "context[1].month", "is missing"),
    ('month = "2023-13"\ntext = "x"', "context[1].month", "is not a month YYYY-MM"),
    ('from = "2023-04"\ntext = "x"', "context[1].to", "is missing"),
    ('from = "2023-04"\nto = "2023-01"\ntext = "x"', "context[1].to", "before from '2023-04'"),
    ('month = "2023-04"', "context[1].text", "is missing"),
    ('month = "2023-04"\ntext = "x"\nwhen = "x"', "context[1].when", "is not a key here"),
    ('month = "2023-04"\ntext = "x"\narea = "north"', "context[1].area", "unknown area 'north'"),
    ('month = "2023-04"\ntext = "bell \\u0007 rang"', "context[1].text", "a control character"),
    (f'month = "2023-04"\ntext = "{"x" * 501}"', "context[1].text", "at most 500"),
    ('month = "2023-04"\ntext = "x"\nlabel = "' + "y" * 41 + '"', "context[1].label",
     "at most 40"),
])
def test_a_mistake_in_a_context_table_names_its_key(tmp_path: Path, context: str, key: str,
                                                    problem: str) -> None:
    message = refusal(tmp_path, '[[context]]\nmonth = "2020-01"\ntext = "fine"\n\n'
                                f"[[context]]\n{context}\n")
    assert f"testshire.toml: {key}: " in message and problem in message


# --- the national notes and notes_between ----------------------------------------------------


def test_the_covid_restrictions_are_a_national_note_from_march_2020_to_july_2021() -> None:
    [covid] = NATIONAL
    assert (covid.first, covid.last, covid.source) == ("2020-03", "2021-07", "national")
    assert "23 March 2020" in covid.text and covid.label == "COVID-19 restrictions"


@pytest.mark.parametrize(("first", "last", "named"), [
    ("2019-04", "2020-03", True), ("2021-07", "2022-06", True), ("2020-06", "2020-06", True),
    ("2018-04", "2020-02", False), ("2021-08", "2023-03", False)])
def test_a_window_names_the_national_note_only_when_it_overlaps(
        db: Any, first: str, last: str, named: bool) -> None:
    notes = notes_between(db, "nobody", first, last)
    assert [n.source for n in notes] == (["national"] if named else [])


def test_notes_come_ordered_by_month_and_an_area_sees_its_own_and_the_whole(
        db: Any, tmp_path: Path) -> None:
    path = tmp_path / "testshire.toml"
    path.write_text(HEAD + """
[[context]]
month = "2023-04"
text = "Operation Nightfall in the centre"
area = "centre"

[[context]]
from = "2019-10"
to = "2020-04"
text = "New crime recording system"
""", encoding="utf-8")
    load_partnership(db, path)
    every = notes_between(db, "testshire", "2019-01", "2024-12")
    assert [(n.first, n.source, n.area) for n in every] == [
        ("2019-10", "partnership file", None), ("2020-03", "national", None),
        ("2023-04", "partnership file", "centre")]
    assert notes_between(db, "testshire", "2019-01", "2024-12", area="testshire") == every
    assert len(notes_between(db, "testshire", "2019-01", "2024-12", area="centre")) == 3
    assert [n.first for n in notes_between(db, "testshire", "2023-01", "2024-12",
                                           area="elsewhere")] == []
    assert every[0].label == "New crime recording system"  # the text's first phrase


def test_a_long_text_gives_a_short_label() -> None:
    label = short_label("An unusually long description of a change in how burglaries "
                        "are recorded by the force")
    assert len(label) <= 40 and label.endswith("…") and label.startswith("An unusually")


# --- /csp note through the router -------------------------------------------------------------


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Iterator[Any]:
    db = open_db(copy_store(demo_store, tmp_path))
    yield db
    db.close()


def ask(store: Any, text: str, user: str = ADMIN, channel: str | None = CHANNEL) -> Reply:
    result = dispatch(text, Context(user=user, platform="slack", channel=channel,
                                    today="2010-04-15"), store)
    assert isinstance(result, Reply), result
    return result


def said(reply: Reply) -> str:
    return "\n".join([reply.title, reply.fallback_text]
                     + [b.markdown for b in reply.blocks if isinstance(b, Text)])


def test_only_an_admin_may_use_csp_note(store: Any) -> None:
    for user in (MEMBER, LEAD):
        reply = ask(store, "note 2009-06 Operation Nightfall", user=user)
        assert reply.title == "Sorry" and "Only an admin" in said(reply)
    assert notes_between(store, "kettering", "2009-01", "2009-12") == []
    assert note_log(store, "kettering") == []


def test_an_admin_adds_a_note_lists_it_and_the_log_says_who_where(store: Any) -> None:
    added = ask(store, "note 2009-06..2009-08 Operation Nightfall: extra patrols")
    number = int(re.search(r"Note (\d+) added", added.title).group(1))  # type: ignore[union-attr]
    [note] = notes_between(store, "kettering", "2009-04", "2010-03")
    assert (note.first, note.last, note.id) == ("2009-06", "2009-08", number)
    assert note.text == "Operation Nightfall: extra patrols"
    assert note.source == "chat: Alex Example (CSP manager)"
    listed = said(ask(store, "note"))
    assert "2009-06 to 2009-08: Operation Nightfall: extra patrols" in listed
    assert f"*{number}.*" in listed and "COVID-19 restrictions" in listed
    [entry] = note_log(store, "kettering")
    assert {k: entry[k] for k in ("note", "event", "by", "route", "person_id", "chat_id",
                                  "channel", "first_month", "last_month", "text")} == {
        "note": number, "event": "added", "by": "Alex Example (CSP manager)",
        "route": "slack", "person_id": "csp-manager", "chat_id": ADMIN, "channel": CHANNEL,
        "first_month": "2009-06", "last_month": "2009-08",
        "text": "Operation Nightfall: extra patrols"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", entry["at"])


def test_an_admin_deletes_a_chat_note_and_the_deletion_is_logged(store: Any) -> None:
    ask(store, "note 2009-06 Operation Nightfall")
    [note] = notes_between(store, "kettering", "2009-06", "2009-06")
    assert ask(store, f"note delete {note.id}", channel=None).title == f"Note {note.id} deleted"
    assert notes_between(store, "kettering", "2009-06", "2009-06") == []
    assert [(e["event"], e["channel"]) for e in note_log(store, "kettering")] == [
        ("added", CHANNEL), ("deleted", None)]
    again = ask(store, f"note delete {note.id}")
    assert again.title == "Sorry" and f"no note {note.id}" in said(again)


@pytest.mark.parametrize(("text", "problem"), [
    ("note 2009-13 x", "not a month"), ("note 2009-06", "What happened?"),
    ("note 2009-06..2009-01 x", "not a span of months"), ("note delete x", "Which note?"),
    ("note 2009-06 " + "x" * 501, "at most 500")])
def test_a_note_that_cannot_be_kept_is_refused_saying_why(store: Any, text: str,
                                                         problem: str) -> None:
    reply = ask(store, text)
    assert reply.title == "Sorry" and problem in said(reply)
    assert note_log(store, "kettering") == []


def test_a_reload_replaces_the_files_notes_and_keeps_the_chats(store: Any,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "partnership"
    folder.mkdir()
    shutil.copy(SEED / "kettering-lsoas.csv", folder)
    path = Path(shutil.copy(SEED / "kettering.toml", folder))
    original = path.read_text(encoding="utf-8")
    path.write_text(original + '\n[[context]]\nmonth = "2008-11"\ntext = "Old note"\n',
                    encoding="utf-8")
    load_partnership(store, path, as_of=DEMO_AS_OF)
    ask(store, "note 2009-06 Operation Nightfall")
    path.write_text(original + '\n[[context]]\nfrom = "2008-01"\nto = "2008-03"\n'
                    'text = "New note"\n', encoding="utf-8")
    report = load_partnership(store, path, as_of=DEMO_AS_OF)
    assert report.counts["context notes"] == 1
    notes = notes_between(store, "kettering", "2005-01", "2010-12")
    assert [(n.first, n.text, n.source) for n in notes] == [
        ("2008-01", "New note", "partnership file"),
        ("2009-06", "Operation Nightfall", "chat: Alex Example (CSP manager)")]
    refused = ask(store, f"note delete {notes[0].id}")
    assert refused.title == "Sorry" and "in the partnership file" in said(refused)


def test_a_note_is_escaped_when_slack_shows_it(store: Any) -> None:
    added = ask(store, "note 2009-06 <!channel> see <https://evil.example|this> & more")
    for reply in (added, ask(store, "note")):
        shown = str(render_message(reply).blocks)
        assert "<!channel>" not in shown and "<https://" not in shown
        assert "&lt;!channel&gt;" in shown and "&amp; more" in shown


def test_help_and_the_readme_list_csp_note(store: Any) -> None:
    listing = ask(store, "help")
    assert any(row[0].startswith("/csp note ") for b in listing.blocks
               if isinstance(b, Table) for row in b.rows)
    assert "Context notes" in said(ask(store, "help note"))
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [c.usage for c in commands()
               if f"`{' '.join(c.usage.split()[:2])}" not in readme]
    assert missing == []


# --- cspbot note ----------------------------------------------------------------------------


def test_cspbot_note_adds_lists_and_deletes_as_the_operator(cspbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cspbot("demo").exit_code == 0
    added = cspbot("note", "add", "2009-06", "Operation", "Nightfall", "--to", "2009-07")
    assert added.exit_code == 0, added.output
    number = int(re.search(r"Note (\d+) added", added.output).group(1))  # type: ignore[union-attr]
    listed = cspbot("note", "list", "--json")
    assert listed.exit_code == 0, listed.output
    first, covid = json.loads(listed.stdout)
    assert (first["id"], first["first"], first["last"], first["text"], first["source"]) == (
        number, "2009-06", "2009-07", "Operation Nightfall", "chat: operator")
    assert covid["source"] == "national"
    assert cspbot("note", "delete", str(number)).exit_code == 0
    refused = cspbot("note", "delete", str(number))
    assert refused.exit_code == 1 and f"no note {number}" in refused.output
    db = open_db(db_path)
    try:
        assert [(e["event"], e["by"], e["route"]) for e in note_log(db, "kettering")] == [
            ("added", "operator", "console"), ("deleted", "operator", "console")]
    finally:
        db.close()
