"""Charts of the briefing: matplotlib's Figure API on the Agg canvas (never pyplot), PNG bytes.

One chart per indicator: monthly values, the XmR mean and process limits with special-cause
points coloured as NHS Making Data Count does (improvement blue, concern orange, common cause
grey), the fitted trend with its projection and 95% band to the target year, and the target,
over the whole history held. A month with no data is a break in the line and a light grey band
("no data"), never a zero; known events (`ChartData.context`) are shaded bands named in the
legend. The month axis is labelled by briefings.chart_axis. An overview puts every indicator
on one page. Each chart comes with alt text and its data as a table, for screen readers and
for readers who want the numbers.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from math import nan as NAN

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from briefings.chart_axis import month_x, runs, set_month_ticks
from briefings.model import Chart

# NHS Making Data Count colours (as in NHSRplotthedots).
COMMON = "#7B7D7D"
IMPROVEMENT = "#289DE0"
CONCERN = "#FAB428"
LIMITS = "#DE1B1B"
TARGET = "#361475"
TREND = "#1B7837"
GAP = "#C8C8C8"  # months with no data
CONTEXT = ("#C9B8E8", "#F6D8AE", "#B9DDD3")  # context spans, one colour per label
POINT_COLOURS = {"improvement": IMPROVEMENT, "concern": CONCERN, "common_cause": COMMON}
MAX_PNG_BYTES = 200_000


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


def _on_axis(months: list[str], values: list[float], first: str) -> tuple[list[int], list[float]]:
    """Points at their months, every month between them present: NaN (a break) where none."""
    if not months:
        return [], []
    at = {month_x(m, first): v for m, v in zip(months, values, strict=True)}
    xs = list(range(min(at), max(at) + 1))
    return xs, [NAN if at.get(x) is None else at[x] for x in xs]


def _draw(ax, data: ChartData, compact: bool = False) -> None:  # type: ignore[no-untyped-def]
    first = data.months[0]
    xs, ys = _on_axis(data.months, data.values, first)
    ax.plot(xs, ys, color=COMMON, lw=1, zorder=2)
    kinds = dict(zip(data.spc_months, data.point_types, strict=False))
    held = [(month_x(m, first), v, m) for m, v in zip(data.months, data.values, strict=True)
            if v is not None]
    ax.scatter([x for x, _, _ in held], [v for _, v, _ in held], s=10 if compact else 16,
               c=[POINT_COLOURS.get(kinds.get(m, "common_cause"), COMMON) for _, _, m in held],
               zorder=3)
    _shade(ax, data, first)
    if data.mean and data.spc_months:
        ax.plot(*_on_axis(data.spc_months, data.mean, first), color=COMMON, lw=0.9, ls="-",
                label="mean (SPC)")
        ax.plot(*_on_axis(data.spc_months, data.lower_limit, first), color=LIMITS, lw=0.8,
                ls="--", label="process limits")
        ax.plot(*_on_axis(data.spc_months, data.upper_limit, first), color=LIMITS, lw=0.8,
                ls="--")
    if data.fitted:
        ax.plot(*_on_axis(data.fitted_months, data.fitted, first), color=TREND, lw=1.2,
                label="trend")
    if data.projection:
        px = [month_x(m, first) for m in data.projection_months]
        ax.plot(px, data.projection, color=TREND, lw=1.2, ls=":", label="projection")
        if data.projection_low:
            ax.fill_between(px, data.projection_low, data.projection_high, color=TREND,
                            alpha=0.15, lw=0, label="95% band")
    if data.target_monthly is not None:
        tx = ([month_x(data.projection_months[0], first),
               month_x(data.projection_months[-1], first)]
              if data.projection_months else [xs[0], xs[-1]])
        ax.plot(tx, [data.target_monthly] * 2, color=TARGET, lw=1.6, ls="-.",
                label=data.target_label or "target")
    last = max([xs[-1]] + [month_x(m, first) for m in data.projection_months])
    ax.set_xlim(-1, last + 1)
    set_month_ticks(ax, first, last, 7 if compact else 8)
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="y", labelsize=7 if compact else 8)
    ax.grid(axis="y", color="#DDDDDD", lw=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _shade(ax, data: ChartData, first: str) -> None:  # type: ignore[no-untyped-def]
    """Months with no data, and the context spans, as light bands behind the line."""
    missing = [month_x(m, first) for m, v in zip(data.months, data.values, strict=True)
               if v is None]
    for n, (a, b) in enumerate(runs(missing)):
        ax.axvspan(a - 0.5, b + 0.5, color=GAP, alpha=0.5, lw=0, zorder=0,
                   label=None if n else "no data")
    colours: dict[str, str] = {}
    for start, end, label in visible_context(data):
        shown = label in colours
        colour = colours.setdefault(label, CONTEXT[len(colours) % len(CONTEXT)])
        ax.axvspan(month_x(start, first) - 0.5, month_x(end, first) + 0.5, color=colour,
                   alpha=0.35, lw=0, zorder=0, label=None if shown else label)


def visible_context(data: ChartData) -> list[tuple[str, str, str]]:
    """The context spans that fall on the chart, cut to its months."""
    first, last = data.months[0], max([data.months[-1]] + data.projection_months)
    return [(max(a, first), min(b, last), label) for a, b, label in data.context
            if a <= last and b >= first]


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    return buffer.getvalue()


def draw_indicator_chart(name: str, data: ChartData, alt_text: str) -> Chart:
    """One indicator's chart (about 800 x 400 pixels)."""
    png = _png(indicator_figure(data))
    headers, rows = chart_table(data)
    return Chart(name, png, alt_text, headers, rows)


