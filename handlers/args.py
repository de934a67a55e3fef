"""Reading the words after `/csp`: indicators (with their aliases), areas and months."""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

from data.catalogue import normalise
from data.errors import did_you_mean
from data.partnerships import area_names, indicator_words, own_indicators
from handlers.registry import REGISTRY
from handlers.reply import CspError

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def take_month(words: list[str]) -> tuple[str | None, list[str]]:
    """The YYYY-MM among the words, if any, and the other words."""
    months = [w for w in words if MONTH.match(w)]
    bad = [w for w in words if re.match(r"^\d{4}-\d{1,2}$", w) and not MONTH.match(w)]
    if bad:
        raise CspError(f"'{bad[0]}' is not a month.", "write months as YYYY-MM, e.g. 2010-03")
    if len(months) > 1:
        raise CspError("Give one month at most.", "/csp burglary 2010-03")
    return (months[0] if months else None), [w for w in words if w not in months]


def take_indicator(db: sqlite_utils.Database, pid: str, words: list[str]
                   ) -> tuple[str, list[str]]:
    """The indicator named by the longest run of leading words, and the words after it."""
    known = indicator_words(db, pid)
    for n in range(len(words), 0, -1):
        found = known.get(normalise(" ".join(words[:n])))
        if found:
            return found[0], words[n:]
    typed = " ".join(words)
    choices = {w: slug for w, (slug, _) in known.items()} | {name: name for name in REGISTRY}
    raise CspError(f"I don't know '{typed}'.{did_you_mean(normalise(typed), choices)}",
                   "/csp help lists the commands; /csp help indicators lists what you can ask "
                   "about")


def match_area(db: sqlite_utils.Database, pid: str, words: list[str]) -> str:
    """The area the words name (its id, its name, or a unique part of its name)."""
    if not words:
        return pid
    phrase = normalise(" ".join(words))
    areas = area_names(db, pid)
    for aid, name in areas.items():
        if phrase in (normalise(aid), normalise(name)):
            return aid
    partial = [aid for aid, name in areas.items() if phrase in normalise(name)
               or phrase in normalise(aid)]
    if len(partial) == 1:
        return partial[0]
    names = {normalise(n): n for n in areas.values()}
    raise CspError(f"No area called '{' '.join(words)}'.{did_you_mean(phrase, names)}",
                   "areas: " + ", ".join(sorted(areas.values())))


def related_indicators(db: sqlite_utils.Database, pid: str, typed: list[str]) -> list[str]:
    """The partnership's own indicators whose names or aliases contain the typed words: what a
    user probably means by "violence" when the partnership keeps "violence with injury"."""
    phrase = normalise(" ".join(typed))
    own = own_indicators(db, pid)
    found: list[str] = []
    for word, (slug, _) in indicator_words(db, pid).items():
        if slug in own and phrase in word and slug not in found:
            found.append(slug)
    return found


def match_named(items: list[dict[str, Any]], words: list[str], what: str,
                usage: str) -> dict[str, Any] | None:
    """The item (with "id" and "name") the words name: its id or name, or words found in one
    item's id and name only. None when nothing matches; CspError when several do."""
    phrase = normalise(" ".join(words))
    for item in items:
        if phrase in (normalise(item["id"]), normalise(item["name"])):
            return item
    found = [i for i in items
             if all(w in normalise(f"{i['id']} {i['name']}") for w in phrase.split())]
    if len(found) > 1:
        raise CspError(f"'{' '.join(words)}' matches several {what}: "
                       + "; ".join(i["name"] for i in found) + ".", f"{usage} {found[0]['id']}")
    return found[0] if found else None
