"""Questions about partnerships in the store: which one is meant, its areas and indicators.

An area (the partnership itself, a town centre) is a set of LSOAs, given as local authority
names and/or LSOA codes; `area_condition` turns it into a WHERE clause on `police_counts` (the
codes of its ground across boundary changes, data/boundaries.py), so areas defined after an
import need no re-import.
"""

from __future__ import annotations

import sqlite_utils

from data.boundaries import area_ground
from data.catalogue import normalise
from data.errors import DataError, did_you_mean


def list_partnerships(db: sqlite_utils.Database) -> list[dict[str, object]]:
    return list(db.query("SELECT id, name, loaded_at FROM partnerships ORDER BY id"))


def partnership_ids(db: sqlite_utils.Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT id FROM partnerships ORDER BY id")]


def resolve_partnership(db: sqlite_utils.Database, pid: str | None) -> str:
    """The partnership meant: the one given, or the only one in the store."""
    known = partnership_ids(db)
    if pid is None:
        if len(known) == 1:
            return known[0]
        if not known:
            raise DataError("The store holds no partnership yet.",
                            "Load one with `cspbot partnership load FILE.toml` (or try "
                            "`cspbot demo`).")
        raise DataError("Several partnerships are in the store: say which with --partnership.",
                        f"Partnerships: {', '.join(known)}.")
    if pid not in known:
        raise DataError(f"No partnership '{pid}' in the store.{did_you_mean(pid, known)}",
                        f"Partnerships: {', '.join(known) or 'none yet'}.")
    return pid


def area_ids(db: sqlite_utils.Database, pid: str) -> set[str]:
    return {r[0] for r in db.execute("SELECT id FROM areas WHERE partnership = ?", (pid,))}


def resolve_area(db: sqlite_utils.Database, pid: str, area: str | None) -> str:
    if area is None:
        return pid
    names = {r[0]: r[1] for r in db.execute("SELECT id, name FROM areas WHERE partnership = ?",
                                            (pid,))}
    for aid, name in names.items():
        if normalise(area) in (normalise(aid), normalise(name)):
            return aid
    raise DataError(f"Partnership '{pid}' has no area '{area}'.{did_you_mean(area, names)}",
                    f"Areas: {', '.join(sorted(names))}.")


def area_condition(db: sqlite_utils.Database, pid: str, area: str) -> tuple[str, list[str]]:
    """SQL condition on police_counts selecting the area's LSOAs, and its parameters: every
    code of its ground (data/boundaries.py: its districts' codes over all time, its own codes,
    and the successors of those that ceased)."""
    codes = list(area_ground(db, pid, area).codes)
    if not codes:
        return "(0)", []
    return f"(lsoa IN ({','.join('?' * len(codes))}))", codes


def indicator_words(db: sqlite_utils.Database, pid: str) -> dict[str, tuple[str, str]]:
    """Every word naming an indicator this partnership may use -> (slug, kind)."""
    words = {}
    for alias, slug, kind in db.execute(
            "SELECT a.alias, a.slug, i.kind FROM indicator_aliases a JOIN indicators i "
            "ON i.slug = a.slug WHERE i.partnership IS NULL OR i.partnership = ?", (pid,)):
        words[normalise(alias)] = (slug, kind)
        words[alias.lower()] = (slug, kind)
    return words


def partnership_indicators(db: sqlite_utils.Database, pid: str) -> list[dict[str, object]]:
    """Built-in indicators and the partnership's own, in catalogue order then by name."""
    return list(db.query(
        "SELECT slug, name, kind, unit, polarity, sensitive FROM indicators "
        "WHERE partnership IS NULL OR partnership = ? "
        "ORDER BY partnership IS NOT NULL, rowid", [pid]))


def resolve_partnership_indicator(db: sqlite_utils.Database, pid: str, word: str) -> str:
    """The slug of the indicator `word` names for this partnership, or a DataError."""
    words = indicator_words(db, pid)
    found = words.get(word.strip().lower()) or words.get(normalise(word))
    if found is None:
        raise DataError(f"There is no indicator called '{word}'."
                        + did_you_mean(normalise(word), {w: s for w, (s, _) in words.items()}),
                        "Indicators: " + ", ".join(sorted({s for s, _ in words.values()})) + ".")
    return found[0]


def area_names(db: sqlite_utils.Database, pid: str) -> dict[str, str]:
    """Area id -> name, for the partnership itself and its sub-areas."""
    return {r[0]: r[1] for r in db.execute("SELECT id, name FROM areas WHERE partnership = ?",
                                           (pid,))}


def own_indicators(db: sqlite_utils.Database, pid: str) -> set[str]:
    """The slugs of the indicators this partnership declared itself (its local ones)."""
    return {r[0] for r in db.execute("SELECT slug FROM indicators WHERE partnership = ?",
                                     (pid,))}


def partnership_today(db: sqlite_utils.Database, pid: str, today: str) -> str:
    """`today`, or the date a demonstration or training partnership takes as today (its
    file's `as_of`)."""
    return own_date(db, pid) or today


def own_date(db: sqlite_utils.Database, pid: str) -> str | None:
    """The date a demonstration or training partnership lives on (its file's `as_of`,
    YYYY-MM-DD); None for a partnership that lives on the real date."""
    row = db.execute("SELECT as_of FROM partnerships WHERE id = ?", (pid,)).fetchone()
    return str(row[0]) if row and row[0] else None
