"""One short section per indicator for the board paper: its chart, its sentence, the facts in
plain words, and the statistics (p-values, intervals) in a footnote under it.

The plain words are read from the section's judgement (METHOD J1-J4) and its facts: the latest
12 months against the 12 before, the trend, the target and the projection, the latest month
against normal variation, the priority. Any other fact is shown as it is, with a parenthesis
holding a p-value or an interval moved to the footnote.
"""

from __future__ import annotations

import base64
import re
import struct
from html import escape

from briefings.model import Chart, Section
from briefings.months import fy_of, month_name, parse_month

STATISTICS = re.compile(r"\s*\(([^()]*(?:\bp [=<]|95% interval)[^()]*)\)")
TREND = {"decreasing": "falling", "increasing": "rising"}
TARGET = {"confident_meet": "on course to be met", "likely_meet": "likely to be met",
          "likely_miss": "likely to be missed", "confident_miss": "not on course to be met"}
PLAIN_DONE = ("Latest 12 months", "Trend", "Target ", "Projection ",
              "Latest month against normal variation", "Latest month (")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def chart_figure(chart: Chart, css: str = "chart") -> str:
    """The chart embedded as a data: URI, with its alt text."""
    width, height = struct.unpack(">II", chart.png[16:24])
    src = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
    return (f'<figure><img class="{css}" src="{src}" alt="{_e(chart.alt_text)}" '
            f'width="{width}" height="{height}"></figure>')


def series_words(s: Section, month: str) -> tuple[list[str], list[str]]:
    """(plain sentences, statistics) of a monthly series."""
    out, words, stats = s.judgement, [], []
    facts = {f.label: f.value for f in s.facts}
    yoy = out.get("yoy")
    if yoy and "Latest 12 months" in facts:
        cur, prev = yoy["count_current"], yoy["count_previous"]
        shown = facts["Latest 12 months"].split(", against")[0]
        if "fewer than" in facts["Latest 12 months"]:
            words.append(f"In the 12 months to {month_name(month)}: {shown}.")
        else:
            diff = cur - prev
            how = "fewer" if diff < 0 else "more"
            pct = (f", {abs(yoy['pct_change']):.0f}% {'down' if diff < 0 else 'up'}"
                   if yoy.get("pct_change") is not None and diff else "")
            words.append(f"In the 12 months to {month_name(month)}: {cur:,.0f}, against "
                         f"{prev:,.0f} in the 12 months before ({abs(diff):,.0f} {how}{pct}). "
                         + ("A change this large is unlikely to be chance." if yoy["significant"]
                            else "A change of this size is within normal year-to-year "
                                 "variation."))
        stats.append(f"12-month change {p_text(yoy['p_value'])}")
    mk = (out.get("mann_kendall") or {}).get("current")
    if mk:
        since = month_name(mk["window_months"][0])
        if mk["trend"] in TREND:
            words.append(f"Since {since} the monthly figure has been {TREND[mk['trend']]}, by "
                         f"about {abs(mk['slope_per_year']):,.0f} a year.")
        else:
            words.append(f"Since {since} there has been no clear rise or fall.")
        stats.append(f"trend {mk['window_months'][0]} to {mk['window_months'][1]} "
                     f"(Mann-Kendall) {p_text(mk['p'])}")
    projection = out.get("projection") or {}
    if projection.get("target_value") is not None:
        year = fy_of(parse_month(projection["target_months"][0]))
        bound = "or fewer" if out.get("polarity") == "lower_is_better" else "or more"
        status = TARGET.get(projection.get("confidence") or "", "not judged")
        words.append(f"Target for {year}: {projection['target_value']:,.0f} {bound}. On the "
                     f"trend so far the year would end near {projection['projected_value']:,.0f}"
                     f": the target is {status}.")
        stats.append(f"projection 95% interval {projection['ci95_low']:,.0f} to "
                     f"{projection['ci95_high']:,.0f}")
    latest = next((f for f in s.facts if f.label.startswith("Latest month (")), None)
    if latest and "Latest month against normal variation" in facts:
        words.append(f"{month_name(month)}: {latest.value}, "
                     f"{facts['Latest month against normal variation']}.")
    return words, stats


def other_words(s: Section, skip: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Every fact not said yet, as 'label: value', its statistics moved out."""
    words, stats = [], []
    for fact in s.facts:
        if fact.label.startswith(skip):
            continue
        found = STATISTICS.findall(fact.value)
        stats += [f"{fact.label.lower()}: {m}" for m in found]
        words.append(f"{fact.label}: {STATISTICS.sub('', fact.value)}.")
    return words, stats


def indicator_section(s: Section, month: str) -> str:
    """The section of one indicator: heading, sentence, chart, plain facts, footnote."""
    if "change_pp" in s.judgement or not s.judgement:
        words, stats = other_words(s, ())
    else:
        words, stats = series_words(s, month)
        more, more_stats = other_words(s, PLAIN_DONE)
        words, stats = words + more, stats + more_stats
    parts = [f'<section class="indicator" id="{_e(s.key)}">', f"<h2>{_e(s.title)}</h2>",
             f'<p class="sentence"><strong>{_e(s.sentence)}</strong></p>']
    if s.chart:
        small = "change_pp" in s.judgement
        parts.append(chart_figure(s.chart, "chart small" if small else "chart"))
    priority = [w for w in words if w.startswith("Priority: ")]
    words = [w for w in words if not w.startswith("Priority: ")]
    if words:
        parts.append(f'<p class="plain">{_e(" ".join(words))}</p>')
    parts += [f"<p class=\"footnote\">Note: {_e(n)}</p>" for n in s.notes]
    if stats or priority:
        parts.append('<p class="footnote">' + _e(" ".join(priority)) + (
            f' Statistics: {_e("; ".join(stats))}.' if stats else "")
                     + "</p>")
    return "\n".join(parts + ["</section>"])


def all_indicators(sections: list[Section], month: str) -> str:
    body = [indicator_section(s, month) for s in sections]
    return '<section class="indicators">\n' + "\n".join(body) + "\n</section>"


