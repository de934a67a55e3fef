"""The bot's clock: the real time, or (tests and rehearsals) a start time set by CSP_NOW.

With `CSP_NOW` set, the clock starts at that moment when the process starts and runs on from
it at the real rate, so a test (or a bot process a test starts) sees the date it chose on any
real date. Every part of the bot that asks "what time is it?" asks `Clock.now()`; the store's
own record stamps (audit rows, ingests) keep the real time of what really happened.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@dataclass
class Clock:
    """Real time, shifted so that it read `start` when the clock was made (None: no shift)."""

    start: datetime | None = None
    _offset: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if self.start is not None:
            self._offset = self.start.timestamp() - time.time()

    def now(self) -> datetime:
        """The time now, in UTC."""
        return datetime.fromtimestamp(time.time() + self._offset, UTC)

    def today(self) -> date:
        """Today's date in Europe/London."""
        return self.now().astimezone(LONDON).date()
