"""The command line in-process: help, docs coverage, run/status/settings, errors for the user."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import click
from click.testing import CliRunner

from bot.cli.main import cli
from bot.config import METHOD_PREFIX, SETTINGS, Setting

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
MARCH = "2021-03-leicestershire-street.csv.gz"


def command_paths(group: click.Group, prefix: str = "cspbot") -> list[str]:
    paths = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = f"{prefix} {name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
    return paths


def test_readme_documents_every_command() -> None:
    paths = command_paths(cli)
    assert "cspbot ingest police-uk" in paths and "cspbot export counts" in paths
    missing = [p for p in paths if f"`{p}" not in README]
    assert missing == []


def settings_rows(settings: Iterable[Setting]) -> list[str]:
    """README's settings table rows, written from the settings list."""
    return [f"| `{s.env}` | {f'`{s.default}`' if s.default else '(none)'} | {s.help} |"
            for s in settings]


def test_readme_documents_every_setting() -> None:
    """README's settings tables are the settings list: every setting, in order, with its
    default and help, and nothing else (on failure, paste the rows printed)."""
    missing = [s.env for s in SETTINGS if f"| `{s.env}` |" not in README]
    assert missing == []
    section = README.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    tables = section.split("| variable | default | meaning |")[1:]
    assert len(tables) == 2  # CSP Bot's own settings, then the method's thresholds
    for table, method in zip(tables, (False, True), strict=True):
        rows = [line for line in table.splitlines() if line.startswith("| `")]
        expected = settings_rows(s for s in SETTINGS
                                 if s.name.startswith(METHOD_PREFIX) == method)
        assert rows == expected, "README's rows should be:\n" + "\n".join(expected)


def test_readme_quick_start_has_the_two_make_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make run" in quick and "make test" in quick
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "make test" in ci


def test_python_dash_m_bot_runs_the_same_group() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True,
                            text=True, check=True)
    for name in cli.list_commands(click.Context(cli)):
        assert name in result.stdout


def test_run_creates_the_store_and_says_what_to_do_next(cspbot, db_path: Path) -> None:
    result = cspbot("run")
    assert result.exit_code == 0, result.output
    assert db_path.exists()
    assert "cspbot ingest police-uk" in result.stdout


def test_status_reports_forces_months_and_ingests(cspbot, fixtures: Path) -> None:
    cspbot("ingest", "police-uk", fixtures / MARCH)
    status = json.loads(cspbot("status", "--json").stdout)
    assert status["latest_month"] == "2021-03"
    assert status["forces"][0]["force"] == "Leicestershire Police"
    assert status["tables"]["ingests"] == 1
    assert status["last_ingests"][0]["file"].endswith(MARCH)
    human = cspbot("status").stdout
    assert "Leicestershire" in human and "2021-03" in human


def test_status_lists_missing_months_as_ranges(cspbot, fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / "2021-04-leicestershire-street.csv").read_text()
    for month in ("2021-01", "2021-05"):
        (tmp_path / f"{month}-leicestershire-street.csv").write_text(
            text.replace(",2021-04,", f",{month},"))
    cspbot("ingest", "police-uk", *tmp_path.glob("2021-0*.csv"))
    status = json.loads(cspbot("status", "--json").stdout)
    assert status["forces"][0]["missing"] == ["2021-02", "2021-03", "2021-04"]
    assert "2021-02..2021-04" in cspbot("status").stdout


def test_settings_lists_every_variable(cspbot) -> None:
    result = cspbot("settings", env={"CSP_NOW": "2026-12-05T10:00", "CLIENT_SECRET": "hush"})
    assert result.exit_code == 0, result.output
    for setting in SETTINGS:
        assert setting.env in result.stdout
    assert "CSP_NOW  default: (none)  current: 2026-12-05T10:00" in result.stdout
    assert "CLIENT_SECRET  default: (none)  current: set" in result.stdout
    assert "hush" not in result.stdout


