"""The counts behind "compared with what" (issue 14): one police.uk indicator over the same two
windows (data/windows.py: the latest 12 held months to a month against the 12 before, matched
months when a few are missing) for each partnership held in the store and each force's whole area.

A partnership is counted as its own answers count it (data/held_series.py: its LSOAs, rows any
force places there, held months only, incomplete months it falls short in left out). A force's
whole area is every LSOA in which that force places rows: the force's own placed rows, over the
months its files are held, its stored incomplete months left out; so its change is the sum of its
LSOAs' changes (`force_lsoa_counts`). Population, where loaded (`cspbot ingest population`),
gives a rate per 1,000 residents. The tests of significance and the ranks are worked out above,
in briefings/comparison.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from data.catalogue import BY_SLUG, expand
from data.coverage import home_forces, stored_incomplete_months
from data.held_series import area_coverage, held_police_series
from data.kept import kept
from data.windows import Window, comparison_window

SUFFIXES = (" Community Safety Partnership", " Police Service", " Constabulary", " Police",
            " CSP")


@dataclass(frozen=True)
class AreaCounts:
    """One row of a comparison: the counts of the months compared (`window.current[i]` and
    `window.previous[i]` are `current[i]` and `previous[i]`)."""

    key: str  # the partnership id, or the force's name
    name: str  # the short name said in answers: "Charnwood", "Leicestershire"
    kind: str  # "partnership" or "force"
    window: Window
    current: list[int]
    previous: list[int]
    forces: tuple[str, ...]  # a partnership's home forces; a force itself
    population: int | None = None  # residents, for the financial year of `population_year`
    population_year: str | None = None

    @property
    def count_now(self) -> int:
        return sum(self.current)

    @property
    def count_before(self) -> int:
        return sum(self.previous)

    @property
    def rate_per_1000(self) -> float | None:
        """Crimes of the months compared per 1,000 residents; None without a population."""
        if not self.population or not self.current:
            return None
        return self.count_now / self.population * 1000


def short_name(name: str) -> str:
    """'Charnwood Community Safety Partnership' -> 'Charnwood'; 'Leicestershire Police' ->
    'Leicestershire'."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def is_police_indicator(slug: str) -> bool:
    """Can the indicator be compared across areas: a police.uk type, or a sum of them?"""
    return slug in BY_SLUG


def store_forces(db: sqlite_utils.Database) -> list[str]:
    """Every force with a street file in the store."""
    return [r[0] for r in db.execute("SELECT DISTINCT force FROM police_months ORDER BY 1")]


def latest_store_month(db: sqlite_utils.Database) -> str | None:
    """The latest month of any force's street files: what a comparison is as of by default."""
    return db.execute("SELECT MAX(month) FROM police_months").fetchone()[0]


def comparable_month(held: list[str]) -> str | None:
    """The latest of the held months whose two windows can be compared (not too many gaps)."""
    return next((m for m in reversed(held) if comparison_window(held, m).problem is None), None)


def latest_comparable_month(db: sqlite_utils.Database, pid: str | None = None) -> str | None:
    """What a comparison is as of when no month is asked for: the latest month the partnership
    (else any force's whole area) can be compared in; else the store's latest month."""
    found = None
    if pid is not None and home_forces(db, pid):
        found = comparable_month(area_coverage(db, pid, pid).held)
    if found is None:
        found = max((m for m in (comparable_month(force_held(db, f)) for f in store_forces(db))
                     if m), default=None)
    return found or latest_store_month(db)


def named_peers(db: sqlite_utils.Database, pid: str) -> list[str]:
    """The peer group the partnership file names (`peers`); [] when it names none."""
    row = db.execute("SELECT peers FROM partnerships WHERE id = ?", (pid,)).fetchone()
    return list(json.loads(row[0])) if row and row[0] else []


def fy_of(month: str) -> str:
    """'2025-03' -> '2024/25' (financial years start in April)."""
    year = int(month[:4]) - (int(month[5:]) < 4)
    return f"{year}/{(year + 1) % 100:02d}"


def population_of(db: sqlite_utils.Database, pid: str, area: str,
                  month: str) -> tuple[int | None, str | None]:
    """(residents, financial year): the area's population for the financial year of `month`,
    else the latest loaded before it; (None, None) when none is loaded."""
    row = db.execute("SELECT population, financial_year FROM population WHERE partnership = ? "
                     "AND area = ? AND financial_year <= ? ORDER BY financial_year DESC LIMIT 1",
                     (pid, area, fy_of(month))).fetchone()
    return (int(row[0]), str(row[1])) if row else (None, None)


