"""Calendar arithmetic for the statistics: months as integers, financial years, windows.

A month is held as one integer, ``year * 12 + (month - 1)``, so windows are plain ranges. A
financial year (FY) runs April to March and is written "2007/08". These helpers raise
ValueError with a short reason; the caller (briefings.assess_input) turns it into a DataError
that names the series and the field.
"""

from __future__ import annotations

import re
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_FY = re.compile(r"^(\d{4})/(\d{2})$")
APRIL = 3  # month index within a year (0 = January)


def parse_month(label: str) -> int:
    """'2010-03' -> month number; ValueError unless the label is YYYY-MM."""
    match = _MONTH.match(label) if isinstance(label, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"'{label}' is not a month written YYYY-MM (e.g. 2010-03)")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def format_month(month: int) -> str:
    """Month number -> 'YYYY-MM'."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def month_span(first: int, last: int) -> list[str]:
    """['first', 'last'] as labels: how windows are written in the output."""
    return [format_month(first), format_month(last)]


def fy_start_year(month: int) -> int:
    """The calendar year in which the financial year holding `month` starts."""
    return month // 12 if month % 12 >= APRIL else month // 12 - 1


def fy_of(month: int) -> str:
    """Month number -> its financial year, e.g. 2008-02 -> '2007/08'."""
    year = fy_start_year(month)
    return f"{year}/{(year + 1) % 100:02d}"


def parse_fy(label: str) -> int:
    """'2007/08' -> month number of its April; ValueError unless written YYYY/YY."""
    match = _FY.match(label) if isinstance(label, str) else None
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"'{label}' is not a financial year written YYYY/YY (e.g. 2007/08)")
    return int(match.group(1)) * 12 + APRIL


def fy_position(month: int) -> int:
    """Position of a month in its financial year: April 0 ... March 11."""
    return (month % 12 - APRIL) % 12


def month_name(month: str) -> str:
    """'2010-03' -> 'March 2010'."""
    return date(int(month[:4]), int(month[5:7]), 1).strftime("%B %Y")
