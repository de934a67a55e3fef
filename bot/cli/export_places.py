"""`cspbot export places --partnership ID --indicator SLUG --from YYYY-MM --to YYYY-MM
[--format csv|json]`: an indicator's crimes at police.uk's map points in a partnership (or one
of its areas) over the months given, held months only (METHOD 2.9):
`location,lsoa,latitude,longitude,count`, busiest first. The months left out (not held, or
incomplete) are said on standard error; the counts sum to the partnership's count over the
months used."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.writing import write_rows
from bot.config import Config, open_store
from data.catalogue import BY_SLUG, resolve_indicator
from data.errors import DataError
from data.held_series import area_coverage
from data.partnerships import resolve_area, resolve_partnership
from data.place_queries import busiest_places, places_held
from data.queries import check_month, month_range

COLUMNS = ["location", "lsoa", "latitude", "longitude", "count"]


@click.command("places")
@click.option("--partnership", "-p", metavar="ID", help="The partnership (default: the only one).")
@click.option("--area", "-a", metavar="ID", help="One of its areas (default: all of it).")
@click.option("--indicator", "-i", metavar="SLUG", required=True,
              help="A police.uk indicator (slug or alias, e.g. burglary).")
@click.option("--from", "start", metavar="YYYY-MM", required=True, help="The first month.")
@click.option("--to", "end", metavar="YYYY-MM", required=True, help="The last month.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.pass_obj
def export_places(config: Config, partnership: str | None, area: str | None, indicator: str,
                  start: str, end: str, fmt: str, out: Path | None) -> None:
    """An indicator's crimes at police.uk's map points, held months only, busiest first:
    location,lsoa,latitude,longitude,count. Months not held are left out and said."""
    db = open_store(config)
    pid = resolve_partnership(db, partnership)
    area_id = resolve_area(db, pid, area)
    slug = resolve_indicator(indicator).slug
    check_month(start, "--from")
    check_month(end, "--to")
    if start > end:
        raise DataError(f"--from {start} is after --to {end}.", "Give the earlier month first.")
    if slug not in BY_SLUG:
        raise DataError(f"'{slug}' is not a police.uk indicator: only police.uk crimes have "
                        "map points.", "Give a police.uk crime type, e.g. burglary.")
    if not places_held(db):
        raise DataError("No map point counts are held: this store was filled before they "
                        "were kept.", "Import the street files again: cspbot ingest police-uk "
                        "FILES.")
    held = set(area_coverage(db, pid, area_id).held)
    months = month_range(start, end)
    used = [m for m in months if m in held]
    if not used:
        raise DataError(f"No month from {start} to {end} is held.",
                        "See `cspbot status` for the months held.")
    if len(used) < len(months):
        gaps = [m for m in months if m not in held]
        click.echo(f"{len(gaps)} of the {len(months)} months from {start} to {end} are not "
                   f"held and are left out: {', '.join(gaps)}.", err=True)
    places = busiest_places(db, pid, area_id, slug, used)
    write_rows(out, fmt, COLUMNS, [
        {"location": p.location, "lsoa": p.lsoa, "latitude": p.latitude,
         "longitude": p.longitude, "count": p.count} for p in places.points])
