"""Answers to `/csp <indicator> [area] [month]`: worked out once per version, then served at once.

An answer (sentence, facts, chart) depends only on the store's data, the method settings and
this code. `indicator_answer` keeps each one under a version made of those three, in memory and
in the store (data/answers.py), where every process on the store finds it, across restarts.
`prepare_answers` works out every latest-month answer a partnership can be asked for; the
running bot does so after each import (bot/answers/preparer.py), so that people asking in chat do
not wait for a chart to be drawn. A question asked by several people at once is worked out once.

This module stays light: the statistics and plotting libraries load only where an answer is
worked out (briefings/indicator.py), in this process or in the bot's worker processes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from briefings.method import MethodSettings
from briefings.model import Chart, Fact, Section
from data import answers as kept
from data.briefing_data import data_version
from data.errors import DataError

log = logging.getLogger("cspbot.answers")
Answer = tuple[Section, str]  # the section, and the month it is as of
Submit = Callable[[str, str, str, "str | None", "MethodSettings | None", int], "Future[Answer]"]

_MEMORY: OrderedDict[tuple[str, ...], Answer] = OrderedDict()
_MEMORY_SIZE = 256
_WORKING: dict[tuple[str, ...], Future[Answer]] = {}
_LOCK = threading.Lock()
_submit: Submit | None = None
_code: str | None = None


def use_workers(submit: Submit | None) -> None:
    """Work answers out through `submit` (the bot's worker processes), or in this process."""
    global _submit
    _submit = submit


def indicator_answer(db: sqlite_utils.Database, pid: str, indicator: str, area: str,
                     month: str | None = None, settings: MethodSettings | None = None,
                     suppress_below: int = 5) -> Answer:
    """(the section, the month it is as of) for `indicator` in `area` of partnership `pid`:
    from memory, else from the store, else worked out (once, however many ask) and kept."""
    version = answer_version(db, pid, settings, suppress_below)
    question = f"{indicator}@{area}@{month or 'latest'}"
    key = (str(db.conn.execute("PRAGMA database_list").fetchone()[2]), pid, question, version)
    with _LOCK:
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            return _MEMORY[key]
        working = _WORKING.get(key)
        if working is None:
            _WORKING[key] = mine = Future[Answer]()
    if working is not None:
        return working.result()
    try:
        answer = find(db, pid, question, version)
        if answer is None:
            answer = _work_out(pid, indicator, area, month, settings, suppress_below, db)
            _keep(db, pid, question, version, answer)
    except BaseException as exc:
        with _LOCK:
            del _WORKING[key]
        mine.set_exception(exc)
        raise
    with _LOCK:
        _MEMORY[key] = answer
        while len(_MEMORY) > _MEMORY_SIZE:
            _MEMORY.popitem(last=False)
        del _WORKING[key]
    mine.set_result(answer)
    return answer


@dataclass
class Prepared:
    made: int  # answers worked out now
    already: int  # answers of this version that were kept already
    without: list[str]  # questions without an answer (no figures to judge), as "indicator@area"
    version: str
    failed: list[str] = field(default_factory=list)  # unexpected errors (logged)


def prepare_answers(db: sqlite_utils.Database, pid: str, settings: MethodSettings | None = None,
                    suppress_below: int = 5, *, parallel: int = 1,
                    progress: Callable[[int, int], None] | None = None) -> Prepared:
    """Work out and keep the latest-month answer of every indicator and area `pid` holds
    figures for, `parallel` at a time in the workers (one at a time without them), so that
    one worker stays free for people asking meanwhile. `progress(done, total)` after each."""
    version = answer_version(db, pid, settings, suppress_below)
    done = kept.kept_questions(db, pid, version)
    pairs = kept.answerable(db, pid)
    todo = [(i, a) for i, a in pairs if f"{i}@{a}@latest" not in done]
    result = Prepared(0, len(pairs) - len(todo), [], version)
    waiting: dict[Future[Answer], str] = {}
    for count, (indicator, area) in enumerate(todo, 1):
        question = f"{indicator}@{area}@latest"
        if _submit is None:
            waiting[_run_here(pid, indicator, area, settings, suppress_below, db)] = question
        else:
            waiting[_submit(pid, indicator, area, None, settings, suppress_below)] = question
        while waiting and (len(waiting) >= max(1, parallel) or count == len(todo)):
            finished, _ = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                question = waiting.pop(future)
                try:
                    _keep(db, pid, question, version, future.result())
                    result.made += 1
                except DataError:
                    result.without.append(question.rsplit("@", 1)[0])
                except BrokenExecutor:  # the workers have gone (the bot is stopping): stop too
                    raise
                except Exception:  # noqa: BLE001 (one bad series must not stop the rest)
                    log.exception("could not work out the answer to %s", question)
                    result.failed.append(question.rsplit("@", 1)[0])
                if progress:
                    progress(result.made + len(result.without) + len(result.failed), len(todo))
    return result


def answer_version(db: sqlite_utils.Database, pid: str, settings: MethodSettings | None,
                   suppress_below: int) -> str:
    """A digest of all an answer depends on: the data, the settings and the code."""
    digest = hashlib.sha256()
    for part in (code_digest(), repr(data_version(db, pid)), repr(settings or MethodSettings()),
                 str(suppress_below)):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:24]


