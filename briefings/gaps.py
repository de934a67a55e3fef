"""METHOD 2.9 (J0) in the statistics: which months of a series with gaps each judgement uses.

J1 compares the calendar months held in both 12-month windows when at most 3 are missing from
one or the other; with more missing it gives the latest month against the same month a year
earlier (the exact test of J1, one month each) and the latest 12-month total when all 12 are
held. J2 and J3 need at least 24 held months with every calendar month held twice; otherwise
`trend_gap_reason` says why not. In J4 a gap longer than 3 months starts a new baseline.
A series without gaps passes every rule unchanged. Used by briefings/assess_series.py.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from typing import Any

from briefings.held_series import Series
from briefings.method import MethodSettings
from briefings.months import format_month
from briefings.period import exact_poisson_pvalues
from data.words import counted

MAX_MISSING = 3  # calendar months missing from either J1 window that matched months bridge
LONG_GAP = 3  # a gap of more months than this starts a new SPC baseline
TWICE = 2  # every calendar month held at least this often for a trend


def matched_positions(s: Series, current: Sequence[int], previous: Sequence[int]) -> list[int]:
    """Positions i where both current[i] and previous[i] (the same calendar month) are held."""
    return [i for i, (c, p) in enumerate(zip(current, previous, strict=True))
            if s.is_held(c) and s.is_held(p)]


def can_match(length: int, matched: int) -> bool:
    """J1 may run on the matched months: at most MAX_MISSING missing, and some left."""
    return matched > 0 and length - matched <= MAX_MISSING


def same_month_last_year(s: Series, settings: MethodSettings) -> dict[str, Any] | None:
    """The as-of month against the same month a year earlier, or None when either is a gap.

    The p-value is J1's exact conditional Poisson test (binomial on c1 + c2) with the two
    months' exposures; one month each leaves no dispersion to estimate.
    """
    month, before = s.as_of, s.as_of - 12
    if not (s.is_held(month) and s.is_held(before)):
        return None
    c1, c2 = (int(c) for c in s.counts_for([month, before]))
    e1, e2 = (float(e) for e in s.exposure([month, before]))
    p_value = exact_poisson_pvalues(c1, e1, c2, e2)[0]
    return {"month": format_month(month), "count_current": c1, "count_previous": c2,
            "p_value": p_value, "significant": p_value < settings.alpha}


def latest_twelve(s: Series) -> dict[str, Any] | None:
    """{first, last, total} of the latest 12 months when all 12 are held, else None."""
    months = list(range(s.as_of - 11, s.as_of + 1))
    if len(s.held_of(months)) < len(months):
        return None
    return {"first": format_month(months[0]), "last": format_month(months[-1]),
            "total": int(s.counts_for(months).sum())}


def trend_gap_reason(s: Series, months: Sequence[int], settings: MethodSettings) -> str | None:
    """Why the held months of a J2/J3 window do not suffice (None when they do)."""
    held = s.held_of(months)
    if len(held) == len(months):
        return None
    span = f"{format_month(months[0])} to {format_month(months[-1])}"
    if len(held) < settings.min_months_trend:
        return (f"only {len(held)} of the {len(months)} months from {span} "
                f"{'is' if len(held) == 1 else 'are'} held, and "
                f"{settings.min_months_trend} are needed")
    times = Counter(m % 12 for m in held)
    thin = [calendar.month_name[k + 1] for k in range(12) if times[k] < TWICE]
    if thin:
        names = thin[0] if len(thin) == 1 else ", ".join(thin[:-1]) + " and " + thin[-1]
        return (f"{names} {'is' if len(thin) == 1 else 'are'} held fewer than twice in "
                f"{span} (every calendar month must be held at least twice)")
    return None


def spc_baseline(s: Series, months: Sequence[int]) -> tuple[list[int], tuple[int, int] | None]:
    """J4 points: the held months of the window from the start of its baseline, and the last
    gap longer than LONG_GAP months (its first and last month) that started it, if any."""
    held = s.held_of(months)
    start, gap = 0, None
    for i in range(1, len(held)):
        if held[i] - held[i - 1] - 1 > LONG_GAP:
            start, gap = i, (held[i - 1] + 1, held[i] - 1)
    return held[start:], gap


def gap_words(first: int, last: int) -> str:
    """'2009-01 to 2009-04 (4 months)', or '2009-01' for one month."""
    if first == last:
        return format_month(first)
    return f"{format_month(first)} to {format_month(last)} ({counted(last - first + 1, 'month')})"
