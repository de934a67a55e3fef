"""Which bots on a store are alive, as any process on the machine can tell, however they ended.

A bot serving chat begins a life: a random id and a file "<db>.lives/<id>.lock" that it holds
with a shared flock, as does each of its answer worker processes (bot/answers/workers.py). The
kernel drops a process's locks when it ends, even by SIGKILL, so a life is over when an
exclusive lock on its file can be taken (or the file is gone): neither the bot nor any of its
workers is left to finish what it started. What a bot records in the store under its life id
(the chat commands it acknowledged: data/commands.py) is its own while it lives, and can be
taken over by another bot afterwards. A bot on an in-memory store is alone: no file, and no
other life is ever over.
"""

from __future__ import annotations

import contextlib
import fcntl
import re
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from bot.config import beside_store

_ID = re.compile(r"^[0-9a-f]{16}$")
_held: list[IO[str]] = []  # the life files this process holds (kept open: closing releases)


def lives_folder(db_path: str) -> Path | None:
    """The folder of the store's life files ("<db>.lives"); None for ":memory:"."""
    return beside_store(db_path, ".lives")


class Life:
    """This bot's life on the store at `db_path`: begun (its file held) when made."""

    def __init__(self, db_path: str) -> None:
        self.id = uuid.uuid4().hex[:16]
        folder = lives_folder(db_path)
        self.path = None if folder is None else folder / f"{self.id}.lock"
        self._handle: IO[str] | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = hold(self.path)

    def end(self) -> None:
        """Let go of the life file in this process (its workers may still hold it): once
        nobody holds it, the life is over for every other bot."""
        if self._handle is not None:
            _held.remove(self._handle)
            self._handle.close()
            self._handle = None


def hold(path: Path | None) -> IO[str] | None:
    """Hold the life file at `path` (shared) for as long as this process lives."""
    if path is None:
        return None
    handle = open(path, "a", encoding="utf-8")
    fcntl.flock(handle, fcntl.LOCK_SH)
    _held.append(handle)
    return handle


@contextlib.contextmanager
def ended_lives(db_path: str, owners: Iterable[str], me: str) -> Iterator[list[str]]:
    """Of `owners` and the lives that have a file beside the store, those that are over (never
    `me`). Their files are locked while the caller takes what they left over, then removed."""
    folder = lives_folder(db_path)
    if folder is None:
        yield []
        return
    files = {p.stem for p in folder.glob("*.lock")} if folder.is_dir() else set()
    ended: list[str] = []
    with contextlib.ExitStack() as stack:
        for owner in sorted((set(owners) | files) - {me}):
            if not _ID.match(owner) or owner not in files:
                ended.append(owner)  # not a life of ours, or its file is gone: over
                continue
            handle = stack.enter_context(open(folder / f"{owner}.lock", "a", encoding="utf-8"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # still held: that bot, or one of its workers, is alive
            ended.append(owner)
            stack.callback((folder / f"{owner}.lock").unlink, missing_ok=True)
        yield ended
