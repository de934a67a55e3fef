"""Benchmark: `/csp where` on the real Leicestershire files, scaled to a force of about 1,000
neighbourhoods (target: under 500 ms p95), against the code before issue 14's speed-up.

Set up (not timed): Leicestershire's street files (../shared/data) to --to (2022-10: the latest
month that can be compared; the later files have gaps) imported into a fresh store, so that
its latest month is the month asked;
then --copies - 1 copies of every row placed in the force's nine districts, each copy under new
LSOA codes and names in a district of its own ("Charnwood 2 012A" in "Charnwood 2"), so that a
partnership of every district, original and copied, covers --copies times the force's
neighbourhoods (8 copies: about 1,000 neighbourhoods, 5,000 LSOAs, 300,000 rows of
police_counts), with their map points (police_places, shifted east copy by copy).

Timed, each in a fresh child process on that one store (start-up and imports not timed):
`where all crime 2022-10` through `dispatch`, as chat asks it: the first ask (cold: nothing
kept, not even an area's ground), then --repeat more.
  * before: the code of --before REF (unpacked with `git archive`, as bench/ingest_process.py
    does), which keeps no where answer;
  * now, answers not kept (keep_where_answers(False)): every ask worked out afresh, with the
    store's other kept values (an area's ground, its held months) kept as they always are;
  * now, other months once: after one ask of the latest month, `where all crime M` for each of
    the --months earlier months that can be compared, each asked once: every one worked out
    afresh, its window's months new to the kept counts read as it goes;
  * now, answers kept (the default): a repeat on the unchanged store is served from memory
    (handlers/where_kept.py); an import or a partnership (re)load makes it stale;
  * now, prepared: after `cspbot prepare` on the store (its where answers timed: every police.uk
    indicator, the whole partnership, its latest month), a fresh process asks `where <indicator>`
    for every police.uk indicator, without the month and with the latest month given, each
    once: served from the store (handlers/where_store.py), nothing kept in memory before.
Also timed: `contributions(..., by="lsoa")` alone (its first call reads the 24 months it sums).

Run from the project root (skips when ../shared/data is absent):
    .venv/bin/python bench/where.py [--copies 8] [--repeat 40] [--before REF] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from tree import unpack  # noqa: E402  (bench/tree.py)

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


def build(folder: Path, copies: int, to: str):  # type: ignore[no-untyped-def]
    from data.db import open_db
    from data.partnership import load_partnership
    from data.policeuk import ingest_police_uk

    db = open_db(folder / "csp.db")
    ingest_police_uk(db, sorted(p for p in DATA.iterdir() if p.name[:7] <= to))
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


# Run in a child process with the code under test first on its path: argv = code root, store,
# mode ("before", "cold": answers not kept, "kept"), repeats. Prints the times and a digest of
# the answer (every block, the map's PNG included).
TIMER = """
import hashlib, json, re, sys, time, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, sys.argv[1])
from data.db import open_db
from handlers import Context, Settings, dispatch
if sys.argv[3] == "cold":
    from handlers.where_kept import keep_where_answers
    keep_where_answers(False)
db = open_db(sys.argv[2])
ctx, settings = Context("bench", "console"), Settings(partnership="force")
times, answers = [], {}
for question in json.loads(sys.argv[4]):
    start = time.perf_counter()
    reply = dispatch(question, ctx, db, settings)
    times.append((time.perf_counter() - start) * 1000)
    assert reply.title != "Sorry", reply.fallback_text
    # the context line where answers have given since (METHOD 2.9) aside, as the code before
    # had none: the rest must be the same to the byte
    said = re.sub(r"Text\\(markdown='- Context: [^']*'\\), ", "", repr(reply))
    answers[question] = hashlib.sha256(said.encode()).hexdigest()
