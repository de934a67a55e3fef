"""Logging: one line per record on standard error at the chosen level (CSP_LOG_LEVEL), and every
record of INFO and above, tracebacks in full, in the log file (CSP_LOG_FILE), where the
reference ids that users are shown can be looked up. Secrets are never logged."""

from __future__ import annotations

import logging
import uuid

from bot.config import Config


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
    """One-line records on standard error at the chosen level; everything, in full, to the file."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    stderr = logging.StreamHandler()
    stderr.setFormatter(_OneLine(fmt))
    stderr.setLevel(config.log_level)
    root.addHandler(stderr)
    file_handler = logging.FileHandler(config.log_file, delay=True, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(fmt))
    file_handler.setLevel(logging.INFO)
    root.addHandler(file_handler)
    root.setLevel(min(logging.INFO, logging.getLevelName(config.log_level)))


def log_with_reference(exc: BaseException, where: str) -> str:
    """Log an unexpected `exc` in full (traceback in the log file) under a new reference id, and
    return the id: the one thing a user is shown of it, to give an admin."""
    ref = uuid.uuid4().hex[:8]
    logging.getLogger("cspbot").error("unexpected error in %s, reference %s", where, ref,
                                      exc_info=exc)
    return ref
