"""`ingest_police_uk`: import data.police.uk street-level files into the store, in one transaction.

Counts are stored per reporting force, month, LSOA and crime type. A later download of a month a
force already has replaces that force-month whole; the figures that changed are reported per
local authority (e.g. "2021-03 Charnwood burglary 112 -> 113") and kept in `revisions`.
A file whose content was already imported for its months changes nothing, and a file that
changes before the run ends is refused (the SHA-256 stored is always that of the file as it is).
Each force whose files changed has its incomplete months worked out again (data/coverage.py),
in the same transaction.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from data.catalogue import POLICE_SLUGS
from data.coverage import record_incomplete_months
from data.db import write_transaction
from data.errors import IngestError
from data.places import PlaceIds, place_counts_held, replace_place_counts
from data.points import LsoaNames
from data.reader_pool import FileReader, take_early
from data.reading import MonthRows, worker_count
from data.sources import Skipped, Source, expand
from data.street import StreetCounts

log = logging.getLogger("cspbot.ingest")
ForceMonth = tuple[str, str]
CACHE_KIB = 65536  # the store's page cache during an import, in KiB
INSERT_COUNTS = (
    f"INSERT INTO police_counts VALUES (?, ?, ?, ?, {', '.join('?' * len(POLICE_SLUGS))})")


@dataclass
class Before:
    """A force-month's figures before this run replaced it, and the ingest that replaced it."""

    figures: dict[tuple[str, str], int]
    ingest_id: int


@dataclass
class FileReport:
    name: str
    sha256: str
    status: str  # "imported", "replaced" (months held before) or "unchanged"
    forces: list[str]
    months: list[str]
    rows: int
    placed: int
    unplaced: int


@dataclass
class Revision:
    month: str
    local_authority: str
    indicator: str
    old: int
    new: int

    def __str__(self) -> str:
        return f"{self.month} {self.local_authority} {self.indicator} {self.old} -> {self.new}"


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        changed = [f for f in self.files if f.status != "unchanged"]
        return {
            "files": len(self.files),
            "files_unchanged": len(self.files) - len(changed),
            "files_skipped": len(self.skipped),
            "months": len({(fo, m) for f in changed for fo in f.forces for m in f.months}),
            "rows_read": sum(f.rows for f in self.files),
            "rows_placed": sum(f.placed for f in changed),
            "rows_unplaced": sum(f.unplaced for f in changed),
            "figures_revised": len(self.revisions),
        }

    def to_dict(self) -> dict[str, object]:
        return {"totals": self.totals(), "files": [asdict(f) for f in self.files],
                "skipped": [asdict(s) for s in self.skipped],
                "revisions": [asdict(r) for r in self.revisions]}


def ingest_police_uk(db: sqlite_utils.Database, paths: Iterable[str | Path],
                     on_file: Callable[[Source], None] | None = None,
                     on_start: Callable[[list[Source]], None] | None = None,
                     workers: int = 0) -> IngestReport:
    """Import every street-level file under `paths`; all or nothing. Raises IngestError.
    `workers`: processes reading files at once (data/reader_pool.py; 0: one per core)."""
    early = take_early(paths, workers)
    if early:  # its workers were started as the command started (bot/cli/main.py)
        sources, skipped, reader = early
    else:
        sources, skipped = expand(paths)
        reader = FileReader(sources, worker_count(workers, len(sources)))
    log.debug("reading %d files in %s", len(sources), f"{reader.workers} worker processes"
              if reader.workers > 1 else "this process")
    report = IngestReport(skipped=skipped)
    before: dict[ForceMonth, Before] = {}
    with reader as results, _bulk_settings(db), write_transaction(db):
        if on_start:  # after the reader's workers are forked: a progress bar starts a thread
            on_start(sources)
        names = LsoaNames(db)
        places = PlaceIds(db)
        for source, result in zip(sources, results, strict=True):
            if isinstance(result, Skipped):
                report.skipped.append(result)
            else:
                report.files.append(_store_file(db, result, before, names, places))
            if on_file:
                on_file(source)
        if not report.files:
            given = ", ".join(str(p) for p in paths)
            skipped_list = "; ".join(f"{s.name}: {s.reason}" for s in report.skipped[:10])
            raise IngestError(given, "holds no street-level crime files"
                              + (f" (skipped {skipped_list})." if skipped_list else "."),
                              hint="Give the *-street.csv files, their folders or the .zip "
                                   "archive from data.police.uk.")
        report.revisions = _record_revisions(db, before)
        names.write()
        record_incomplete_months(db, {force for f in report.files if f.status != "unchanged"
                                      for force in f.forces})
        for source in sources:  # none changed since it was read: what is stored is what is on disk
            source.check_unchanged()
    return report


@contextlib.contextmanager
def _bulk_settings(db: sqlite_utils.Database) -> Iterator[None]:
    """For the run: a page cache of CACHE_KIB (SQLite's default is 2 MiB; a year of files
    writes some 7 MB of pages, which then stay in memory until the commit), and no foreign-key
    check on each row: the import gives every map point its id before the counts that name it
    (data/places.py), and tests check the store after an import (`PRAGMA foreign_key_check`).
    Measured together: about a fifth less time writing the store."""
    cache, keys = (db.execute(f"PRAGMA {name}").fetchone()[0]
                   for name in ("cache_size", "foreign_keys"))
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    db.execute("PRAGMA foreign_keys = OFF")  # outside the transaction, where it takes effect
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")
        db.execute(f"PRAGMA foreign_keys = {'ON' if keys else 'OFF'}")


