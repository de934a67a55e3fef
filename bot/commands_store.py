"""`cspbot status` and `settings`: the store as a whole."""

from __future__ import annotations

import json

import click

from bot import console_partnership as show_p
from bot import console_report as show
from bot.config import SETTINGS, Config, open_store
from data.overview import partnership_status
from data.queries import store_status


@click.command()
@click.option("--partnership", "-p", metavar="ID", help="Show one partnership in detail.")
@click.option("--area", "-a", metavar="ID", help="Only this area of the partnership.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def status(config: Config, partnership: str | None, area: str | None, as_json: bool) -> None:
    """Months held per force, latest month, row counts, partnerships and the last ingests."""
    db = open_store(config)
    if partnership or area:
        result = partnership_status(db, partnership, area)
        if as_json:
            click.echo(json.dumps(result, indent=2))
        else:
            show_p.partnership_status(result)
        return
    result = store_status(db)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        show.status(result, config.db_path)


@click.command("settings")
def settings_command() -> None:
    """List every setting, its environment variable, default and current value."""
    show.settings(SETTINGS)

