"""One checked monthly series of `assess`, with its gaps (METHOD 2.9), and its target.

A month not held (`null` in the input) is a gap: NaN in `counts`, never a zero. `counts_for`
refuses a gap, so that no judgement can add one in by mistake; `held_of` picks the held months
of a window and `values_for` gives monthly values with NaN for the gaps. Built by
briefings/assess_input.py, judged by briefings/assess_series.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from briefings.months import fy_of
from data.errors import DataError

HINT = "The layout is that of tests/golden/example-input.json."


@dataclass(frozen=True)
class Target:
    """A target: baseline FY, target FY, and a reduction % or a stated value."""

    baseline_fy: str | None
    target_fy: str
    reduction_pct: float | None
    target_value: float | None


@dataclass(frozen=True)
class Series:
    """One checked monthly series, cut at its as-of month."""

    where: str  # "series 'id' (series[2])", for messages
    id: str
    indicator: str
    unit: str
    polarity: str
    first: int  # month number of counts[0]
    as_of: int
    counts: np.ndarray  # whole numbers as floats, first .. as_of; NaN for a month not held
    population: Mapping[str, float] | None
    target: Target | None
    months_after_as_of: int

    def exposure(self, months: Sequence[int]) -> np.ndarray:
        """Monthly exposure: 1 for counts, population/1,000 of the month's FY for rates."""
        if self.unit == "count":
            return np.ones(len(months))
        assert self.population is not None
        missing = sorted({fy_of(m) for m in months} - set(self.population))
        if missing:
            raise DataError(f"{self.where}: 'population_by_fy' has no population for "
                            f"{', '.join(missing)}, needed for rates per 1,000.", HINT)
        return np.array([self.population[fy_of(m)] / 1000.0 for m in months])

    def is_held(self, month: int) -> bool:
        """Whether the month lies within first .. as_of and has a count (is not a gap)."""
        return self.first <= month <= self.as_of and not math.isnan(self.counts[month - self.first])

    def held_of(self, months: Sequence[int]) -> list[int]:
        """The held months among `months`, in their order."""
        return [int(m) for m in months if self.is_held(int(m))]

    def counts_for(self, months: Sequence[int]) -> np.ndarray:
        """Counts of the given month numbers, every one of them held (ValueError for a gap:
        a month not held is never read as a number)."""
        values = self.counts[np.asarray(months, dtype=int) - self.first]
        if np.isnan(values).any():
            raise ValueError(f"{self.where}: a month not held was asked for as a count")
        return values

    def values_for(self, months: Sequence[int]) -> np.ndarray:
        """Monthly values (count / exposure) of the given months, NaN for a month not held."""
        values = np.full(len(months), np.nan)
        held = [i for i, m in enumerate(months) if self.is_held(int(m))]
        if held:
            chosen = [int(months[i]) for i in held]
            values[held] = self.counts_for(chosen) / self.exposure(chosen)
        return values
