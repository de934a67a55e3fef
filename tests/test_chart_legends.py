"""Charts a reader can read (issue 15): every colour and marker drawn is named in a legend, the
legend and tick text prints at 9 pt or more at the size the HTML briefing prints a chart, the
normal range of a seasonal indicator is one shaded band, and drawing the demo's briefing or a
chart with gaps prints no warning."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from fakes.chart_series import COVID, output_of, spec_of
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from bot.paper.style import PRINT
from briefings.assess import assess
from briefings.chart_draw import SHORT
from briefings.charts import indicator_figure, overview_figure
from briefings.inputs import assess_input, choose_series
from briefings.monthly import build_monthly
from briefings.sections import chart_data_of
from data import briefing_data as store
from data.db import open_db
from data.demo import load_demo

A4_WIDTH_MM = 210
CSS_PX_PER_INCH = 96
LEAST_PT = 9


@pytest.fixture(scope="module")
def demo_charts(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo's March 2010 briefing, built with every warning an error, and the data of its
    monthly charts (as build_monthly makes them)."""
    db = open_db(tmp_path_factory.mktemp("legends") / "csp.db")
    load_demo(db)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        briefing = build_monthly(db, "kettering", "2010-03")
    specs = [s for s in choose_series(db, "kettering", "2010-03") if s.kind == "monthly"]
    document, _ = assess_input(specs, {s.area: store.population(db, "kettering", s.area)
                                       for s in specs})
    judged = {o["id"]: o for o in assess(document)["series"]}
    db.close()
    briefing.chart_data = [chart_data_of(s, judged[s.key], s.name) for s in specs
                           if s.key in judged]
    return briefing


def colours_of(artist) -> set[str]:  # type: ignore[no-untyped-def]
    """The colours an artist paints with (face and edge; a line's colour and marker face)."""
    found: list = []  # type: ignore[type-arg]
    if hasattr(artist, "get_markerfacecolor"):
        found += [artist.get_color(), artist.get_markerfacecolor()]
    else:
        for get in ("get_facecolor", "get_edgecolor"):
            colour = getattr(artist, get)()
            found += list(colour) if getattr(colour, "ndim", 1) == 2 else [colour]
    return {to_hex(c) for c in found if not isinstance(c, str) or c != "none"
            if (c if isinstance(c, str) else c[3] > 0)}


def drawn(fig: Figure) -> list:  # type: ignore[type-arg]
    return [a for ax in fig.axes for a in ax.lines + ax.collections + ax.patches]


def legend_colours(fig: Figure) -> set[str]:
    legends = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return {c for legend in legends for h in legend.legend_handles for c in colours_of(h)}


def assert_every_colour_named(fig: Figure) -> None:
    named = legend_colours(fig)
    for artist in drawn(fig):
        assert colours_of(artist) <= named, (artist, artist.get_label(), named)
        label = artist.get_label() or "_"
        if not label.startswith("_"):
            texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
            assert label in texts or SHORT.get(label) in texts, (label, texts)


def printed_scale(fig: Figure) -> float:
    """Printed inches per figure inch: the board paper (bot/paper/style.py) prints an
    indicator's chart at `img.chart`'s width and the overview across the text of the A4 page
    its @page rule sets."""
    page = re.search(r"@page\s*\{[^}]*margin:\s*[\d.]+mm\s+([\d.]+)mm", PRINT)
    chart = re.search(r"img\.chart\s*\{\s*width:\s*([\d.]+)mm", PRINT)
    assert page and chart, "the paper's print style sets its margins and chart width in mm"
    column = (A4_WIDTH_MM - 2 * float(page.group(1))) / 25.4
    printed = column if fig._suptitle is not None else float(chart.group(1)) / 25.4
    return printed / fig.get_figwidth()


