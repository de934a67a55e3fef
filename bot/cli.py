"""The `cspbot` command line (also `python -m bot`): one click group, errors turned into messages.

`CspGroup.invoke` is the one place where exceptions become what the user reads: a DataError is
printed as it is (exit 1); anything else is logged with a reference id and the user sees a short
apology quoting it, never a traceback.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
import uuid
from pathlib import Path

import click

from bot import console_report as show
from bot.config import SETTINGS, Config, configure_logging, load_config
from data.db import open_db
from data.errors import DataError, IngestError
from data.policeuk import ingest_police_uk
from data.queries import monthly_counts, store_status

log = logging.getLogger("cspbot")


class CspGroup(click.Group):
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
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("unexpected error, reference %s", ref)
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


def _db(config: Config):  # type: ignore[no-untyped-def]
    return open_db(config.db_path, config.busy_timeout_ms)


@cli.command()
@click.pass_obj
def run(config: Config) -> None:
    """Create the store if need be and show what it holds."""
    db = _db(config)
    show.status(store_status(db), config.db_path)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def status(config: Config, as_json: bool) -> None:
    """Months held per force, latest month, row counts and the last ingests."""
    result = store_status(_db(config))
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        show.status(result, config.db_path)


@cli.command("settings")
def settings_command() -> None:
    """List every setting, its environment variable, default and current value."""
    show.settings(SETTINGS)


@cli.group()
def ingest() -> None:
    """Import data into the store."""


@ingest.command("police-uk")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest_police(config: Config, paths: tuple[str, ...], as_json: bool) -> None:
    """Import data.police.uk street-level crime: CSV, .csv.gz, folders or the .zip download.

    The run lands whole or not at all. Re-importing the same files changes nothing; a later
    download of months already held replaces them and lists every figure it revised.
    """
    db = _db(config)
    with show.file_progress(enabled=not as_json) as progress:
        report = ingest_police_uk(db, paths, on_start=progress.start, on_file=progress.advance)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        show.ingest_report(report)


@cli.group()
def export() -> None:
    """Export figures from the store."""


@export.command("counts")
@click.option("--local-authority", "-l", required=True, metavar="NAME",
              help="Local authority, as in police.uk LSOA names (e.g. Charnwood).")
@click.option("--indicator", "-i", metavar="SLUG", help="One indicator (slug or alias, e.g. "
              "burglary, asb); default all.")
@click.option("--from", "start", metavar="YYYY-MM", help="First month.")
@click.option("--to", "end", metavar="YYYY-MM", help="Last month.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.pass_obj
def export_counts(config: Config, local_authority: str, indicator: str | None,
                  start: str | None, end: str | None, fmt: str, out: Path | None) -> None:
    """Monthly counts for a local authority: month,indicator,count (zeros included)."""
    rows = monthly_counts(_db(config), local_authority, indicator, start, end)
    stream = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    try:
        if fmt == "json":
            json.dump([r.__dict__ for r in rows], stream, indent=2)
            stream.write("\n")
        else:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(["month", "indicator", "count"])
            writer.writerows((r.month, r.indicator, r.count) for r in rows)
    finally:
        if out:
            stream.close()


def main() -> None:
    cli(prog_name="cspbot")
