"""Benchmark: police.uk ingest speed against the sqlite3 CLI's `.import`, and its peak memory.

Measures, for the first N monthly street-level files of one force:
  * reference: the sqlite3 CLI loading the same rows, decompressed beforehand (not timed), with
    `.import --csv --skip 1` into a plain 12-column table in a fresh database;
  * ours: `ingest_police_uk` on the .csv.gz files into a fresh store (created before timing; only
    the ingest call is timed), in a spawned child that reports its baseline RSS (after imports
    and `open_db`) and its peak RSS (ru_maxrss).
Runs alternate --repeat times; the best of each is compared with the targets: ours <= 1.5x the
reference's time, peak < 200 MiB. --scaling also ingests 6 files, then all of the force's files,
to show that peak memory does not grow with the input.

Run from the project root:
    .venv/bin/python bench/ingest.py [--force leicestershire] [--months 12|all] [--repeat 3]
                                     [--data DIR] [--json] [--scaling]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import multiprocessing
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "policeuk"
SQLITE3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"
RATIO_TARGET = 1.5
MEMORY_TARGET_MIB = 200
COLUMNS = ("crime_id", "month", "reported_by", "falls_within", "longitude", "latitude",
           "location", "lsoa_code", "lsoa_name", "crime_type", "last_outcome", "context")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # spawned children inherit it and can import data/


def pick_files(folder: Path, months: str) -> list[Path]:
    files = sorted(folder.glob("*.csv.gz"))
    return files if months == "all" else files[:int(months)]


def decompress(files: list[Path], into: Path) -> list[Path]:
    out = []
    for f in files:
        target = into / f.name.removesuffix(".gz")
        with gzip.open(f, "rb") as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        out.append(target)
    return out


def count_data_rows(csv_files: list[Path]) -> int:
    total = 0
    for f in csv_files:
        with f.open(newline="", encoding="utf-8-sig") as text:
            total += sum(1 for row in csv.reader(text) if row) - 1  # less the header
    return total


def run_reference(csv_files: list[Path], db_path: Path) -> tuple[float, int]:
    """Seconds the sqlite3 CLI takes to .import every file, and the rows it loaded."""
    db_path.unlink(missing_ok=True)
    script = f"CREATE TABLE crimes ({', '.join(f'{c} TEXT' for c in COLUMNS)});\n"
    script += "".join(f".import --csv --skip 1 '{f}' crimes\n" for f in csv_files)
    start = time.perf_counter()
    subprocess.run([SQLITE3, str(db_path)], input=script, text=True, check=True)
    seconds = time.perf_counter() - start
    out = subprocess.run([SQLITE3, str(db_path), "SELECT count(*) FROM crimes"],
                         capture_output=True, text=True, check=True).stdout
    return seconds, int(out)


def ingest_child(files: list[str], store: str) -> dict[str, float]:
    """In a fresh process: open a new store, time ingest_police_uk alone, report RSS in KiB."""
    from data.db import open_db
    from data.policeuk import ingest_police_uk

    Path(store).unlink(missing_ok=True)
    db = open_db(store)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    report = ingest_police_uk(db, files)
    seconds = time.perf_counter() - start
    db.conn.close()
    return {"seconds": seconds, "rows": report.totals()["rows_read"], "baseline_kib": baseline,
            "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def run_ours(files: list[Path], store: Path) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:  # one fresh child per run
        return pool.submit(ingest_child, [str(f) for f in files], str(store)).result()


def measure(files: list[Path], repeat: int, work: Path) -> dict[str, Any]:
    csv_files = decompress(files, work)
    rows = count_data_rows(csv_files)
    reference: list[float] = []
    ours: list[dict[str, float]] = []
    for _ in range(repeat):
        seconds, loaded = run_reference(csv_files, work / "reference.db")
        if loaded != rows:
            sys.exit(f"reference loaded {loaded} rows, expected {rows}")
        reference.append(seconds)
        ours.append(run_ours(files, work / "store.db"))
        if ours[-1]["rows"] != rows:
            sys.exit(f"ingest read {ours[-1]['rows']} rows, expected {rows}")
    ref_best, our_best = min(reference), min(r["seconds"] for r in ours)
    peak = max(r["peak_kib"] for r in ours) / 1024
    growth = max(r["peak_kib"] - r["baseline_kib"] for r in ours) / 1024
    return {"files": len(files), "rows": rows, "reference_s": ref_best, "ours_s": our_best,
            "reference_rows_per_s": rows / ref_best, "ours_rows_per_s": rows / our_best,
            "ratio": our_best / ref_best, "ratio_met": our_best / ref_best <= RATIO_TARGET,
            "peak_mib": peak, "growth_mib": growth, "memory_met": peak < MEMORY_TARGET_MIB,
            "reference_runs_s": reference, "ours_runs_s": [r["seconds"] for r in ours]}


def scaling(folder: Path, work: Path) -> list[dict[str, float]]:
    out = []
    for months in ("6", "all"):
        files = pick_files(folder, months)
        r = run_ours(files, work / "scaling.db")
        out.append({"files": len(files), "rows": r["rows"], "peak_mib": r["peak_kib"] / 1024,
                    "growth_mib": (r["peak_kib"] - r["baseline_kib"]) / 1024})
    return out


def print_table(force: str, f: dict[str, Any], scale: list[dict[str, float]]) -> None:
    from rich.console import Console
    from rich.table import Table

    met = {True: "[green]met[/]", False: "[red]NOT met[/]"}
    table = Table(title=f"police.uk ingest: {force}, best of {len(f['ours_runs_s'])} runs")
    for col in ("figure", "value", "target", ""):
        table.add_column(col, justify="right" if col == "value" else "left")
    table.add_row("files / rows", f"{f['files']} / {f['rows']:,}")
    table.add_row("reference rows/s", f"{f['reference_rows_per_s']:,.0f}")
    table.add_row("ours rows/s", f"{f['ours_rows_per_s']:,.0f}")
    table.add_row("ours / reference time", f"{f['ratio']:.2f}x", f"<= {RATIO_TARGET}x",
                  met[f["ratio_met"]])
    table.add_row("peak memory", f"{f['peak_mib']:.1f} MiB", f"< {MEMORY_TARGET_MIB} MiB",
                  met[f["memory_met"]])
    table.add_row("growth over baseline", f"{f['growth_mib']:.1f} MiB")
    console = Console()
    console.print(table)
    console.print("reference runs (s): " + ", ".join(f"{s:.3f}" for s in f["reference_runs_s"]))
    console.print("ours runs (s):      " + ", ".join(f"{s:.3f}" for s in f["ours_runs_s"]))
    for s in scale:
        console.print(f"scaling: {s['files']} files, {s['rows']:,} rows -> peak "
                      f"{s['peak_mib']:.1f} MiB (+{s['growth_mib']:.1f} over baseline)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--force", default="leicestershire")
    parser.add_argument("--months", default="12", help="how many monthly files, or 'all'")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--scaling", action="store_true", help="peak memory: 6 files vs all")
    args = parser.parse_args()
    if args.months != "all" and not args.months.isdigit():
        parser.error("--months takes a number or 'all'")
    folder = args.data / args.force
    files = pick_files(folder, args.months) if folder.is_dir() else []
    if not files:
        print(f"No police.uk files in {folder}: nothing to measure.")
        return
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        figures = measure(files, args.repeat, Path(tmp))
        scale = scaling(folder, Path(tmp)) if args.scaling else []
    if args.json:
        print(json.dumps({"force": args.force, **figures, "scaling": scale}, indent=2))
    else:
        print_table(args.force, figures, scale)


if __name__ == "__main__":
    main()