def indicator_figure(data: ChartData) -> Figure:
    """The Figure of one indicator's chart, before it becomes a PNG."""
    fig = Figure(figsize=(8, 4.3), dpi=100)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.9)
    ax = fig.add_subplot()
    _draw(ax, data)
    ax.set_title(data.title, loc="left", fontsize=11)
    ax.set_ylabel(data.unit, fontsize=8)
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.09),
              ncols=6)
    return fig


def draw_overview(charts: list[tuple[str, ChartData]], title: str, alt_text: str) -> Chart:
    """Every indicator on one page, small multiples in three columns."""
    rows = [[name, data.months[-1], _fmt(next((v for v in reversed(data.values)
                                                  if v is not None), None))]
            for name, data in charts]
    return Chart("overview", _png(overview_figure([d for _, d in charts], title)), alt_text,
                 ["indicator", "latest month", "latest value"], rows)


def overview_figure(charts: list[ChartData], title: str) -> Figure:
    """The Figure of the overview, before it becomes a PNG."""
    columns = 3
    lines = -(-len(charts) // columns) or 1
    height = 2.3 * lines + 0.6
    fig = Figure(figsize=(11, height), dpi=80)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.4 / height, top=1 - 0.7 / height,
                        hspace=0.7, wspace=0.18)
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    for n, data in enumerate(charts):
        ax = fig.add_subplot(lines, columns, n + 1)
        _draw(ax, data, compact=True)
        ax.set_title(textwrap.fill(data.title, 46), loc="left", fontsize=8.5)
    return fig


def draw_survey_chart(name: str, title: str, waves: list[tuple[str, float, float, float]],
                      target: float | None, alt_text: str) -> Chart:
    """Survey waves as points with their 95% (Wilson) intervals, and the target."""
    fig = Figure(figsize=(6, 3.2), dpi=100)
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.86)
    ax = fig.add_subplot()
    xs = list(range(len(waves)))
    pcts = [w[1] for w in waves]
    ax.errorbar(xs, pcts, yerr=[[p - w[2] for p, w in zip(pcts, waves, strict=True)],
                                [w[3] - p for p, w in zip(pcts, waves, strict=True)]],
                fmt="o", color=IMPROVEMENT, ecolor=COMMON, capsize=4, label="% (95% interval)")
    if target is not None:
        ax.axhline(target, color=TARGET, lw=1.2, ls="-.", label=f"target {target:g}%")
    ax.set_xticks(xs, [w[0] for w in waves], fontsize=8)
    ax.set_xlim(-0.6, len(waves) - 0.4)
    ax.set_ylim(0, max([w[3] for w in waves] + [target or 0]) * 1.25)
    ax.set_ylabel("% of residents", fontsize=8)
    ax.set_title(title, loc="left", fontsize=10)
    ax.legend(fontsize=7, frameon=False, loc="lower left")
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
    return ["month", "value", "SPC signal", "trend / projection (95% band)"], rows
