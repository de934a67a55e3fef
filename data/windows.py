"""The two 12-month windows a "where" or "compared with what" answer sets side by side, held
months only (METHOD 2.9): the latest 12 months to the month asked for against the 12 before,
or, when up to 3 calendar months are missing from either, the calendar months held in both
(matched months). With more missing there is no comparison, and `Window.problem` says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.queries import as_ranges, month_range

MAX_MISSING = 3  # calendar months that may be missing from the two windows together


@dataclass(frozen=True)
class Window:
    """The months compared: `current[i]` and `previous[i]` are the same calendar month a year
    apart, both held. `matched` is how many calendar months are compared (12 with no gap)."""

    month: str  # the month asked for, the last of the current window
    current: list[str]
    previous: list[str]
    missing: list[str]  # months of either window that are not held
    problem: str | None = None  # why there is no comparison (too many months missing)

    @property
    def matched(self) -> int:
        return len(self.current)

    def words(self) -> str:
        """'2025-01 to 2025-12 against 2024-01 to 2024-12', and the matched months if fewer."""
        text = (f"{self.current[0]} to {self.current[-1]} against {self.previous[0]} to "
                f"{self.previous[-1]}") if self.current else ""
        if self.current and self.matched < 12:
            text += f", based on {self.matched} matched months ({as_ranges(self.missing)} not held)"
        return text


def year_before(month: str) -> str:
    return f"{int(month[:4]) - 1:04d}{month[4:]}"


def comparison_window(held: list[str], month: str) -> Window:
    """The latest 12 months to `month` against the 12 before, over the months held."""
    current = month_range(year_before(month), month)[1:]
    previous = [year_before(m) for m in current]
    have = set(held)
    missing = [m for m in previous + current if m not in have]
    pairs = [(c, p) for c, p in zip(current, previous, strict=True) if c in have and p in have]
    if len({m[5:] for m in missing}) > MAX_MISSING:
        return Window(month, [], [], missing, f"{len(missing)} of the 24 months from "
                      f"{previous[0]} to {month} are not held ({as_ranges(missing)}): too many "
                      "to compare the latest 12 months with the 12 before")
    return Window(month, [c for c, _ in pairs], [p for _, p in pairs], missing)
