"""Charts of the briefing: matplotlib's Figure API on the Agg canvas (never pyplot), PNG bytes.

One chart per indicator (drawn by briefings.chart_draw): monthly values, the normal range (XmR
process limits) with unusual months coloured as NHS Making Data Count does, the trend where it
says something, its projection and 95% range to the target year, and the target, over the whole
history held, with every colour and marker named in a legend. A month with no data is a break
in the line and a light grey band ("no data"), never a zero; known events (`ChartData.context`)
are shaded bands named in the legend. The month axis is labelled by briefings.chart_axis. An
overview puts every indicator on one page under one shared key. Each chart comes with alt text
and its data as a table, for screen readers and for readers who want the numbers.

Sizes are chosen for the printed page: a figure is as wide as the text of an A4 page
(briefings' HTML prints on A4 with 14 mm margins, and an image never prints wider than that),
so a font of TEXT_PT points prints at TEXT_PT points, and at least 9.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from briefings.chart_draw import (
    COMMON,
    IMPROVEMENT,
    TARGET,
    draw_series,
    legend_entries,
    visible_context,
)
from briefings.model import Chart

__all__ = ["ChartData", "draw_indicator_chart", "draw_overview", "draw_survey_chart",
           "visible_context"]

MAX_PNG_BYTES = 200_000
PRINTED_WIDTH_IN = (210 - 2 * 14) / 25.4  # the text of an A4 page with 14 mm margins
FIG_WIDTH_IN = 7.1  # the overview: a little under PRINTED_WIDTH_IN, printed at its own size
INDICATOR_PRINT_MM = 132  # an indicator's chart in the board paper (bot/paper/style.py) ...
SURVEY_PRINT_MM = 120  # ... and a survey's: each figure is made that wide, so that its text
INDICATOR_WIDTH_IN = INDICATOR_PRINT_MM / 25.4  # prints at its own size
SURVEY_WIDTH_IN = SURVEY_PRINT_MM / 25.4
DPI = 120  # 852 pixels wide: wider than the printed column at 96 CSS pixels an inch
TEXT_PT = 9.5  # ticks, legends and axis titles
TITLE_PT = 12


@dataclass
class ChartData:
    """Everything one indicator's chart shows. Months are 'YYYY-MM'; lists are aligned.
    `months` runs without a break from the first month to the last; a month with no data has
    the value None (drawn as a break in the line, never as a zero). The SPC and trend lists
    carry their own months (held months only)."""

    title: str
    unit: str
    months: list[str]
    values: list[float | None]
    point_types: list[str] = field(default_factory=list)  # improvement / concern / common_cause
    spc_months: list[str] = field(default_factory=list)
    # XmR centre line and process limits per SPC month: flat on seasonally adjusted data, or
    # following the seasons when the limits are put back on the scale of the raw counts.
    mean: list[float] = field(default_factory=list)
    lower_limit: list[float] = field(default_factory=list)
    upper_limit: list[float] = field(default_factory=list)
    fitted_months: list[str] = field(default_factory=list)
    fitted: list[float] = field(default_factory=list)
    projection_months: list[str] = field(default_factory=list)
    projection: list[float] = field(default_factory=list)
    projection_low: list[float] = field(default_factory=list)
    projection_high: list[float] = field(default_factory=list)
    target_monthly: float | None = None
    target_label: str = ""
    # Known events drawn as shaded spans: (first month, last month, short label).
    context: list[tuple[str, str, str]] = field(default_factory=list)
    # The trend model kept month effects: the limits follow the seasons, and the trend and
    # projection are given with the seasons evened out (monthly averages).
    seasonal: bool = False


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    return buffer.getvalue()


def draw_indicator_chart(name: str, data: ChartData, alt_text: str) -> Chart:
    """One indicator's chart (852 pixels wide)."""
    png = _png(indicator_figure(data))
    headers, rows = chart_table(data)
    return Chart(name, png, alt_text, headers, rows)


def _key(fig: Figure, axes: list, top_in: float, plot_in: float, below_in: float,  # type: ignore[type-arg]
         short: bool = False) -> None:
    """One legend for the figure under its plots, as many columns as fit its width; the figure
    is made tall enough for it: top_in of title, plot_in of plots, below_in of tick labels."""
    handles, labels = legend_entries(axes, short)
    renderer = FigureCanvasAgg(fig).get_renderer()
    legend = None
    for columns in (4, 3, 2, 1):
        if legend is not None:
            legend.remove()
        legend = fig.legend(handles, labels, loc="lower center", ncols=columns, frameon=False,
                            fontsize=TEXT_PT, bbox_to_anchor=(0.5, 0.0), columnspacing=0.9,
                            handlelength=1.8, handletextpad=0.5)
        if legend.get_window_extent(renderer).width <= fig.bbox.width * 0.98:
            break
    assert legend is not None  # made at least once: the loop runs for one column at least
    key_in = legend.get_window_extent(renderer).height / fig.dpi + 0.05
    height = top_in + plot_in + below_in + key_in
    fig.set_size_inches(fig.get_figwidth(), height)
    fig.subplots_adjust(top=1 - top_in / height, bottom=(below_in + key_in) / height)


