"""Charts of the whole history held (METHOD 2.9): a month with no data is a break in the line and
"no data" in the chart's table, never a zero; the month axis is readable at any length; context
spans are shaded and named; the alt text says only what is drawn.

Series are built by hand in the shape of the shared contract of issue 13: `SeriesSpec.months`
contiguous with None for a gap, and the assess output's `spc.months`, `spc.baseline_start` and
`trend_glm.fitted_months` (held months only).
"""

from __future__ import annotations

import math
import re

import pytest
from fakes.chart_series import COVID, months_from, output_of, spec_of
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from briefings.assess import assess
from briefings.charts import chart_table, indicator_figure, overview_figure
from briefings.inputs import assess_input
from briefings.sections import alt_text, chart_data_of

MONTH_LABEL = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")
FY_LABEL = re.compile(r"^\d{4}/\d{2}$")


def data_line(fig: Figure):  # type: ignore[no-untyped-def]
    """The line of monthly figures."""
    return next(line for line in fig.axes[0].get_lines() if line.get_label() == "monthly figure")


def test_a_gap_is_a_break_in_the_line_never_a_zero() -> None:
    spec = spec_of("2019-01", 30, gaps=((10, 15),))
    data = chart_data_of(spec, output_of(spec), "Burglary")
    assert data.months == spec.months and data.values[10:15] == [None] * 5
    xs, ys = (list(a) for a in data_line(indicator_figure(data)).get_data())
    assert xs == list(range(30))
    assert all(math.isnan(y) for y in ys[10:15])
    assert ys[:10] + ys[15:] == [v for v in spec.values if v is not None]
    trend = next(line for line in indicator_figure(data).axes[0].get_lines()
                 if line.get_label() == "trend")
    assert all(math.isnan(y) for y in list(trend.get_ydata())[10:15])


def test_the_whole_history_is_drawn_not_the_last_five_years() -> None:
    spec = spec_of("2012-04", 90, gaps=((60, 68),))
    data = chart_data_of(spec, output_of(spec), "Burglary")
    assert data.months[0] == "2012-04" and len(data.months) == 90
    alt = alt_text(spec, output_of(spec), "Burglary", "Burglary is down.", data)
    assert "2012-04 to 2019-09" in alt


def test_limits_start_at_the_baseline_after_a_long_gap() -> None:
    spec = spec_of("2019-01", 40, gaps=((12, 20),))
    out = output_of(spec, baseline_start="2020-09")
    data = chart_data_of(spec, out, "Burglary")
    assert data.spc_months == out["spc"]["months"]
    before = [n for n, m in enumerate(data.spc_months) if m < "2020-09"]
    assert before and all(math.isnan(data.mean[n]) for n in before)
    assert all(not math.isnan(v) for v in data.mean[len(before):])
    ax = indicator_figure(data).axes[0]
    average = next(line for line in ax.get_lines() if line.get_label() == "average")
    assert all(math.isnan(y) for y in list(average.get_ydata())[:20])
    band = next(c for c in ax.collections if c.get_label().startswith("normal range"))
    assert min(x for path in band.get_paths() for x, _ in path.vertices) >= 20


def test_the_table_says_no_data_for_a_gap() -> None:
    spec = spec_of("2019-01", 24, gaps=((4, 7),))
    headers, rows = chart_table(chart_data_of(spec, output_of(spec), "Burglary"))
    by_month = {row[0]: row[1] for row in rows}
    assert headers[1] == "value"
    assert [by_month[m] for m in ("2019-05", "2019-06", "2019-07")] == ["no data"] * 3
    assert "0" not in by_month.values() and len(by_month) == 24


