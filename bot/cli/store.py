"""`cspbot status` and `settings`: the store as a whole."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, cast

import click
import sqlite_utils

from bot.cli import partnership_view as show_p
from bot.cli import report as show
from bot.config import SETTINGS, Config, open_store
from briefings.answers import answer_version
from data.answers import answerable, kept_questions
from data.boundaries import boundary_changes
from data.coverage import every_incomplete_month, partnership_coverage
from data.held_series import area_coverage
from data.overview import partnership_status
from data.queries import store_status


@click.command()
@click.option("--partnership", "-p", metavar="ID", help="Show one partnership in detail.")
@click.option("--area", "-a", metavar="ID", help="Only this area of the partnership.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def status(config: Config, partnership: str | None, area: str | None, as_json: bool) -> None:
    """Months held per force (and its incomplete months), latest month, row counts,
    partnerships and the last ingests."""
    db = open_store(config)
    if partnership or area:
        result = partnership_status(db, partnership, area)
        result["answers"] = prepared_answers(db, result["id"], config)
        result["coverage"] = partnership_coverage(db, result["id"])
        left_out = {i.month for i in area_coverage(db, result["id"], result["id"]).left_out}
        for month in result["coverage"]["incomplete"]:
            month["left_out"] = month["month"] in left_out
        result["boundaries"] = boundary_changes(db, result["id"])
        if as_json:
            click.echo(json.dumps(result, indent=2))
        else:
            show_p.partnership_status(result)
        return
    result = store_status(db)
    incomplete = every_incomplete_month(db)
    for force in cast(list[dict[str, Any]], result["forces"]):
        force["incomplete"] = [asdict(i) for i in incomplete.get(force["force"], [])]
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        show.status(result, config.db_path)


def prepared_answers(db: sqlite_utils.Database, pid: str, config: Config) -> dict[str, int]:
    """How many of the partnership's chat answers are prepared for its current figures."""

    version = answer_version(db, pid, config.method, config.suppress_below)
    kept = {q.rsplit("@", 1)[0] for q in kept_questions(db, pid, version)
            if q.endswith("@latest")}
    wanted = {f"{indicator}@{area}" for indicator, area in answerable(db, pid)}
    return {"prepared": len(kept & wanted), "answerable": len(wanted)}


@click.command("settings")
def settings_command() -> None:
    """List every setting, its environment variable, default and current value."""
    show.settings(SETTINGS)

