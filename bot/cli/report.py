"""Terminal output of the command line with rich: progress bars, ingest reports, status tables."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from bot.cli.visible import visible
from bot.config import Setting
from data.policeuk import IngestReport
from data.queries import as_ranges
from data.sources import Source
from data.words import counted


class PlainConsole(Console):
    """A rich Console that prints strings as they are: names and titles from partnership files
    are no rich markup (`[link=...]` would be a terminal hyperlink, `[/]` an error), no emoji
    code, and their control characters are shown as escapes (bot/cli/render_text.py)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **options)

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(visible(text), **options)


out = PlainConsole(soft_wrap=True)
err = PlainConsole(stderr=True)


class FileProgress:
    """A progress bar over the files of an ingest, on standard error, only in a terminal. It
    appears when the files are known (`start`): the import forks its readers before then, and
    the bar's refresh thread must not be running when it does (data/reading.py)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, sources: list[Source]) -> None:
        if self.progress is not None:
            self.progress.start()
            self.task = self.progress.add_task("Importing", total=len(sources))

    def advance(self, source: Source) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=1, description=source.basename)


@contextlib.contextmanager
def file_progress(enabled: bool = True) -> Iterator[FileProgress]:
    if not (enabled and err.is_terminal):
        yield FileProgress(None)
        return
    columns = (TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    progress = Progress(*columns, console=err, transient=True)
    try:
        yield FileProgress(progress)
    finally:
        if progress.live.is_started:
            progress.stop()


def ingest_report(report: IngestReport) -> None:
    totals = report.totals()
    for skipped in report.skipped:
        out.print(f"skipped {skipped.name}: {skipped.reason}")
    for f in report.files:
        if f.status == "unchanged":
            out.print(f"unchanged {f.name}: already imported, nothing to do")
    table = Table(title="police.uk import", show_header=False, title_justify="left")
    labels = {"files": "files read", "files_unchanged": "files already imported",
              "files_skipped": "files skipped", "months": "force-months imported",
              "rows_read": "rows read", "rows_placed": "rows placed in an LSOA",
              "rows_unplaced": "rows with no location", "figures_revised": "figures revised"}
    for key, label in labels.items():
        table.add_row(label, f"{totals[key]:,}")
    out.print(table)
    if report.revisions:
        out.print(f"Figures revised ({len(report.revisions)}):")
        for revision in report.revisions:
            out.print(f"  {revision}")


def status(result: dict, db_path: str) -> None:  # type: ignore[type-arg]
    out.print(f"Store: {os.path.abspath(db_path)}")
    for p in result.get("partnerships", []):
        local = (f"{p['local_values']:,} local monthly values to {p['latest_local']}"
                 if p["local_values"] else "no local values")
        out.print(f"Partnership {p['id']}: {p['name']} ({counted(p['areas'], 'area')}, {local}); "
                  f"`cspbot status --partnership {p['id']}` for more")
    if not result["forces"]:
        out.print("The store holds no police.uk data yet. Import some with:\n"
                  "  cspbot ingest police-uk FILES|FOLDERS|ZIPS   (from data.police.uk/data)")
        return
    out.print(f"Latest month: {result['latest_month']}; "
              f"{result['local_authorities']} local authorities")
    table = Table("force", "months", "first", "latest", "rows", "missing months",
                  title_justify="left")
    for f in result["forces"]:
        table.add_row(f["force"], str(f["months"]), f["first"], f["latest"], f"{f['rows']:,}",
                      as_ranges(f["missing"]) or "none")
    out.print(table)
    incomplete = [i for f in result["forces"] for i in f.get("incomplete", [])]
    out.print("Incomplete months (a force could not place an unusual share of its rows in an "
              "LSOA):" + ("" if incomplete else " none"))
    for month in incomplete:
        out.print(f"  {incomplete_month(month)}")
    out.print("Rows: " + ", ".join(f"{k} {v:,}" for k, v in result["tables"].items()))
    if result["last_ingests"]:
        last = Table("id", "file", "rows", "revised", "when", title="Last ingests",
                     title_justify="left")
        for row in result["last_ingests"]:
            last.add_row(str(row["id"]), row["file"].replace(":", "/").rsplit("/", 1)[-1],
                         f"{row['rows']:,}", str(row["revised"]),
                         row["ingested_at"])
        out.print(last)


def incomplete_month(i: dict[str, Any]) -> str:
    """'Leicestershire Police 2020-03: 1,157 of 8,146 rows not placed (14.2%), usually about
    2.8%' (data/coverage.py's IncompleteMonth, as a dict)."""
    return (f"{i['force']} {i['month']}: {i['unplaced']:,} of {i['rows']:,} rows not placed "
            f"({i['share']:.1%}), usually about {i['usual_share']:.1%} "
            f"({i['usual_unplaced']:,} rows)")


def partnership_coverage(coverage: dict[str, Any]) -> None:
    """J0 for one partnership (data/coverage.py's partnership_coverage): its home forces, the
    other forces placing rows in its LSOAs, the months held and its home forces' incomplete
    months."""
    shares, monthly = coverage["force_shares"], coverage["rows_per_month"]

    def weight(force: str) -> str:
        return f"{force} ({shares.get(force, 0):.1%}, {monthly.get(force, 0):,.1f} rows a month)"

    others = [weight(f) for f in shares if f not in coverage["home_forces"]]
    if not coverage["home_forces"]:
        out.print("Home force: none yet (" + (
            "no force places at least 10% of the rows in its LSOAs and one row a month per "
            f"LSOA; rows from other forces: {', '.join(others)})" if others
            else "no police.uk rows placed in its LSOAs)"))
        return
    how = ("named in the partnership file" if coverage["named_in_file"]
           else "placing at least 10% of the rows in its LSOAs")
    out.print("Home force" + ("s" if len(coverage["home_forces"]) > 1 else "") + f" ({how}): "
              + ", ".join(weight(f) for f in coverage["home_forces"]))
    if others:
        out.print(f"  rows from other forces: {', '.join(others)}")
    held = coverage["held"]
    if not held["months"]:
        out.print("Months held (every home force's file imported): none")
    else:
        out.print(f"Months held (every home force's file imported): {held['months']}, "
                  f"{held['first']} to {held['latest']}; gaps: "
                  f"{as_ranges(held['gaps']) or 'none'}")
    for month in coverage["incomplete"]:
        what = ("left out for this partnership: its count fell below its usual range"
                if month.get("left_out") else "kept: this partnership's count is within its "
                "usual range")
        out.print(f"  incomplete: {incomplete_month(month)}; {what}")


def settings(items: Sequence[Setting]) -> None:
    """Each setting on its own lines (readable in any terminal width)."""
    for s in items:
        current = os.environ.get(s.env)
        shown = ("set" if current else "not set") if s.secret else (current or "not set")
        out.print(f"[bold]{s.env}[/bold]  default: {s.default or '(none)'}  current: {shown}",
                  markup=True)
        out.print(f"    {s.help}", highlight=False)
