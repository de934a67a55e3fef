"""One row of a partnership's CSV file (values, survey, population), checked and typed.

`KINDS` says each kind's columns and key; `check_header` refuses a header that does not name each
column once and no other; `record` refuses a row with too many or too few fields or a control
character; `RowChecker` turns the record into typed values, or an IngestError naming the line
and the column. Numbers are plain: digits, commas only between groups of three, one decimal
point (`1234.5`, `1,234.5`; never `1,2,3`, `1_000` or `1e3`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from data.errors import IngestError, control_character, did_you_mean, header_problem, shown

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


def plain_number(value: object) -> str:
    """A figure as a person writes it: 30.0 -> '30', 22.5 -> '22.5'."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def record(name: str, header: list[str], fields: list[str], line: int) -> dict[str, str]:
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


def check_header(name: str, kind: Kind, header: list[str]) -> list[str]:
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
            raise c.fail(line, f"weighted_count {plain_number(weighted)} is more than base_n "
                         f"{base_n}.")
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