def partnership_counts(db: sqlite_utils.Database, pid: str, slug: str, month: str,
                       name: str) -> AreaCounts:
    """The partnership's counts of `slug` in the two windows to `month`, as its answers count
    (kept while the store does not change)."""
    return kept(db, ("partnership_counts", pid, slug, month, name),
                lambda: _partnership_counts(db, pid, slug, month, name))


def _partnership_counts(db: sqlite_utils.Database, pid: str, slug: str, month: str,
                        name: str) -> AreaCounts:
    coverage = area_coverage(db, pid, pid)
    window = comparison_window(coverage.held, month)
    found: dict[str, int] = {}
    if window.current:
        found = {m: n for m, _, n in held_police_series(
            db, pid, pid, [slug], window.previous[0], window.current[-1], coverage)}
    population, year = population_of(db, pid, pid, window.current[-1] if window.current
                                      else month)
    return AreaCounts(pid, short_name(name), "partnership", window,
                      [found.get(m, 0) for m in window.current],
                      [found.get(m, 0) for m in window.previous], tuple(coverage.forces),
                      population, year)


def force_held(db: sqlite_utils.Database, force: str) -> list[str]:
    """The months of the force's files in the store, its incomplete months left out."""
    incomplete = {i.month for i in stored_incomplete_months(db, force)}
    return [r[0] for r in db.execute("SELECT month FROM police_months WHERE force = ? "
                                     "ORDER BY month", (force,)) if r[0] not in incomplete]


def force_lsoa_counts(db: sqlite_utils.Database, force: str, slug: str,
                      window: Window) -> dict[str, tuple[int, int]]:
    """Each LSOA in which the force places rows in the window -> (count now, count before):
    the parts of the force's whole-area change."""
    total = " + ".join(f'"{s}"' for s in expand(slug))
    now, before = set(window.current), set(window.previous)
    parts: dict[str, list[int]] = {}
    months = sorted(now | before)
    if not months:
        return {}
    for lsoa, month, n in db.execute(
            f"SELECT lsoa, month, SUM({total}) FROM police_counts WHERE force = ? AND month "
            f"IN ({','.join('?' * len(months))}) GROUP BY lsoa, month", [force, *months]):
        part = parts.setdefault(lsoa, [0, 0])
        part[0 if month in now else 1] += n or 0
    return {lsoa: (a, b) for lsoa, (a, b) in sorted(parts.items())}


def force_counts(db: sqlite_utils.Database, force: str, slug: str, month: str) -> AreaCounts:
    """The force's whole area: its own placed rows of `slug` in the two windows to `month`
    (kept while the store does not change: every section of a briefing asks)."""
    return kept(db, ("force_counts", force, slug, month),
                lambda: _force_counts(db, force, slug, month))


def _force_counts(db: sqlite_utils.Database, force: str, slug: str, month: str) -> AreaCounts:
    window = comparison_window(force_held(db, force), month)
    total = " + ".join(f'"{s}"' for s in expand(slug))
    found = dict(db.execute(f"SELECT month, SUM({total}) FROM police_counts WHERE force = ? "
                            "GROUP BY month", (force,)).fetchall())
    return AreaCounts(force, short_name(force), "force", window,
                      [found.get(m) or 0 for m in window.current],
                      [found.get(m) or 0 for m in window.previous], (force,))


def comparable_partnerships(db: sqlite_utils.Database) -> dict[str, tuple[str, list[str]]]:
    """Each partnership with a police.uk home force -> (its name, its home forces)."""
    found = {}
    for pid, name in db.execute("SELECT id, name FROM partnerships ORDER BY id").fetchall():
        forces = area_coverage(db, pid, pid).forces
        if forces:
            found[pid] = (name, forces)
    return found


def all_counts(db: sqlite_utils.Database, slug: str, month: str) -> list[AreaCounts]:
    """Every partnership held in the store and every force's whole area, unranked."""
    rows = [partnership_counts(db, pid, slug, month, name)
            for pid, (name, _) in comparable_partnerships(db).items()]
    return rows + [force_counts(db, force, slug, month) for force in store_forces(db)]
