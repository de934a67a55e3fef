"""Migration 0011_home_forces_and_incomplete_months (METHOD 2.9, J0): the police forces a
partnership file names as its home forces (`partnerships.forces`, a JSON list; `[]` when the file
names none and they are worked out from the rows), and each force's incomplete months
(`police_incomplete`), which every police.uk import recomputes for the forces it touched.

A store that already holds police.uk files gets its incomplete months here, worked out as
data/coverage.py worked them out when this shipped (the rule is copied, so that a later change of
that module never changes what this migration does). Shipped, so frozen: never edit it
(data/migrations/__init__.py says why).
"""

from __future__ import annotations

import statistics

import sqlite_utils

NAME = "0011_home_forces_and_incomplete_months"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE partnerships ADD COLUMN forces TEXT NOT NULL DEFAULT '[]'")
    db.execute("""CREATE TABLE police_incomplete (
        force TEXT NOT NULL, month TEXT NOT NULL, unplaced INTEGER NOT NULL,
        rows INTEGER NOT NULL, share REAL NOT NULL, usual_share REAL NOT NULL,
        usual_unplaced INTEGER NOT NULL, PRIMARY KEY (force, month)) WITHOUT ROWID""")
    forces = [r[0] for r in db.execute("SELECT DISTINCT force FROM police_months ORDER BY 1")]
    for force in forces:
        rows = db.execute(
            "SELECT m.month, m.rows, COALESCE((SELECT SUM(u.count) FROM police_unplaced u "
            "WHERE u.force = m.force AND u.month = m.month), 0) FROM police_months m "
            "WHERE m.force = ? ORDER BY m.month", (force,)).fetchall()
        shares = [unplaced / total if total else 0.0 for _, total, unplaced in rows]
        if len(shares) < 2:
            continue
        median = statistics.median(shares)
        moving = statistics.mean(abs(b - a) for a, b in zip(shares, shares[1:], strict=False))
        upper = statistics.mean(shares) + 2.66 * moving
        usual = round(statistics.median(unplaced for _, _, unplaced in rows))
        db.conn.executemany(
            "INSERT INTO police_incomplete VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(force, month, unplaced, total, share, median, usual)
             for (month, total, unplaced), share in zip(rows, shares, strict=True)
             if share >= 0.05 and share >= 3 * median and share > upper])
