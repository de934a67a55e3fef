"""The month axis of a chart: tick labels that stay readable at any length, and runs of months.

A chart of up to two years is labelled by month ("Jan 2025"), every month, second, third ...
month as room allows; a longer chart by financial year ("2024/25" at each April), every year,
second, fifth ... year as room allows. Room is measured with the figure's own renderer, so
labels never overlap, and a chart of two months or more never has one lonely label.
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.font_manager import FontProperties

from briefings.months import APRIL, parse_month

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")
MONTHS_AS_MONTHS = 24  # a chart spanning up to this many months is labelled by month
MONTH_STEPS = (1, 2, 3, 4, 6, 12)
YEAR_STEPS = (1, 2, 3, 5, 10, 20, 50)
GAP_EMS = 1.0  # least space between two labels, in widths of the letter "m"


def month_x(month: str, first: str) -> int:
    """Position of a month on the axis: months after the chart's first month."""
    return parse_month(month) - parse_month(first)


def runs(xs: list[int]) -> list[tuple[int, int]]:
    """Consecutive positions grouped into (first, last) runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    found: list[tuple[int, int]] = []
    for x in sorted(xs):
        if found and x == found[-1][1] + 1:
            found[-1] = (found[-1][0], x)
        else:
            found.append((x, x))
    return found


def month_label(month: int) -> str:
    """Month number -> 'Jan 2025'."""
    return f"{MONTH_NAMES[month % 12]} {month // 12}"


def fy_label(month: int) -> str:
    """Month number of an April -> '2024/25'."""
    year = month // 12
    return f"{year}/{(year + 1) % 100:02d}"


def candidates(first: str, last_x: int) -> list[tuple[list[int], list[str]]]:
    """Tick sets from the finest to the coarsest, each with at least two ticks."""
    base = parse_month(first)
    months = [base + x for x in range(last_x + 1)]
    by_month = [[m for m in months if m % step == 0] for step in MONTH_STEPS]
    aprils = [m for m in months if m % 12 == APRIL]
    by_year = [[m for m in aprils if (m // 12) % step == 0] for step in YEAR_STEPS]
    sets = [(s, month_label) for s in by_month] + [(s, fy_label) for s in by_year]
    if last_x + 1 > MONTHS_AS_MONTHS:
        sets = sets[len(by_month):] + sets[:len(by_month)]
    found = [([m - base for m in s], [label(m) for m in s]) for s, label in sets if len(s) >= 2]
    ends = sorted({0, last_x})
    return found + [(ends, [month_label(base + x) for x in ends])]


def set_month_ticks(ax, first: str, last_x: int, fontsize: float) -> None:  # type: ignore[no-untyped-def]
    """Label the x axis with the finest tick set whose labels do not overlap (after the axis
    limits are set)."""
    fig = ax.figure
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    font = FontProperties(size=fontsize)
    gap = renderer.get_text_width_height_descent("m", font, ismath=False)[0] * GAP_EMS
    options = candidates(first, last_x)
    for ticks, labels in options:
        if _fits(ax, renderer, font, ticks, labels, gap):
            break
    else:
        ticks, labels = options[-1]
    ax.set_xticks(ticks, labels, fontsize=fontsize)


def _fits(ax, renderer, font, ticks: list[int], labels: list[str], gap: float) -> bool:  # type: ignore[no-untyped-def]
    centres = [ax.transData.transform((x, 0))[0] for x in ticks]
    widths = [renderer.get_text_width_height_descent(s, font, ismath=False)[0] for s in labels]
    return all(c2 - c1 >= (w1 + w2) / 2 + gap for c1, c2, w1, w2
               in zip(centres, centres[1:], widths, widths[1:], strict=False))
