"""A benchmark store: one partnership of 40 areas holding ten years of every built-in indicator.

The partnership ("benchford") has 39 sub-areas, each given as three made-up LSOA codes, an admin
with a Slack id, and one Slack channel (C0BENCH001). Its values CSV holds 120 months (2015-04 to
2025-03) of every police.uk indicator (data/catalogue.py POLICE_TYPES) and the derived ones
(all-crime, serious-acquisitive-crime) for all 40 areas: seeded random counts with seasonality,
each sub-area its own level (burglary 20-60 a month), the partnership the sum of its sub-areas.
Both files are loaded through the real CLI in process (`partnership load`, `ingest values`).

    .venv/bin/python bench/slack_store.py DIR   # builds DIR/csp.db and prints its size
"""

from __future__ import annotations

import csv
import math
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from bot.cli.main import cli  # noqa: E402
from data.catalogue import DERIVED, POLICE_TYPES  # noqa: E402

PID, NAME = "benchford", "Benchford Community Safety Partnership"
CHANNEL = "C0BENCH001"
ADMIN = "U0BENCHADM"
SUB_AREAS = 39
MONTHS = [f"{2015 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(120)]  # 2015-04..
SEED = 20250401
# Monthly counts in one sub-area: (low, high) of the level, seasonal amplitude, peak month.
LEVELS: dict[str, tuple[float, float, float, int]] = {
    "anti-social-behaviour": (40, 120, 0.30, 7),
    "bicycle-theft": (2, 10, 0.40, 7),
    "burglary": (20, 60, 0.25, 12),
    "criminal-damage-arson": (15, 45, 0.15, 10),
    "drugs": (3, 15, 0.10, 6),
    "other-crime": (2, 8, 0.10, 6),
    "other-theft": (15, 45, 0.15, 8),
    "possession-of-weapons": (1, 5, 0.10, 6),
    "public-order": (10, 35, 0.20, 7),
    "robbery": (1, 6, 0.20, 12),
    "shoplifting": (10, 50, 0.15, 12),
    "theft-from-the-person": (1, 8, 0.15, 12),
    "vehicle-crime": (15, 45, 0.20, 11),
    "violent-crime": (50, 140, 0.20, 7),
}


@dataclass
class Area:
    id: str
    name: str
    lsoas: list[str]


@dataclass
class Store:
    path: Path
    areas: list[Area]  # the partnership first, then the sub-areas
    rows: int  # rows of the values CSV
    indicators: list[str]
    seconds: float  # building took

    @property
    def megabytes(self) -> float:
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*")) / 1e6


def make_areas() -> list[Area]:
    subs = [Area(f"ward-{n:02d}", f"Ward {n:02d}",
                 [f"E0{1090000 + 3 * n + k:07d}" for k in range(3)])
            for n in range(1, SUB_AREAS + 1)]
    return [Area(PID, NAME, [c for a in subs for c in a.lsoas]), *subs]


def partnership_toml(areas: list[Area]) -> str:
    quoted = ", ".join(f'"{c}"' for c in areas[0].lsoas)
    lines = ["[partnership]", f'id = "{PID}"', f'name = "{NAME}"', f"lsoas = [{quoted}]",
             f'slack_channels = ["{CHANNEL}"]', ""]
    for a in areas[1:]:
        codes = ", ".join(f'"{c}"' for c in a.lsoas)
        lines += ["[[areas]]", f'id = "{a.id}"', f'name = "{a.name}"', f"lsoas = [{codes}]", ""]
    lines += ["[[agencies]]", 'id = "police"', 'name = "Benchford Police"', 'kind = "police"', "",
              "[[agencies]]", 'id = "council"', 'name = "Benchford Council"',
              'kind = "council"', "",
              "[[people]]", 'id = "admin"', 'name = "Bench Admin"', 'agency = "council"',
              'role = "admin"', f'slack = "{ADMIN}"', "",
              "[[people]]", 'id = "police-lead"', 'name = "Bench Inspector"',
              'agency = "police"', 'role = "lead"', 'slack = "U0BENCHPOL"', ""]
    return "\n".join(lines)


def monthly_values(areas: list[Area]) -> dict[tuple[str, str], list[int]]:
    """(indicator, area id) -> 120 counts; the partnership is the sum of its sub-areas."""
    rng = random.Random(SEED)
    out: dict[tuple[str, str], list[int]] = {}
    for slug, (low, high, amplitude, peak) in LEVELS.items():
        for area in areas[1:]:
            level = rng.uniform(low + (high - low) * 0.3, high - (high - low) * 0.3)
            drift = rng.uniform(-0.15, 0.10)  # over the ten years
            counts = []
            for m, month in enumerate(MONTHS):
                season = 1 + amplitude * math.cos(2 * math.pi * (int(month[5:]) - peak) / 12)
                mean = level * season * (1 + drift * m / len(MONTHS))
                value = round(rng.gauss(mean, math.sqrt(mean)))
                counts.append(min(int(high), max(int(low), value)))
            out[(slug, area.id)] = counts
        out[(slug, PID)] = [sum(out[(slug, a.id)][m] for a in areas[1:])
                            for m in range(len(MONTHS))]
    for derived in DERIVED:
        for area in areas:
            out[(derived.slug, area.id)] = [sum(out[(c, area.id)][m] for c in derived.components)
                                            for m in range(len(MONTHS))]
    return out


def write_values(path: Path, areas: list[Area]) -> tuple[int, list[str]]:
    values = monthly_values(areas)
    slugs = [i.slug for i in POLICE_TYPES] + [i.slug for i in DERIVED]
    missing = set(LEVELS) ^ {i.slug for i in POLICE_TYPES}
    if missing:
        raise SystemExit(f"bench/slack_store.py LEVELS and POLICE_TYPES differ: {missing}")
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["month", "indicator", "area", "value"])
        rows = 0
        for slug in slugs:
            for area in areas:
                for month, value in zip(MONTHS, values[(slug, area.id)], strict=True):
                    out.writerow([month, slug, area.id, value])
                    rows += 1
    return rows, slugs


def build_store(folder: Path) -> Store:
    """Write the partnership file and the values CSV into `folder`, load them into csp.db."""
    start = time.perf_counter()
    areas = make_areas()
    toml, values, db = folder / f"{PID}.toml", folder / f"{PID}-values.csv", folder / "csp.db"
    toml.write_text(partnership_toml(areas), encoding="utf-8")
    rows, slugs = write_values(values, areas)
    runner = CliRunner()
    for args in (["partnership", "load", str(toml)],
                 ["ingest", "values", str(values), "--partnership", PID]):
        done = runner.invoke(cli, ["--db", str(db), *args])
        if done.exit_code != 0:
            raise SystemExit(f"`cspbot {' '.join(args)}` failed ({done.exit_code}):\n"
                             f"{done.output}{done.exception or ''}")
    return Store(db, areas, rows, slugs, time.perf_counter() - start)


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: bench/slack_store.py DIR")
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    store = build_store(folder)
    print(f"{store.path}: {store.rows:,} values ({len(store.indicators)} indicators x "
          f"{len(store.areas)} areas x {len(MONTHS)} months), {store.megabytes:.1f} MB, "
          f"built in {store.seconds:.1f} s")


if __name__ == "__main__":
    main()
