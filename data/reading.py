"""Reading the files of one police.uk import, several at once when the machine has cores to
spare: each file is read and counted (data/street.py) and its map points put in rows
(`by_point`) in a worker process, and the results come back in the files' order, while the
importing process stores the files already read.

Reading a file is pure CPU work in Python (gzip, csv, counting), and the importing process
has its own work to do (writing the store), so on a machine of two cores or more an import
of a year of files takes about half the time. Workers are forked when the reader is made,
before any thread (the progress bar's) starts and before the store's transaction begins; they
only read files and never touch the store, and ignore Ctrl-C, which the importing process
handles (nothing is written). One file, one core, `CSP_INGEST_WORKERS=1`, or a platform
without fork: the files are read in the importing process, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from data.catalogue import POLICE_TYPES
from data.sources import Skipped, Source
from data.street import SEP, PointKey, StreetCounts, read_street_file

MAX_WORKERS = 4  # beyond this, writing the store is what the import waits for
INDEX_OF = {i.police_type: n for n, i in enumerate(POLICE_TYPES)}
_SOURCES: list[Source] = []  # the files of the run, as the workers inherit them


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
    """One file read and counted, its map points in rows (`StreetCounts.places`)."""
    result = read_street_file(source)
    if isinstance(result, StreetCounts):
        result.places = {fm: by_point(counted) for fm, counted in result.points.items()}
        result.points = {}
    return result


def worker_count(setting: int, files: int) -> int:
    """How many worker processes read `files` files: `setting` (0: one per core, at most
    MAX_WORKERS), never more than the files; 0 or 1 means none (read in this process)."""
    wanted = setting or min(os.cpu_count() or 1, MAX_WORKERS)
    return min(wanted, files) if "fork" in multiprocessing.get_all_start_methods() else 1


class FileReader:
    """The files' results in order: `with FileReader(sources, workers) as results: ...`.

    With workers, the pool is forked on entry and twice as many files as workers are read
    ahead of the one being stored (what memory holds is bounded); leaving the block early (an
    error, Ctrl-C) cancels the files not started and waits for those being read."""

    def __init__(self, sources: list[Source], workers: int) -> None:
        self.sources = sources
        self.workers = workers if workers > 1 and threading.active_count() == 1 else 1
        self.pool: ProcessPoolExecutor | None = None
        self.pending: deque[Future[StreetCounts | Skipped]] = deque()
        self.next = 0

    def __enter__(self) -> Iterator[StreetCounts | Skipped]:
        if self.workers > 1:
            global _SOURCES
            _SOURCES = self.sources
            self.pool = ProcessPoolExecutor(self.workers, multiprocessing.get_context("fork"),
                                            initializer=_ignore_interrupts)
            while self.next < min(len(self.sources), 2 * self.workers):
                self._submit()
            return self._in_order()
        return map(read_file, self.sources)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self) -> None:
        assert self.pool is not None
        self.pending.append(self.pool.submit(_read_nth, self.next))
        self.next += 1

    def _in_order(self) -> Iterator[StreetCounts | Skipped]:
        for source in self.sources:
            result = self.pending.popleft().result()
            if self.next < len(self.sources):
                self._submit()
            if isinstance(result, StreetCounts):
                result.source = source  # what came back holds no opener of its own
            yield result


def _read_nth(index: int) -> StreetCounts | Skipped:
    """In a worker: the run's file `index`, read; sent back without its Source (whose opener
    cannot be pickled; the importing process puts its own back)."""
    result = read_file(_SOURCES[index])
    if isinstance(result, StreetCounts):
        result.source = None  # type: ignore[assignment]
    return result


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
