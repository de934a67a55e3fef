"""Monthly series and assess outputs built by hand for the chart tests, in the shape of the
shared contract of issue 13: `SeriesSpec.months` contiguous with None for a gap, and the assess
output's `spc.months`, `spc.baseline_start` and `trend_glm.fitted_months` (held months only)."""

from __future__ import annotations

import math
import random

from briefings.inputs import SeriesSpec
from briefings.months import format_month, parse_month

COVID = ("2020-03", "2021-07", "COVID-19 restrictions")


def months_from(first: str, n: int) -> list[str]:
    return [format_month(parse_month(first) + i) for i in range(n)]


def spec_of(first: str, n: int, gaps: tuple[tuple[int, int], ...] = (),
            target: dict | None = None) -> SeriesSpec:  # type: ignore[type-arg]
    """A monthly count series of n months; each gap (start, stop) is a range of indexes."""
    draw = random.Random(n)
    months = months_from(first, n)
    values: list[float | None] = [float(40 + round(10 * math.sin(i / 2)) + draw.randint(-5, 5))
                                  for i in range(n)]
    for start, stop in gaps:
        values[start:stop] = [None] * (stop - start)
    return SeriesSpec(key="burglary@p", indicator="burglary", area="p", kind="monthly",
                      name="Burglary", area_name="P", unit="count", polarity="lower-is-better",
                      sensitive=False, months=months, values=values, target=target)  # type: ignore[arg-type]


def output_of(spec: SeriesSpec, baseline_start: str | None = None, trend: bool = True
              ) -> dict:  # type: ignore[type-arg]
    """An assess output in the contract's shape: SPC and trend on the held months only."""
    held = [m for m, v in zip(spec.months, spec.values, strict=True) if v is not None]
    out = {"yoy": None, "latest_12_months": None, "projection": None,
           "spc": {"months": held, "window_months": [held[0], held[-1]],
                   "baseline_start": baseline_start or held[0],
                   "point_type": ["common_cause"] * (len(held) - 1) + ["special_cause_concern"],
                   "mean": 40.0, "lpl": 22.0, "upl": 58.0}, "trend_glm": None}
    if trend:
        out["trend_glm"] = {"seasonal_factors_apr_to_mar": [1.0] * 12, "fitted_months": held,
                            "significant": True, "seasonal_terms": False,
                            "window_months": [held[0], held[-1]],
                            "fitted_monthly": [45.0 - 0.1 * i for i in range(len(held))]}
    return out
