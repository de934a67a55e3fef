"""The board paper's appendix: the monthly figures as tables, one per financial year (the latest
five), the data's freshness, the figures revised, and every change to actions when there are
more than the action plan lists.

Every chart's figures in full (SPC signals, trend and projection too) are the CSV files beside
the paper (bot/cli/briefing_files.py writes them); the appendix names them.
"""

from __future__ import annotations

import re
from html import escape

from bot.paper.actions import SHOWN_HERE, updates_table
from briefings.model import Briefing, Chart
from briefings.months import fy_of, month_name, parse_month
from data.queries import as_ranges

YEARS_SHOWN = 5
MONTH = re.compile(r"^\d{4}-\d{2}$")
ABBREVIATED = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb",
               "Mar"]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def csv_name(chart: Chart) -> str:
    """'violent-crime@town-centre' -> 'violent-crime_town-centre.csv' (beside its PNG)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", chart.name) + ".csv"


def monthly_figures(b: Briefing) -> dict[str, dict[str, str]]:
    """{section title: {month: figure}} for every monthly chart, up to the briefing's month."""
    found: dict[str, dict[str, str]] = {}
    for s in b.sections:
        chart = s.chart
        if chart is None or chart.headers[:2] != ["month", "value"]:
            continue
        found[s.title] = {r[0]: r[1] for r in chart.rows if MONTH.match(r[0])
                          and r[0] <= b.month and r[1] != ""}
    return found


def year_tables(b: Briefing) -> list[str]:
    """One table per financial year, the latest YEARS_SHOWN: indicators down, months across."""
    figures = monthly_figures(b)
    months = sorted({m for values in figures.values() for m in values})
    years = sorted({fy_of(parse_month(m)) for m in months})[-YEARS_SHOWN:]
    tables = []
    for year in reversed(years):
        start = int(year[:4])
        span = [f"{start + (n >= 9):04d}-{(n + 3) % 12 + 1:02d}" for n in range(12)]
        head = "".join(f'<th scope="col" class="num">{m}</th>' for m in ABBREVIATED)
        rows = "".join(
            f'<tr><th scope="row">{_e(title)}</th>'
            + "".join(f'<td class="num">{_e(values.get(m, ""))}</td>' for m in span) + "</tr>"
            for title, values in figures.items())
        tables.append(f'<table class="figures"><caption>{_e(year)} (April {start} to March '
                      f'{start + 1})</caption><thead><tr><th scope="col">Indicator</th>{head}'
                      f"</tr></thead><tbody>{rows}</tbody></table>")
    return tables


def missing_text(missing: list[str]) -> str:
    if missing and all(MONTH.match(m) for m in missing):
        return as_ranges(missing).replace("..", " to ")
    return "; ".join(missing) or "none"


def freshness_table(b: Briefing) -> str:
    rows = "".join(
        f"<tr><td>{_e(f.source)}</td><td class=\"month\">"
        f"{_e(month_name(f.latest) if f.latest and MONTH.match(f.latest) else f.latest or 'none')}"
        f"{' (behind)' if f.behind else ''}</td><td>{_e(missing_text(f.missing))}</td></tr>"
        for f in b.freshness)
    return ('<table class="freshness keep"><caption>The data</caption><thead><tr>'
            '<th scope="col">Source</th><th scope="col" class="month">Latest month</th>'
            f'<th scope="col">Months missing</th></tr></thead><tbody>{rows}</tbody></table>')


def appendix(b: Briefing) -> str:
    charts = b.charts()
    parts = ['<section class="appendix"><h2>Appendix: monthly figures and the data</h2>']
    parts += year_tables(b)
    if charts:
        parts.append('<p class="source">The figures of every chart, with the unusual months '
                     "marked, the trend and the projection, are in CSV files beside this paper: "
                     + _e(", ".join(csv_name(c) for c in charts)) + ".</p>")
    parts.append(freshness_table(b))
    revised = ("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in b.revisions) + "</ul>"
               if b.revisions else "<p>None.</p>")
    parts += ["<h3>Figures revised since the last briefing</h3>", revised,
              updates_table(b.actions) if len(b.actions.updates) > SHOWN_HERE else "",
              "</section>"]
    return "\n".join(p for p in parts if p)
