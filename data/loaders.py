"""Partnership figures that police.uk lacks, from CSV: monthly values, survey waves, population.

`cspbot ingest values|survey|population FILE.csv --partnership ID`. Each file is read once (the
SHA-256 stored is of the bytes imported; a file that changed while it was read is refused) and
checked whole before anything is written (one transaction): its header names each expected
column once and no other, every row has as many fields as the header, numbers are plain
(`1234.5` or `1,234.5`), no value holds a control character. A file whose content was imported
before changes nothing; a later file replaces the figures it repeats and reports those it revised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from data.db import write_transaction
from data.errors import (
    DataError,
    IngestError,
    control_character,
    did_you_mean,
    header_problem,
    shown,
)
from data.partnerships import area_ids, indicator_words, resolve_partnership
from data.sources import read_whole

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FY = re.compile(r"^(\d{4})/(\d{2})$")
# Plain numbers: digits, commas only between groups of three, one decimal point (no 1_000, no
# 1,2,3, no 1e3); a sign is read so that the range check can say what is wrong with -1.
WHOLE = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)", re.ASCII)
DECIMAL = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d+)?|\.\d+)", re.ASCII)


@dataclass
class Kind:
    """One kind of file: its columns, its table, its key columns and how to read a row."""

    name: str
    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    value: str


KINDS = {
    "values": Kind("values", "monthly_values", ("month", "indicator", "area", "value"),
                   ("area", "indicator", "month"), "value"),
    "survey": Kind("survey", "survey_results",
                   ("indicator", "area", "wave", "fieldwork_end", "percent", "weighted_count",
                    "base_n", "design_effect"), ("area", "indicator", "wave"), "percent"),
    "population": Kind("population", "population", ("area", "financial_year", "population"),
                       ("area", "financial_year"), "population"),
}


@dataclass
class LoadResult:
    file: str
    kind: str
    partnership: str
    status: str  # "imported" or "unchanged"
    rows: int
    added: int = 0
    revised: list[str] = field(default_factory=list)


def ingest_csv(db: sqlite_utils.Database, kind_name: str, path: str | Path,
               partnership: str | None = None, source: str = "file") -> LoadResult:
    """Check and import one CSV of `kind_name`; all or nothing. Raises IngestError.

    `source` labels monthly values (e.g. "demo" for the illustrative data set).
    """
    kind, path = KINDS[kind_name], Path(path)
    pid = resolve_partnership(db, partnership)
    raw = read_whole(path)
    sha = hashlib.sha256(raw).hexdigest()
    rows = _parse(db, kind, path, raw, pid)
    with write_transaction(db):
        if db.execute("SELECT 1 FROM ingests WHERE kind = ? AND sha256 = ? AND force = ?",
                      (kind.name, sha, pid)).fetchone():
            return LoadResult(str(path), kind.name, pid, "unchanged", len(rows))
        result = LoadResult(str(path), kind.name, pid, "imported", len(rows))
        ingest_id = db.table("ingests").insert({
            "kind": kind.name, "file": str(path), "sha256": sha, "force": pid,
            "months": json.dumps(sorted({r.get("month") or r.get("wave") or
                                         r.get("financial_year") for r in rows})),
            "rows": len(rows), "placed": len(rows), "unplaced": 0, "revised": 0,
            "ingested_at": datetime.now(UTC).isoformat(timespec="seconds")}).last_pk
        for row in rows:
            key = {"partnership": pid, **{k: row[k] for k in kind.key}}
            where = " AND ".join(f"{k} = ?" for k in key)
            old = db.execute(f"SELECT {kind.value} FROM {kind.table} WHERE {where}",
                             tuple(key.values())).fetchone()
            if old is None:
                result.added += 1
            elif old[0] != row[kind.value]:
                result.revised.append(" ".join(str(row[k]) for k in kind.key)
                                      + f" {_num(old[0])} -> {_num(row[kind.value])}")
                db.execute("INSERT INTO value_revisions VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (ingest_id, pid, row["area"], row.get("indicator", kind.name),
                            row.get("month") or row.get("wave") or row.get("financial_year"),
                            old[0], row[kind.value]))
            if "source" in row:
                row = {**row, "source": source}
            db.table(kind.table).upsert({**key, **row, "ingest_id": ingest_id},
                                        pk=list(key))
        db.execute("UPDATE ingests SET revised = ? WHERE id = ?", (len(result.revised),
                                                                    ingest_id))
    return result


def _num(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _parse(db: sqlite_utils.Database, kind: Kind, path: Path, raw: bytes,
           pid: str) -> list[dict[str, Any]]:
    name = str(path)
    if not raw.strip():
        raise IngestError(name, "is empty.", hint=f"Expected a header: {','.join(kind.columns)}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(name, "is not a UTF-8 CSV text file.", 1) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _header(name, kind, [h.strip() for h in next(reader, [])])
        check = RowChecker(name, kind, indicator_words(db, pid), area_ids(db, pid), db)
        rows: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], int] = {}
        for fields in filter(None, reader):
            line = reader.line_num
            row = check.row(_record(name, header, fields, line), line)
            key = tuple(row[k] for k in kind.key)
            if key in seen:
                raise IngestError(name, f"repeats {' '.join(map(str, key))} (first on line "
                                  f"{seen[key]}).", line, hint="Give each figure once.")
            seen[key] = line
            rows.append(row)
    except csv.Error as exc:
        raise IngestError(name, f"is not a readable CSV ({exc}).", reader.line_num) from None
    if not rows:
        raise IngestError(name, "has a header but no rows.")
    return rows


def _record(name: str, header: list[str], fields: list[str], line: int) -> dict[str, str]:
    """One row as {column: value}, refused if it has too many or too few fields or holds a
    control character."""
    if len(fields) != len(header):
        raise IngestError(name, f"this row has {len(fields)} fields, but the header has "
                          f"{len(header)}.", line,
                          hint="A comma inside a value needs the value in double quotes.")
    record = dict(zip(header, (f.strip() for f in fields), strict=True))
    for column, value in record.items():
        if problem := control_character(value):
            raise IngestError(name, f"{column} {shown(value)} contains {problem}.", line,
                              hint="Was the file edited by hand? Type the value again, or "
                                   "save the file again from its spreadsheet.")
    return record


def _header(name: str, kind: Kind, header: list[str]) -> list[str]:
    """The header, refused unless it names each of the kind's columns once and no other."""
    expected = f"The header should be: {','.join(kind.columns)}"
    if problem := header_problem(header):
        raise IngestError(name, problem, 1, hint=expected)
    missing = [c for c in kind.columns if c not in header]
    if missing:
        raise IngestError(name, f"the header lacks {', '.join(missing)}.", 1, hint=expected)
    unknown = [f"'{c}'" if c else f"an unnamed column ({n})"
               for n, c in enumerate(header, 1) if c not in kind.columns]
    if unknown:
        raise IngestError(name, f"the header has columns that a {kind.name} file does not "
                          f"take: {', '.join(unknown)}.", 1,
                          hint=f"{expected} (remove the other columns).")
    return header


