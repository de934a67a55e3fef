"""User-facing errors raised by the data layer.

A `DataError` is a mistake in what the user gave us (a bad file, an unknown name); its message is
written for the user and says what to do. Front ends show it as it is, without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping


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
