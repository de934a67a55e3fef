"""The scheduler's lock beside a store: one process at a time schedules its briefings.

`SchedulerLock.take(path)` holds an exclusive flock on "<db>.scheduler.lock" (the file names the
holder's pid); a second process on the same store is refused, so two `cspbot run` never both
post. The kernel frees the lock when its process ends, however it ends. An in-memory store has
no lock file (`lock_path_for` gives None): it belongs to its process alone, so the lock is
always taken.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from bot.config import beside_store


def lock_path_for(db_path: str) -> Path | None:
    """The scheduler lock file of a store ("<db>.scheduler.lock"); None for ":memory:"."""
    return beside_store(db_path, ".scheduler.lock")


class SchedulerLock:
    """The store's scheduler lock, as held (or not) by this process."""

    def __init__(self) -> None:
        self.held = False
        self._file: IO[str] | None = None

    def take(self, path: Path | None) -> bool:
        """Take the lock at `path` without waiting; False if another process holds it."""
        if path is None:  # an in-memory store belongs to this process alone
            self.held = True
            return True
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file, self.held = handle, True
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self.held = False
