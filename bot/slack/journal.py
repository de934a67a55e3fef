"""The journal of `/csp` commands on Slack (data/commands.py): so that no acknowledged command is
lost when the bot is killed before it has answered.

`CommandJournal.record` writes the command in the acknowledging thread, before the ack: one
INSERT, its own transaction, on that thread's connection, tried for at most a second so that a
store held by an import cannot make Slack's 3 s pass (the command is then answered all the
same, unrecorded, and a warning logged). The reference it gives travels with the command to
whoever answers it. `Tracked` follows the answer: `sending` just before it is posted,
`answered` as soon as its response_url post (or its channel post) has been accepted. `tell`
sends a person a direct message when their command could not be answered, and records that
they were told.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import sqlite_utils
from slack_sdk import WebClient

from bot.config import Config
from bot.services import Services
from bot.slack.escape import fit
from bot.slack.send import direct_channel
from data.commands import mark, record
from data.db import open_db

log = logging.getLogger("cspbot.slack")
COMMAND = "csp_command"  # the key of the journal's reference in a command's body
WRITE_TIMEOUT_MS = 1000  # at most this long waiting for the store before the ack
RESTARTED = "CSP Bot restarted while answering {command}; please ask again."
UNCERTAIN = ("CSP Bot restarted while sending its answer to {command}: if the answer did not "
             "reach you, please ask again.")
NOT_SENT = "CSP Bot could not send its answer to {command}; please ask again."


class CommandJournal:
    """Records the commands this bot (its life `owner`, bot/lives.py) acknowledges."""

    def __init__(self, config: Config, owner: str) -> None:
        self.config, self.owner = config, owner
        self._local = threading.local()  # a connection per acknowledging thread

    def record(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """Write the command of `body`; its reference for the answer ({"id", "resumed"}), or
        None when the store could not take it in time (logged)."""
        try:
            command = self._insert(body)
        except sqlite3.Error as exc:
            log.warning("could not record a /csp command before acknowledging it (%s): it is "
                        "answered, but would be lost if the bot stopped first", exc)
            return None
        return {"id": command, "resumed": False}

    def _insert(self, body: dict[str, Any]) -> int:
        """The INSERT, tried again every half millisecond while another writer holds the
        store (SQLite's own wait sleeps 1, 2, 5, then 10 ms and more between tries: longer than
        the few hundred microseconds an answer's marks hold it), for WRITE_TIMEOUT_MS."""
        db = self._connection()
        deadline = time.monotonic() + WRITE_TIMEOUT_MS / 1000
        while True:
            try:
                return record(
                    db, platform="slack", user_id=str(body.get("user_id", "")),
                    channel_id=body.get("channel_id"), text=str(body.get("text", "")),
                    response_url=str(body.get("response_url", "")), owner=self.owner)
            except sqlite3.OperationalError as exc:
                busy = exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() > deadline:
                    raise
            time.sleep(0.0005)

    def _connection(self) -> sqlite_utils.Database:
        """This thread's connection: no lock shared between the acknowledging threads (one
        would queue them all behind a thread waiting for the interpreter lock), and each INSERT
        its own transaction, one call into SQLite."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = open_db(self.config.db_path, WRITE_TIMEOUT_MS, migrate=False)
            db.execute("PRAGMA busy_timeout = 0")  # (tried again by _insert instead)
            # Never copy the log into the store here (the other connections do): a checkpoint
            # writes and syncs hundreds of pages, not for an ack to wait on.
            db.execute("PRAGMA wal_autocheckpoint = 0")
            db.conn.isolation_level = None
            self._local.db = db
        return db


class ResponseRefused(Exception):
    """Slack refused a post to a command's response_url."""


class Tracked:
    """The answer to a recorded command, as it goes (bot/slack/answering.py's Delivery)."""

    def __init__(self, db: sqlite_utils.Database, command: int) -> None:
        self.db, self.command, self.answered = db, command, False

    def sending(self) -> None:
        mark(self.db, self.command, "sending")

    def sent(self) -> None:
        if not self.answered:
            mark(self.db, self.command, "answered")
            self.answered = True

    def checked(self, respond: Callable[..., Any]) -> Callable[..., Any]:
        """`respond`, raising when Slack refuses the post, and marking the command answered
        as soon as it accepts it (the chart is uploaded afterwards)."""
        def post(*args: Any, **kwargs: Any) -> Any:
            response = respond(*args, **kwargs)
            status = getattr(response, "status_code", 200)
            if status != 200:
                raise ResponseRefused(f"the response_url answered HTTP {status}: "
                                      f"{str(getattr(response, 'body', ''))[:100]}")
            self.sent()
            return response

        return post


def quoted(text: str) -> str:
    """`/csp TEXT` as code in a message: escaped, cut to 200 characters, no backticks."""
    return "`/csp " + fit(" ".join(text.replace("`", "'").split()), 200) + "`"


def tell(services: Services, client: WebClient, command: int, user: str, text: str,
         why: str) -> bool:
    """Tell `user` by direct message that `/csp text` could not be answered (`why`, with
    {command}); record them told (or the command failed, if even this could not be sent)."""
    try:
        client.chat_postMessage(channel=direct_channel(client, user),
                                text=why.format(command=quoted(text)))
    except Exception:  # noqa: BLE001 (nothing more can be done: logged, recorded failed)
        log.exception("could not tell %s that their command %d was not answered", user,
                      command)
        mark(services.db(), command, "failed")
        return False
    mark(services.db(), command, "told")
    return True
