"""Partnership figures that police.uk lacks, from CSV: monthly values, survey waves, population.

`cspbot ingest values|survey|population FILE.csv --partnership ID`. Each file is read once (the
SHA-256 stored is of the bytes imported; a file that changed while it was read is refused) and
checked whole before anything is written (one transaction; the header and each row by
`data.csv_rows`). A file whose content was imported before changes nothing; a later file
replaces the figures it repeats and reports those it revised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from data.csv_rows import KINDS, Kind, RowChecker, check_header, plain_number, record
from data.db import write_transaction
from data.errors import DataError, IngestError
from data.partnerships import area_ids, indicator_words, resolve_partnership
from data.sources import read_whole


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
                result.revised.append(" ".join(str(row[k]) for k in kind.key) + f" "
                                      f"{plain_number(old[0])} -> {plain_number(row[kind.value])}")
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
        header = check_header(name, kind, [h.strip() for h in next(reader, [])])
        check = RowChecker(name, kind, indicator_words(db, pid), area_ids(db, pid), db)
        rows: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], int] = {}
        for fields in filter(None, reader):
            line = reader.line_num
            row = check.row(record(name, header, fields, line), line)
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


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise DataError(f"Unknown kind of file '{kind}'.", f"Kinds: {', '.join(KINDS)}.")