def _store_file(db: sqlite_utils.Database, result: StreetCounts,
                before: dict[ForceMonth, Before], names: LsoaNames,
                places: PlaceIds) -> FileReport:
    months: dict[ForceMonth, MonthRows] = result.months
    held = {(r["force"], r["month"]): r["sha256"] for fm in months for r in db.query(
        "SELECT force, month, sha256 FROM police_months WHERE force = ? AND month = ?", fm)}
    unplaced = sum(n for m in months.values() for n in m.unplaced.values())
    report = FileReport(result.source.name, result.sha256, "imported",
                        sorted({f for f, _ in months}), sorted({m for _, m in months}),
                        result.rows, result.rows - unplaced, unplaced)
    if all(held.get(fm) == result.sha256 for fm in months):
        report.status = "unchanged"
        for force, month in months:  # a store made before police_place_counts has none
            if not place_counts_held(db, force, month):
                replace_place_counts(db, places, force, month, result.places.get((force, month)))
        return report
    if held:
        report.status = "replaced"
    ingest_id: int = db.table("ingests").insert({
        "kind": "police-uk", "file": result.source.name, "sha256": result.sha256,
        "force": ", ".join(report.forces), "months": json.dumps(report.months),
        "rows": report.rows, "placed": report.placed, "unplaced": report.unplaced,
        "revised": 0, "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }).last_pk  # type: ignore[assignment]
    for (force, month), rows in months.items():
        if (force, month) in before:
            before[(force, month)].ingest_id = ingest_id
        elif (force, month) in held:
            before[(force, month)] = Before(_figures(db, force, month), ingest_id)
        _replace_force_month(db, force, month, rows, result.sha256, ingest_id, names)
        replace_place_counts(db, places, force, month, result.places.get((force, month)),
                             fresh=(force, month) not in held)
    return report


def _replace_force_month(db: sqlite_utils.Database, force: str, month: str, rows: MonthRows,
                         sha256: str, ingest_id: int, names: LsoaNames) -> None:
    conn = db.conn
    conn.execute("DELETE FROM police_counts WHERE force = ? AND month = ?", (force, month))
    conn.execute("DELETE FROM police_unplaced WHERE force = ? AND month = ?", (force, month))
    conn.executemany(INSERT_COUNTS, rows.counts)  # in key order
    conn.executemany("INSERT INTO police_unplaced VALUES (?, ?, ?, ?)",
                     [(force, month, slug, n) for slug, n in rows.unplaced.items()])
    names.name(month, rows.names)  # the latest name of each LSOA, written at the run's end
    conn.execute(
        "INSERT INTO police_months VALUES (?, ?, ?, ?, ?) ON CONFLICT(force, month) DO UPDATE "
        "SET sha256 = excluded.sha256, ingest_id = excluded.ingest_id, rows = excluded.rows",
        (force, month, sha256, ingest_id, rows.rows))


def _figures(db: sqlite_utils.Database, force: str, month: str) -> dict[tuple[str, str], int]:
    sums = ", ".join(f'SUM("{slug}")' for slug in POLICE_SLUGS)
    figures = {}
    for la, *values in db.execute(f"SELECT local_authority, {sums} FROM police_counts "
                                  "WHERE force = ? AND month = ? GROUP BY 1", (force, month)):
        figures.update({(la, slug): n for slug, n in zip(POLICE_SLUGS, values, strict=True)
                        if n})
    return figures
def _record_revisions(db: sqlite_utils.Database,
                      before: dict[ForceMonth, Before]) -> list[Revision]:
    """Every local-authority figure that a replaced force-month changed, old and new totals."""
    deltas: dict[tuple[str, str, str], int] = defaultdict(int)
    ingest_of: dict[tuple[str, str, str], int] = {}
    for (force, month), was in before.items():
        new = _figures(db, force, month)
        for key in was.figures.keys() | new.keys():
            if was.figures.get(key, 0) != new.get(key, 0):
                deltas[(month, *key)] += new.get(key, 0) - was.figures.get(key, 0)
                ingest_of[(month, *key)] = was.ingest_id
    revisions, rows = [], []
    for (month, la, indicator), delta in sorted(deltas.items()):
        if delta == 0:
            continue
        new_total = db.execute(
            f'SELECT COALESCE(SUM("{indicator}"), 0) FROM police_counts WHERE month = ? AND '
            "local_authority = ?", (month, la)).fetchone()[0]
        revision = Revision(month, la, indicator, new_total - delta, new_total)
        revisions.append(revision)
        rows.append({**asdict(revision), "ingest_id": ingest_of[(month, la, indicator)]})
    db.table("revisions").insert_all(rows)
    for row in rows:
        db.execute("UPDATE ingests SET revised = revised + 1 WHERE id = ?", (row["ingest_id"],))
    return revisions
