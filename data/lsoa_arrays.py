"""The store's police_counts as numpy arrays, month by month, kept in memory while the store does
not change: what `/csp where` sums per LSOA for its breakdown (data/contributions.py).

A breakdown sums 24 months of counts per LSOA of the area's ground. On a force of 1,000
neighbourhoods that is 117,000 rows, which SQL reads, checks against the ground's 5,000 codes and
groups in about 0.17 s; on arrays it is a mask and a numpy sum. Each month is read the first
time a window needs it and kept under the same version as the map points
(data/place_arrays.py's `places_version`): an import or a partnership (re)load makes it stale. A
store in memory is never kept.

LSOA codes are numbered as they are first read (`Codes`); a number never changes while kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import sqlite_utils

from data.catalogue import POLICE_SLUGS
from data.place_arrays import COUNTS, KeptMonths, compact

# Every force of police_counts, found by skipping through its primary key (force, month, lsoa)
_FORCES = ("WITH RECURSIVE f(force) AS (SELECT MIN(force) FROM police_counts UNION ALL SELECT "
           "(SELECT MIN(force) FROM police_counts WHERE force > f.force) FROM f WHERE f.force IS "
           "NOT NULL) ")


@dataclass
class Codes:
    """The LSOA codes read so far, numbered in the order first read."""

    codes: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def number(self, code: str) -> int:
        found = self.index.get(code)
        if found is None:
            found = self.index[code] = len(self.codes)
            self.codes.append(code)
        return found


@dataclass(frozen=True)
class LsoaMonth:
    """One month's rows of police_counts (every force's): the LSOA (a number of `Codes`) and the
    count of each crime type (columns in `types` order). An LSOA two forces place crimes in
    has two rows."""

    lsoa: np.ndarray  # int32
    counts: np.ndarray  # uint16 (int64 if a count is larger)
    types: tuple[str, ...]


def lsoa_months(db: sqlite_utils.Database, months: list[str]
                ) -> tuple[Codes, list[LsoaMonth]]:
    """The codes and the rows of `months`, kept (or read now and kept)."""
    return _KEPT.get(db, months)


def read_lsoa_month(db: sqlite_utils.Database, codes: Codes, month: str) -> LsoaMonth:
    rows = db.execute(f"{_FORCES}SELECT lsoa, {COUNTS} FROM police_counts WHERE force IN "
                      "(SELECT force FROM f) AND month = ?", (month,)).fetchall()
    width = len(POLICE_SLUGS)
    lsoa = np.fromiter((codes.number(r[0]) for r in rows), np.int32, len(rows))
    counts = np.fromiter(chain.from_iterable(r[1:] for r in rows), np.int64,
                         len(rows) * width).reshape(len(rows), width)
    return LsoaMonth(lsoa, compact(counts), POLICE_SLUGS)


def sum_by_lsoa(db: sqlite_utils.Database, ground: list[str], types: tuple[str, ...],
                current: list[str], previous: list[str]
                ) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
    """Each LSOA of `ground` with any row in the months: its count of `types` in `current` and
    in `previous` (ordered by code); and the ground's count in each month."""
    months = [*current, *previous]
    codes, read = lsoa_months(db, months)
    in_ground = np.zeros(len(codes.codes), bool)
    in_ground[[codes.index[c] for c in ground if c in codes.index]] = True
    now, before = (np.zeros(len(codes.codes), np.int64) for _ in range(2))
    present = np.zeros(len(codes.codes), bool)
    per_month = dict.fromkeys(months, 0)
    for n, (month, rows) in enumerate(zip(months, read, strict=True)):
        chosen = in_ground[rows.lsoa]
        where = rows.lsoa[chosen]
        counts = rows.counts[chosen][:, [rows.types.index(t) for t in types]].sum(
            axis=1, dtype=np.int64)
        present[where] = True
        np.add.at(now if n < len(current) else before, where, counts)
        per_month[month] += int(counts.sum())
    per_lsoa = sorted((codes.codes[i], int(now[i]), int(before[i]))
                      for i in np.flatnonzero(present).tolist())
    return per_lsoa, per_month


_KEPT = KeptMonths(lambda db: Codes(), read_lsoa_month)
