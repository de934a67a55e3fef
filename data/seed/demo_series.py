"""The Kettering demo data set's fixed parameters: its files and months, and the trend knots,
seasonality, noise and seed of every monthly series, survey wave and population figure.

data/seed/generate_demo.py draws the figures from these and writes them (its docstring says what
the series are shaped to show); data/seed/demo_check.py reads the written files back with the
same months. Changing a value here changes the committed CSV files: run the generator again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTNERSHIP_FILE = HERE / "kettering.toml"
VALUES_FILE, SURVEY_FILE, POPULATION_FILE = (
    "demo-values.csv", "demo-survey.csv", "demo-population.csv")
VALUES_COLUMNS = ("month", "indicator", "area", "value")
SURVEY_COLUMNS = ("indicator", "area", "wave", "fieldwork_end", "percent", "weighted_count",
                  "base_n", "design_effect")
POPULATION_COLUMNS = ("area", "financial_year", "population")

PARTNERSHIP = "kettering"
FIRST_MONTH, AS_OF = "2005-04", "2010-03"
N_MONTHS = 60
SUMMER_PEAK = 7  # calendar month of the seasonal peak (July)


# ---------------------------------------------------------------------------------------------
# The parameters (fixed)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    """One monthly series: expected level through knots, seasonality, noise and its seed."""

    indicator: str
    area: str
    knots: tuple[tuple[str, float], ...]  # (month, expected monthly count before seasonality)
    seasonal_amplitude: float  # factor 1 + a*cos(2*pi*(month - July)/12), mean 1 over a year
    gamma_shape: float | None  # gamma-Poisson mixing shape k (variance mu + mu^2/k); None: Poisson
    seed: int
    # A series that is a part of another (same area): its knots are then the expected share, and
    # each month's count is a binomial draw from the parent's count (so never more than it).
    part_of: str | None = None


SERIES: tuple[Series, ...] = (
    # Overall crime is down: flat to mid 2008, then a fall of 6-8 % into 2009/10.
    Series("all-crime", "kettering",
           (("2005-04", 690), ("2008-06", 672), ("2009-05", 620), ("2010-03", 612)),
           0.10, 800, 0),
    # Vehicle crime is well down: slow fall, then a steep one during 2008/09 and 2009/10.
    Series("vehicle-crime", "kettering",
           (("2005-04", 94), ("2008-03", 84), ("2008-12", 80), ("2009-06", 63), ("2010-03", 58)),
           0.12, 60, 1),
    # Domestic burglary falls to 2008, then rises through 2009/10 (significantly up).
    Series("domestic-burglary", "kettering",
           (("2005-04", 36), ("2008-03", 32.5), ("2009-01", 32.5), ("2009-05", 38),
            ("2010-03", 38.5)),
           0.08, None, 0),
    # Repeat domestic burglary: a share of domestic burglary, so the same shape (its size: see
    # the module docstring).
    Series("repeat-domestic-burglary", "kettering",
           (("2005-04", 0.6), ("2010-03", 0.6)),
           0.0, None, 296, part_of="domestic-burglary"),
    # Violence with injury: several years of reduction to 2008/09, then an increase in 2009/10.
    Series("violence-with-injury", "kettering",
           (("2005-04", 66), ("2007-09", 55), ("2008-09", 41), ("2009-04", 49), ("2010-03", 50)),
           0.15, 150, 0),
    # Town-centre violence: rose in 2008/09, a little lower in 2009/10 (not on course).
    Series("violence-with-injury", "town-centre",
           (("2005-04", 13), ("2007-09", 12.5), ("2008-09", 15.5), ("2009-06", 14),
            ("2010-03", 14)),
           0.15, None, 0),
    # Criminal damage and arson: a steady reduction of about 10 % a year.
    Series("criminal-damage-arson", "kettering",
           (("2005-04", 185), ("2007-04", 168), ("2010-03", 125)),
           0.15, 150, 0),
    # ASB incidents: strongly seasonal, reducing by about 8 % a year since 2007.
    Series("anti-social-behaviour", "kettering",
           (("2005-04", 560), ("2007-04", 560), ("2010-03", 440)),
           0.25, 120, 0),
)


@dataclass(frozen=True)
class Wave:
    wave: str
    fieldwork_end: str
    base_n: int
    design_effect: float


PLACE_SURVEY_2008 = Wave("2008", "2008-12", 1104, 1.3)
WAVE_2009_10 = Wave("2009/10", "2010-02", 1012, 1.3)

# (indicator, area, wave, expected percent); the reported percent is a binomial draw around it.
SURVEYS: tuple[tuple[str, str, Wave, float], ...] = (
    ("asb-perception", "kettering", PLACE_SURVEY_2008, 24.5),
    ("asb-perception", "kettering", WAVE_2009_10, 17.5),
    ("teenagers-hanging-around", "kettering", PLACE_SURVEY_2008, 38.0),
    ("teenagers-hanging-around", "kettering", WAVE_2009_10, 31.0),
)
SURVEY_SEED = 0

# Mid-year population estimates by financial year (rounded): the borough and the town centre.
POPULATION: dict[str, tuple[int, ...]] = {
    "kettering": (86900, 87500, 88100, 88600, 89200, 89800),
    "town-centre": (5930, 5960, 5990, 6020, 6060, 6090),
}
POPULATION_YEARS = ("2005/06", "2006/07", "2007/08", "2008/09", "2009/10", "2010/11")


# ---------------------------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------------------------

def month_index(label: str) -> int:
    """'2005-04' -> months since year 0 (a plain ordinal, so differences are month counts)."""
    year, month = label.split("-")
    return int(year) * 12 + int(month) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def financial_year(index: int) -> str:
    """Financial year (April-March) of a month index, e.g. '2007/08'."""
    start = index // 12 if index % 12 >= 3 else index // 12 - 1
    return f"{start}/{(start + 1) % 100:02d}"


MONTHS = [month_label(month_index(FIRST_MONTH) + i) for i in range(N_MONTHS)]
