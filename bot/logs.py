"""Logging: one line per record on standard error, and the same records, tracebacks in full, in
the log file (CSP_LOG_FILE), where the reference ids that users are shown can be looked up; both
at the chosen level (CSP_LOG_LEVEL). The file is rotated at CSP_LOG_FILE_MAX_BYTES, keeping
CSP_LOG_FILE_BACKUPS older files, so that the log never grows without bound.

What an outsider can cause at will (a forged signature or token, a body too large) is logged by
`Throttled`: one short line, then at most one a minute, counting those left out, never the
request's body. Secrets are never logged."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from typing import NoReturn

from bot.config import Config

REFUSALS_EVERY_S = 60.0  # at most one line a minute for each kind of refused request


class _OneLine(logging.Formatter):
    """Standard error gets one line per record; tracebacks go to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text = saved


def configure_logging(config: Config) -> None:
    """One-line records on standard error and records in full in the rotated log file, both at
    the chosen level."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    level = logging.getLevelName(config.log_level)
    stderr = logging.StreamHandler()
    stderr.setFormatter(_OneLine(fmt))
    stderr.setLevel(level)
    root.addHandler(stderr)
    file_handler = RotatingFileHandler(
        config.log_file, maxBytes=config.log_file_max_bytes,
        backupCount=config.log_file_backups, delay=True, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(fmt))
    file_handler.setLevel(level)
    root.addHandler(file_handler)
    root.setLevel(level)


def log_with_reference(exc: BaseException, where: str) -> str:
    """Log an unexpected `exc` in full (traceback in the log file) under a new reference id, and
    return the id: the one thing a user is shown of it, to give an admin."""
    ref = uuid.uuid4().hex[:8]
    logging.getLogger("cspbot").error("unexpected error in %s, reference %s", where, ref,
                                      exc_info=exc)
    return ref


class Throttled:
    """Warnings of one kind that anyone can cause by sending requests (e.g. "a Slack request
    with a bad signature was refused"): the first is logged, then at most one every `every`
    seconds, saying how many were left out since the last one logged. Thread-safe."""

    def __init__(self, logger: logging.Logger, every: float = REFUSALS_EVERY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._log, self._every, self._clock = logger, every, clock
        self._lock = threading.Lock()
        self._quiet_until: float | None = None
        self._left_out = 0

    def warning(self, message: str, *args: object) -> None:
        """Log `message % args` unless one was logged less than `every` seconds ago."""
        with self._lock:
            now = self._clock()
            if self._quiet_until is not None and now < self._quiet_until:
                self._left_out += 1
                return
            left_out, self._left_out = self._left_out, 0
            self._quiet_until = now + self._every
        if left_out:
            self._log.warning(message + " (and %d more like it, not logged, since the last "
                              "such line)", *args, left_out)
        else:
            self._log.warning(message + " (more like it: at most one line every %g s)", *args,
                              self._every)


def exit_now() -> NoReturn:
    """Leave the process at once, once a command has done its work and closed what it must:
    what is printed and logged is flushed first, and the interpreter's tear-down of every
    loaded library's objects (seconds on a loaded machine), which a user or `docker stop`
    would wait for, is skipped."""
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(0)
