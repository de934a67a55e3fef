"""User-facing errors raised by the data layer, and the words for what is wrong.

A `DataError` is a mistake in what the user gave us (a bad file, an unknown name), or a condition
the user can fix (a full disk); its message is written for the user and says what to do. Front
ends show it as it is, without a traceback. `control_character` names a NUL or other invisible
character in a value, `shown` writes such a value with the character escaped, and `is_disk_full`
recognises a full disk however it was reported (SQLite or the operating system).
"""

from __future__ import annotations

import difflib
import errno
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping

SQLITE_FULL = 13
SQLITE_IOERR_SHMSIZE = 4874  # the WAL index (-shm) could not grow: "may indicate ... out of space"
# Control characters (NUL, tab, escape...), invisible formatting ones (U+200B, U+202E) and the
# Unicode line and paragraph separators: none belongs in a name, a code or a number.
INVISIBLE = {"Cc": "a control character", "Cf": "an invisible formatting character",
             "Zl": "a line separator", "Zp": "a paragraph separator"}
CONTROL_NAMES = {0: "a NUL character", 9: "a tab", 10: "a line break", 13: "a carriage return",
                 27: "an escape character", 127: "a DEL character"}
FORMULA_START = ("=", "+", "-", "@")  # what makes a spreadsheet read a cell as a formula


class DataError(Exception):
    """A problem with the user's input, explained for the user."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled whole (with its hint), e.g. when raised in one of the bot's workers."""
        return (DataError, (self.message, self.hint))


class IngestError(DataError):
    """A file that cannot be imported. Nothing of the run was written."""

    def __init__(self, source: str, problem: str, line: int | None = None,
                 hint: str | None = None) -> None:
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}", hint)
        self.source = source
        self.line = line
        self.problem = problem

    def __reduce__(self) -> tuple[object, ...]:
        return (IngestError, (self.source, self.problem, self.line, self.hint))


class DiskFull(DataError):
    """The disk that holds the store (or a file being written) is full."""

    def __init__(self, outcome: str = "nothing was written: the store is unchanged.",
                 where: str = "the store") -> None:
        super().__init__(f"The disk is full, so {outcome}",
                         f"Free some space on the disk that holds {where}, then try again.")


def is_disk_full(exc: BaseException) -> bool:
    """True for SQLite's 'database or disk is full' (SQLITE_FULL, or a WAL index that could not
    grow, as when the store is opened on a full disk) and the system's ENOSPC."""
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) in (SQLITE_FULL, SQLITE_IOERR_SHMSIZE) or (
            "database or disk is full" in str(exc))
    return isinstance(exc, OSError) and exc.errno == errno.ENOSPC


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in INVISIBLE


def _escaped(ch: str) -> str:
    """The character as Python would escape it: \\x00, \\u200b."""
    return ch.encode("unicode_escape").decode("ascii")


def control_character(value: str) -> str | None:
    """The first control or invisible formatting character in `value`, said for a person
    ("a NUL character (\\x00) at character 9"), or None when there is none."""
    if value.isprintable():  # the fast path: no Cc or Cf character in it
        return None
    for position, ch in enumerate(value, 1):
        if _invisible(ch):
            name = CONTROL_NAMES.get(ord(ch), INVISIBLE[unicodedata.category(ch)])
            return f"{name} ({_escaped(ch)}) at character {position}"
    return None


def header_problem(header: list[str]) -> str | None:
    """What is wrong with a CSV header's column names (a control character in one, one named
    twice), or None."""
    for n, column in enumerate(header, 1):
        if problem := control_character(column):
            return f"the header's column {n}, {shown(column)}, contains {problem}."
        if header.index(column) != n - 1:
            return (f"the header names the column '{column}' twice (columns "
                    f"{header.index(column) + 1} and {n}).")
    return None


def shown(value: str) -> str:
    """`value` quoted for a message, with every control or invisible character escaped."""
    if value.isprintable():
        return f"'{value}'"
    return "'" + "".join(_escaped(ch) if _invisible(ch) else ch for ch in value) + "'"


def did_you_mean(word: str, choices: Iterable[str] | Mapping[str, str]) -> str:
    """' Did you mean X?' for the closest choices, or '' when nothing is close.

    `choices` may map each word that can be typed to the name to suggest (e.g. an alias to its
    indicator's slug): several close aliases of one indicator make one suggestion.
    """
    names = dict(choices) if isinstance(choices, Mapping) else {c: c for c in choices}
    lowered = {c.lower(): names[c] for c in names}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(lowered[c] for c in close))[:3]
    if not suggestions:
        return ""
    return " Did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?"
