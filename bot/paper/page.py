"""`render_paper(briefing)`: the monthly briefing as one self-contained board paper (HTML).

Page 1: the title, the principal conclusions, and every indicator at a glance (briefings/
glance.py) with Making Data Count icons and their key. Then the action plan with the overview
chart, one short section per indicator, and the appendix. Nothing is fetched from elsewhere and
no script runs; every piece of text is escaped (titles, notes and action titles come from
partnership files, imports and chat).
"""

from __future__ import annotations

from html import escape

from bot.paper.actions import action_plan
from bot.paper.appendix import appendix
from bot.paper.icons import assurance_icon, icon_key, variation_icon
from bot.paper.indicators import all_indicators, chart_figure
from bot.paper.style import stylesheet
from briefings.glance import GlanceRow, glance_rows
from briefings.model import Briefing
from briefings.months import month_name

GLANCE_HEADERS = ["Indicator", "Latest 12 months", "Change", "Significance", "Trend",
                  "Target", "Variation"]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def glance_table(rows: list[GlanceRow]) -> str:
    """Every indicator in one table: the words, with the icons beside them."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in GLANCE_HEADERS)
    body = "".join(
        f'<tr><th scope="row">{_e(r.title)}</th><td class="num">{_e(r.latest)}</td>'
        f'<td class="num nowrap">{_e(r.change)}</td><td>{_e(r.significance)}</td>'
        f"<td>{_e(r.trend)}</td>"
        f'<td class="icon">{assurance_icon(r.assurance)}{_e(r.target)}</td>'
        f'<td class="icon">{variation_icon(r.variation)}{_e(r.variation_words)}</td></tr>'
        for r in rows)
    return (f'<table class="glance"><caption>At a glance: every indicator</caption><thead><tr>'
            f"{head}</tr></thead><tbody>{body}</tbody></table>")


def front_page(b: Briefing, suppress_below: int) -> list[str]:
    rows = glance_rows(b.sections, suppress_below)
    body = [f"<header><h1>{_e(b.title)}</h1>",
            f'<p class="source">A paper for the board of {_e(b.partnership_name)}: the figures '
            f"to the end of {_e(month_name(b.month))}, and the action plan.</p>"]
    body += [f'<p class="illustrative"><strong>{_e(n)}</strong></p>' for n in b.notes]
    body += ["</header>", '<section class="conclusions keep"><h2>Principal conclusions</h2>',
             '<ul class="conclusions">']
    body += [f"<li>{_e(c)}</li>" for c in b.conclusions] or ["<li>None this month.</li>"]
    body += ["</ul></section>"]
    if rows:
        body += ['<section class="glance keep">', glance_table(rows),
                 '<p class="source">Change: the latest 12 months against the 12 before. '
                 "Target: the target's status on the trend so far, with the icon of whether "
                 "the normal range meets it. Variation: the latest month against the "
                 "normal range. Statistics are under each section.</p>",
                 icon_key(), "</section>"]
    return body


def render_paper(b: Briefing, suppress_below: int = 5) -> str:
    """The whole paper as one HTML document."""
    body = front_page(b, suppress_below)
    body.append(action_plan(b.actions, month_name(b.month)))
    if b.overview:
        body += ['<section class="overview keep"><h2>All monthly indicators</h2>',
                 chart_figure(b.overview, "overview"), "</section>"]
    body.append("</section>")  # the action plan's page ends here
    body.append(all_indicators(b.sections, b.month))
    body.append(appendix(b))
    footer = f"{b.partnership_name}: {month_name(b.month)}"
    return ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(b.title)}</title>\n<style>{stylesheet(footer)}</style>\n</head>\n"
            "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