class RowChecker:
    """Turns one CSV record into a typed row, or an IngestError naming line and column."""

    def __init__(self, name: str, kind: Kind, words: dict[str, tuple[str, str]],
                 areas: set[str], db: sqlite_utils.Database) -> None:
        self.name, self.kind, self.words, self.areas, self.db = name, kind, words, areas, db

    def fail(self, line: int, problem: str, hint: str | None = None) -> IngestError:
        return IngestError(self.name, problem, line, hint=hint)

    def row(self, r: dict[str, str], line: int) -> dict[str, Any]:
        out: dict[str, Any] = {"area": self.area(r["area"], line)}
        if "indicator" in r:
            out["indicator"] = self.indicator(r["indicator"], line)
        return {**out, **READERS[self.kind.name](self, r, line)}

    def area(self, value: str, line: int) -> str:
        if value not in self.areas:
            raise self.fail(line, f"unknown area '{value}'." + did_you_mean(value, self.areas),
                            f"Areas of this partnership: {', '.join(sorted(self.areas))}.")
        return value

    def indicator(self, value: str, line: int) -> str:
        found = self.words.get(value.strip().lower().replace("_", " ").replace("-", " "))
        found = found or self.words.get(value.strip().lower())
        if found is None:
            raise self.fail(line, f"unknown indicator '{value}'."
                            + did_you_mean(value.lower(), {w: s for w, (s, _) in
                                                           self.words.items()}),
                            "Declare local indicators in the partnership file ([[indicators]]).")
        slug, kind = found
        wants_survey = self.kind.name == "survey"
        if (kind == "survey") != wants_survey:
            other = "cspbot ingest survey" if kind == "survey" else "cspbot ingest values"
            raise self.fail(line, f"'{slug}' is a {kind} indicator: load it with {other}.")
        return slug

    def number(self, r: dict[str, str], column: str, line: int, *, integer: bool = False,
               low: float = 0, high: float | None = None, required: bool = True) -> Any:
        text = r.get(column, "")
        if not text:
            if required:
                raise self.fail(line, f"{column} is empty.")
            return None
        if not (WHOLE if integer else DECIMAL).fullmatch(text):
            raise self.fail(line, f"{column} {shown(text)} is not a "
                            f"{'whole number' if integer else 'number'}.",
                            "Write plain digits, e.g. 1234" + ("" if integer else ".5")
                            + " or 1,234" + ("" if integer else ".5")
                            + " (commas only between groups of three digits).")
        value = int(text.replace(",", "")) if integer else float(text.replace(",", ""))
        if value < low or (high is not None and value > high):
            limit = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise self.fail(line, f"{column} {text} is out of range: expected {limit}.")
        return value

    def pattern(self, r: dict[str, str], column: str, rx: re.Pattern[str], line: int,
                expected: str) -> str:
        if not rx.match(r.get(column, "")):
            raise self.fail(line, f"{column} '{r.get(column, '')}' is not {expected}.")
        return r[column]


