"""`cspbot assess INPUT.json [--out FILE]`: the judgements of METHOD.md (J1-J5) as JSON.

Reads monthly series and survey waves in the layout of tests/golden/example-input.json and
writes the layout of tests/golden/example-expected.json (briefings.assess does the work).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from briefings.assess import assess
from briefings.method import MethodSettings
from data.errors import DataError


@click.command("assess")
@click.argument("input_file", metavar="INPUT.json", type=click.Path(dir_okay=False,
                                                                   path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON to FILE instead of standard output.")
def assess_command(input_file: Path, out: Path | None) -> None:
    """Period change, trends, projection to target, SPC and survey change for INPUT.json.

    INPUT.json holds "series" (monthly counts with unit, polarity, as-of month and target)
    and "surveys" (two waves each), as in tests/golden/example-input.json; the answer has the
    layout of tests/golden/example-expected.json.
    """
    document = json.dumps(assess(read_json(input_file), MethodSettings()), indent=1,
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


def register(cli: click.Group) -> None:
    cli.add_command(assess_command)
