"""What every front end shares: a store connection per thread, the bot's clock, handler
settings, and `reply_to`, the one helper each front end's one place for errors turns an
exception into a reply with (a user's mistake said as such; anything else logged under a
reference and apologised for)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from bot.clock import Clock
from bot.config import Config, open_store
from bot.logs import log_with_reference
from data.errors import DataError
from handlers.reply import CspError, Reply, Text
from handlers.router import Settings, error_reply

log = logging.getLogger("cspbot")


@dataclass
class Services:
    config: Config
    partnership: str | None = None
    clock: Clock | None = None  # None: the clock the settings give (CSP_NOW, or real time)
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def __post_init__(self) -> None:
        if self.clock is None:
            self.clock = Clock(self.config.now)

    def db(self) -> sqlite_utils.Database:
        """This thread's connection to the store (SQLite connections are not shared)."""
        if getattr(self._local, "db", None) is None:
            self._local.db = open_store(self.config)
        return self._local.db  # type: ignore[no-any-return]

    def settings(self) -> Settings:
        return Settings(method=self.config.method, suppress_below=self.config.suppress_below,
                        partnership=self.partnership)

    def now(self) -> datetime:
        """The time now (UTC), by the bot's clock."""
        assert self.clock is not None
        return self.clock.now()

    def today(self) -> str:
        """Today's date (Europe/London, YYYY-MM-DD), by the bot's clock."""
        assert self.clock is not None
        return self.clock.today().isoformat()


def reply_to(exc: BaseException, where: str) -> Reply:
    """What the user reads when `exc` stopped their command: a CspError says what to do (by the
    handlers' rules), and so does a DataError (written for the user: a full disk, a bad file);
    anything else is logged with a reference and apologised for. Each front
    end calls this in its one place where exceptions become messages."""
    if isinstance(exc, CspError):
        return error_reply(exc)
    if isinstance(exc, DataError):  # a condition the user can see to (e.g. the disk is full)
        return error_reply(CspError(exc.message, exc.hint))
    return apology(exc, where)


def apology(exc: BaseException, where: str) -> Reply:
    """Log `exc` with a new reference id (full traceback in the log); the user's reply."""
    ref = log_with_reference(exc, where)
    text = (f"Sorry, something went wrong on our side (reference {ref}). Please try again; if "
            "it keeps happening, give your partnership's admin that reference.")
    return Reply("Sorry", [Text(text)], text)
