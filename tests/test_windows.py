"""The two 12-month windows of "where" and "compared with what" answers (data/windows.py)."""

from __future__ import annotations

from data.queries import month_range
from data.windows import comparison_window


def test_with_every_month_held_the_windows_are_the_latest_12_and_the_12_before() -> None:
    window = comparison_window(month_range("2023-01", "2025-12"), "2025-12")
    assert window.current == month_range("2025-01", "2025-12")
    assert window.previous == month_range("2024-01", "2024-12")
    assert window.matched == 12 and window.problem is None and window.missing == []
    assert window.words() == "2025-01 to 2025-12 against 2024-01 to 2024-12"


def test_up_to_three_calendar_months_missing_leaves_the_matched_months() -> None:
    held = [m for m in month_range("2023-01", "2025-12") if m not in
            ("2024-03", "2025-07", "2025-08")]
    window = comparison_window(held, "2025-12")
    assert window.matched == 9
    assert "2025-03" not in window.current and "2024-07" not in window.previous
    assert window.words().endswith("based on 9 matched months (2024-03, 2025-07..2025-08 not "
                                   "held)")


def test_more_missing_gives_no_comparison_and_says_why() -> None:
    held = [m for m in month_range("2023-01", "2025-12") if not "2024-05" <= m <= "2024-12"]
    window = comparison_window(held, "2025-12")
    assert window.current == [] and window.matched == 0
    assert window.problem == ("8 of the 24 months from 2024-01 to 2025-12 are not held "
                              "(2024-05..2024-12): too many to compare the latest 12 months "
                              "with the 12 before")