def _values(c: RowChecker, r: dict[str, str], line: int) -> dict[str, Any]:
    return {"month": c.pattern(r, "month", MONTH, line, "a month YYYY-MM"),
            "value": c.number(r, "value", line), "source": "file"}


def _survey(c: RowChecker, r: dict[str, str], line: int) -> dict[str, Any]:
    percent = c.number(r, "percent", line, high=100, required=False)
    weighted = c.number(r, "weighted_count", line, required=False)
    if (percent is None) == (weighted is None):
        raise c.fail(line, "give either percent or weighted_count (one of them).")
    base_n = c.number(r, "base_n", line, integer=True, low=1)
    if weighted is not None:
        if weighted > base_n:
            raise c.fail(line, f"weighted_count {_num(weighted)} is more than base_n {base_n}.")
        percent = round(100 * weighted / base_n, 6)
    if not r.get("wave"):
        raise c.fail(line, "wave is empty: name the survey wave, e.g. 2008 or 2009/10.")
    deff = c.number(r, "design_effect", line, low=1, required=False)
    return {"wave": r["wave"], "percent": percent, "weighted_count": weighted, "base_n": base_n,
            "fieldwork_end": c.pattern(r, "fieldwork_end", MONTH, line, "a month YYYY-MM"),
            "design_effect": 1.0 if deff is None else deff}


def _population(c: RowChecker, r: dict[str, str], line: int) -> dict[str, Any]:
    year = c.pattern(r, "financial_year", FY, line, "a financial year like 2010/11")
    first, second = FY.match(year).groups()  # type: ignore[union-attr]
    if (int(first) + 1) % 100 != int(second):
        raise c.fail(line, f"financial_year '{year}' is not two consecutive years.")
    return {"financial_year": year,
            "population": c.number(r, "population", line, integer=True, low=1)}


READERS: dict[str, Callable[[RowChecker, dict[str, str], int], dict[str, Any]]] = {
    "values": _values, "survey": _survey, "population": _population}


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise DataError(f"Unknown kind of file '{kind}'.", f"Kinds: {', '.join(KINDS)}.")
