"""Charts of the briefing: matplotlib's Figure API on the Agg canvas (never pyplot), PNG bytes.

One chart per indicator: monthly values, the XmR mean and process limits with special-cause
points coloured as NHS Making Data Count does (improvement blue, concern orange, common cause
grey), the fitted trend with its projection and 95% band to the target year, and the target.
An overview puts every indicator on one page. Each chart comes with alt text and its data as a
table, for screen readers and for readers who want the numbers.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from briefings.model import Chart

# NHS Making Data Count colours (as in NHSRplotthedots).
COMMON = "#7B7D7D"
IMPROVEMENT = "#289DE0"
CONCERN = "#FAB428"
LIMITS = "#DE1B1B"
TARGET = "#361475"
TREND = "#1B7837"
POINT_COLOURS = {"improvement": IMPROVEMENT, "concern": CONCERN, "common_cause": COMMON}
MAX_PNG_BYTES = 200_000


@dataclass
class ChartData:
    """Everything one indicator's chart shows. Months are 'YYYY-MM'; lists are aligned."""

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


def _index(months: list[str]) -> dict[str, int]:
    y0, m0 = map(int, months[0].split("-"))
    return {m: (int(m[:4]) - y0) * 12 + int(m[5:]) - m0 for m in months}


def _x(month: str, first: str) -> int:
    return (int(month[:4]) - int(first[:4])) * 12 + int(month[5:]) - int(first[5:])


def _draw(ax, data: ChartData, compact: bool = False) -> None:  # type: ignore[no-untyped-def]
    first = data.months[0]
    xs = [_x(m, first) for m in data.months]
    present = [(x, v) for x, v in zip(xs, data.values, strict=True) if v is not None]
    ax.plot([x for x, _ in present], [v for _, v in present], color=COMMON, lw=1, zorder=2)
    kinds = dict(zip(data.spc_months, data.point_types, strict=False))
    colours = [POINT_COLOURS.get(kinds.get(m, "common_cause"), COMMON)
               for m, v in zip(data.months, data.values, strict=True) if v is not None]
    ax.scatter([x for x, _ in present], [v for _, v in present], s=10 if compact else 16,
               c=colours, zorder=3)
    if data.mean and data.spc_months:
        sx = [_x(m, first) for m in data.spc_months]
        ax.plot(sx, data.mean, color=COMMON, lw=0.9, ls="-", label="mean (SPC)")
        ax.plot(sx, data.lower_limit, color=LIMITS, lw=0.8, ls="--", label="process limits")
        ax.plot(sx, data.upper_limit, color=LIMITS, lw=0.8, ls="--")
    if data.fitted:
        ax.plot([_x(m, first) for m in data.fitted_months], data.fitted, color=TREND, lw=1.2,
                label="trend")
    if data.projection:
        px = [_x(m, first) for m in data.projection_months]
        ax.plot(px, data.projection, color=TREND, lw=1.2, ls=":", label="projection")
        if data.projection_low:
            ax.fill_between(px, data.projection_low, data.projection_high, color=TREND,
                            alpha=0.15, lw=0, label="95% band")
    if data.target_monthly is not None:
        tx = ([_x(data.projection_months[0], first), _x(data.projection_months[-1], first)]
              if data.projection_months else [xs[0], xs[-1]])
        ax.plot(tx, [data.target_monthly] * 2, color=TARGET, lw=1.6, ls="-.",
                label=data.target_label or "target")
    last = max([xs[-1]] + [_x(m, first) for m in data.projection_months])
    ticks = [x for x, m in zip(xs + list(range(xs[-1] + 1, last + 1)),
                               data.months + _after(data.months[-1], last - xs[-1]),
                               strict=True) if m.endswith("-04")]
    labels = [_fy_label(first, x) for x in ticks]
    ax.set_xticks(ticks, labels, fontsize=7 if compact else 8)
    ax.set_xlim(-1, last + 1)
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="y", labelsize=7 if compact else 8)
    ax.grid(axis="y", color="#DDDDDD", lw=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _after(month: str, n: int) -> list[str]:
    y, m = map(int, month.split("-"))
    out = []
    for _ in range(n):
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        out.append(f"{y:04d}-{m:02d}")
    return out


def _fy_label(first: str, x: int) -> str:
    y = int(first[:4]) + (int(first[5:]) - 1 + x) // 12
    return f"{y}/{(y + 1) % 100:02d}"


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    return buffer.getvalue()


def draw_indicator_chart(name: str, data: ChartData, alt_text: str) -> Chart:
    """One indicator's chart (about 800 x 400 pixels)."""
    fig = Figure(figsize=(8, 4.3), dpi=100)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.9)
    ax = fig.add_subplot()
    _draw(ax, data)
    ax.set_title(data.title, loc="left", fontsize=11)
    ax.set_ylabel(data.unit, fontsize=8)
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.09),
              ncols=6)
    png = _png(fig)
    headers, rows = chart_table(data)
    return Chart(name, png, alt_text, headers, rows)


def draw_overview(charts: list[tuple[str, ChartData]], title: str, alt_text: str) -> Chart:
    """Every indicator on one page, small multiples in three columns."""
    columns = 3
    lines = -(-len(charts) // columns) or 1
    height = 2.3 * lines + 0.6
    fig = Figure(figsize=(11, height), dpi=80)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.4 / height, top=1 - 0.7 / height,
                        hspace=0.7, wspace=0.18)
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    for n, (_, data) in enumerate(charts):
        ax = fig.add_subplot(lines, columns, n + 1)
        _draw(ax, data, compact=True)
        ax.set_title(textwrap.fill(data.title, 46), loc="left", fontsize=8.5)
    rows = [[name, data.months[-1], _fmt(next((v for v in reversed(data.values)
                                                  if v is not None), None))]
            for name, data in charts]
    return Chart("overview", _png(fig), alt_text, ["indicator", "latest month", "latest value"],
                 rows)


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
        return "missing"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def chart_table(data: ChartData) -> tuple[list[str], list[list[str]]]:
    """The chart's data: one row per month shown, missing months marked as missing."""
    spc = dict(zip(data.spc_months, data.point_types, strict=False))
    fitted = dict(zip(data.fitted_months, data.fitted, strict=True))
    rows = [[m, _fmt(v), spc.get(m, "").replace("_", " "), _fmt(fitted[m]) if m in fitted
             else ""] for m, v in zip(data.months, data.values, strict=True)]
    for m, v, lo, hi in zip(data.projection_months, data.projection,
                            data.projection_low or data.projection,
                            data.projection_high or data.projection, strict=True):
        rows.append([m, "", "", f"{v:,.1f} ({lo:,.1f} to {hi:,.1f})"])
    return ["month", "value", "SPC signal", "trend / projection (95% band)"], rows
