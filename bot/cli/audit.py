"""`cspbot audit verify`: check that the audit trail of actions is as it was written.

The trail (`action_updates`, data/audit_trail.py) refuses edits, deletes and REPLACE; a row
changed or removed by someone who dropped those triggers breaks its hash chain, and this command
names the first such row. Exit status 0 when the trail is intact, 1 when it is not.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from bot.config import Config, open_store
from data.audit_trail import verify as verify_trail
from data.partnerships import resolve_partnership


@click.group()
def audit() -> None:
    """The audit trail of actions: every change, who made it, how and when."""


@audit.command("verify")
@click.option("--partnership", "-p", metavar="ID",
              help="Name only this partnership's rows (the whole chain is checked anyway).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def verify(ctx: click.Context, partnership: str | None, as_json: bool) -> None:
    """Check every row of the audit trail against its hash and the row before it: one line
    saying the trail is intact, or naming the first row altered or removed (exit status 1)."""
    config: Config = ctx.obj
    db = open_store(config)
    pid = resolve_partnership(db, partnership) if partnership else None
    verdict = verify_trail(db, pid)
    if as_json:
        click.echo(json.dumps({"intact": verdict.intact, "summary": verdict.summary(),
                               **asdict(verdict)}, indent=2))
    else:
        click.echo(verdict.summary())
        for problem in verdict.problems[1:]:
            click.echo(f"- {problem.message}")
        if not verdict.intact:
            click.echo("The store was changed outside CSP Bot: find out who can write to its "
                       "file, and take the rows as written from a backup that verifies intact.")
    if not verdict.intact:
        ctx.exit(1)
