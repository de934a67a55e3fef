"""Benchmark: the whole `cspbot ingest police-uk` process against the whole `sqlite3 .import`
process on the same rows, as a user runs them, before and after a change.

For the first N monthly street files of one force, in turn in the same run (--rounds times):
  * reference: the sqlite3 CLI `.import --csv --skip 1` of the rows (the .csv.gz files
    decompressed beforehand, not timed) into a fresh database (bench/ingest.py's reference);
  * before: `python -m bot ingest police-uk FILES` with the code of --before REF (unpacked with
    `git archive`, as bench/real_briefing.py does) into a fresh store, FILES being the same
    CSV files sqlite3 reads;
  * now: the same with the working tree;
  * now (.csv.gz): the working tree on the .csv.gz files themselves, for information: it
    decompresses them too, which the reference is spared.
Each is a child process timed from start to exit (start-up included), its peak memory its own
ru_maxrss (os.wait4). The best of each is compared with the targets: ours <= 1.5x the
reference's time, peak < 200 MiB.

Run from the project root:
    .venv/bin/python bench/ingest_process.py [--before REF] [--force leicestershire]
                                             [--months 12|all] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import (  # noqa: E402  (bench/ingest.py, beside this file)
    DEFAULT_DATA,
    MEMORY_TARGET_MIB,
    RATIO_TARGET,
    ROOT,
    SQLITE3,
    count_data_rows,
    decompress,
    pick_files,
)
from tree import unpack  # noqa: E402  (bench/tree.py)

BEFORE = "fa9f607"  # main before police_place_counts and the light start


def remove_store(store: Path) -> None:
    for path in (store, store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm")):
        path.unlink(missing_ok=True)


def run(argv: list[str], cwd: Path, env: dict[str, str], stdin: str | None = None
        ) -> tuple[float, float]:
    """Seconds from start to exit, and the child's own peak memory in MiB."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert child.stdin is not None and child.stderr is not None
    child.stdin.write(stdin or "")
    child.stdin.close()
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)  # reaped here: its own rusage
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{argv[:4]} failed:\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--force", default="leicestershire")
    parser.add_argument("--months", default="12")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    files = pick_files(args.data / args.force, args.months) if (
        args.data / args.force).is_dir() else []
    if not files:
        print(f"No police.uk files in {args.data / args.force}: nothing to measure.")
        return
    with tempfile.TemporaryDirectory(prefix="bench-process-") as tmp:
        work = Path(tmp)
        codes = {"before": unpack(args.before, work / "before"), "now": ROOT}
        csv_files = decompress(files, work)
        rows = count_data_rows(csv_files)
        script = "CREATE TABLE crimes (" + ", ".join(f"c{i} TEXT" for i in range(12)) + ");\n"
        script += "".join(f".import --csv --skip 1 '{f}' crimes\n" for f in csv_files)
        best: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            (work / "ref.db").unlink(missing_ok=True)
            figures = {"sqlite3 .import": run([SQLITE3, str(work / "ref.db")], work,
                                              {"PATH": "/usr/bin:/bin"}, script)}
            for name, code in codes.items():
                store = work / f"{name}.db"
                remove_store(store)
                env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(code),
                       "CSP_DB_PATH": str(store), "HOME": tmp}
                figures[f"cspbot ingest ({name})"] = run(
                    [sys.executable, "-m", "bot", "ingest", "police-uk",
                     *map(str, csv_files)], code, env)
                if name == "now":
                    remove_store(store)
                    figures["cspbot ingest (now, .csv.gz)"] = run(
                        [sys.executable, "-m", "bot", "ingest", "police-uk",
                         *map(str, files)], code, env)
            for key, (seconds, peak) in figures.items():
                was = best.get(key, [seconds, peak])
                best[key] = [min(was[0], seconds), max(was[1], peak)]
    ref = best["sqlite3 .import"][0]
    print(f"{args.force}: {len(files)} files, {rows:,} rows; best of {args.rounds} rounds, "
          f"whole processes; before = {args.before}, now = working tree")
    print(f"{'':28} {'seconds':>8} {'x sqlite3':>9} {'peak MiB':>9}")
    for key, (seconds, peak) in best.items():
        mark = "" if key.startswith("sqlite3") or ".gz" in key else "  " + " ".join((
            "time met" if seconds / ref <= RATIO_TARGET else f"time NOT met (<= {RATIO_TARGET}x)",
            "memory met" if peak < MEMORY_TARGET_MIB else
            f"memory NOT met (< {MEMORY_TARGET_MIB})"))
        print(f"{key:28} {seconds:8.2f} {seconds / ref:9.2f} {peak:9.1f}{mark}")


if __name__ == "__main__":
    main()
