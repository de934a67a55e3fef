"""`/csp <indicator> [area] [month]`: the judgement on one indicator, with its chart; with two
periods ("burglary 2022-10 vs 2021-10", "burglary last month"), the two side by side
(handlers/periods.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefings.answers import indicator_answer
from briefings.rates import LABEL as RATE_LABEL
from briefings.rates import has_population
from data.errors import DataError
from data.held import NotHeld
from data.partnerships import area_names
from handlers.args import read_subject, related_indicators, take_month, take_periods
from handlers.periods import show_two_periods
from handlers.registry import command
from handlers.reply import Actions, Chart, CspError, Facts, Reply, Text
from handlers.request import Request
from handlers.where import where_button

if TYPE_CHECKING:
    from briefings.model import Section

RATE_WORDS = ("rate", "rates")


@command("indicator", "How an indicator is doing: the change, the trend, the target, a chart.",
         "/csp <indicator> [rate] [area] [YYYY-MM | <period> [vs <period>]]",
         examples=("/csp burglary", "/csp violence town centre", "/csp asb perception",
                   "/csp vehicle crime 2010-03", "/csp burglary rate",
                   "/csp burglary 2010-03 vs 2009-03", "/csp burglary last month",
                   "/csp burglary this year so far", "/csp burglary 2009/10 vs 2008/09"))
def show_indicator(req: Request) -> Reply:
    if not req.words:
        raise CspError("Which indicator?", "/csp burglary (or /csp help indicators)")
    asked, words = take_periods(req.words)
    if asked:
        return show_two_periods(req, asked, words)
    month, words = take_month(words)
    rate = [w for w in words if w.lower() in RATE_WORDS]  # "burglary rate": not an area
    indicator, area, typed, guessed = read_subject(req.db, req.partnership,
                                                   [w for w in words if w not in rate])
    try:
        section, as_of = judge(req, indicator, area, month, typed)
    except DataError as exc:
        raise CspError(exc.message, exc.hint) from None
    blocks: list = [Text(section.sentence), Facts([(f.label, f.value) for f in section.facts])]
    if guessed:  # filler words were left out to read it
        blocks.insert(0, Text(f"Taking this as: {section.title}, to {as_of}."))
    if section.chart is not None:
        c = section.chart
        blocks.append(Chart(c.png, c.alt_text, section.title, c.headers, c.rows,
                            filename=f"{section.key.replace('@', '_')}-{as_of}.png"))
    notes = list(section.notes)
    if rate and not any(f.label == RATE_LABEL for f in section.facts):
        notes.append(f"No rate per 1,000 residents: no population is loaded for "
                     f"{area_names(req.db, req.partnership)[area]} (`cspbot ingest population`)"
                     + (", or its counts are too small to show." if has_population(
                         req.db, req.partnership, area) else "."))
    if notes:
        blocks.append(Text("\n".join(f"- {n}" for n in notes)))
    where = where_button(req.db, req.partnership, section.indicator, section.area, as_of)
    if where:
        blocks.append(Actions(where))
    return Reply(f"{section.title}, to {as_of}", blocks,
                 f"{section.title}, to {as_of}: {section.sentence}")


def judge(req: Request, indicator: str, area: str, month: str | None,
          typed: list[str]) -> tuple[Section, str]:
    """The indicator asked for; when it has no figures here, the partnership's own indicator
    that the same words name (e.g. "violence" -> "violence with injury"). A month that is not
    held for the partnership is refused (METHOD 2.9), whatever the indicator."""
    try:
        return indicator_answer(req.db, req.partnership, indicator, area, month,
                                 req.settings.method, req.settings.suppress_below)
    except NotHeld:  # the month is not held for any indicator: say so, try no other
        raise
    except DataError:
        for other in related_indicators(req.db, req.partnership, typed):
            if other != indicator:
                try:
                    return indicator_answer(req.db, req.partnership, other, area, month,
                                             req.settings.method, req.settings.suppress_below)
                except DataError:
                    continue
        raise
