"""Benchmark: what the hash-chained audit trail costs, against the plain table it replaced.

Set up (not timed): two fresh stores in a temporary folder. One is migrated up to 0008, the
audit trail as it was (no hash, triggers on UPDATE and DELETE only); the other fully.

Measures, for --rows N rows written in transactions of three (a chat update writes one to
three), each in the same run:
  * reference: a plain INSERT per row into the 0008 table;
  * ours: data.audit_trail.record per row (reads the previous row's hash, hashes, inserts; the
    triggers refusing a reused id fire);
  * `verify` over the N rows, against reading the same rows without hashing (the floor);
  * migration 0009 on a store holding the N rows of the reference (copy and hash every row).
Targets: record at most 3x the plain insert per row; verify of the N rows and the migration
each under 5 s (N = 100,000, far more changes than a partnership makes in years).

Run from the project root:
    .venv/bin/python bench/audit.py [--rows 100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data.audit_trail import Author, record, verify  # noqa: E402
from data.db import open_db, write_transaction  # noqa: E402
from data.migrations import migrations  # noqa: E402

AUTHOR = Author("Chris Example", "slack", "police-lead", "U0KETPOL1")
PLAIN = ("INSERT INTO action_updates (partnership, action, at, by, source, field, old, new, "
         "note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
RATIO_TARGET, SECONDS_TARGET = 3.0, 5.0


def store_before_0009(path: Path) -> Any:
    db = open_db(path, migrate=False)
    migrations.apply(db, stop_before=["0009_audit_chain"])
    db.conn.commit()
    return db


def timed_writes(db: Any, rows: int, write: Any) -> float:
    start = time.perf_counter()
    for first in range(0, rows, 3):
        with write_transaction(db):
            for n in range(first, min(first + 3, rows)):
                write(n)
    return time.perf_counter() - start


def run(rows: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        old = store_before_0009(Path(tmp) / "old.db")
        plain = timed_writes(old, rows, lambda n: old.execute(PLAIN, (
            "kettering", "4.6.2", "2010-04-07T09:00:00+00:00", AUTHOR.name, "chat", "status",
            "on-track", f"value {n}", None)))
        ours_db = open_db(Path(tmp) / "new.db")
        ours = timed_writes(ours_db, rows, lambda n: record(
            ours_db, "kettering", "4.6.2", AUTHOR, "status", "on-track", f"value {n}"))
        start = time.perf_counter()
        verdict = verify(ours_db)
        verify_s = time.perf_counter() - start
        start = time.perf_counter()
        read = sum(1 for _ in ours_db.execute("SELECT * FROM action_updates ORDER BY id"))
        read_s = time.perf_counter() - start
        ours_db.close()
        start = time.perf_counter()
        with write_transaction(old):
            migrations.apply(old)
        migrate_s = time.perf_counter() - start
        migrated = verify(old)
        old.close()
    result = {
        "rows": rows, "plain_insert_us": plain / rows * 1e6, "record_us": ours / rows * 1e6,
        "ratio": ours / plain, "verify_s": verify_s, "read_only_s": read_s,
        "migration_s": migrate_s, "intact": verdict.intact and migrated.intact,
        "read": read, "migrated_rows": migrated.chain}
    result["ok"] = (result["ratio"] <= RATIO_TARGET and verify_s < SECONDS_TARGET
                    and migrate_s < SECONDS_TARGET and result["intact"]
                    and read == migrated.chain == rows)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    r = run(args.rows)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        print(f"{r['rows']:,} rows, written three to a transaction")
        print(f"  plain INSERT (0008 table, reference): {r['plain_insert_us']:.1f} us a row")
        print(f"  record (hash chain, 4 triggers):      {r['record_us']:.1f} us a row "
              f"({r['ratio']:.2f}x; target <= {RATIO_TARGET}x)")
        print(f"  verify: {r['verify_s']:.2f} s (reading alone {r['read_only_s']:.2f} s; "
              f"target < {SECONDS_TARGET} s)")
        print(f"  migration 0009 of {r['rows']:,} rows: {r['migration_s']:.2f} s "
              f"(target < {SECONDS_TARGET} s)")
        print(f"  both chains intact: {r['intact']}; {'OK' if r['ok'] else 'TARGET MISSED'}")
    sys.exit(0 if r["ok"] else 1)


if __name__ == "__main__":
    main()
