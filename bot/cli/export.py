"""`cspbot export ...`: figures out of the store, for analysts and for checking."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from bot.cli.export_compare import export_compare
from bot.cli.export_places import export_places
from bot.cli.writing import write_rows as _write
from bot.config import Config, open_store
from data.catalogue import resolve_indicator
from data.contributions import BREAKDOWNS, contributions
from data.errors import DataError
from data.partnerships import resolve_area, resolve_partnership
from data.queries import check_month
from data.values import monthly_counts, partnership_values, unnamed_months_note


@click.group()
def export() -> None:
    """Export figures from the store."""


export.add_command(export_compare)
export.add_command(export_places)


def _period_options(f):  # type: ignore[no-untyped-def]
    for option in reversed([
        click.option("--indicator", "-i", metavar="SLUG",
                     help="One indicator (slug or alias, e.g. burglary, asb); default all."),
        click.option("--from", "start", metavar="YYYY-MM", help="First month."),
        click.option("--to", "end", metavar="YYYY-MM", help="Last month."),
        click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
                     show_default=True),
        click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write to FILE instead of standard output."),
    ]):
        f = option(f)
    return f


@export.command("counts")
@click.option("--local-authority", "-l", metavar="NAME",
              help="Local authority, as in police.uk LSOA names (e.g. Charnwood).")
@click.option("--partnership", "-p", metavar="ID", help="A partnership instead (its LSOAs).")
@click.option("--area", "-a", metavar="ID", help="One area of the partnership (e.g. "
              "town-centre).")
@_period_options
@click.pass_obj
def export_counts(config: Config, local_authority: str | None, partnership: str | None,
                  area: str | None, indicator: str | None, start: str | None, end: str | None,
                  fmt: str, out: Path | None) -> None:
    """Monthly police.uk counts for a local authority or a partnership: month,indicator,count.

    The sum over its LSOAs, one row per month and indicator, zeros included for every month
    held. A local authority's months are those police.uk's files name it in (a district
    merged in the 2021 boundary changes ends at its last month, with a note).
    """
    if (local_authority is None) == (partnership is None and area is None):
        raise DataError("Say where: --local-authority NAME, or --partnership ID (and --area).")
    db = open_store(config)
    rows = monthly_counts(db, local_authority, indicator, start, end, partnership, area)
    if local_authority is not None:
        note = unnamed_months_note(db, local_authority, start, end)
        if note:
            click.echo(note, err=True)
    _write(out, fmt, ["month", "indicator", "count"], [asdict(r) for r in rows])


@export.command("values")
@click.option("--partnership", "-p", metavar="ID", help="The partnership (default: the only one).")
@click.option("--area", "-a", metavar="ID", help="One area (default: all of them).")
@_period_options
@click.pass_obj
def export_values(config: Config, partnership: str | None, area: str | None,
                  indicator: str | None, start: str | None, end: str | None, fmt: str,
                  out: Path | None) -> None:
    """Every monthly figure of a partnership, police.uk and local alike.

    Columns month,indicator,area,value,source. A value given in a partnership's own files
    takes the place of the police.uk count for that month.
    """
    rows = partnership_values(open_store(config), partnership, area, indicator, start, end)
    _write(out, fmt, ["month", "indicator", "area", "value", "source"],
           [{**asdict(r), "value": _number(r.value)} for r in rows])


@export.command("contributions")
@click.option("--partnership", "-p", metavar="ID", help="The partnership (default: the only one).")
@click.option("--area", "-a", metavar="ID", help="One of its areas (default: all of it).")
@click.option("--indicator", "-i", metavar="SLUG", required=True,
              help="A police.uk indicator (slug or alias, e.g. burglary).")
@click.option("--month", metavar="YYYY-MM", help="The last month (default: the latest held).")
@click.option("--by", type=click.Choice(BREAKDOWNS), default="neighbourhood", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.pass_obj
def export_contributions(config: Config, partnership: str | None, area: str | None,
                         indicator: str, month: str | None, by: str, fmt: str,
                         out: Path | None) -> None:
    """Where an indicator changed: the latest 12 months against the 12 before, by area,
    neighbourhood or LSOA: name,count_now,count_before,change,share_of_change.

    Held months only (with up to 3 missing, the matched months; with more, an error says
    why). The rows sum to the partnership's (or area's) change, largest part first.
    """
    db = open_store(config)
    pid = resolve_partnership(db, partnership)
    slug = resolve_indicator(indicator).slug
    found = contributions(db, pid, slug, resolve_area(db, pid, area), check_month(
        month, "--month"), by)
    if found.window.problem:
        raise DataError(f"{found.window.problem}.", f"Try --month {found.comparable}."
                        if found.comparable else None)
    _write(out, fmt, ["name", "count_now", "count_before", "change", "share_of_change"],
           [{"name": p.name, "count_now": p.count_now, "count_before": p.count_before,
             "change": p.change, "share_of_change": None if p.share_of_change is None
             else round(p.share_of_change, 6)} for p in found.parts])


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
