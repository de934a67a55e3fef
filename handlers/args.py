"""Reading the words after `/csp`: indicators (with their aliases), areas, months, and two
periods ("2022-10 vs 2021-10", "last month", "this year so far", "2024/25 vs 2023/24")."""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

from briefings.two_periods import LAST_MONTH, YEAR_SO_FAR, Asked
from data.catalogue import normalise
from data.errors import did_you_mean
from data.partnerships import area_names, indicator_words, list_partnerships, own_indicators
from handlers.registry import REGISTRY
from handlers.reply import CspError

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FY = re.compile(r"^(\d{4})[/-](\d{2}|\d{4})$")  # 2024/25, 2024-25, 2024/2025
RELATIVE = {("last", "month"): LAST_MONTH, ("latest", "month"): LAST_MONTH,
            ("this", "year", "so", "far"): YEAR_SO_FAR, ("so", "far", "this", "year"): YEAR_SO_FAR,
            ("this", "financial", "year", "so", "far"): YEAR_SO_FAR,
            ("this", "financial", "year"): YEAR_SO_FAR, ("financial", "year", "to", "date"):
            YEAR_SO_FAR, ("year", "to", "date"): YEAR_SO_FAR, ("year", "so", "far"): YEAR_SO_FAR,
            ("ytd",): YEAR_SO_FAR, ("fytd",): YEAR_SO_FAR}
BETWEEN = {"vs", "v", "versus", "against", "compared", "with", "to", "and"}
AGAINST = {"vs", "v", "versus", "against", "compared"}  # a period must follow
FILLER = {"in", "for", "at", "the", "how", "is", "are", "was", "doing", "what", "whats",
          "what's", "about", "show", "me", "please", "tell"}


def take_month(words: list[str]) -> tuple[str | None, list[str]]:
    """The YYYY-MM among the words, if any, and the other words."""
    months = [w for w in words if MONTH.match(w)]
    refuse_bad_months(words)
    if len(months) > 1:
        raise CspError("Give one month at most.", "/csp burglary 2010-03")
    return (months[0] if months else None), [w for w in words if w not in months]


def refuse_bad_months(words: list[str], fy: bool = False) -> None:
    """A word such as 2010-13 is refused as a month, not read as an area (with `fy`, a
    financial year written 2024-25 is no such word)."""
    bad = [w for w in words if re.match(r"^\d{4}-\d{1,2}$", w) and not MONTH.match(w)
           and not (fy and _period_at([w], 0))]
    if bad:
        raise CspError(f"'{bad[0]}' is not a month.", "write months as YYYY-MM, e.g. 2010-03")


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
    other = _other_partnership(db, pid, phrase)
    if other is not None:  # "burglary leicester" asked of Charnwood's bot
        raise CspError(f"{other} is another partnership in this store; here the answers are "
                       f"{areas[pid]}'s.", "/csp compare burglary (every partnership held, ranked; "
                       "any indicator)")
    names = {normalise(n): n for n in areas.values()}
    raise CspError(f"No area called '{' '.join(words)}'.{did_you_mean(phrase, names)}",
                   "areas: " + ", ".join(sorted(areas.values())))


def _other_partnership(db: sqlite_utils.Database, pid: str, phrase: str) -> str | None:
    """The name of another partnership of the store the phrase names (its id, its name, or
    a unique part of its name)."""
    others = {str(p["id"]): str(p["name"]) for p in list_partnerships(db) if p["id"] != pid}
    named = [aid for aid, name in others.items() if phrase in (normalise(aid), normalise(name))]
    named = named or [aid for aid, name in others.items() if phrase in normalise(name)]
    return others[named[0]] if len(named) == 1 else None


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


def take_periods(words: list[str]) -> tuple[list[Asked], list[str]]:
    """The periods among the words (none, when they name one month at most: the indicator's
    own answer), and the other words. "2022-10 vs 2021-10" gives two; "last month" one, to be
    set against the same months a year earlier."""
    low = [w.lower().rstrip("?,.!") for w in words]
    refuse_bad_months(low, fy=True)
    spans: list[tuple[int, int, Asked]] = []
    i = 0
    while i < len(low):
        found = _period_at(low, i)
        if found:
            spans.append((i, i + found[0], found[1]))
        i += found[0] if found else 1
    used = {j for s, e, _ in spans for j in range(s, e)}
    for (_, end, _), (start, _, _) in zip(spans, spans[1:], strict=False):
        if all(low[j] in BETWEEN for j in range(end, start)):
            used |= set(range(end, start))
    dangling = bool(spans) and any(
        0 <= j < len(low) and j not in used and low[j] in AGAINST
        for j in (spans[0][0] - 1, spans[-1][1]))
    if len(spans) > 2:
        raise CspError("Give two periods at most.", "/csp burglary 2024/25 vs 2023/24")
    if dangling and len(spans) == 1:
        raise CspError(f"{' '.join(words[spans[0][0]:spans[0][1]])} against which period?",
                       "/csp burglary 2022-10 vs 2021-10")
    if not spans or (len(spans) == 1 and spans[0][2].kind == "months"
                     and spans[0][2].first == spans[0][2].last):
        return [], words
    return [a for _, _, a in spans], [w for j, w in enumerate(words) if j not in used]


def _period_at(low: list[str], i: int) -> tuple[int, Asked] | None:
    """(how many words, the period) of a period starting at word i, if one does."""
    for phrase, kind in RELATIVE.items():
        if tuple(low[i:i + len(phrase)]) == phrase:
            return len(phrase), Asked(kind)
    word = low[i]
    if ".." in word:
        first, _, last = word.partition("..")
        return (1, _months(first, last)) if MONTH.match(first) and MONTH.match(last) else None
    if MONTH.match(word):
        if i + 2 < len(low) and low[i + 1] == "to" and MONTH.match(low[i + 2]):
            return 3, _months(word, low[i + 2])
        return 1, Asked("months", word, word)
    fy = FY.match(word)
    if fy and int(fy.group(2)) in ((int(fy.group(1)) + 1) % 100, int(fy.group(1)) + 1):
        return 1, Asked("fy", f"{fy.group(1)}-04")
    return None


def _months(first: str, last: str) -> Asked:
    if last < first:
        raise CspError(f"{first} to {last} runs backwards.", "/csp burglary 2025-01..2025-06 vs "
                       "2024-01..2024-06")
    return Asked("months", first, last)


def read_subject(db: sqlite_utils.Database, pid: str, words: list[str]
                 ) -> tuple[str, str, list[str], bool]:
    """(indicator, area, the words naming the indicator, guessed): the indicator and area the
    words name; when they name none, the same without filler words ("burglary in charnwood"),
    and then `guessed` is True."""
    try:
        indicator, rest = take_indicator(db, pid, words)
        return indicator, match_area(db, pid, rest), words[:len(words) - len(rest)], False
    except CspError as exc:
        refusal = exc
    kept = [w for w in words if w.lower().rstrip("?,.!") not in FILLER]
    if not kept or kept == words:
        raise refusal
    try:
        indicator, rest = take_indicator(db, pid, kept)
        return indicator, match_area(db, pid, rest), kept[:len(kept) - len(rest)], True
    except CspError:
        raise refusal from None