def indicator_figure(data: ChartData) -> Figure:
    """The Figure of one indicator's chart, before it becomes a PNG."""
    fig = Figure(figsize=(INDICATOR_WIDTH_IN, 4.3), dpi=DPI)
    fig.subplots_adjust(left=0.75 / INDICATOR_WIDTH_IN, right=0.98)
    ax = fig.add_subplot()
    draw_series(ax, data, TEXT_PT)
    title = _wrapped(data.title, INDICATOR_WIDTH_IN)
    ax.set_title(title, loc="left", fontsize=TITLE_PT)
    ax.set_ylabel(data.unit, fontsize=TEXT_PT)
    _key(fig, [ax], 0.32 + 0.2 * title.count("\n"), 1.45, 0.58 if ax.get_xlabel() else 0.4)
    return fig


def _wrapped(title: str, width_in: float) -> str:
    """The title in lines that fit the figure's width, broken between words."""
    return textwrap.fill(title, max(20, int(width_in * 72 / (TITLE_PT * 0.58))))


def draw_overview(charts: list[tuple[str, ChartData]], title: str, alt_text: str) -> Chart:
    """Every indicator on one page, small multiples in three columns, one key."""
    rows = [[name, data.months[-1], _fmt(next((v for v in reversed(data.values)
                                                  if v is not None), None))]
            for name, data in charts]
    return Chart("overview", _png(overview_figure([d for _, d in charts], title)), alt_text,
                 ["indicator", "latest month", "latest value"], rows)


def overview_figure(charts: list[ChartData], title: str) -> Figure:
    """The Figure of the overview, before it becomes a PNG."""
    columns = 3
    lines = -(-len(charts) // columns) or 1
    fig = Figure(figsize=(FIG_WIDTH_IN, 2.1 * lines + 1.5), dpi=DPI)
    fig.subplots_adjust(left=0.07, right=0.96, hspace=0.8, wspace=0.32)
    axes = []
    for n, data in enumerate(charts):
        ax = fig.add_subplot(lines, columns, n + 1)
        draw_series(ax, data, 9, compact=True)
        ax.set_title(textwrap.fill(data.title, 27), loc="left", fontsize=TEXT_PT)
        axes.append(ax)
    _key(fig, axes, 1.2, 2.1 * lines - 0.65, 0.45, short=True)
    height = fig.get_figheight()
    fig.suptitle(title, fontsize=TITLE_PT, x=0.01, y=1 - 0.08 / height, ha="left", va="top")
    fig.text(0.01, 1 - 0.42 / height, "Years are financial years (April to March); each chart "
             "has its own scale; on a seasonal indicator the normal range follows the seasons "
             "and the trend evens them out.", fontsize=TEXT_PT, color="#333333", va="top",
             wrap=True)
    return fig


def draw_survey_chart(name: str, title: str, waves: list[tuple[str, float, float, float]],
                      target: float | None, alt_text: str) -> Chart:
    """Survey waves as points with their 95% (Wilson) intervals, and the target."""
    title = _wrapped(title, SURVEY_WIDTH_IN)
    height = 3.0 + 0.2 * title.count("\n")
    fig = Figure(figsize=(SURVEY_WIDTH_IN, height), dpi=DPI)
    fig.subplots_adjust(left=0.16, right=0.97, bottom=0.39 / height, top=1 - 0.45 / height
                        - 0.2 * title.count("\n") / height)
    ax = fig.add_subplot()
    xs = list(range(len(waves)))
    pcts = [w[1] for w in waves]
    ax.errorbar(xs, pcts, yerr=[[p - w[2] for p, w in zip(pcts, waves, strict=True)],
                                [w[3] - p for p, w in zip(pcts, waves, strict=True)]],
                fmt="o", color=IMPROVEMENT, ecolor=COMMON, capsize=4,
                label="% of residents, with its 95% interval")
    if target is not None:
        ax.axhline(target, color=TARGET, lw=1.4, ls="-.", label=f"target {target:g}%")
    ax.set_xticks(xs, [w[0] for w in waves], fontsize=TEXT_PT)
    ax.tick_params(axis="y", labelsize=TEXT_PT)
    ax.set_xlim(-0.6, len(waves) - 0.4)
    ax.set_ylim(0, max([w[3] for w in waves] + [target or 0]) * 1.35)
    ax.set_ylabel("% of residents", fontsize=TEXT_PT)
    ax.set_title(title, loc="left", fontsize=TITLE_PT)
    ax.legend(fontsize=TEXT_PT, frameon=False, loc="upper right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    rows = [[w[0], f"{w[1]:.1f}%", f"{w[2]:.1f}% to {w[3]:.1f}%"] for w in waves]
    return Chart(name, _png(fig), alt_text, ["wave", "percent", "95% interval"], rows)


def _fmt(value: float | None) -> str:
    if value is None:
        return "no data"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def chart_table(data: ChartData) -> tuple[list[str], list[list[str]]]:
    """The chart's data: one row per month shown, a month with no data marked "no data"."""
    spc = dict(zip(data.spc_months, data.point_types, strict=False))
    fitted = dict(zip(data.fitted_months, data.fitted, strict=True))
    rows = [[m, _fmt(v), spc.get(m, "").replace("_", " "), _fmt(fitted[m]) if m in fitted
             else ""] for m, v in zip(data.months, data.values, strict=True)]
    for m, v, lo, hi in zip(data.projection_months, data.projection,
                            data.projection_low or data.projection,
                            data.projection_high or data.projection, strict=True):
        rows.append([m, "", "", f"{v:,.1f} ({lo:,.1f} to {hi:,.1f})"])
    trend = "trend / projection" + (", seasons evened out" if data.seasonal else "")
    return ["month", "value", "SPC signal", f"{trend} (95% band)"], rows
