"""`cspbot ingest ...` and `cspbot export ...`: figures in and out of the store."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from bot.cli import partnership_view as show_p
from bot.cli import report as show
from bot.cli.export_compare import export_compare
from bot.cli.export_places import export_places
from bot.cli.writing import write_rows as _write
from bot.config import Config, open_store
from data.catalogue import resolve_indicator
from data.contributions import BREAKDOWNS, contributions
from data.errors import DataError
from data.loaders import ingest_csv
from data.lsoa_lookup import import_lsoa_lookup
from data.partnerships import resolve_area, resolve_partnership
from data.policeuk import ingest_police_uk
from data.queries import check_month
from data.values import monthly_counts, partnership_values


@click.group()
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
    db = open_store(config)
    with show.file_progress(enabled=not as_json) as progress:
        report = ingest_police_uk(db, paths, on_start=progress.start, on_file=progress.advance)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        show.ingest_report(report)


@ingest.command("lookup")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def ingest_lookup(config: Config, file: str, as_json: bool) -> None:
    """Import ONS's LSOA 2011 to 2021 lookup (CSV: LSOA11CD, LSOA21CD, optional CHGIND).

    Areas defined by 2011 LSOA codes or pre-2021 district names then follow each code that
    was split, merged or redrawn to its 2021 codes, instead of learning them from the map
    points of the police.uk files. The file lands whole or not at all and replaces the lookup
    imported before.
    """
    result = import_lsoa_lookup(open_store(config), file)
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
    else:
        show_p.lookup_report(result)


def _csv_command(kind: str, columns: str, what: str) -> click.Command:
    @click.command(kind, help=f"Import {what} from FILE.csv (columns {columns}).\n\n"
                   "The file lands whole or not at all; importing it again changes nothing; "
                   "a later file replaces the figures it repeats and lists those it revised.")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--partnership", "-p", metavar="ID",
                  help="The partnership the figures belong to (default: the only one).")
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    @click.pass_obj
    def command(config: Config, file: str, partnership: str | None, as_json: bool) -> None:
        result = ingest_csv(open_store(config), kind, file, partnership)
        if as_json:
            click.echo(json.dumps(asdict(result), indent=2))
        else:
            show_p.csv_ingest_report(result)

    return command


ingest.add_command(_csv_command("values", "month,indicator,area,value",
                                "monthly values of local indicators"))
ingest.add_command(_csv_command("survey", "indicator,area,wave,fieldwork_end,percent,"
                                "weighted_count,base_n,design_effect", "survey waves"))
ingest.add_command(_csv_command("population", "area,financial_year,population",
                                "population by financial year (for rates per 1,000)"))


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
    held.
    """
    if (local_authority is None) == (partnership is None and area is None):
        raise DataError("Say where: --local-authority NAME, or --partnership ID (and --area).")
    rows = monthly_counts(open_store(config), local_authority, indicator, start, end,
                          partnership, area)
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