def assert_readable_in_print(fig: Figure) -> None:
    FigureCanvasAgg(fig).draw()
    scale = printed_scale(fig)
    texts = [t for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        texts += ax.get_xticklabels() + ax.get_yticklabels()
        texts += ax.get_legend().get_texts() if ax.get_legend() else []
    shown = [t for t in texts if t.get_text()]
    assert shown
    for text in shown:
        assert text.get_fontsize() * scale >= LEAST_PT, (text.get_text(), text.get_fontsize())


def seasonal_output(spec):  # type: ignore[no-untyped-def]
    out = output_of(spec)
    factors = [1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0]
    out["trend_glm"].update(seasonal_terms=True, significant=False,
                            seasonal_factors_apr_to_mar=factors)
    return out


def figures_with_gaps() -> list[Figure]:
    spec = spec_of("2018-11", 56, gaps=((5, 7), (30, 38)))
    plain = chart_data_of(spec, output_of(spec), "Burglary", [COVID])
    seasonal = chart_data_of(spec, seasonal_output(spec), "Burglary", [COVID])
    short = chart_data_of(spec_of("2019-01", 4), {"spc": None}, "Burglary")
    return [indicator_figure(plain), indicator_figure(seasonal), indicator_figure(short),
            overview_figure([plain, seasonal, short], "Overview")]


def test_every_colour_and_marker_is_in_a_legend(demo_charts) -> None:
    charts = [s.chart for s in demo_charts.sections if s.chart]
    assert len(charts) >= 8 and demo_charts.overview
    datas = demo_charts.chart_data
    assert any(d.seasonal for d in datas) and not all(d.seasonal for d in datas)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = figures_with_gaps() + [indicator_figure(d) for d in datas]
        figures.append(overview_figure(datas, "Overview"))
    for fig in figures:
        assert_every_colour_named(fig)
        assert fig.legends, "one legend for the figure"


def test_legend_and_ticks_print_at_9_pt_or_more(demo_charts) -> None:
    for fig in figures_with_gaps() + [overview_figure(demo_charts.chart_data, "Overview")]:
        assert_readable_in_print(fig)


def test_the_demo_briefing_prints_no_warning(demo_charts) -> None:
    names = [s.chart.name for s in demo_charts.sections if s.chart]
    assert "all-crime@kettering" in names


def test_a_seasonal_normal_range_is_one_band_not_three_lines() -> None:
    spec = spec_of("2018-04", 48)
    fig = indicator_figure(chart_data_of(spec, seasonal_output(spec), "Burglary"))
    ax = fig.axes[0]
    bands = [c for c in ax.collections if c.get_label().startswith("normal range")]
    assert len(bands) == 1 and bands[0].get_paths()[0].vertices.size > 0
    labels = [line.get_label() for line in ax.lines]
    assert "average" not in labels and not any("limit" in label for label in labels)
    assert [label for label in labels if not label.startswith("_")] == ["monthly figure"]


def test_the_trend_is_drawn_only_where_it_says_something() -> None:
    spec = spec_of("2018-04", 48)
    out = output_of(spec)
    out["trend_glm"]["significant"] = False
    assert not chart_data_of(spec, out, "Burglary").fitted
    out["trend_glm"]["significant"] = True
    assert chart_data_of(spec, out, "Burglary").fitted
    fig = indicator_figure(chart_data_of(spec, out, "Burglary"))
    mean, trend = (next(line for line in fig.axes[0].lines if line.get_label() == name)
                   for name in ("average", "trend"))
    assert mean.get_zorder() > trend.get_zorder(), "the trend never hides the average"


def test_year_labels_sit_between_the_aprils() -> None:
    spec = spec_of("2018-04", 48)
    ax = indicator_figure(chart_data_of(spec, output_of(spec), "Burglary")).axes[0]
    aprils = list(ax.get_xticks(minor=True))
    labels = [(x, t.get_text()) for x, t in zip(ax.get_xticks(), ax.get_xticklabels(),
                                               strict=True)]
    assert aprils[:2] == [0, 12] and labels[0] == (5.5, "2018/19")
    assert all(not float(x).is_integer() for x, _ in labels)


def test_the_demo_pngs_are_written_without_warnings(tmp_path: Path, demo_charts) -> None:
    from bot.cli.briefing_files import write_briefing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_briefing(demo_charts, tmp_path)
    assert (tmp_path / "overview.png").exists()
