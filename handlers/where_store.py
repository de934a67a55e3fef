"""`/csp where` answers kept in the store (data/answers.py's table), where every process on the
store finds them, across restarts; the preparer works them out ahead (handlers/where_prepare.py).

A where answer is kept under the question "where:<indicator>@<area, '' for the whole
partnership>@<month or 'latest'>" and a version: a digest of what it depends on in the store
(`where_version`: the store's imports, the force-months they hold, every partnership file loaded,
the map points and the months of place counts held), the settings it was answered with
(suppression, method) and the code that works it out and words it (briefings/, data/ and the
where modules of handlers/). An answer of another version is never served. The reply is kept as
JSON (handlers/reply_json.py), its map as base64 in it. A store in memory: never kept.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from briefings.answers import code_digest
from data.answers import find_answer, keep_answer
from handlers.reply import Reply
from handlers.reply_json import reply_from_json, reply_to_json
from handlers.request import Settings
from handlers.where_kept import keeping, where_version

log = logging.getLogger("cspbot.answers")
_code: list[str] = []


def where_question(pid: str, indicator: str, area: str, month: str | None) -> str:
    """The question's key in the store: `/csp where burglary` asks "where:burglary@@latest"."""
    return f"where:{indicator}@{'' if area == pid else area}@{month or 'latest'}"


def where_answer_version(db: sqlite_utils.Database, settings: Settings) -> str | None:
    """The version of every where answer on this store now, with these settings; None for a
    store in memory (never kept)."""
    version = where_version(db)
    if version is None:
        return None
    digest = hashlib.sha256()
    for part in (_where_code(), repr(version), repr(settings.method),
                 str(settings.suppress_below)):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:24]


def find_where(db: sqlite_utils.Database, pid: str, question: str, version: str,
               as_of: str | None = None) -> Reply | None:
    """The kept answer of `version` (and to the month `as_of`, when given), if there is one
    and it reads back whole."""
    found = find_answer(db, pid, question, version)
    if found is None or (as_of is not None and found[0] != as_of):
        return None
    try:
        return reply_from_json(found[1])
    except (ValueError, KeyError, TypeError):
        log.warning("the kept answer to %s does not read back: working it out again", question,
                    exc_info=True)
        return None


def keep_where(db: sqlite_utils.Database, pid: str, question: str, version: str,
               reply: Reply, as_of: str | None) -> None:
    """Keep the answer to the month `as_of` (the latest month, for a question without one; ''
    when none is held); an answer not kept is worked out again next time: never an error."""
    try:
        keep_answer(db, pid, question, version, as_of or "", reply_to_json(reply), None)
    except Exception:  # noqa: BLE001 (e.g. a read-only store)
        log.warning("could not keep the answer to %s", question, exc_info=True)


def stored_reply(db: sqlite_utils.Database, pid: str, asked: tuple[str, str, str | None],
                 settings: Settings, work: Callable[[], tuple[Reply, str | None]]) -> Reply:
    """The kept answer to `asked` (indicator, area, month or None: the latest), else the reply
    of `work()` (the reply, and the month it is to), kept. A question whose month is the
    latest is the question without it: served from its answer (prepared ones are) as it is
    kept, with no need to work out which month is the latest."""
    indicator, area, month = asked
    version = where_answer_version(db, settings) if keeping() else None
    if version is None:
        return work()[0]
    question = where_question(pid, indicator, area, month)
    found = (find_where(db, pid, where_question(pid, indicator, area, None), version, month)
             if month else None) or find_where(db, pid, question, version)
    if found is None:
        found, as_of = work()
        keep_where(db, pid, question, version, found, as_of)
    return found


def _where_code() -> str:
    """briefings/ and data/ (as indicator answers), and the where modules of handlers/."""
    if not _code:
        digest = hashlib.sha256(code_digest().encode())
        here = Path(__file__).resolve().parent
        for path in sorted([*here.glob("where*.py"), *here.glob("reply*.py")]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _code.append(digest.hexdigest())
    return _code[0]