print(json.dumps({"times": times, "answers": answers}))
"""
ASKED = "where all crime 2022-10"
BEFORE = "75a78f3"  # main before issue 14's speed-up of where


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def time_asks(code: Path, store: Path, mode: str, repeat: int) -> dict[str, object]:
    """The first ask and `repeat` more in a fresh process running `code`."""
    found = run_timer(code, store, mode, [ASKED] * (repeat + 1))
    first, rest = found["times"][0], found["times"][1:]
    return {"first_ms": round(first, 1), "p50_ms": round(statistics.median(rest), 1),
            "p95_ms": round(p95(rest), 1), "met": p95(rest) < TARGET_MS,
            "answer": found["answers"][ASKED][:16]}


def run_timer(code: Path, store: Path, mode: str, questions: list[str]) -> dict:  # type: ignore[type-arg]
    done = subprocess.run([sys.executable, "-c", TIMER, str(code), str(store), mode,
                           json.dumps(questions)], cwd=code, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{mode} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def time_other_months(store: Path, months: list[str]) -> dict[str, object]:
    """`where all crime M` for each earlier month M, each asked once in one fresh process, after
    one ask of the latest month (the bot has answered or prepared it): every answer is worked
    out afresh, on the kept points, each reading the counts of the months new to its window."""
    found = run_timer(ROOT, store, "cold", ["where all crime"] + [f"where all crime {m}"
                                                                  for m in months])
    times = found["times"][1:]
    return {"months": f"{months[-1]}..{months[0]}", "asks": len(times),
            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95(times), 1),
            "max_ms": round(max(times), 1), "met": p95(times) < TARGET_MS}


def time_prepared(tmp: Path, store: Path, latest: str, slugs: list[str]) -> dict[str, object]:
    """`cspbot prepare` on the store (timed, its where answers' seconds as it prints them),
    then every police.uk indicator asked once without the month and once with the latest, in
    a fresh process."""
    env = {**os.environ, "CSP_DB_PATH": str(store), "CSP_LOG_FILE": str(tmp / "prepare.log")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "prepare", "--workers", "2"], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"prepare failed:\n{done.stdout[-1000:]}{done.stderr[-2000:]}")
    where = re.search(r"(\d+) where answers prepared in ([\d.]+) s", done.stdout)
    questions = [q for slug in slugs for q in (f"where {slug}", f"where {slug} {latest}")]
    found = run_timer(ROOT, store, "prepared", questions)
    times = found["times"]
    return {"where_answers_prepared": int(where.group(1)) if where else 0,
            "preparing_where_s": float(where.group(2)) if where else None,
            "cspbot_prepare_s": round(took, 1), "asks": len(times),
            "first_ms": round(times[0], 1), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95(times), 1), "met": p95(times) < TARGET_MS,
            "answer": found["answers"].get(f"where all-crime {latest}", "")[:16]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--to", default="2022-10", help="the last month imported")
    parser.add_argument("--months", type=int, default=12,
                        help="earlier months asked once each (the 'other months' mode)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return 0
    warnings.simplefilter("ignore")
    from data.catalogue import BY_SLUG
    from data.contributions import contributions
    from data.held_series import area_coverage
    from data.windows import comparison_window

    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp), args.copies, args.to)
        held = area_coverage(db, "force", "force").held
        latest = held[-1]
        earlier = [m for m in reversed(held[:-1])
                   if comparison_window(held, m).problem is None][:args.months]
        lsoa = []
        for _ in range(args.repeat + 1):
            start = time.perf_counter()
            by_lsoa = contributions(db, "force", "all-crime", month="2022-10", by="lsoa")
            lsoa.append((time.perf_counter() - start) * 1000)
        found = contributions(db, "force", "all-crime", month="2022-10")
        result: dict[str, object] = {
            "copies": args.copies, "rows": db["police_counts"].count,
            "neighbourhoods": len(found.parts), "lsoas": len(by_lsoa.parts),
            "map_points": db.execute("SELECT COUNT(*) FROM police_places").fetchone()[0]}
        db.close()
        store = Path(tmp) / "csp.db"
        before = time_asks(unpack(args.before, Path(tmp) / "before"), store, "before",
                           args.repeat)
        cold = time_asks(ROOT, store, "cold", args.repeat)
        others = time_other_months(store, earlier)
        kept = time_asks(ROOT, store, "kept", args.repeat)
        prepared = time_prepared(Path(tmp), store, latest, list(BY_SLUG))
    result.update({
        f"before ({args.before})": before, "now, answers not kept": cold,
        "now, other months once": others,
        "now, answers kept": kept, f"now, prepared (latest {latest})": prepared,
        "same answer": before["answer"] == cold["answer"] == kept["answer"]
        and (latest != "2022-10" or prepared["answer"] == cold["answer"]),
        "by_lsoa_first_ms": round(lsoa[0], 1), "by_lsoa_p95_ms": round(p95(lsoa[1:]), 1),
        "target_p95_ms": TARGET_MS})
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {'met' if v else 'NOT met'}" if k == "met" else
                                  f"{k} {v}" for k, v in value.items())
            print(f"{key:>24}: {value}")
    met = kept["met"] and prepared["met"] and cold["met"] and others["met"]
    return 0 if met and result["same answer"] else 1


if __name__ == "__main__":
    sys.exit(main())
