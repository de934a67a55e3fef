"""`import_lsoa_lookup`: ONS's LSOA 2011 to 2021 lookup, which says what became of each 2011 LSOA.

The file is ONS's "LSOA (2011) to LSOA (2021) to Local Authority District (2022) Lookup for
England and Wales" as a CSV (a UTF-8 byte order mark is fine): the columns LSOA11CD and LSOA21CD,
and CHGIND when given (U unchanged, S split, M merged, X redrawn); other columns are ignored.
data/boundaries.py follows an area's 2011 codes to their 2021 codes with it, before (and instead
of) learning them from the files. The lookup lands whole or not at all, and replaces the one
imported before; the same file again changes nothing.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from data.db import write_transaction
from data.errors import IngestError, shown
from data.sources import read_whole
from data.street import LSOA_CODE

OLD, NEW, CHANGE = "LSOA11CD", "LSOA21CD", "CHGIND"
CHANGES = {"U": "unchanged", "S": "split", "M": "merged", "X": "redrawn"}
HINT = ("Give ONS's LSOA (2011) to LSOA (2021) lookup as CSV, with the columns LSOA11CD and "
        "LSOA21CD (and CHGIND), e.g. from the ONS Open Geography Portal.")


@dataclass
class LookupReport:
    file: str
    status: str  # "imported" or "unchanged"
    rows: int
    old_codes: int  # distinct 2011 codes
    changed: int  # 2011 codes that map to another code (split, merged or redrawn)


def import_lsoa_lookup(db: sqlite_utils.Database, path: str | Path) -> LookupReport:
    """Check and import the lookup in `path`; all or nothing. Raises IngestError."""
    path = Path(path)
    raw = read_whole(path)
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzipped(path, raw)
    sha = hashlib.sha256(raw).hexdigest()
    rows = _parse(str(path), raw)
    old_codes = {old for old, _, _ in rows}
    report = LookupReport(str(path), "imported", len(rows), len(old_codes),
                          len({old for old, new, _ in rows if new != old}))
    with write_transaction(db):
        if db.execute("SELECT 1 FROM ingests WHERE id = (SELECT MAX(id) FROM ingests WHERE "
                      "kind = 'lsoa-lookup') AND sha256 = ?", (sha,)).fetchone():
            report.status = "unchanged"
            return report
        ingest_id = db.table("ingests").insert({
            "kind": "lsoa-lookup", "file": str(path), "sha256": sha, "force": "",
            "months": json.dumps([]), "rows": len(rows), "placed": len(rows), "unplaced": 0,
            "revised": 0, "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }).last_pk
        db.execute("DELETE FROM lsoa_lookup")
        db.conn.executemany("INSERT INTO lsoa_lookup VALUES (?, ?, ?, ?)",
                            [(old, new, change, ingest_id) for old, new, change in rows])
    return report


def _gunzipped(path: Path, raw: bytes) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise IngestError(str(path), f"is truncated or not valid gzip ({exc}).",
                          hint=HINT) from None


def _parse(name: str, raw: bytes) -> list[tuple[str, str, str | None]]:
    """(2011 code, 2021 code, change or None) for every row; IngestError at the first bad one."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(name, "is not a UTF-8 CSV text file.", 1, hint=HINT) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().upper() for h in next(reader, [])]
        missing = [c for c in (OLD, NEW) if c not in header]
        if missing:
            raise IngestError(name, f"is not an LSOA 2011 to 2021 lookup: its header lacks "
                              f"{' and '.join(missing)}.", 1, hint=HINT)
        at = [header.index(c) if c in header else None for c in (OLD, NEW, CHANGE)]
        rows: list[tuple[str, str, str | None]] = []
        seen: dict[tuple[str, str], int] = {}
        for fields in filter(None, reader):
            line = reader.line_num
            if len(fields) != len(header):
                raise IngestError(name, f"this row has {len(fields)} fields, but the header "
                                  f"has {len(header)}.", line, hint=HINT)
            old, new = (fields[at[0]].strip(), fields[at[1]].strip())  # type: ignore[index]
            change = fields[at[2]].strip().upper() if at[2] is not None else None
            for column, code in ((OLD, old), (NEW, new)):
                if not LSOA_CODE.fullmatch(code):
                    raise IngestError(name, f"{column} {shown(code) if code else '(empty)'} is "
                                      "not an LSOA code: codes are E0 or W0 followed by 7 "
                                      "digits, e.g. E01027058.", line, hint=HINT)
            if change is not None and change not in CHANGES:
                raise IngestError(name, f"CHGIND {shown(change) if change else '(empty)'} is "
                                  "not a change: U (unchanged), S (split), M (merged) or X "
                                  "(redrawn).", line, hint=HINT)
            if (old, new) in seen:
                raise IngestError(name, f"repeats {old} -> {new} (first on line "
                                  f"{seen[(old, new)]}).", line, hint="Give each pair once.")
            seen[(old, new)] = line
            rows.append((old, new, change))
    except csv.Error as exc:
        raise IngestError(name, f"is not a readable CSV ({exc}).", reader.line_num,
                          hint=HINT) from None
    if not rows:
        raise IngestError(name, "has a header but no rows.", hint=HINT)
    return rows
