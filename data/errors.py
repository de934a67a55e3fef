"""User-facing errors raised by the data layer.

A `DataError` is a mistake in what the user gave us (a bad file, an unknown name); its message is
written for the user and says what to do. Front ends show it as it is, without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class DataError(Exception):
    """A problem with the user's input, explained for the user."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class IngestError(DataError):
    """A file that cannot be imported. Nothing of the run was written."""

    def __init__(self, source: str, problem: str, line: int | None = None,
                 hint: str | None = None) -> None:
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}", hint)
        self.source = source
        self.line = line
        self.problem = problem


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean X?' for the closest choices, or '' when nothing is close."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.6)
    if not close:
        return ""
    names = " or ".join(f"'{lowered[c]}'" for c in close)
    return f" Did you mean {names}?"
