"""`/csp where` answers kept in this process while the store does not change (issue 14).

A where answer reads a force's worth of rows and draws a map (about a second for a force of
1,000 neighbourhoods); asked again on an unchanged store it is served from memory. It is kept
under the store's version (data/kept.py: the store's file, its imports and the force-months they
hold, every partnership file loaded) and the map points' (the last map point held, and the
months of place counts held: an unchanged file imported again into a store made before they
were kept adds them without an import; the points that the boundary matching derives from the
place counts, data/points.py, change no where answer), with the question (partnership,
indicator, area, month) and the settings it was answered with. Any import or any partnership
(re)load makes every kept answer stale. A store in memory is never kept. At most LIMIT answers
are kept (a map is about 100 kB), the least recently asked going first.

Kept answers live in the process that asked for them: each of the bot's answer workers keeps
its own. Behind them is the store (handlers/where_store.py), which every process shares and a
restart keeps, and where the preparer puts the answers it works out ahead.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from copy import deepcopy

import sqlite_utils

from data.place_arrays import places_version
from handlers.reply import Reply

LIMIT = 32
_kept: OrderedDict[tuple[Hashable, ...], Reply] = OrderedDict()
_lock = threading.Lock()
_keeping = [True]


def keep_where_answers(on: bool) -> None:
    """Keep where answers (the default), or work each one out afresh, neither kept nor read
    from memory or the store (bench/where.py's cold figures); switching off forgets what was
    kept in memory."""
    _keeping[0] = on
    if not on:
        with _lock:
            _kept.clear()


def keeping() -> bool:
    """Whether where answers are kept (keep_where_answers)."""
    return _keeping[0]


def where_version(db: sqlite_utils.Database) -> tuple[Hashable, ...] | None:
    """What a where answer depends on in the store (its map points and their counts too);
    None for a store in memory."""
    return places_version(db)


def kept_reply(db: sqlite_utils.Database, question: tuple[Hashable, ...],
               work: Callable[[], Reply]) -> Reply:
    """`work()`, or a copy of what it gave for `question` while the store has not changed (a
    copy: the router and the front ends may change the reply they are given)."""
    version = where_version(db) if _keeping[0] else None
    if version is None:
        return work()
    key = (*version, *question)
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
    if found is None:
        found = work()
        with _lock:
            _kept[key] = found
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    return deepcopy(found)
