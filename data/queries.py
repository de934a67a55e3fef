"""Read-only questions to the store: monthly counts per local authority, the store's status."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite_utils

from data.catalogue import POLICE_TYPES, expand
from data.errors import DataError, did_you_mean

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class CountRow:
    month: str
    indicator: str
    count: int


def local_authorities(db: sqlite_utils.Database) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT DISTINCT local_authority FROM police_counts ORDER BY 1")]


def resolve_local_authority(db: sqlite_utils.Database, name: str) -> str:
    """The stored spelling of a local authority name typed in any case, or a DataError."""
    known = local_authorities(db)
    by_lower = {la.lower(): la for la in known}
    if name.strip().lower() in by_lower:
        return by_lower[name.strip().lower()]
    if not known:
        raise DataError("The store holds no police.uk data yet.",
                        "Import some first: cspbot ingest police-uk FILES|FOLDERS|ZIPS")
    raise DataError(f"No local authority called '{name}' in the store.{did_you_mean(name, known)}",
                    "See `cspbot status` for what is held.")


def check_month(value: str | None, what: str) -> str | None:
    if value is not None and not MONTH.match(value):
        raise DataError(f"{what} '{value}' is not a month: write it as YYYY-MM, e.g. 2021-03.")
    return value


def police_series(db: sqlite_utils.Database, condition: str, params: list[str],
                  slugs: list[str], start: str | None = None,
                  end: str | None = None) -> list[tuple[str, str, int]]:
    """(month, indicator, count) summed over the LSOAs `condition` selects, zeros included."""
    check_month(start, "--from")
    check_month(end, "--to")
    where, params = condition, list(params)
    if start:
        where, params = where + " AND month >= ?", [*params, start]
    if end:
        where, params = where + " AND month <= ?", [*params, end]
    sums = ", ".join(f'SUM("{i.slug}")' for i in POLICE_TYPES)
    base: dict[tuple[str, str], int] = {}
    months = []
    for month, *values in db.execute(
            f"SELECT month, {sums} FROM police_counts WHERE {where} GROUP BY 1 ORDER BY 1",
            params):
        months.append(month)
        base.update({(month, i.slug): n for i, n in zip(POLICE_TYPES, values, strict=True)})
    return [(m, slug, sum(base.get((m, part), 0) for part in expand(slug)))
            for m in months for slug in slugs]


def store_status(db: sqlite_utils.Database) -> dict[str, object]:
    """Months held per force, latest month, row counts per table, and the last ingests."""
    forces = [
        {"force": f, "months": n, "first": lo, "latest": hi, "rows": rows,
         "missing": _missing_months(db, f, lo, hi)}
        for f, n, lo, hi, rows in db.execute(
            "SELECT force, COUNT(*), MIN(month), MAX(month), SUM(rows) FROM police_months "
            "GROUP BY force ORDER BY force")]
    tables = {t: db.table(t).count for t in (
        "police_counts", "police_unplaced", "lsoas", "ingests", "revisions", "monthly_values",
        "survey_results", "actions", "action_updates")}
    last = list(db.query("SELECT id, file, months, rows, revised, ingested_at FROM ingests "
                         "ORDER BY id DESC LIMIT 5"))
    latest = max((f["latest"] for f in forces), default=None)
    partnerships = [dict(r) for r in db.query(
        "SELECT p.id, p.name, (SELECT COUNT(*) FROM areas a WHERE a.partnership = p.id) AS areas,"
        " (SELECT COUNT(*) FROM monthly_values v WHERE v.partnership = p.id) AS local_values, "
        "(SELECT MAX(month) FROM monthly_values v WHERE v.partnership = p.id) AS latest_local "
        "FROM partnerships p ORDER BY p.id")]
    return {"latest_month": latest, "forces": forces, "tables": tables, "last_ingests": last,
            "local_authorities": len(local_authorities(db)), "partnerships": partnerships}


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included."""
    y, m = map(int, first.split("-"))
    months = []
    while f"{y:04d}-{m:02d}" <= last:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _missing_months(db: sqlite_utils.Database, force: str, first: str, last: str) -> list[str]:
    held = {r[0] for r in db.execute("SELECT month FROM police_months WHERE force = ?", (force,))}
    return [m for m in month_range(first, last) if m not in held]


def as_ranges(months: list[str]) -> str:
    """['2019-03', '2019-04', '2019-05', '2020-01'] -> '2019-03..2019-05, 2020-01'."""
    runs: list[list[str]] = []
    for month in months:
        if runs and month_range(runs[-1][-1], month)[1:] == [month]:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in runs)
