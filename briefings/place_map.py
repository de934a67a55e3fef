"""The map of "where" (issue 14): an indicator's crimes over the latest 12 months at police.uk's
map points, each a circle whose area grows with its count, the five busiest streets named in a
column beside the map with a line to their busiest point. A plain background (no web tiles: the
bot works offline), longitude and latitude on equal scales (a degree of longitude drawn
cos(latitude) as long as one of latitude), a scale bar. Like every chart it comes with alt text
and its data as a table (briefings/charts.py): one row per map point.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from briefings.model import Chart
from data.place_queries import MapPoint, Street
from data.place_summary import Grid, PlaceSummary, binned

POINT = "#28579E"
LABELLED = "#D5482B"
LABELS = 5
MIN_SPAN = 0.01  # degrees of latitude shown at least (about 1 km), for a handful of points
MAX_AREA = 420.0  # points^2 of the busiest point's circle, at most
MAX_ROWS = 1000  # rows of the chart's table; `cspbot export places` gives every point
MAX_DRAWN = 5000  # more map points than this are summed into a grid of cells to draw
CELLS = 150  # cells across the map's larger span, when its points are summed
GRID = Grid(MAX_DRAWN, CELLS, MIN_SPAN)  # the same rule, for data/place_summary.py


def draw_place_map(title: str, points: list[MapPoint], streets: list[Street],
                   alt_text: str) -> Chart:
    """The map as a Chart: PNG, alt text, and one row per map point (busiest first)."""
    return _chart(place_figure(title, points, streets[:LABELS]), points[:MAX_ROWS],
                  len(points), alt_text)


def draw_summary_map(title: str, summary: PlaceSummary, alt_text: str) -> Chart:
    """The same map from what data/place_summary.py summed (its points summed into
    cells there when there are many): the same PNG and rows as `draw_place_map` gives."""
    fig = _figure(title, summary.drawn, summary.points, summary.top_streets[:LABELS],
                  summary.busiest)
    return _chart(fig, summary.top_points[:MAX_ROWS], summary.points, alt_text)


def _chart(fig: Figure, shown: list[MapPoint], points: int, alt_text: str) -> Chart:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    rows = [[p.location, p.lsoa, f"{p.latitude:.6f}", f"{p.longitude:.6f}", f"{p.count:,}"]
            for p in shown]
    if points > MAX_ROWS:
        rows.append([f"... and {points - MAX_ROWS:,} more map points (cspbot export "
                     "places gives them all)", "", "", "", ""])
    return Chart("map", buffer.getvalue(), alt_text,
                 ["location", "lsoa", "latitude", "longitude", "count"], rows)


def place_figure(title: str, points: list[MapPoint], labelled: list[Street]) -> Figure:
    drawn = _gridded(points) if len(points) > MAX_DRAWN else [
        (p.longitude, p.latitude, p.count) for p in points]
    return _figure(title, drawn, len(points), labelled,
                   max((p.count for p in points), default=1))


def _figure(title: str, drawn: list[tuple[float, float, int]], points: int,
            labelled: list[Street], busiest: int) -> Figure:
    fig = Figure(figsize=(9, 6.2), dpi=90)
    ax = fig.add_axes((0.02, 0.06, 0.62, 0.84))
    fig.text(0.02, 0.95, title, fontsize=11, ha="left", va="center")
    top = max((n for _, _, n in drawn), default=1)
    lons = np.array([x for x, _, _ in drawn] or [-1.1])
    lats = np.array([y for _, y, _ in drawn] or [52.6])
    sizes = _area(np.array([n for _, _, n in drawn] or [0]), top)  # type: ignore[arg-type]
    ax.scatter(lons, lats, s=sizes, c=POINT, alpha=0.45 if len(drawn) > 200 else 0.7,
               linewidths=0, zorder=2)
    _frame(ax, lons.tolist(), lats.tolist())
    _legend(ax, top, "At one map point" if len(drawn) == points else "Near one another")
    _label(fig, ax, labelled, busiest)
    return fig


def _area(count: int, top: int) -> float:
    """A circle's area grows with its count; with small counts the busiest stays small too."""
    return 4.0 + (min(MAX_AREA, 40.0 + 12.0 * top) - 4.0) * count / top


def _gridded(points: list[MapPoint]) -> list[tuple[float, float, int]]:
    """Many map points summed into cells (about 1/150 of the map's height), each drawn at its
    points' count-weighted centre."""
    return binned(np.array([p.longitude for p in points]), np.array([p.latitude for p in points]),
                  np.array([p.count for p in points]), CELLS, MIN_SPAN)


def _frame(ax, lons: list[float], lats: list[float]) -> None:  # type: ignore[no-untyped-def]
    """Equal scales, a margin, no ticks, a scale bar."""
    mid = (min(lats) + max(lats)) / 2
    stretch = 1 / math.cos(math.radians(mid))
    lat_span = max(max(lats) - min(lats), (max(lons) - min(lons)) / stretch, MIN_SPAN) * 1.1
    lon_mid = (min(lons) + max(lons)) / 2
    ax.set_ylim(mid - lat_span / 2, mid + lat_span / 2)
    ax.set_xlim(lon_mid - lat_span * stretch / 2, lon_mid + lat_span * stretch / 2)
    ax.set_aspect(stretch)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#BBBBBB")
    km = lat_span * 111.2  # the height of the map in km
    bar = next(b for b in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if b >= km / 6)
    x0 = lon_mid - lat_span * stretch / 2 * 0.92
    y0 = mid - lat_span / 2 * 0.92
    ax.plot([x0, x0 + bar / 111.2 * stretch], [y0, y0], color="#333333", lw=2)
    ax.text(x0, y0 + lat_span * 0.015, f"{bar:g} km", fontsize=7, va="bottom")


def _legend(ax, top: int, title: str) -> None:  # type: ignore[no-untyped-def]
    sizes = sorted({1, max(1, round(top / 2)), top})
    for n in sizes:
        ax.scatter([], [], s=_area(n, top), c=POINT, alpha=0.7, linewidths=0,
                   label=f"{n:,} crime{'s' if n != 1 else ''}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 0.2), frameon=False, fontsize=8,
              labelspacing=1.4, borderpad=1, title=title, title_fontsize=8)


def _label(fig, ax, streets: list[Street], top: int) -> None:  # type: ignore[no-untyped-def]
    """The busiest streets named in a column right of the map, north first, so that their
    lines seldom cross and their labels never overlap."""
    ordered = sorted(enumerate(streets, 1), key=lambda s: -s[1].point.latitude)
    for slot, (rank, street) in enumerate(ordered):
        p = street.point
        ax.scatter([p.longitude], [p.latitude], s=_area(p.count, top), facecolors="none",
                   edgecolors=LABELLED, linewidths=1.2, zorder=3)
        name = street.place if len(street.place) <= 34 else street.place[:33] + "…"
        ax.annotate(f"{rank}. {name}\n{street.lsoa_name}: {street.count:,}",
                    xy=(p.longitude, p.latitude), xycoords="data",
                    xytext=(0.67, 0.86 - slot * 0.12), textcoords="figure fraction",
                    fontsize=8, va="center", ha="left", color="#222222",
                    arrowprops={"arrowstyle": "-", "color": LABELLED, "lw": 0.8,
                                "shrinkA": 0, "shrinkB": 3}, zorder=4)
