"""The answer worker processes of `cspbot run`: where chat answers are worked out and posted.

Working an answer out (a trend test and a chart) takes ~150 ms of CPU, and even a prepared
answer costs ~5.5 ms of CPU to post (up to five calls to Slack's Web API). In the bot's own
process that work would hold the interpreter lock that acknowledging Slack's requests needs, on
one core. In worker processes it uses every core and the bot's process only acknowledges: `/csp`
commands are handed over as soon as they are acknowledged, and each worker answers up to
THREADS at once (a command no worker can take is answered in the bot's process: see
bot/slack/handover.py, which hands Slack's commands over).
Workers are spawned (the bot has threads, so no fork), load the statistics and plotting
libraries once, open the store themselves, and stop when the bot does, however it stops. Each
holds the bot's life file (bot/lives.py): a bot is not over, for whoever would take over the
commands it acknowledged, while one of its workers may still be answering one.

`start_answer_workers` also starts the preparer of answers (bot/answers/preparer.py). The
workers know no chat platform: what they run for one is a job handed to `run_job`, a function
(pickled by reference) called with the worker's Services and the arguments given.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from bot.answers.preparer import AnswerPreparer
from bot.config import Config
from bot.lives import hold
from bot.logs import configure_logging
from bot.services import Services
from briefings.answers import Answer, use_workers
from briefings.method import MethodSettings
from handlers.where_prepare import prepare_where

log = logging.getLogger("cspbot.answers")
THREADS = 4  # per worker: jobs run at once (a chat command mostly waits for the platform)
_worker: _Worker | None = None


class _Worker:
    """What a worker process holds: its services and the threads its jobs run in."""

    def __init__(self, config: Config, partnership: str | None) -> None:
        self.services = Services(config, partnership)
        self.threads = ThreadPoolExecutor(THREADS, thread_name_prefix="csp-answer")
        self.free = threading.Semaphore(THREADS)


def _start_worker(config: Config, partnership: str | None, life: Path | None,
                  parent: int) -> None:
    global _worker
    hold(life)  # first: the bot's life lasts until this worker has gone too
    if os.getppid() != parent:  # the bot died while this worker was starting
        os._exit(0)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    configure_logging(config)
    _worker = _Worker(config, partnership)
    # deferred to here (not at module level) so that the bot's own process, which imports this
    # module, does not load the statistics and plotting libraries; each worker loads them now
    import briefings.indicator  # noqa: F401


def _take_job(job: Callable[..., None], args: tuple[Any, ...]) -> None:
    """Hand the job to one of this worker's threads and return as soon as one is free: the
    process pool passes the next job on to whichever worker has a free thread."""
    assert _worker is not None
    _worker.free.acquire()
    _worker.threads.submit(_run_here, _worker, job, args)


def _run_here(worker: _Worker, job: Callable[..., None], args: tuple[Any, ...]) -> None:
    try:
        job(worker.services, *args)
    except Exception:  # noqa: BLE001 (a job turns its errors into messages; not this)
        log.exception("a job in an answer worker failed")
    finally:
        worker.free.release()


def _exit_with_parent(parent: int) -> None:
    """A bot killed outright (SIGKILL, or SIGTERM before its web server handles signals) cannot
    stop its workers: they stop themselves when it has gone."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _judge(pid: str, indicator: str, area: str, month: str | None,
           settings: MethodSettings | None, suppress_below: int) -> Answer:
    from briefings.indicator import judge  # loaded by _start_worker already

    assert _worker is not None
    return judge(_worker.services.db(), pid, indicator, area, month, settings, suppress_below)


def _prepare_where(pid: str, indicator: str, method: MethodSettings,
                   suppress_below: int, area: str) -> str:
    assert _worker is not None
    return prepare_where(_worker.services.db(), pid, indicator, method, suppress_below, area)


def _pid() -> int:
    return os.getpid()


class AnswerWorkers:
    """`processes` worker processes on the store of `config`: started at once, or with
    `eager=False` at the first answer asked of them."""

    def __init__(self, config: Config, processes: int, eager: bool = True,
                 partnership: str | None = None, life: Path | None = None) -> None:
        self.config, self.processes, self.partnership = config, processes, partnership
        self.life = life  # the bot's life file, held by each worker too
        self.preparer: AnswerPreparer | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._executor = self._start() if eager else None

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.config, self.partnership, self.life, os.getpid()))
        for _ in range(self.processes):  # each submission beyond the idle ones starts a worker
            executor.submit(_pid)
        return executor

    def submit(self, pid: str, indicator: str, area: str, month: str | None,
               settings: MethodSettings | None, suppress_below: int) -> Future[Answer]:
        return self._call(_judge, pid, indicator, area, month, settings, suppress_below)

    def submit_where(self, pid: str, indicator: str, method: MethodSettings,
                     suppress_below: int, area: str) -> Future[str]:
        """Prepare (work out and keep) a where answer in a worker (handlers/where_prepare.py)."""
        return self._call(_prepare_where, pid, indicator, method, suppress_below, area)

    def _call(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        with self._lock:
            if self._closed:
                raise RuntimeError("CSP Bot is stopping: no new answers are worked out")
            if self._executor is None:
                self._executor = self._start()
            try:
                return self._executor.submit(function, *args)
            except BrokenProcessPool:
                log.warning("an answer worker stopped unexpectedly: starting new workers")
                self._executor = self._start()
                return self._executor.submit(function, *args)

    def run_job(self, job: Callable[..., None], *args: Any) -> bool:
        """Have a worker run `job(services, *args)` (a module-level function, so that it pickles
        by reference); False if no worker could take it (the caller then runs it itself)."""
        with self._lock:
            if self._closed:
                return False
        try:
            with self._lock:
                if self._executor is None:
                    self._executor = self._start()
                executor = self._executor
            try:
                future = executor.submit(_take_job, job, args)
            except BrokenProcessPool:
                log.warning("an answer worker stopped unexpectedly: starting new workers")
                with self._lock:
                    self._executor = executor = self._start()
                future = executor.submit(_take_job, job, args)
        except Exception:  # noqa: BLE001 (e.g. no process can be started: run by the caller)
            log.exception("no answer worker could take a job")
            return False
        future.add_done_callback(_log_failure)
        return True

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


def start_answer_workers(services: Services, prepare: bool = True,
                         life: Path | None = None) -> AnswerWorkers | None:
    """Workers for the bot's answers (none with CSP_ANSWER_WORKERS=0), holding the bot's
    `life` file, and, if `prepare` and CSP_PREPARE_ANSWERS, the preparer."""
    config = services.config
    if config.answer_workers <= 0:
        return None
    workers = AnswerWorkers(config, config.answer_workers, partnership=services.partnership,
                            life=life)
    use_workers(workers.submit)
    if prepare and config.prepare_answers:
        workers.preparer = AnswerPreparer(services, parallel=max(1, config.answer_workers - 1),
                                          submit_where=workers.submit_where)
        workers.preparer.start()
    return workers


def _log_failure(future: Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("a job could not be handed to a worker",
                  exc_info=future.exception())
