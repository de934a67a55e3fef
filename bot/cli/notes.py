"""`cspbot note add|list|delete`: a partnership's context notes from the command line.

The same notes as `/csp note` in chat (data/context.py): known events that distort comparisons,
named in the judgements whose months include them. A note added or deleted here is logged as
the operator's, from the console.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from bot.cli import report as show
from bot.config import Config, open_store
from data.audit_trail import Author
from data.context import add_note, all_notes, delete_note
from data.partnerships import resolve_partnership

OPERATOR = Author("operator", "console")
PARTNERSHIP = click.option("--partnership", "-p", metavar="ID",
                           help="The partnership (default: the only one in the store).")


@click.group()
def note() -> None:
    """Context notes: known events that distort comparisons (lockdowns, operations)."""


@note.command("add")
@click.argument("month", metavar="YYYY-MM")
@click.argument("text", nargs=-1, required=True)
@click.option("--to", "last", metavar="YYYY-MM", help="The last month, when it spans several.")
@PARTNERSHIP
@click.pass_obj
def add(config: Config, month: str, text: tuple[str, ...], last: str | None,
        partnership: str | None) -> None:
    """Add a note for MONTH (to --to): what happened, in words."""
    db = open_store(config)
    added = add_note(db, resolve_partnership(db, partnership), month, last or month,
                     " ".join(text), OPERATOR, None)
    show.out.print(f"Note {added.id} added, {added.months}: {added.text}")


@note.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the notes as JSON.")
@PARTNERSHIP
@click.pass_obj
def list_command(config: Config, as_json: bool, partnership: str | None) -> None:
    """Every note: national, from the partnership file, and added from chat."""
    db = open_store(config)
    notes = all_notes(db, resolve_partnership(db, partnership))
    if as_json:
        click.echo(json.dumps([asdict(n) for n in notes], indent=2))
        return
    for n in notes:
        number = f"{n.id}. " if n.id is not None else ""
        area = f" (area {n.area})" if n.area else ""
        show.out.print(f"{number}{n.months}{area}: {n.text} ({n.source})")


@note.command("delete")
@click.argument("number", type=click.IntRange(min=1))
@PARTNERSHIP
@click.pass_obj
def delete(config: Config, number: int, partnership: str | None) -> None:
    """Delete note NUMBER (one added from chat or here; `cspbot note list` numbers them)."""
    db = open_store(config)
    gone = delete_note(db, resolve_partnership(db, partnership), number, OPERATOR, None)
    show.out.print(f"Note {gone.id} deleted, {gone.months}: {gone.text}")
