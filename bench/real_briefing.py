"""Benchmark: briefings and answers on the real police.uk files, this code against an earlier
commit's, in the same run (what METHOD 2.9, "J0", costs).

For each code (the working tree, and `--before REF`, by default the commit before issue 13's
work, unpacked with `git archive` into a temporary folder), a child process with that code on
its path:
  * imports Leicestershire's and Northamptonshire's street files (../shared/data) into a fresh
    store and loads the nine Leicestershire partnerships (tests/fixtures/leicestershire/), timing
    the import;
  * builds the monthly briefing of Charnwood for 2022-10 and 2025-12 and of Leicester for
    2022-10 (best of --repeat, after one build to warm fonts and caches);
  * judges one answer (`burglary` in Charnwood, as of 2022-10), best of --repeat.
Runs alternate between the codes; the best of each is printed side by side with the ratio.
The target of the demo briefing (bench/briefing.py: under 3 s) applies to each briefing.

Run from the project root (skips when ../shared/data is absent):
    .venv/bin/python bench/real_briefing.py [--before REF] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tree import ROOT, unpack  # noqa: E402  (bench/tree.py, beside this file)

DATA = ROOT.parent / "shared" / "data" / "policeuk"
BEFORE = "8715c53"  # main before issue 13's judgements (METHOD 2.9) landed
TARGET_S = 3.0
CASES = [("charnwood", "2022-10"), ("charnwood", "2025-12"), ("leicester", "2022-10")]

CHILD = r"""
import json, sys, tempfile, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
from data.db import open_db
from data.policeuk import ingest_police_uk
from data.partnership import load_partnership
from briefings.monthly import build_monthly
from briefings.indicator import judge
data, fixtures, repeat, cases = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), \
    json.loads(sys.argv[4])
db = open_db(Path(tempfile.mkdtemp()) / "csp.db")
start = time.perf_counter()
ingest_police_uk(db, [data / "leicestershire", data / "northamptonshire"])
result = {"ingest": time.perf_counter() - start}
for toml in sorted((fixtures / "leicestershire").glob("*.toml")):
    load_partnership(db, toml)
build_monthly(db, "rutland", "2022-10")  # fonts and caches
for pid, month in cases:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        build_monthly(db, pid, month)
        times.append(time.perf_counter() - start)
    result[f"briefing {pid} {month}"] = min(times)
times = []
for _ in range(repeat):
    start = time.perf_counter()
    judge(db, "charnwood", "burglary", "charnwood", "2022-10", None, 5)
    times.append(time.perf_counter() - start)
result["answer charnwood burglary 2022-10"] = min(times)
print(json.dumps(result))
"""


def measure(code: Path, repeat: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(DATA),
                           str(ROOT / "tests" / "fixtures"), str(repeat), json.dumps(CASES)],
                          cwd=code, env={"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the child on {code} failed:\n{done.stderr[-2000:]}")
    return {k: float(v) for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="the earlier commit (default: "
                        f"{BEFORE}, before METHOD 2.9's judgements)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each code")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return
    with tempfile.TemporaryDirectory() as tmp:
        before = unpack(args.before, Path(tmp) / "before")
        best: dict[str, dict[str, float]] = {"before": {}, "now": {}}
        for _ in range(args.rounds):
            for name, code in (("before", before), ("now", ROOT)):
                for key, seconds in measure(code, args.repeat).items():
                    best[name][key] = min(seconds, best[name].get(key, seconds))
    print(f"Real police.uk files (Leicestershire 56 months, Northamptonshire 34), best of "
          f"{args.rounds} x {args.repeat}; before = {args.before}, now = working tree")
    print(f"{'':38} {'before':>8} {'now':>8} {'now/before':>10}")
    for key in best["now"]:
        was, now = best["before"][key], best["now"][key]
        mark = "" if not key.startswith("briefing") else (
            "  target met" if now < TARGET_S else f"  target NOT met (< {TARGET_S:g} s)")
        print(f"{key:38} {was:8.3f} {now:8.3f} {now / was:10.2f}{mark}")


if __name__ == "__main__":
    main()
