"""Answering the `/csp` commands that a bot acknowledged and never answered, after it died.

`CommandKeeper` is a thread of `cspbot run`. At start, then every few seconds, it looks for
commands left open (data/commands.py) by bots whose life is over (bot/lives.py: neither the bot
nor any of its workers is left) and takes them over, each row to one bot however many look at
once. Each taken is then:
  * answered like a fresh command (by the answer workers when there are some, through its
    response_url), if it was never being sent and is recent enough for its response_url
    (Slack's are valid 30 minutes; ANSWER_WITHIN leaves time to answer);
  * or its person is told by direct message: "CSP Bot restarted while answering `/csp ...`;
    please ask again" when it is too old or its answer fails, and, when the dead bot was
    already sending its answer (which may or may not have landed), to ask again if the answer
    did not reach them. So no command is answered twice.
Commands finished a day ago are deleted (their response URLs with them) once an hour.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.answers.workers import AnswerWorkers
from bot.lives import Life, ended_lives
from bot.services import Services
from bot.slack.answering import Effects
from bot.slack.commands import answer_recorded
from bot.slack.handover import hand_over
from bot.slack.journal import COMMAND, RESTARTED, UNCERTAIN, tell
from data.commands import Command, mark, now, open_owners, purge, take_over

log = logging.getLogger("cspbot.slack")
ANSWER_WITHIN = timedelta(minutes=25)  # of 30: time for the answer to be worked out and sent
KEEP_FINISHED = timedelta(days=1)
PURGE_EVERY_S = 3600.0


class CommandKeeper(threading.Thread):
    """Takes over, every `every` seconds, the commands bots that died left unanswered."""

    def __init__(self, services: Services, client: WebClient, effects: Effects,
                 workers: AnswerWorkers | None, life: Life, every: float = 5.0) -> None:
        super().__init__(name="csp-commands-kept", daemon=True)
        self.services, self.client, self.effects = services, client, effects
        self.workers, self.life, self.every = workers, life, every
        self.stopped = threading.Event()
        self._purged = -PURGE_EVERY_S

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 (tried again at the next look)
                log.exception("looking for commands left unanswered failed")
            self.stopped.wait(self.every)

    def sweep(self) -> list[Command]:
        """Take over and resume what ended lives left open; the commands taken."""
        db = self.services.db()
        if time.monotonic() - self._purged >= PURGE_EVERY_S:
            purge(db, KEEP_FINISHED)
            self._purged = time.monotonic()
        with ended_lives(self.services.config.db_path, open_owners(db),
                         self.life.id) as ended:
            taken = [command for owner in ended for command in take_over(db, owner,
                                                                          self.life.id)]
        if taken:
            log.warning("%d /csp commands were left unanswered by a bot that stopped: "
                        "answering them (or telling their people)", len(taken))
        for command in taken:
            self.resume(command)
        return taken

    def resume(self, command: Command) -> None:
        if command.platform != "slack":  # (only Slack's commands are recorded)
            log.error("command %d of %s cannot be resumed here", command.id, command.platform)
            mark(self.services.db(), command.id, "failed")
            return
        if command.state == "sending" or now() - command.received_at > ANSWER_WITHIN:
            tell(self.services, self.client, command.id, command.user_id, command.text,
                 UNCERTAIN if command.state == "sending" else RESTARTED)
            return
        body = {"user_id": command.user_id, "channel_id": command.channel_id,
                "text": command.text, "response_url": command.response_url,
                COMMAND: {"id": command.id, "resumed": True}}
        respond = Respond(response_url=command.response_url)
        if self.workers is None:
            answer_recorded(self.services, self.client, body, respond, self.effects)
        else:
            hand_over(self.workers, self.services, self.client, body, respond, self.effects,
                      answer_recorded)
