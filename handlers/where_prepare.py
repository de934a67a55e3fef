"""`/csp where` answers worked out ahead: after a partnership's indicator answers, the preparer
(bot/answers/preparer.py) and `cspbot prepare` work out the where answer of each police.uk
indicator the partnership holds, for its latest month: for the whole partnership (what
`/csp where <indicator>` and the Where? button ask), then for each of its areas (`/csp where
<indicator> <area>`); and keep them in the store
(handlers/where_store.py). In the bot they are worked out in the answer workers
(`prepare_where` is what a worker runs), never in the bot's own process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass, field

import sqlite_utils

from briefings.method import MethodSettings
from data.catalogue import BY_SLUG
from data.partnerships import area_condition, area_ids, partnership_indicators
from handlers.reply import Context, CspError
from handlers.request import Request, Settings
from handlers.where import where_parts, where_reply
from handlers.where_store import find_where, keep_where, where_answer_version, where_question

log = logging.getLogger("cspbot.answers")
MADE, ALREADY, SKIPPED = "made", "already", "skipped"  # what prepare_where did
SubmitWhere = Callable[[str, str, MethodSettings, int, str], "Future[str]"]


@dataclass
class WherePrepared:
    made: int = 0  # where answers worked out now
    already: int = 0  # kept already for the current version
    skipped: list[str] = field(default_factory=list)  # no police.uk data, or refused
    failed: list[str] = field(default_factory=list)  # unexpected errors (logged)


def where_indicators(db: sqlite_utils.Database, pid: str, area: str | None = None) -> list[str]:
    """The police.uk indicators of the partnership, if any police.uk row is held for it (or
    for its `area`)."""
    condition, params = area_condition(db, pid, area or pid)
    if not db.execute(f"SELECT 1 FROM police_counts WHERE {condition} LIMIT 1",
                      params).fetchone():
        return []
    return list(dict.fromkeys(str(i["slug"]) for i in partnership_indicators(db, pid)
                              if str(i["slug"]) in BY_SLUG))


def prepare_where(db: sqlite_utils.Database, pid: str, indicator: str,
                  method: MethodSettings, suppress_below: int, area: str | None = None) -> str:
    """Work out and keep the latest where answer of `indicator` for the whole partnership (or
    its `area`), and, when the latest month cannot be compared (a gap in the files), the
    refusal and the answer for the latest month that can, which the refusal points to: MADE,
    ALREADY (kept for this version) or SKIPPED (no answer to keep)."""
    area = area or pid
    settings = Settings(method=method, suppress_below=suppress_below, partnership=pid)
    version = where_answer_version(db, settings)
    question = where_question(pid, indicator, area, None)
    if version is None:
        return SKIPPED
    if find_where(db, pid, question, version) is not None:
        return ALREADY
    req = Request(db, Context("preparer", "console"), pid, None, [], "", False, settings)
    try:
        found, areas = where_parts(req, indicator, area, None)
    except CspError:
        return SKIPPED
    keep_where(db, pid, question, version, where_reply(req, found, areas), found.window.month)
    if found.window.problem and found.comparable:  # refused: the month the refusal points to
        try:
            then, then_areas = where_parts(req, indicator, area, found.comparable)
        except CspError:
            return MADE
        keep_where(db, pid, where_question(pid, indicator, area, found.comparable), version,
                   where_reply(req, then, then_areas), then.window.month)
    return MADE


def prepare_where_answers(db: sqlite_utils.Database, pid: str, method: MethodSettings,
                          suppress_below: int, submit: SubmitWhere | None = None,
                          parallel: int = 1) -> WherePrepared:
    """`prepare_where` for each of `where_indicators`, the whole partnership's first, then each
    area's, `parallel` at a time through `submit` (the answer workers), or one at a time here
    without it."""
    result = WherePrepared()
    waiting: dict[Future[str], str] = {}
    todo = [(indicator, area) for area in [pid, *sorted(area_ids(db, pid) - {pid})]
            for indicator in where_indicators(db, pid, area)]
    for count, (indicator, area) in enumerate(todo, 1):
        waiting[_start(db, pid, indicator, method, suppress_below, submit, area)] = (
            indicator if area == pid else f"{indicator} {area}")
        while waiting and (len(waiting) >= max(1, parallel) or count == len(todo)):
            finished, _ = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                indicator = waiting.pop(future)
                try:
                    done = future.result()
                except BrokenExecutor:  # the workers have gone (the bot is stopping): stop too
                    raise
                except Exception:  # noqa: BLE001 (one bad indicator must not stop the rest)
                    log.exception("could not prepare the where answer of %s", indicator)
                    result.failed.append(indicator)
                    continue
                if done == MADE:
                    result.made += 1
                elif done == ALREADY:
                    result.already += 1
                else:
                    result.skipped.append(indicator)
    return result


def _start(db: sqlite_utils.Database, pid: str, indicator: str, method: MethodSettings,
           suppress_below: int, submit: SubmitWhere | None, area: str) -> Future[str]:
    if submit is not None:
        return submit(pid, indicator, method, suppress_below, area)
    future = Future[str]()
    try:
        future.set_result(prepare_where(db, pid, indicator, method, suppress_below, area))
    except Exception as exc:  # noqa: BLE001 (reported by whoever reads the future)
        future.set_exception(exc)
    return future
