"""Reading the files of one police.uk import, several at once when the machine has cores to
spare: each file is read and counted (data/street.py) and its map points put in rows
(`by_point`) in a worker process, and the results come back in the files' order, while the
importing process stores the files already read.

Reading a file is CPU work in Python (gzip, csv, counting), and the importing process has its
own work to do (writing the store), so on a machine of two cores or more the two overlap.
Workers are forked when the reader is entered, before any thread (the progress bar's) starts
and before the store's transaction begins; they only read files, never touch the store, and
ignore Ctrl-C, which the importing process handles (nothing is written). One file, one core,
`CSP_INGEST_WORKERS=1`, or a platform without fork: the files are read in the importing
process, with the same results.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any, NoReturn

from data.catalogue import POLICE_TYPES, SLUG_BY_POLICE_TYPE
from data.errors import IngestError
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
POLICE_SLUGS = tuple(i.slug for i in POLICE_TYPES)
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


class FileReader:
    """The files' results in order: `with FileReader(sources, workers) as results: ...`.

    With workers (forked on entry, each from a process with no other thread), the importing
    process reads the first file itself (while the workers start on the next ones), and worker
    k reads files 1 + k, 1 + k + workers, ... and sends each result down its own pipe, pickled;
    a worker is at most one file ahead of the one being stored, which bounds what memory
    holds. An error in a worker comes back as the result of its file, and the worker stops; a
    worker that dies (killed, out of memory) is said as such. Leaving the block (at the end, on
    an error or on Ctrl-C) closes the pipes and reaps the workers."""

    def __init__(self, sources: list[Source], workers: int) -> None:
        self.sources = sources
        self.workers = workers if workers > 1 and threading.active_count() == 1 else 1
        self.pipes: list[IO[bytes]] = []
        self.pids: list[int] = []

    def __enter__(self) -> Iterator[StreetCounts | Skipped]:
        if self.workers <= 1:
            log.debug("reading %d files in this process", len(self.sources))
            return map(read_file, self.sources)
        log.debug("reading %d files in %d worker processes", len(self.sources), self.workers)
        for k in range(self.workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: read its files, send them, and go
                os.close(read_end)
                _serve(self.sources, 1 + k, self.workers, write_end)
            os.close(write_end)
            self.pipes.append(os.fdopen(read_end, "rb"))
            self.pids.append(pid)
        return self._in_order()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for pipe in self.pipes:
            pipe.close()  # a worker still writing gets a broken pipe, and goes
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)

    def _in_order(self) -> Iterator[StreetCounts | Skipped]:
        yield read_file(self.sources[0])  # while the workers read the next ones
        for index, source in enumerate(self.sources[1:]):
            try:
                failed, result = pickle.load(self.pipes[index % self.workers])
            except (EOFError, pickle.UnpicklingError) as exc:
                raise IngestError(source.name, "could not be read: the process reading it "
                                  "stopped before it had done (killed, or out of memory?).",
                                  hint="Try again; if it happens again, set "
                                       "CSP_INGEST_WORKERS=1 to read the files in one "
                                       "process.") from exc
            if failed:
                raise result
            if isinstance(result, StreetCounts):
                result.source = source  # what came back holds no opener of its own
            yield result


def _serve(sources: list[Source], first: int, step: int, fd: int) -> NoReturn:
    """In a worker: read files first, first + step, ... and send each result (or the error
    that stopped it) down `fd`, pickled; then exit at once (nothing of the importing process,
    its store above all, is closed or flushed from here)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with os.fdopen(fd, "wb") as out:
            for index in range(first, len(sources), step):
                try:
                    sent: tuple[bool, object] = (False, _sendable(read_file(sources[index])))
                except Exception as exc:  # noqa: BLE001  (sent to the importing process)
                    sent = (True, exc if _picklable(exc) else RuntimeError(repr(exc)))
                pickle.dump(sent, out, pickle.HIGHEST_PROTOCOL)
                out.flush()
                if sent[0]:
                    break
    finally:
        os._exit(0)


def _sendable(result: StreetCounts | Skipped) -> StreetCounts | Skipped:
    """A result without its Source, whose opener cannot be pickled (the importing process
    puts its own back)."""
    if isinstance(result, StreetCounts):
        result.source = None  # type: ignore[assignment]
    return result


def _picklable(exc: Exception) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001
        return False
    return True
