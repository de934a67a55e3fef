"""A reader querying while another process imports never sees half a month and is never locked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from data.db import open_db

APRIL = "2021-04-leicestershire-street.csv"
MONTHS = [f"2020-{m:02d}" for m in range(1, 13)]


def make_big_months(fixtures: Path, folder: Path, copies: int = 150) -> None:
    """Twelve months of about 24,000 rows each, cut from the April fixture."""
    header, *rows = (fixtures / APRIL).read_text().splitlines(keepends=True)
    folder.mkdir()
    for month in MONTHS:
        body = "".join(rows).replace(",2021-04,", f",{month},") * copies
        (folder / f"{month}-leicestershire-street.csv").write_text(header + body)


def consistent(db) -> tuple[bool, int]:  # type: ignore[no-untyped-def]
    """Every month's stored rows add up to what police_months says it holds (one snapshot)."""
    db.execute("BEGIN")  # a read transaction: both queries see the same committed state
    try:
        held = dict(db.execute("SELECT month, rows FROM police_months"))
        counted = dict(db.execute(
            "SELECT month, SUM(count) FROM (SELECT month, count FROM police_counts_long "
            "UNION ALL SELECT month, count FROM police_unplaced) GROUP BY month"))
    finally:
        db.execute("COMMIT")
    return held == counted, len(held)


def test_reader_never_sees_half_an_import_nor_a_lock(fixtures: Path, tmp_path: Path,
                                                     db_path: Path) -> None:
    make_big_months(fixtures, tmp_path / "big")
    reader = open_db(db_path)  # creates the store before the writer starts
    writer = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", str(db_path), "ingest", "police-uk",
         str(tmp_path / "big")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    reads = 0
    while writer.poll() is None:
        ok, months = consistent(reader)  # raises sqlite3.OperationalError if locked
        assert ok, "a reader saw a month half-written"
        seen.add(months)
        reads += 1
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    ok, months = consistent(reader)
    assert ok and months == 12
    assert seen <= {0, 12}, f"months visible during the import: {sorted(seen)}"
    assert reads > 10, "the reader should have read many times while the import ran"
    # Readers opening the store during an import must not wait for the writer's lock either.
    assert open_db(db_path).execute("SELECT COUNT(*) FROM police_months").fetchone()[0] == 12
