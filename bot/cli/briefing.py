"""`cspbot assess INPUT.json [--out FILE]`: the judgements of docs/method.md (J1-J5) as JSON.
`cspbot briefing --month YYYY-MM --out DIR`: the monthly briefing written as files.

assess reads monthly series and survey waves in the layout of tests/golden/example-input.json
and writes the layout of tests/golden/example-expected.json (briefings.assess does the work).
briefing builds with briefings.monthly.build_monthly and writes with bot.cli.briefing_files; it
never records the run as published (the scheduler does that when it posts).

Both import the statistics (scipy, statsmodels) and matplotlib inside the command: at the top they
would add about three seconds to the start of every `cspbot` command.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import click

from bot.cli.briefing_files import write_briefing
from bot.cli.render_text import visible
from bot.config import Config, open_store
from data.errors import DataError


@click.command("assess")
@click.argument("input_file", metavar="INPUT.json", type=click.Path(dir_okay=False,
                                                                   path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON to FILE instead of standard output.")
@click.pass_obj
def assess_command(config: Config, input_file: Path, out: Path | None) -> None:
    """Period change, trends, projection to target, SPC and survey change for INPUT.json.

    INPUT.json holds "series" (monthly counts with unit, polarity, as-of month and target;
    null for a month not held) and "surveys" (two waves each), as in
    tests/golden/example-input.json; the answer has the layout of
    tests/golden/example-expected.json.
    """
    from briefings.assess import assess  # statistics: loaded when asked, not for --help

    document = json.dumps(assess(read_json(input_file), config.method), indent=1,
                          allow_nan=False)
    if out is None:
        click.echo(document)
    else:
        out.write_text(document + "\n", encoding="utf-8")


def read_json(path: Path) -> object:
    """The parsed file; DataError when it is missing or not JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be read ({exc}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                        f"{exc.msg}).") from None


@click.command("briefing")
@click.option("--partnership", "-p", metavar="ID", help="The partnership (default: the only one).")
@click.option("--month", "-m", metavar="YYYY-MM", required=True,
              help="The month the briefing is for, e.g. 2010-03.")
@click.option("--out", "out_dir", metavar="DIR", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the files (created if need be; files of the same name are "
                   "replaced).")
@click.option("--since", metavar="ISO", help="List action updates and revised figures after "
              "this date or time, e.g. 2010-03-01 (default: the last published briefing, or "
              "the start of the month).")
@click.pass_obj
def briefing_command(config: Config, partnership: str | None, month: str, out_dir: Path,
                     since: str | None) -> None:
    """Write the monthly briefing of a partnership to DIR: briefing.html (the board paper: one
    page that prints on A4, charts included), briefing.md, briefing.json and one PNG per chart
    with a CSV of its figures.

    The run is not recorded as published: only the scheduled post does that.
    """
    from briefings.monthly import build_monthly  # statistics and charts: not for --help

    briefing = build_monthly(open_store(config), partnership, month, config.method,
                             suppress_below=config.suppress_below,
                             since=parse_since(since) if since else None)
    paths = write_briefing(briefing, out_dir, config.suppress_below)
    click.echo(f"{briefing.title}: {len(paths)} files written to {out_dir}")
    for path in paths:
        click.echo(f"  {path}")
    for note in briefing.notes:
        click.echo(visible(note))
    click.echo("Principal conclusions:")
    for conclusion in briefing.conclusions:
        click.echo(visible(f"- {conclusion}"))


def parse_since(text: str) -> str:
    """An ISO date as it is, or an ISO time in UTC as the store writes it; else DataError."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DataError(f"--since '{text}' is not a date or time: write it as ISO 8601, e.g. "
                        "2010-03-01 or 2010-03-01T09:00:00+00:00.") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")

