"""`cspbot ingest ...`: police.uk street files, ONS's LSOA lookup and a partnership's own CSV
files into the store.

Kept apart from `cspbot export` and light to import: `cspbot ingest police-uk` is run over a
year of files at a time, and what it imports before it starts is time the user waits
(bench/ingest_process.py).
"""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from bot.cli import partnership_view as show_p
from bot.cli import report as show
from bot.config import Config, open_store
from data.loaders import ingest_csv
from data.lsoa_lookup import import_lsoa_lookup
from data.policeuk import ingest_police_uk


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
    try:
        with show.file_progress(enabled=not as_json) as progress:
            report = ingest_police_uk(db, paths, on_start=progress.start,
                                      on_file=progress.advance, workers=config.ingest_workers)
    finally:
        db.close()  # the WAL checkpointed into the store file, whatever happens next
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