def test_export_unknown_local_authority_suggests_the_right_one(cspbot, fixtures: Path) -> None:
    cspbot("ingest", "police-uk", fixtures / MARCH)
    result = cspbot("export", "counts", "--local-authority", "Rutlnd")
    assert result.exit_code == 1
    assert "No local authority called 'Rutlnd'" in result.output
    assert "Did you mean 'Rutland'?" in result.output


def test_export_unknown_indicator_and_bad_month(cspbot, fixtures: Path) -> None:
    cspbot("ingest", "police-uk", fixtures / MARCH)
    result = cspbot("export", "counts", "-l", "Rutland", "-i", "burglery")
    assert result.exit_code == 1 and "Did you mean 'burglary'?" in result.output
    result = cspbot("export", "counts", "-l", "Rutland", "--from", "March 2021")
    assert result.exit_code == 1 and "write it as YYYY-MM" in result.output


def test_export_on_an_empty_store_says_to_ingest_first(cspbot) -> None:
    result = cspbot("export", "counts", "-l", "Rutland")
    assert result.exit_code == 1 and "cspbot ingest police-uk" in result.output


def test_aliases_work_for_export(cspbot, fixtures: Path) -> None:
    cspbot("ingest", "police-uk", fixtures / MARCH)
    asb = cspbot("export", "counts", "-l", "Rutland", "-i", "asb", "--format", "json")
    assert {r["indicator"] for r in json.loads(asb.stdout)} == {"anti-social-behaviour"}


def test_export_writes_a_file(cspbot, fixtures: Path, tmp_path: Path) -> None:
    cspbot("ingest", "police-uk", fixtures / MARCH)
    out = tmp_path / "rutland.csv"
    assert cspbot("export", "counts", "-l", "Rutland", "--out", out).exit_code == 0
    assert out.read_text().splitlines()[0] == "month,indicator,count"


def test_an_unexpected_error_shows_a_reference_not_a_traceback(cspbot, monkeypatch,
                                                               tmp_path: Path) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("bot.cli.store.store_status", broken)
    result = cspbot("status")
    assert result.exit_code == 1
    assert "Sorry, something went wrong (reference " in result.output
    assert "Traceback" not in result.output and "disk on fire" not in result.output
    ref = result.output.split("(reference ")[1][:8]
    log = (tmp_path / "csp.log").read_text()
    assert ref in log and "Traceback" in log and "disk on fire" in log


def test_bad_settings_are_usage_errors(cspbot) -> None:
    result = cspbot("status", env={"CSP_BUSY_TIMEOUT_MS": "soon"})
    assert result.exit_code == 2 and "CSP_BUSY_TIMEOUT_MS" in result.output
    result = cspbot("status", env={"CSP_LOG_LEVEL": "loud"})
    assert result.exit_code == 2 and "CSP_LOG_LEVEL" in result.output
    result = cspbot("status", env={"CSP_NOW": "next Tuesday"})
    assert result.exit_code == 2 and "CSP_NOW must be an ISO 8601 date" in result.output


def test_the_command_list_is_read_without_importing_the_commands() -> None:
    """`cspbot --help` lists each command with the help click would give it (read from its
    module's source), and loads none of the chat, chart or statistics libraries."""
    ctx = click.Context(cli, info_name="cspbot")
    ours, clicks = ctx.make_formatter(), ctx.make_formatter()
    cli.format_commands(ctx, ours)
    click.Group.format_commands(cli, ctx, clicks)  # click's own way: imports every command
    assert ours.getvalue() == clicks.getvalue()
    listed = CliRunner().invoke(cli, ["--help"]).output
    assert "  send-briefing  Post the monthly briefing" in listed
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from click.testing import CliRunner; "
         "from bot.cli.main import cli; CliRunner().invoke(cli, ['--help']); "
         "print(sorted(m for m in ('matplotlib', 'scipy', 'slack_bolt', 'pandas') "
         "if m in sys.modules))"], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr
