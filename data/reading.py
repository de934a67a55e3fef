"""Reading one file of a police.uk import as the store takes it: read and counted
(data/street.py), its map points put in rows (`by_point`), each force-month's rows made
(`month_rows`); and how many worker processes read a run's files (`worker_count`).

Reading a file is CPU work in Python (gzip, csv, counting), and the importing process has its
own work to do (writing the store), so on a machine of two cores or more the two overlap: the
worker processes are data/reader_pool.py's. One file, one core, `CSP_INGEST_WORKERS=1`, or a
platform without fork: the files are read in the importing process, with the same results.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from data.catalogue import POLICE_SLUGS, POLICE_TYPES, SLUG_BY_POLICE_TYPE
from data.sources import Skipped, Source
from data.street import (
    SEP,
    ForceMonth,
    Key,
    PointKey,
    StreetCounts,
    local_authority_of,
    read_street_file,
)

log = logging.getLogger("cspbot.ingest")
MAX_WORKERS = 4  # beyond this, writing the store is what the import waits for
INDEX_OF = {i.police_type: n for n, i in enumerate(POLICE_TYPES)}
FIRST_COUNT = 4  # a police_counts row: force, month, lsoa, local authority, then the counts
COLUMN_OF = {i.police_type: FIRST_COUNT + n for n, i in enumerate(POLICE_TYPES)}


@dataclass
class MonthRows:
    """A force-month of a file as the store takes it: its police_counts rows (force, month,
    LSOA code, local authority, then a count per crime type) in LSOA order, its rows with no
    LSOA by indicator, each LSOA's name, and its rows in all."""

    counts: list[list[Any]]
    unplaced: dict[str, int]
    names: dict[str, str]
    rows: int


def month_rows(force: str, month: str, items: Iterable[tuple[Key, int]]) -> MonthRows:
    """The force-month's rows, from its counts by (month, force, LSOA code, LSOA name, crime
    type)."""
    placed: dict[str, list[Any]] = {}
    found = MonthRows([], defaultdict(int), {}, 0)
    for (_, _, code, name, crime_type), n in items:
        found.rows += n
        if not code:
            found.unplaced[SLUG_BY_POLICE_TYPE[crime_type]] += n
            continue
        row = placed.get(code)
        if row is None:
            row = placed[code] = [force, month, code, local_authority_of(name),
                                  *([0] * len(POLICE_SLUGS))]
            found.names[code] = name
        row[COLUMN_OF[crime_type]] += n
    found.counts = [placed[code] for code in sorted(placed)]
    found.unplaced = dict(found.unplaced)
    return found


def by_point(counted: Counter[PointKey]) -> dict[str, list[int]]:
    """Counts by map point and crime type -> each point (its LSOA code, location text,
    longitude and latitude joined by SEP) with its counts in police_place_counts' column order
    (data/catalogue.py's POLICE_TYPES)."""
    rows: dict[str, list[int]] = {}
    width = len(POLICE_TYPES)
    for key, n in counted.items():
        point, _, crime_type = key.rpartition(SEP)
        row = rows.get(point)
        if row is None:
            row = rows[point] = [0] * width
        row[INDEX_OF[crime_type]] += n
    return rows


def read_file(source: Source) -> StreetCounts | Skipped:
    """One file read and counted, and put as the store takes it: its map points in rows
    (`StreetCounts.places`), and each force-month's rows (`StreetCounts.months`). What is
    sent from a worker is only that (its counts and points, needed no more, are dropped)."""
    result = read_street_file(source)
    if isinstance(result, StreetCounts):
        result.places = {fm: by_point(counted) for fm, counted in result.points.items()}
        groups: dict[ForceMonth, list[tuple[Key, int]]] = defaultdict(list)
        if len(result.force_months) == 1:  # a force-month a file, as a rule
            groups[next(iter(result.force_months))] = list(result.counts.items())
        else:
            for key, n in result.counts.items():
                groups[(key[1], key[0])].append((key, n))
        result.months = {fm: month_rows(*fm, items) for fm, items in groups.items()}
        result.points, result.counts = {}, Counter()
    return result


def worker_count(setting: int, files: int) -> int:
    """How many worker processes read `files` files: `setting` (0: one per core, at most
    MAX_WORKERS), never more than the files the importing process leaves them (all but the
    first); 1 means none (all read in the importing process), as on a platform without fork
    (or macOS, where forking is not safe)."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return 1
    return max(1, min(setting or min(os.cpu_count() or 1, MAX_WORKERS), files - 1))
