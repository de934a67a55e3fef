"""Worker processes for chat answers, and the thread that prepares answers after each import.

Working out an answer (a trend test and a chart) takes ~150 ms of CPU. In the bot's own process
it would hold the interpreter lock that acknowledging requests needs, on one core; in worker
processes it uses every core and the bot stays free to acknowledge at once. Workers are spawned
(the bot has threads, so no fork), lower their priority below the bot's, load the statistics
and plotting libraries once, and open the store themselves.

`AnswerPreparer` watches the store: when a partnership's data change (an import, a reloaded
partnership file), it works out every latest-month answer in the workers, one at a time so that
a worker stays free for whoever asks meanwhile (briefings/answers.py keeps them).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from briefings.answers import Answer, answer_version, prepare_answers, use_workers
from briefings.method import MethodSettings
from data.partnerships import partnership_ids

if TYPE_CHECKING:
    import sqlite_utils

    from bot.config import Config
    from bot.services import Services

log = logging.getLogger("cspbot.answers")
_store: sqlite_utils.Database | None = None  # a worker's own connection


def _start_worker(db_path: str, busy_timeout_ms: int) -> None:
    global _store
    from data.db import open_db

    with contextlib.suppress(OSError):
        os.nice(5)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _store = open_db(db_path, busy_timeout_ms, migrate=False)
    import briefings.indicator  # noqa: F401 (statistics and plotting load now, not when asked)


def _exit_with_parent(parent: int) -> None:
    """A bot killed outright (SIGKILL, or SIGTERM before its web server handles signals) cannot
    stop its workers: they stop themselves when it has gone."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _judge(pid: str, indicator: str, area: str, month: str | None,
           settings: MethodSettings | None, suppress_below: int) -> Answer:
    from briefings.indicator import judge

    assert _store is not None
    return judge(_store, pid, indicator, area, month, settings, suppress_below)


def _pid() -> int:
    return os.getpid()


class AnswerWorkers:
    """`processes` worker processes on the store of `config`: started at once, or with
    `eager=False` at the first answer asked of them."""

    def __init__(self, config: Config, processes: int, eager: bool = True) -> None:
        self.config, self.processes = config, processes
        self.preparer: AnswerPreparer | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._executor = self._start() if eager else None

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.config.db_path, self.config.busy_timeout_ms))
        for _ in range(self.processes):  # each submission beyond the idle ones starts a worker
            executor.submit(_pid)
        return executor

    def submit(self, pid: str, indicator: str, area: str, month: str | None,
               settings: MethodSettings | None, suppress_below: int) -> Future[Answer]:
        with self._lock:
            if self._closed:
                raise RuntimeError("CSP Bot is stopping: no new answers are worked out")
            if self._executor is None:
                self._executor = self._start()
            try:
                return self._executor.submit(_judge, pid, indicator, area, month, settings,
                                             suppress_below)
            except BrokenProcessPool:
                log.warning("an answer worker stopped unexpectedly: starting new workers")
                self._executor = self._start()
                return self._executor.submit(_judge, pid, indicator, area, month, settings,
                                             suppress_below)

    def close(self) -> None:
        """Stop at once: an answer half worked out is of no use to a bot that is stopping
        (and a worker still loading its libraries would hold the exit up for seconds)."""
        if self.preparer is not None:
            self.preparer.stopped.set()
        with self._lock:
            executor, self._executor, self._closed = self._executor, None, True
        if executor is None:
            return
        # There is no public way to stop the workers before Python 3.14 (terminate_workers).
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


def start_answer_workers(services: Services) -> AnswerWorkers | None:
    """Workers for the bot's answers (none with CSP_ANSWER_WORKERS=0), and the preparer."""
    config = services.config
    if config.answer_workers <= 0:
        return None
    workers = AnswerWorkers(config, config.answer_workers)
    use_workers(workers.submit)
    if config.prepare_answers:
        workers.preparer = AnswerPreparer(services, parallel=max(1, config.answer_workers - 1))
        workers.preparer.start()
    return workers


class AnswerPreparer(threading.Thread):
    """Prepares each served partnership's answers at start and whenever its data change."""

    def __init__(self, services: Services, parallel: int = 1, every: float = 30.0) -> None:
        super().__init__(name="csp-prepare-answers", daemon=True)
        self.services, self.parallel, self.every = services, parallel, every
        self.stopped = threading.Event()
        self.prepared: dict[str, str] = {}  # partnership -> the version last prepared

    def run(self) -> None:
        while not self.stopped.is_set():
            self.prepare_all()
            self.stopped.wait(self.every)

    def prepare_all(self) -> None:
        db, settings = self.services.db(), self.services.settings()
        for pid in [self.services.partnership] if self.services.partnership else \
                partnership_ids(db):
            started = time.monotonic()
            try:
                if self.prepared.get(pid) == answer_version(db, pid, settings.method,
                                                            settings.suppress_below):
                    continue
                done = prepare_answers(db, pid, settings.method, settings.suppress_below,
                                       parallel=self.parallel)
            except Exception:  # noqa: BLE001 (tried again at the next look)
                if self.stopped.is_set():
                    return
                log.exception("preparing the answers of %s failed", pid)
                continue
            self.prepared[pid] = done.version
            if done.made:
                log.info("prepared %d answers for %s in %.1f s (%d kept already, %d without "
                         "figures)", done.made, pid, time.monotonic() - started, done.already,
                         len(done.without))