def tick_labels(fig: Figure) -> list[list[tuple[str, tuple[float, float]]]]:
    """Each axes' x tick labels as drawn: text and horizontal extent in pixels."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    found = []
    for ax in fig.axes:
        lo, hi = ax.get_xlim()
        labels = [(t.get_text(), t.get_window_extent(renderer)) for tick, t in
                  zip(ax.get_xticks(), ax.get_xticklabels(), strict=True) if lo <= tick <= hi]
        found.append([(text, (box.x0, box.x1)) for text, box in labels])
    return found


def assert_readable(labels: list[tuple[str, tuple[float, float]]], months: int) -> None:
    texts = [t for t, _ in labels]
    assert len(texts) >= 2, texts
    assert all(texts) and len(set(texts)) == len(texts), texts
    pattern = MONTH_LABEL if months <= 24 else FY_LABEL
    assert all(pattern.match(t) for t in texts), texts
    spans = sorted(box for _, box in labels)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False)), labels


@pytest.mark.parametrize("months", [3, 12, 24, 30, 56, 90, 180])
def test_month_axis_is_readable_at_any_length(months: int) -> None:
    spec = spec_of("2014-11", months, gaps=((1, 2),))
    data = chart_data_of(spec, output_of(spec, trend=months >= 24), "Burglary", [COVID])
    (labels,) = tick_labels(indicator_figure(data))
    assert_readable(labels, months)


def test_month_axis_is_readable_in_the_overview() -> None:
    specs = [spec_of("2014-11", n, gaps=((1, 2),)) for n in (3, 12, 24, 30, 56, 90)]
    fig = overview_figure([chart_data_of(s, output_of(s), "Burglary") for s in specs],
                          "Overview")
    for spec, labels in zip(specs, tick_labels(fig), strict=True):
        assert_readable(labels, len(spec.months))


def legend_of(fig: Figure) -> list[str]:
    (legend,) = fig.legends
    return [t.get_text() for t in legend.get_texts()]


def test_gaps_and_context_are_shaded_and_named_once_in_the_legend() -> None:
    spec = spec_of("2018-11", 56, gaps=((5, 7), (30, 38)))
    data = chart_data_of(spec, output_of(spec), "Burglary",
                         [COVID, ("2010-01", "2010-06", "before the chart")])
    labels = legend_of(indicator_figure(data))
    assert labels.count("no data") == 1 and labels.count("COVID-19 restrictions") == 1
    assert "before the chart" not in labels
    assert "no data" not in legend_of(indicator_figure(
        chart_data_of(spec_of("2018-11", 56), output_of(spec_of("2018-11", 56)), "Burglary")))


def test_alt_text_names_gaps_and_context_and_only_what_is_drawn() -> None:
    spec = spec_of("2019-01", 20, gaps=((4, 12), (15, 16)))
    out = output_of(spec, trend=False)
    data = chart_data_of(spec, out, "Burglary", [COVID, ("2010-01", "2010-06", "long ago")])
    alt = alt_text(spec, out, "Burglary", "Burglary cannot be judged yet.", data)
    assert alt.startswith("Line chart of monthly figures for Burglary, 2019-01 to 2020-08, "
                          "with the range of normal variation.")
    assert "No figures for 2019-05 to 2019-12 and 2020-04." in alt
    assert "Shaded: COVID-19 restrictions, 2020-03 to 2020-08." in alt
    assert "trend" not in alt and "projection" not in alt and "long ago" not in alt
    assert "Burglary cannot be judged yet." in alt


def test_alt_text_of_a_chart_with_nothing_but_figures() -> None:
    spec = spec_of("2019-01", 6)
    alt = alt_text(spec, {"spc": None}, "Burglary", "Too short.")
    assert alt == "Line chart of monthly figures for Burglary, 2019-01 to 2019-06. Too short."


def test_a_series_without_gaps_is_charted_as_before() -> None:
    target = {"indicator": "burglary", "area": "p", "baseline_year": "2019/20",
              "target_year": "2023/24", "reduction_pct": 10.0, "target_value": None}
    spec = spec_of("2019-04", 48, target=target)
    document, _ = assess_input([spec], {})
    out = assess(document)["series"][0]
    data = chart_data_of(spec, out, "Burglary")
    assert data.months == spec.months and None not in data.values
    assert data.spc_months == months_from(out["spc"]["window_months"][0],
                                          len(out["spc"]["point_type"]))
    assert not any(math.isnan(v) for v in data.mean + data.lower_limit + data.upper_limit)
    alt = alt_text(spec, out, "Burglary", "Burglary is down.")
    assert alt.startswith("Line chart of monthly figures for Burglary, 2019-04 to 2023-03, with "
                          "the range of normal variation, the trend and its projection. "
                          "Burglary is down. Latest 12 months: ")
    assert "No figures" not in alt and "Shaded" not in alt
    assert "no data" not in [row[1] for row in chart_table(data)[1]]

