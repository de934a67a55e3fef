"""Text from partnership files and chat reaches the operator's terminal as typed: control
characters shown as escapes (no OSC 8 hyperlink, no colour, no overwriting), and rich's markup
in a name neither links nor breaks the command (bot/cli/render_text.py, bot/cli/report.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.console import run_console
from bot.config import load_config
from bot.services import Services
from data.db import open_db
from data.demo import load_demo
from handlers.reply import Context, FormSubmission
from handlers.update import open_update_form, submit_update

LEAD = "U0KETPOL1"  # a police lead of the demo partnership, in Slack
SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
LINK = "\x1b]8;;javascript:alert(4)\x07click\x1b]8;;\x07"
SHOWN = "\\x1b]8;;javascript:alert(4)\\x07click\\x1b]8;;\\x07"
NAME = "Kettering [/] [link=javascript:alert(4)]click[/link] :warning: \x1b[31mred\u202e"


def test_a_note_with_terminal_escapes_is_shown_as_typed_at_the_console(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = open_db(db_path)
    try:
        load_demo(db)  # then a lead saves a note from Slack's update form
        ctx = Context(user=LEAD, platform="slack", channel="C0KETCSP01", today="2010-04-07")
        form = open_update_form("kettering", "4.6.2", ctx, db)
        values = {f.id: f.value or "" for f in form.fields}
        values["note"] = f"{LINK} done\rall fine \x1b[2J"
        submit_update(FormSubmission(form.form_id, values, form.hidden, LEAD), ctx, db)
    finally:
        db.close()
    services = Services(load_config({"CSP_DB_PATH": str(db_path),
                                     "CSP_LOG_FILE": str(tmp_path / "csp.log")}))
    lines = iter(["history 4.6.2", "quit"])
    run_console(services, None, tmp_path, read=lambda prompt: next(lines))
    out = capsys.readouterr().out
    assert f"{SHOWN} done\\rall fine \\x1b[2J" in out
    assert "\x1b" not in out and "\r" not in out


def test_a_name_with_rich_markup_and_escapes_prints_as_typed(cspbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cspbot("demo").exit_code == 0
    text = (SEED / "kettering.toml").read_text(encoding="utf-8")
    text = text.replace('name = "Kettering Community Safety Partnership"',
                        f"name = {json.dumps(NAME)}", 1)
    (tmp_path / "kettering.toml").write_text(text, encoding="utf-8")
    (tmp_path / "kettering-lsoas.csv").write_bytes((SEED / "kettering-lsoas.csv").read_bytes())
    shown = NAME.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    for args in (("partnership", "load", tmp_path / "kettering.toml"),
                 ("status", "--partnership", "kettering")):
        result = cspbot(*args)
        assert result.exit_code == 0, result.output
        assert shown in result.output and "\x1b" not in result.output