def find(db: sqlite_utils.Database, pid: str, question: str, version: str) -> Answer | None:
    """The kept answer, if there is one of `version` and it reads back whole (one that does
    not, e.g. kept by a version whose sections had other fields, is worked out again)."""
    found = kept.find_answer(db, pid, question, version)
    if found is None:
        return None
    as_of, body, png = found
    try:
        data = json.loads(body)
        chart = data.pop("chart")
        data["facts"] = [Fact(**f) for f in data["facts"]]
        section = Section(**data, chart=None if chart is None else Chart(png=png or b"",
                                                                         **chart))
    except (ValueError, TypeError, KeyError, AttributeError):
        log.warning("the kept answer to %s does not read back: working it out again", question,
                    exc_info=True)
        return None
    return section, as_of


def _keep(db: sqlite_utils.Database, pid: str, question: str, version: str,
          answer: Answer) -> None:
    section, as_of = answer
    data = asdict(section)
    png = data["chart"].pop("png") if data["chart"] is not None else None
    try:
        kept.keep_answer(db, pid, question, version, as_of, json.dumps(data, default=_plain), png)
    except Exception:  # noqa: BLE001 (an answer not kept is worked out again next time)
        log.warning("could not keep the answer to %s", question, exc_info=True)


def _plain(value: Any) -> Any:
    """numpy numbers and arrays (in the statistics' output) as plain JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _work_out(pid: str, indicator: str, area: str, month: str | None,
              settings: MethodSettings | None, suppress_below: int,
              db: sqlite_utils.Database) -> Answer:
    if _submit is not None:
        return _submit(pid, indicator, area, month, settings, suppress_below).result()
    # Deferred for start-up time: the statistics and plotting libraries load here, once.
    from briefings.indicator import judge

    return judge(db, pid, indicator, area, month, settings, suppress_below)


def _run_here(pid: str, indicator: str, area: str, settings: MethodSettings | None,
              suppress_below: int, db: sqlite_utils.Database) -> Future[Answer]:
    future = Future[Answer]()
    try:
        future.set_result(_work_out(pid, indicator, area, None, settings, suppress_below, db))
    except Exception as exc:  # noqa: BLE001 (reported by whoever reads the future)
        future.set_exception(exc)
    return future


def code_digest() -> str:
    """Of the code that words and draws answers (briefings/ and data/): an upgrade that
    changes a sentence or a chart makes every kept answer stale."""
    global _code
    if _code is None:
        digest = hashlib.sha256()
        root = Path(__file__).resolve().parents[1]
        for path in sorted([*root.glob("briefings/*.py"), *root.glob("data/*.py")]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _code = digest.hexdigest()
    return _code
