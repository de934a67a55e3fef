"""One indicator drawn on one matplotlib Axes, every colour and marker named for the legend.

What is drawn, back to front: months with no data and known events as light vertical bands;
the normal range (the XmR process limits) as a shaded band, which follows the seasons when the
trend model kept month effects, with the average as a dashed line when it is flat; the trend
where it says something (significant, or leading into the projection to the target), its
projection and 95% range, and the target; then the data: one grey line with a point a month,
unusual months coloured as NHS Making Data Count does (concern orange, improvement blue). On a
seasonal indicator the trend and projection are drawn with the seasons evened out, so the only
line that follows the seasons is the data. Every artist carries a label, or the label of an
artist of the same colour already named, so that `legend_entries` finds them all.
"""

from __future__ import annotations

from math import nan as NAN
from typing import Any

from briefings.chart_axis import FY_AXIS_TITLE, labelled_by_year, month_x, runs, set_month_ticks

# NHS Making Data Count colours (as in NHSRplotthedots).
COMMON = "#7B7D7D"
IMPROVEMENT = "#289DE0"
CONCERN = "#FAB428"
LIMITS = "#DE1B1B"
RANGE = "#FAE6E6"  # the normal range band
MEAN = "#3F3F3F"
TARGET = "#361475"
TREND = "#1B7837"
GAP = "#C8C8C8"  # months with no data
CONTEXT = ("#C9B8E8", "#F6D8AE", "#B9DDD3")  # context spans, one colour per label
POINTS = (("concern", CONCERN, "month worse than normal"),
          ("improvement", IMPROVEMENT, "month better than normal"))
DATA_LABEL = "monthly figure"
SHORT = {"normal range (seasonal)": "normal range (process limits)",
         "trend, seasons evened out": "trend"}
ORDER = (DATA_LABEL, "month worse", "month better", "average",
         "normal range", "trend", "projected", "95%", "target", "no data")


def on_axis(months: list[str], values: list[float], first: str) -> tuple[list[int], list[float]]:
    """Points at their months, every month between them present: NaN (a break) where none."""
    if not months:
        return [], []
    at = {month_x(m, first): v for m, v in zip(months, values, strict=True)}
    xs = list(range(min(at), max(at) + 1))
    return xs, [NAN if at.get(x) is None else at[x] for x in xs]


def draw_series(ax: Any, data: Any, fontsize: float, compact: bool = False) -> None:
    """Draw one ChartData on `ax` and label its month axis."""
    first = data.months[0]
    xs, ys = on_axis(data.months, data.values, first)
    shade(ax, data, first)
    _normal_range(ax, data, first)
    if data.fitted:
        ax.plot(*on_axis(data.fitted_months, data.fitted, first), color=TREND, lw=1.6, zorder=3,
                label="trend, seasons evened out" if data.seasonal else "trend")
    if data.projection:
        px = [month_x(m, first) for m in data.projection_months]
        ax.plot(px, data.projection, color=TREND, lw=1.6, ls=":", zorder=3,
                label="projected trend")
        if data.projection_low:
            ax.fill_between(px, data.projection_low, data.projection_high, color=TREND,
                            alpha=0.15, lw=0, label="projection, 95% range")
    if data.target_monthly is not None:
        tx = ([month_x(data.projection_months[0], first),
               month_x(data.projection_months[-1], first)]
              if data.projection_months else [xs[0], xs[-1]])
        ax.plot(tx, [data.target_monthly] * 2, color=TARGET, lw=1.8, ls="-.", zorder=3,
                label=data.target_label or "target")
    ax.plot(xs, ys, color=COMMON, lw=1, marker="o", ms=2.5 if compact else 3.5, zorder=4,
            label=DATA_LABEL)
    kinds = dict(zip(data.spc_months, data.point_types, strict=False))
    for kind, colour, label in POINTS:
        found = [(month_x(m, first), v) for m, v in zip(data.months, data.values, strict=True)
                 if v is not None and kinds.get(m) == kind]
        if found:
            ax.scatter(*zip(*found, strict=True), s=12 if compact else 22, color=colour,
                       zorder=5, label=label)
    last = max([xs[-1]] + [month_x(m, first) for m in data.projection_months])
    ax.set_xlim(-1, last + 1)
    set_month_ticks(ax, first, last, fontsize)
    if labelled_by_year(ax) and not compact:
        ax.set_xlabel(FY_AXIS_TITLE, fontsize=fontsize)
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="y", labelsize=fontsize)
    ax.grid(axis="y", color="#E4E4E4", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _normal_range(ax: Any, data: Any, first: str) -> None:
    """The process limits as one shaded band (following the seasons when they matter), and the
    average as a dashed line when it is flat (on a seasonal indicator the band says it)."""
    if not (data.mean and data.spc_months and any(v == v for v in data.mean)):
        return
    x, low = on_axis(data.spc_months, data.lower_limit, first)
    high = on_axis(data.spc_months, data.upper_limit, first)[1]
    ax.fill_between(x, low, high, color=RANGE, ec=LIMITS, lw=0.6, zorder=1,
                    label="normal range (seasonal)" if data.seasonal
                    else "normal range (process limits)")
    if not data.seasonal:
        ax.plot(*on_axis(data.spc_months, data.mean, first), color=MEAN, lw=1, ls="--",
                zorder=3.5, label="average")


def shade(ax: Any, data: Any, first: str) -> None:
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


def visible_context(data: Any) -> list[tuple[str, str, str]]:
    """The context spans that fall on the chart, cut to its months."""
    first, last = data.months[0], max([data.months[-1]] + data.projection_months)
    return [(max(a, first), min(b, last), label) for a, b, label in data.context
            if a <= last and b >= first]


def legend_entries(axes: list[Any], short: bool = False) -> tuple[list[Any], list[str]]:
    """Every labelled artist of the axes, once per label, in the order a reader needs them:
    the data first, then the normal range, the trend and the target, then the shaded bands.
    `short`: the seasonal and flat forms of the normal range and trend under one name each
    (the overview's key, whose note says how seasonal indicators are drawn)."""
    found: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            found.setdefault(SHORT.get(label, label) if short else label, handle)

    def rank(label: str) -> int:
        return next((n for n, key in enumerate(ORDER) if label.startswith(key)), len(ORDER))

    labels = sorted(found, key=rank)
    return [found[label] for label in labels], labels
