"""Generate the Kettering demo data set: monthly values, survey waves and population.

    python data/seed/generate_demo.py [--out DIR] [--check]

Writes three CSV files to DIR (default: this script's folder):

- ``demo-values.csv``      month,indicator,area,value: monthly counts, 2005-04 to 2010-03, for
  all crime, vehicle crime, domestic burglary, repeat domestic burglary, violence with injury
  (the borough and the town centre), criminal damage and arson, and ASB incidents;
- ``demo-survey.csv``      indicator,area,wave,...: the residents' survey measures NI 17 (a high
  level of perceived ASB) and "teenagers hanging around", Place Survey 2008 and a 2009/10 wave;
- ``demo-population.csv``  area,financial_year,population: FY 2005/06 to 2010/11.

THE DATA IS ILLUSTRATIVE. These are not Kettering's real figures: the report the partnership
file is written from (seed/kettering-cdrp-report-2010.txt, section 1.2) gives conclusions, not
numbers. The series are shaped so that the statistics of METHOD.md, applied with as-of month
2010-03 and the targets of kettering.toml, give the report's principal conclusions: overall
crime down; vehicle crime well down and on course for its target; domestic burglary and repeat
domestic burglary significantly up and not on course; violence with injury increased after
several years of reduction but on course; town-centre violence slightly down but not on course;
criminal damage and ASB incidents reducing (criminal damage on course); NI 17 and "teenagers
hanging around" significantly reduced, NI 17 below its target.

One compromise: repeat domestic burglary is far larger than in life (60 % of domestic burglaries,
some 15-30 a month, where a few a month is usual). The report gives it the same judgement as
domestic burglary, "significantly up" (METHOD: a significant rise of 10-20 %), and a rise of under
20 % only passes the exact Poisson test with about 250 or more a year; at a few a month it would be
"slightly up" (not significant). It is drawn as a binomial share of the domestic burglary counts,
so it never exceeds them.

Each monthly series is a log-linear trend through a few (month, level) knots, times a summer-
peaking seasonal factor, with gamma-Poisson (over-dispersed) noise drawn from
``numpy.random.default_rng(seed)``. Levels and seeds are fixed in demo_series.py. They were
chosen once, offline, by trying seeds until every judgement held with its p-value and band edge
clear of the threshold: the script itself is a straight, deterministic computation, and running
it again gives the same bytes.

``--check`` reads the written files back and prints the METHOD judgements per series (J1 period
change, J2 seasonal Mann-Kendall trend and its prior window, J3 quasi-Poisson projection against
the target, J5 survey change). The checking code is in demo_check.py and uses the reference
libraries METHOD.md names (scipy, statsmodels, pymannkendall); generating the files needs only
numpy. This script draws the figures and writes the files; what it draws from (files, months,
series, survey waves, population) is in demo_series.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

if __name__ == "__main__":  # run as a script: import the project's packages (data.seed)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from data.seed.demo_check import check_report  # noqa: E402
from data.seed.demo_series import (  # noqa: E402
    HERE,
    MONTHS,
    POPULATION,
    POPULATION_COLUMNS,
    POPULATION_FILE,
    POPULATION_YEARS,
    SERIES,
    SUMMER_PEAK,
    SURVEY_COLUMNS,
    SURVEY_FILE,
    SURVEY_SEED,
    SURVEYS,
    VALUES_COLUMNS,
    VALUES_FILE,
    Series,
    month_index,
)

# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

def expected_counts(series: Series) -> np.ndarray:
    """Expected monthly counts: log-linear between the knots, times the seasonal factor."""
    t = np.array([month_index(m) for m in MONTHS], dtype=float)
    knot_t = np.array([month_index(m) for m, _ in series.knots], dtype=float)
    knot_log = np.log([level for _, level in series.knots])
    trend = np.exp(np.interp(t, knot_t, knot_log))
    calendar = t % 12 + 1
    season = 1 + series.seasonal_amplitude * np.cos(2 * np.pi * (calendar - SUMMER_PEAK) / 12)
    return trend * season


def draw_counts(series: Series, parent: list[int] | None = None) -> list[int]:
    """Gamma-Poisson counts around the expected ones (plain Poisson if gamma_shape is None), or
    for a part of another series, binomial draws from the parent's counts."""
    rng = np.random.default_rng(series.seed)
    mu = expected_counts(series)
    if series.part_of is not None:
        if parent is None:
            raise ValueError(f"{series.indicator} is a part of {series.part_of}: give its counts")
        return [int(c) for c in rng.binomial(parent, mu)]
    if series.gamma_shape is not None:
        mu = rng.gamma(series.gamma_shape, mu / series.gamma_shape)
    return [int(c) for c in rng.poisson(mu)]


def all_counts() -> dict[tuple[str, str], list[int]]:
    """Every series' monthly counts, by (indicator, area), in the order of SERIES."""
    drawn: dict[tuple[str, str], list[int]] = {}
    for series in SERIES:
        parent = None if series.part_of is None else drawn[(series.part_of, series.area)]
        drawn[(series.indicator, series.area)] = draw_counts(series, parent)
    return drawn


def values_rows() -> list[tuple[str, str, str, int]]:
    rows = [(month, indicator, area, count) for (indicator, area), counts in all_counts().items()
            for month, count in zip(MONTHS, counts, strict=True)]
    return sorted(rows, key=lambda r: (r[1], r[2], r[0]))


def survey_rows() -> list[tuple[str, str, str, str, str, str, str, str]]:
    rng = np.random.default_rng(SURVEY_SEED)
    rows = []
    for indicator, area, wave, percent in SURVEYS:
        hits = int(rng.binomial(wave.base_n, percent / 100))
        rows.append((indicator, area, wave.wave, wave.fieldwork_end,
                     f"{100 * hits / wave.base_n:.1f}", "", str(wave.base_n),
                     f"{wave.design_effect:.1f}"))
    return sorted(rows, key=lambda r: (r[0], r[1], r[3]))


def population_rows() -> list[tuple[str, str, int]]:
    return [(area, year, people) for area, counts in sorted(POPULATION.items())
            for year, people in zip(POPULATION_YEARS, counts, strict=True)]


def _write(path: Path, header: tuple[str, ...], rows: list[Any]) -> None:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def generate(out: Path) -> list[Path]:
    """Write the three demo files to `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, tuple[str, ...], list[Any]]] = [
        (VALUES_FILE, VALUES_COLUMNS, values_rows()),
        (SURVEY_FILE, SURVEY_COLUMNS, survey_rows()),
        (POPULATION_FILE, POPULATION_COLUMNS, population_rows())]
    for name, header, rows in files:
        _write(out / name, header, rows)
    return [out / name for name, _, _ in files]


# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for the three CSV files (default: this script's folder)")
    parser.add_argument("--check", action="store_true",
                        help="also print the METHOD.md judgements of the written data")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path}")
    if args.check:
        print(check_report(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
