"""Prepared chat answers: what `/csp <indicator> [area] [month]` said, kept until it changes.

An answer is stored as its text parts (JSON) and its chart (PNG), under a `version` string that
its maker derives from everything the answer depends on (the store's data, the settings, the
code). Rows of any other version are stale: they are never served, and are dropped whenever a
partnership's answers of a new version are kept. Migration 0007 (data/migrations/m0007_answers.py)
creates the table.

Other kinds of answer share the table under a question of their own prefix (`KINDS`: "where:"
for `/csp where`, handlers/where_store.py), each kind with its own version: keeping an answer
drops only the stale answers of its own kind.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from data.db import write_transaction
from data.values import partnership_values

TABLE = "answers"
KINDS = ("where:",)  # prefixes of questions kept under versions of their own


def find_answer(db: sqlite_utils.Database, pid: str, question: str,
                version: str) -> tuple[str, str, bytes | None] | None:
    """(as_of, body, chart) of the kept answer to `question`, if it is of `version`."""
    row = db.execute(f"SELECT as_of, body, chart FROM {TABLE} WHERE partnership = ? AND "
                     "question = ? AND version = ?", (pid, question, version)).fetchone()
    return (row[0], row[1], row[2]) if row else None


def keep_answer(db: sqlite_utils.Database, pid: str, question: str, version: str, as_of: str,
                body: str, chart: bytes | None) -> None:
    """Keep (or replace) one answer; the partnership's answers of its kind and other versions
    go."""
    made = datetime.now(UTC).isoformat(timespec="seconds")
    kind = next((k for k in KINDS if question.startswith(k)), None)
    same_kind, params = (("question GLOB ?", [f"{kind}*"]) if kind else
                         (" AND ".join(["NOT question GLOB ?"] * len(KINDS)),
                          [f"{k}*" for k in KINDS]))
    with write_transaction(db):
        db.execute(f"DELETE FROM {TABLE} WHERE partnership = ? AND version != ? AND {same_kind}",
                   (pid, version, *params))
        db.execute(f"INSERT OR REPLACE INTO {TABLE} (partnership, question, version, as_of, "
                   "body, chart, made_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (pid, question, version, as_of, body, chart, made))


def kept_questions(db: sqlite_utils.Database, pid: str, version: str) -> set[str]:
    """The questions of `pid` whose answers of `version` are kept."""
    return {r[0] for r in db.execute(f"SELECT question FROM {TABLE} WHERE partnership = ? AND "
                                     "version = ?", (pid, version))}


def answerable(db: sqlite_utils.Database, pid: str) -> list[tuple[str, str]]:
    """(indicator, area) of every series the partnership holds figures or survey waves for,
    in the order the partnership lists its areas and indicators."""
    pairs = dict.fromkeys((r.indicator, r.area) for r in partnership_values(db, pid))
    pairs.update(dict.fromkeys(
        (r[0], r[1]) for r in db.execute("SELECT DISTINCT indicator, area FROM survey_results "
                                         "WHERE partnership = ? ORDER BY area, indicator",
                                         (pid,))))
    return list(pairs)
