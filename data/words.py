"""Counting words that agree with their number: '1 month', '2 months', '1 series', and whether
an indicator's name is plural ('Violence and sexual offences are up', 'Burglary is up')."""

from __future__ import annotations

import re

IRREGULAR = {"person": "people", "series": "series", "priority": "priorities",
             "agency": "agencies", "delivery": "deliveries", "is": "are", "has": "have"}
_HEAD_CUT = re.compile(r" (?:in|of|from|with|on|at|by|for|involving)\b|[,(]")


def plural_of(word: str) -> str:
    """'month' -> 'months', 'priority' -> 'priorities', 'person' -> 'people'."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def counted(n: int | float | str, word: str, many: str | None = None) -> str:
    """'1 month', '3 months', '1,204 rows' (`many` when the plural is not regular)."""
    shown = f"{n:,}" if isinstance(n, int | float) else str(n)
    return f"{shown} {word if shown == '1' else (many or plural_of(word))}"


def is_plural_name(name: str) -> bool:
    """True when a name's head noun is plural: 'Violence and sexual offences', 'Drugs',
    'Repeat burglaries' (not 'Possession of weapons', 'Criminal damage and arson',
    'Theft from the person')."""
    head = _HEAD_CUT.split(name, maxsplit=1)[0].strip()
    last = head.split()[-1].lower() if head.split() else ""
    return last.endswith("s") and not last.endswith(("ss", "us", "is", "ics")) and len(last) > 3
