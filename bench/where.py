"""Benchmark: `/csp where` on the real Leicestershire files, scaled to a force of about 1,000
neighbourhoods (target: under 500 ms p95).

Set up (not timed): Leicestershire's street files (../shared/data) imported into a fresh store;
then --copies - 1 copies of every row placed in the force's nine districts, each copy under new
LSOA codes and names in a district of its own ("Charnwood 2 012A" in "Charnwood 2"), so that a
partnership of every district, original and copied, covers --copies times the force's
neighbourhoods (8 copies: about 1,000 neighbourhoods, 5,000 LSOAs, 300,000 rows of
police_counts), with their map points (police_places, shifted east copy by copy).
Timed: `where all crime 2022-10` through `dispatch`, as chat asks it (the first answer, cold,
then --repeat more), and `contributions(..., by="lsoa")` alone. Also printed: the
query plan of the breakdown's query (which index it uses).

Run from the project root (skips when ../shared/data is absent):
    .venv/bin/python bench/where.py [--copies 8] [--repeat 40] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "policeuk" / "leicestershire"
DISTRICTS = ("Blaby", "Charnwood", "Harborough", "Hinckley and Bosworth", "Leicester", "Melton",
             "North West Leicestershire", "Oadby and Wigston", "Rutland")
TARGET_MS = 500.0
OFFSET = 10_000_000  # place ids of copy k: the original's + k * OFFSET
SHIFT = 0.6  # degrees of longitude between copies on the map
PARTNERSHIP = """[partnership]
id = "force"
name = "The whole force, {copies} times over"
local_authorities = [{places}]

[[agencies]]
id = "police"
name = "Police"
"""


def build(folder: Path, copies: int):  # type: ignore[no-untyped-def]
    from data.db import open_db
    from data.partnership import load_partnership
    from data.policeuk import ingest_police_uk

    db = open_db(folder / "csp.db")
    ingest_police_uk(db, [DATA])
    marks = ",".join("?" * len(DISTRICTS))
    with db.conn:
        for k in range(2, copies + 1):
            db.execute(f"INSERT INTO lsoas (code, name, local_authority, month) SELECT "
                       f"code || 'c{k}', local_authority || ' {k}' || substr(name, "
                       f"length(local_authority) + 1), local_authority || ' {k}', month FROM "
                       f"lsoas WHERE local_authority IN ({marks})", DISTRICTS)
            db.execute(f"INSERT INTO police_counts SELECT force, month, lsoa || 'c{k}', "
                       f"local_authority || ' {k}', " + ", ".join(
                           f'"{c}"' for c in db["police_counts"].columns_dict
                           if c not in ("force", "month", "lsoa", "local_authority"))
                       + f" FROM police_counts WHERE local_authority IN ({marks})", DISTRICTS)
            # the map points too, each copy shifted east of the last (ids offset per copy)
            ground = (f"(SELECT code FROM lsoas WHERE local_authority IN ({marks}))")
            db.execute(f"INSERT INTO police_places SELECT id + {k * OFFSET}, force, lsoa || "
                       f"'c{k}', location, longitude + {SHIFT * (k - 1)}, latitude FROM "
                       f"police_places WHERE id < {OFFSET} AND lsoa IN {ground}", DISTRICTS)
            db.execute(f"INSERT INTO police_place_counts SELECT month, place + {k * OFFSET}, "
                       + ", ".join(f'"{c}"' for c in db["police_place_counts"].columns_dict
                                   if c not in ("month", "place"))
                       + f" FROM police_place_counts WHERE place IN (SELECT id FROM "
                       f"police_places WHERE id < {OFFSET} AND lsoa IN {ground})", DISTRICTS)
    places = [d for d in DISTRICTS] + [f"{d} {k}" for k in range(2, copies + 1)
                                       for d in DISTRICTS]
    toml = folder / "force.toml"
    toml.write_text(PARTNERSHIP.format(copies=copies, places=", ".join(
        f'"{p}"' for p in places)), encoding="utf-8")
    load_partnership(db, toml)
    return db


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return 0
    warnings.simplefilter("ignore")
    from data.contributions import contributions
    from handlers import Context, Settings, dispatch

    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp), args.copies)
        ctx, settings = Context("bench", "console"), Settings(partnership="force")

        def ask() -> float:
            start = time.perf_counter()
            reply = dispatch("where all crime 2022-10", ctx, db, settings)
            assert reply.title != "Sorry", reply.fallback_text
            return (time.perf_counter() - start) * 1000

        cold = ask()
        warm = [ask() for _ in range(args.repeat)]
        lsoa = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            by_lsoa = contributions(db, "force", "all-crime", month="2022-10", by="lsoa")
            lsoa.append((time.perf_counter() - start) * 1000)
        found = contributions(db, "force", "all-crime", month="2022-10")
        plan = [r[3] for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT lsoa, SUM(burglary) FROM police_counts WHERE lsoa IN "
            "(?, ?) AND month IN (?, ?) GROUP BY lsoa", ["a", "b", "2022-10", "2021-10"])]
        result = {
            "copies": args.copies, "rows": db["police_counts"].count,
            "neighbourhoods": len(found.parts), "lsoas": len(by_lsoa.parts),
            "map_points": db.execute("SELECT COUNT(*) FROM police_places").fetchone()[0],
            "where_cold_ms": round(cold, 1),
            "where_p50_ms": round(statistics.median(warm), 1), "where_p95_ms": round(p95(warm), 1),
            "by_lsoa_p95_ms": round(p95(lsoa), 1), "query_plan": plan,
            "target_p95_ms": TARGET_MS, "met": p95(warm) < TARGET_MS}
        db.close()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
