"""The month axis of a chart: tick labels that stay readable at any length, and runs of months.

A chart of up to two years is labelled by month ("Jan 2025") at its ticks, every month, second,
third ... month as room allows. A longer chart is labelled by financial year: a tick at each
April marks where a year starts, and the year's label ("2024/25") sits centred under the span
from one April to the next (under its part on the chart, when at least half of it is there),
every year, second, fifth ... year as room allows. A label under a tick reads as a date
("2005/06" under April 2005 reads as a month); a label centred between two ticks reads as the
span between them, as on a calendar or a timetable, and the axis title says the years run
April to March. Room is measured with the figure's own renderer, so labels never overlap, and a
chart of two months or more never has one lonely label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.font_manager import FontProperties

from briefings.months import APRIL, parse_month

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")
MONTHS_AS_MONTHS = 24  # a chart spanning up to this many months is labelled by month
MONTH_STEPS = (1, 2, 3, 4, 6, 12)
YEAR_STEPS = (1, 2, 3, 5, 10, 20, 50)
GAP_EMS = 1.0  # least space between two labels, in widths of the letter "m"
FY_AXIS_TITLE = "financial year (April to March)"


@dataclass
class TickSet:
    """Labels at positions (a month, or the middle of a year's span), and the April ticks that
    bound the years (none when the labels are months)."""

    at: list[float]
    labels: list[str]
    aprils: list[int] = field(default_factory=list)


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


def candidates(first: str, last_x: int) -> list[TickSet]:
    """Tick sets from the finest to the coarsest, each with at least two labels: by month first
    on a chart of up to two years, by financial year first on a longer one."""
    base = parse_month(first)
    months = [base + x for x in range(last_x + 1)]
    by_month = [TickSet([m - base for m in months if m % step == 0],
                        [month_label(m) for m in months if m % step == 0])
                for step in MONTH_STEPS]
    aprils = [m for m in months if m % 12 == APRIL]
    # a year is labelled when at least half of it is on the chart, centred on its part there
    spans = [(a, max(a - base, 0), min(a - base + 11, last_x))
             for a in range(base - 11, base + last_x + 1) if a % 12 == APRIL]
    years = [(a, (lo + hi) / 2) for a, lo, hi in spans if hi - lo + 1 >= 6]
    by_year = [TickSet([x for a, x in years if (a // 12) % step == 0],
                       [fy_label(a) for a, _ in years if (a // 12) % step == 0],
                       [a - base for a in aprils]) for step in YEAR_STEPS]
    sets = by_month + by_year if last_x + 1 <= MONTHS_AS_MONTHS else by_year + by_month
    ends = sorted({0, last_x})
    return [s for s in sets if len(s.at) >= 2] + [TickSet(
        [float(x) for x in ends], [month_label(base + x) for x in ends])]


def set_month_ticks(ax, first: str, last_x: int, fontsize: float) -> None:  # type: ignore[no-untyped-def]
    """Label the x axis with the finest tick set whose labels do not overlap (after the axis
    limits are set). Year labels are major ticks without a mark; the Aprils are minor ticks."""
    fig = ax.figure
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    font = FontProperties(size=fontsize)
    gap = renderer.get_text_width_height_descent("m", font, ismath=False)[0] * GAP_EMS
    options = candidates(first, last_x)
    chosen = next((s for s in options if _fits(ax, renderer, font, s.at, s.labels, gap)),
                  options[-1])
    ax.set_xticks(chosen.at, chosen.labels, fontsize=fontsize)
    ax.set_xticks(chosen.aprils, minor=True)
    if chosen.aprils:
        ax.tick_params(axis="x", which="major", length=0)
        ax.tick_params(axis="x", which="minor", length=7)
        ax.grid(axis="x", which="minor", color="#E4E4E4", lw=0.6)


def labelled_by_year(ax) -> bool:  # type: ignore[no-untyped-def]
    """Whether set_month_ticks labelled this axis by financial year."""
    return bool(ax.get_xticks(minor=True).size)


def _fits(ax, renderer, font, ticks: list[float], labels: list[str], gap: float) -> bool:  # type: ignore[no-untyped-def]
    centres = [ax.transData.transform((x, 0))[0] for x in ticks]
    widths = [renderer.get_text_width_height_descent(s, font, ismath=False)[0] for s in labels]
    return all(c2 - c1 >= (w1 + w2) / 2 + gap for c1, c2, w1, w2
               in zip(centres, centres[1:], widths, widths[1:], strict=False))
