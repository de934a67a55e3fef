"""Typed, checked reading of a TOML table that names the key in every complaint.

Used by the partnership file reader: `Reader(path, "actions[3]", table).text("lead")` either
returns the value or raises PartnershipFileError("kettering.toml: actions[3].lead: ...").
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from data.errors import DataError, did_you_mean


class PartnershipFileError(DataError):
    """A mistake in a partnership file; nothing was loaded."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        where = f"{path.name}: {key}" if key else path.name
        super().__init__(f"{where}: {problem}",
                         "Nothing was loaded. See docs/partnership-file.md for the format.")
        self.key = key


class Reader:
    """Typed access to one TOML table, naming the key in every complaint."""

    def __init__(self, path: Path, key: str, table: Any) -> None:
        self.path, self.key = path, key
        if not isinstance(table, dict):
            self.fail("", "must be a table of keys and values")
        self.table: dict[str, Any] = table

    def fail(self, name: str, problem: str) -> None:
        key = f"{self.key}.{name}" if self.key and name else (self.key or name)
        raise PartnershipFileError(self.path, key, problem)

    def check_keys(self, allowed: tuple[str, ...]) -> None:
        for name in self.table:
            if name not in allowed:
                self.fail(name, "is not a key here." + did_you_mean(name, allowed)
                          + f" Keys: {', '.join(allowed)}.")

    def text(self, name: str, required: bool = True, pattern: re.Pattern[str] | None = None,
             expected: str = "") -> str | None:
        value = self.table.get(name)
        if value is None:
            if required:
                self.fail(name, f"is missing: expected {expected or 'some text'}")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"must be {expected or 'text'} in quotes, not {value!r}")
        if pattern is not None and not pattern.match(value):
            self.fail(name, f"'{value}' is not {expected}")
        return value.strip()

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.table.get(name, default)
        if value not in choices:
            self.fail(name, f"must be one of {', '.join(choices)}, not {value!r}")
        return str(value)

    def number(self, name: str) -> float | None:
        value = self.table.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"must be a number, not {value!r}")
        return float(value)

    def texts(self, name: str, pattern: re.Pattern[str] | None = None,
              expected: str = "text") -> list[str]:
        value = self.table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, f"must be a list of {expected}, e.g. [\"a\", \"b\"]")
        for v in value:
            if pattern is not None and not pattern.match(v):
                self.fail(name, f"'{v}' is not {expected}")
        return [v.strip() for v in value]

    def tables(self, name: str) -> list[Reader]:
        value = self.table.get(name, [])
        if not isinstance(value, list):
            self.fail(name, f"must be written [[{name}]], one table each")
        return [Reader(self.path, f"{name}[{i}]", item) for i, item in enumerate(value)]


def read_lsoa_lookup(path: Path, reader: Reader, name: str) -> list[tuple[str, str | None]]:
    """(lsoa_code, area id or None) rows of an LSOA lookup CSV beside the partnership file."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        reader.fail(name, f"file '{path}' not found (paths are relative to the partnership file)")
    except (UnicodeDecodeError, csv.Error) as exc:
        reader.fail(name, f"file '{path}' is not a readable CSV ({exc})")
    if not rows or "lsoa_code" not in rows[0]:
        reader.fail(name, f"file '{path}' needs a column lsoa_code")
    codes = []
    for line, row in enumerate(rows, start=2):
        code = (row.get("lsoa_code") or "").strip()
        if not re.match(r"^[EW]0\d{7}$", code):
            reader.fail(name, f"file '{path.name}' line {line}: '{code}' is not an LSOA code "
                        "like E01027058")
        codes.append((code, (row.get("area") or "").strip() or None))
    return codes
