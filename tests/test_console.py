"""The console front end (bot/cli/console.py), driven in process as a person would type."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli.console import run_console
from bot.config import load_config
from bot.services import Services
from data.db import open_db
from data.demo import load_demo

ADMIN = "U0KETADM1"


@pytest.fixture
def services(db_path: Path, tmp_path: Path) -> Services:
    db = open_db(db_path)
    load_demo(db)
    db.close()
    return Services(load_config({"CSP_DB_PATH": str(db_path),
                                 "CSP_LOG_FILE": str(tmp_path / "csp.log")}))


def typed(*lines: str) -> Callable[[str], str]:
    """What a person types, then Ctrl-D (EOFError), as `input` gives it."""
    queue: Iterator[str] = iter(lines)

    def read(prompt: str) -> str:
        print(prompt, end="")
        try:
            return next(queue)
        except StopIteration:
            raise EOFError from None

    return read


def updates(services: Services) -> list[Any]:
    return list(services.db().query("SELECT * FROM action_updates"))


def test_the_end_of_input_in_a_form_cancels_it(services: Services, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    before = updates(services)
    run_console(services, ADMIN, tmp_path, read=typed("update 4.6.2", "at-risk"))
    out = capsys.readouterr().out
    assert "Cancelled: nothing was saved." in out and "update 4.6.2" in out
    assert "went wrong" not in out  # no apology: nothing unexpected happened
    assert updates(services) == before


def test_a_form_filled_in_at_the_console_saves_and_audits(
        services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = len(updates(services))
    run_console(services, ADMIN, tmp_path,
                read=typed("update 4.6.2", "at-risk", "130", "alley gates delayed", "quit"))
    assert "went wrong" not in capsys.readouterr().out
    rows = updates(services)
    assert len(rows) > before
    assert {r["field"] for r in rows[before:]} >= {"status"}


def test_an_update_as_a_chat_user_is_recorded_as_a_console_update_by_that_person(
        services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cspbot console --user U0KETPOL1`: that person's rights, and the audit trail says the
    change came from the console (not from Slack), by that person, with their ids."""
    before = len(updates(services))
    run_console(services, "U0KETPOL1", tmp_path,
                read=typed("update 4.6.2", "at-risk", "130", "", "quit"))
    assert "4.6.2 updated" in capsys.readouterr().out
    added = [(r["field"], r["by"], r["source"], r["person_id"], r["chat_id"])
             for r in updates(services)[before:]]
    assert added == [
        ("status", "Chris Example", "console", "police-lead", "U0KETPOL1"),
        ("Homes with upgraded security", "Chris Example", "console", "police-lead",
         "U0KETPOL1")]
