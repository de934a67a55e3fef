"""The thread of `cspbot run` that prepares chat answers at start and after each import.

It looks at the store every 30 seconds. When a partnership's data version has changed (an
import, a reloaded partnership file), it works out every latest-month answer in the answer
workers, one at a time so that workers stay free for whoever asks meanwhile; briefings/answers.py
keeps them. Then the `/csp where` answer of each of its police.uk indicators (whole partnership,
latest month: handlers/where_prepare.py), in the workers too. Of several bots on one store,
only the one that schedules the briefings runs it.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from briefings.answers import answer_version, prepare_answers
from data.partnerships import partnership_ids
from handlers.where_prepare import SubmitWhere, prepare_where_answers
from handlers.where_store import where_answer_version

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("cspbot.answers")


class AnswerPreparer(threading.Thread):
    """Prepares each served partnership's answers at start and whenever its data change."""

    def __init__(self, services: Services, parallel: int = 1, every: float = 30.0,
                 submit_where: SubmitWhere | None = None) -> None:
        super().__init__(name="csp-prepare-answers", daemon=True)
        self.services, self.parallel, self.every = services, parallel, every
        self.submit_where = submit_where  # None: where answers are worked out here (tests)
        self.stopped = threading.Event()
        # partnership -> the versions last prepared (indicator answers, where answers)
        self.prepared: dict[str, tuple[str, str | None]] = {}

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
                versions = (answer_version(db, pid, settings.method, settings.suppress_below),
                            where_answer_version(db, settings))
                if self.prepared.get(pid) == versions:
                    continue
                done = prepare_answers(db, pid, settings.method, settings.suppress_below,
                                       parallel=self.parallel)
                where = prepare_where_answers(db, pid, settings.method, settings.suppress_below,
                                              self.submit_where, self.parallel)
            except Exception:  # noqa: BLE001 (tried again at the next look)
                if self.stopped.is_set():
                    return
                log.exception("preparing the answers of %s failed", pid)
                continue
            self.prepared[pid] = versions
            if done.made or where.made:
                log.info("prepared %d answers and %d where answers for %s in %.1f s (%d and %d "
                         "kept already, %d without figures)", done.made, where.made, pid,
                         time.monotonic() - started, done.already, where.already,
                         len(done.without))
