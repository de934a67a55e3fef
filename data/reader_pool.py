"""The worker processes that read a police.uk import's files while the importing process
writes the store: `FileReader` gives the files' results in order, and `start_early` starts
them as soon as `cspbot ingest police-uk` knows its files, before the command has imported its
libraries and opened the store, which it then takes (`take_early`).

Workers are forked before any thread (the progress bar's) starts and before the store's
transaction begins. Each reads every n-th file (data/reading.py's `read_file`) and sends it,
pickled, down its own pipe; it keeps at most AHEAD results ready that the importing process
has not taken yet, which bounds what memory holds. Workers never touch the store, and ignore
Ctrl-C, which the importing process handles (nothing is written). An error in a worker comes
back as the result of its file, and the worker stops; a worker that dies is said as such.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, NoReturn

from data.errors import IngestError
from data.reading import read_file, worker_count
from data.sources import Skipped, Source, expand
from data.street import StreetCounts

Result = StreetCounts | Skipped
AHEAD = 8  # results a worker keeps ready while the importing process is busy
_early: list[tuple[tuple[str, ...], int, list[Source], list[Skipped], FileReader]] = []


class FileReader:
    """The files' results in order: `with FileReader(sources, workers) as results: ...`.

    With workers, the importing process reads the first file itself while they start (unless
    `all_to_workers`: started early, they are ahead already), and worker k reads the next
    files k, k + workers, ... Leaving the block (at the end, on an error or on Ctrl-C) closes
    the pipes and reaps the workers."""

    def __init__(self, sources: list[Source], workers: int, all_to_workers: bool = False
                 ) -> None:
        self.sources = sources
        self.workers = workers if workers > 1 and threading.active_count() == 1 else 1
        self.first = 0 if all_to_workers else 1  # the files before it: read here
        self.pipes: list[IO[bytes]] = []
        self.pids: list[int] = []

    def start(self) -> FileReader:
        """Fork the workers (once)."""
        if self.workers > 1 and not self.pids:
            for k in range(self.workers):
                read_end, write_end = os.pipe()
                pid = os.fork()
                if pid == 0:  # the worker: read its files, send them, and go
                    os.close(read_end)
                    _serve(self.sources, self.first + k, self.workers, write_end)
                os.close(write_end)
                self.pipes.append(os.fdopen(read_end, "rb"))
                self.pids.append(pid)
        return self

    def __enter__(self) -> Iterator[Result]:
        if self.workers <= 1:
            return map(read_file, self.sources)
        return self.start()._in_order()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.close()  # a worker still writing gets a broken pipe, and goes
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.pipes, self.pids = [], []

    def _in_order(self) -> Iterator[Result]:
        yield from map(read_file, self.sources[:self.first])  # while the workers start
        for index, source in enumerate(self.sources[self.first:]):
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


def start_early(paths: Iterable[str | Path], setting: int) -> None:
    """List `paths` and start their workers now (nothing happens for paths that cannot be
    listed, or when no worker would be used: the import then does it all in its own time)."""
    try:
        sources, skipped = expand(paths)
    except (OSError, IngestError):
        return
    reader = FileReader(sources, worker_count(setting, len(sources) + 1),  # they read all
                        all_to_workers=True)
    if reader.workers > 1:
        _early.append((tuple(map(str, paths)), setting, sources, skipped, reader.start()))


def take_early(paths: Iterable[str | Path], setting: int
               ) -> tuple[list[Source], list[Skipped], FileReader] | None:
    """The sources, files skipped and reader that `start_early` made for these very paths and
    setting; None otherwise (and a reader started for others is stopped)."""
    found = _early.pop() if _early else None
    if found is None:
        return None
    given, was, sources, skipped, reader = found
    if (given, was) == (tuple(map(str, paths)), setting):
        return sources, skipped, reader
    reader.close()
    return None


@atexit.register
def _stop_unused() -> None:
    while _early:
        _early.pop()[-1].close()


def _serve(sources: list[Source], first: int, step: int, fd: int) -> NoReturn:
    """In a worker: read files first, first + step, ... and send each result (or the error
    that stopped it) down `fd`, pickled, by a thread of its own, so that reading goes on
    while the importing process is busy (up to AHEAD results wait to be sent); then exit at
    once (nothing of the importing process, its store above all, is closed or flushed from
    here)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    waiting: queue.Queue[bytes | None] = queue.Queue(AHEAD)
    gone = threading.Event()  # the importing process no longer reads: stop
    sender = threading.Thread(target=_send, args=(waiting, fd, gone), daemon=True)
    sender.start()
    try:
        for index in range(first, len(sources), step):
            try:
                sent: tuple[bool, object] = (False, _sendable(read_file(sources[index])))
            except Exception as exc:  # noqa: BLE001  (sent to the importing process)
                sent = (True, exc if _picklable(exc) else RuntimeError(repr(exc)))
            waiting.put(pickle.dumps(sent, pickle.HIGHEST_PROTOCOL))
            if sent[0] or gone.is_set():
                break
        waiting.put(None)
        sender.join()
    finally:
        os._exit(0)


def _send(waiting: queue.Queue[bytes | None], fd: int, gone: threading.Event) -> None:
    with os.fdopen(fd, "wb") as out:
        while (data := waiting.get()) is not None:
            try:
                out.write(data)
                out.flush()
            except OSError:  # a broken pipe: the importing process has stopped reading
                gone.set()
                while waiting.get() is not None:  # let the reading side finish and go
                    pass
                return


def _sendable(result: Result) -> Result:
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
