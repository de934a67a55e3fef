"""The `cspbot` command line (also `python -m bot`): one click group, errors turned into messages.

`CspGroup.invoke` is the one place where exceptions become what the user reads: a DataError is
printed as it is (exit 1); anything else is logged with a reference id and the user sees a short
apology quoting it, never a traceback (bot/logs.py's `log_with_reference`, as every front end
does). Commands live in bot/cli/, one module per concern.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import logging
import os
import sys
from pathlib import Path

import click

from bot.config import load_config
from bot.logs import configure_logging, exit_now, log_with_reference
from data.errors import DataError, DiskFull, IngestError, is_disk_full

log = logging.getLogger("cspbot")


# Each command and the module that defines it. Modules are imported only when their command
# runs (or when help lists them), so `cspbot assess` does not pay for Slack or the store.
COMMANDS = {
    "run": "bot.cli.chat:run", "console": "bot.cli.chat:console",
    "ask": "bot.cli.chat:ask_command", "status": "bot.cli.store:status",
    "settings": "bot.cli.store:settings_command", "ingest": "bot.cli.ingest:ingest",
    "export": "bot.cli.export:export", "partnership": "bot.cli.partnership:partnership",
    "demo": "bot.cli.partnership:demo", "assess": "bot.cli.briefing:assess_command",
    "briefing": "bot.cli.briefing:briefing_command",
    "teams": "bot.cli.teams:teams",
    "send-briefing": "bot.cli.delivery:send_briefing",
    "prepare": "bot.cli.answers:prepare",
    "audit": "bot.cli.audit:audit",
    "note": "bot.cli.notes:note",
}


def command_help(target: str) -> str:
    """The help of the command at `target` ("module:function"), as click takes it from the
    function's docstring, read from the module's source."""
    module, _, attr = target.partition(":")
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found = next(node for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name == attr)
    return inspect.cleandoc(ast.get_docstring(found) or "").split("\f", 1)[0]


class CspGroup(click.Group):
    """Commands loaded on first use (click's lazy-loading pattern); errors become messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`cspbot --help` lists the commands from their help as written in their modules,
        without importing them (all of them together load chat, charts and statistics: 3 s)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, click.Command(name, help=command_help(COMMANDS[name])
                                     ).get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except IngestError as exc:
            raise click.ClickException(f"{exc}\nNothing was imported: the store is unchanged."
                                       ) from None
        except DataError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # e.g. `cspbot export counts ... | head`: the reader has gone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except KeyboardInterrupt:
            raise click.ClickException("Interrupted: nothing was changed.") from None
        except Exception as exc:
            if is_disk_full(exc):  # outside a transaction (e.g. writing --out); nothing logged
                full = DiskFull("what was being written may be incomplete.", "the output")
                raise click.ClickException(str(full)) from None
            ref = log_with_reference(exc, f"cspbot {ctx.invoked_subcommand or ''}".strip())
            raise click.ClickException(
                f"Sorry, something went wrong (reference {ref}). The "
                f"details are in {ctx.obj.log_file if ctx.obj else 'the log'} under that "
                "reference.") from None


@click.group(cls=CspGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", metavar="PATH", help="SQLite store (default: $CSP_DB_PATH or "
              "./csp.db).")
@click.version_option(package_name="cspbot")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """CSP Bot: a Community Safety Partnership's performance report, from one SQLite store."""
    try:
        config = load_config(db_path=db_path)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    configure_logging(config)
    ctx.obj = config


def main() -> None:
    light = _light_start(sys.argv[1:])
    try:
        cli(prog_name="cspbot")
    except SystemExit as done:
        if light and done.code in (0, None):
            exit_now()  # `ingest police-uk` has committed and reported: no tear-down
        raise


def _light_start(args: list[str]) -> bool:
    """`cspbot ingest police-uk` needs neither pandas nor numpy, which sqlite-utils imports
    when it can (half a second and 40 MB of a run): for that command they are not offered to
    sqlite-utils (an import of either in the process then fails, and sqlite-utils does
    without them). Its files are listed and their reading started at once, in worker
    processes, while the command imports its libraries and opens the store
    (data/reader_pool.py's start_early; the command takes them if its paths and
    CSP_INGEST_WORKERS are those guessed here, and starts afresh otherwise)."""
    if "police-uk" not in args or args[max(0, args.index("police-uk") - 1)] != "ingest":
        return False
    for name in ("pandas", "numpy"):
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]
    paths = args[args.index("police-uk") + 1:]
    setting = os.environ.get("CSP_INGEST_WORKERS", "0").strip() or "0"
    if paths and setting.isdigit() and not any(p.startswith("-") and p != "--json"
                                               for p in paths):
        from data.reader_pool import start_early  # here: only this command reads files early

        start_early([p for p in paths if p != "--json"], int(setting))
    return True
