"""`/csp <indicator> [area] <period> [vs <period>]`: any two periods side by side.

"burglary 2022-10 vs 2021-10", "burglary last month", "burglary this year so far", "burglary
2024/25 vs 2023/24", "burglary 2025-01..2025-06 vs 2024-01..2024-06": the two counts, the
change and its significance (`briefings/two_periods.py`). The reply starts with what was
understood ("Taking this as: ..."), since the words were read as periods.
"""

from __future__ import annotations

from briefings.narrative import plain_band
from briefings.two_periods import Asked, NoFigures, TwoPeriods, compare_two
from data.errors import DataError
from data.words import is_plural_name
from handlers.args import read_subject, related_indicators
from handlers.reply import CspError, Facts, Reply, Text
from handlers.request import Request


def show_two_periods(req: Request, asked: list[Asked], words: list[str]) -> Reply:
    if not words:
        raise CspError("Which indicator?", "/csp burglary last month")
    indicator, area, typed, _ = read_subject(req.db, req.partnership, words)
    try:
        result = _compare(req, indicator, area, asked, typed)
    except DataError as exc:
        raise CspError(exc.message, exc.hint) from None
    return reply_of(result, req.settings.suppress_below)


def _compare(req: Request, indicator: str, area: str, asked: list[Asked],
             typed: list[str]) -> TwoPeriods:
    """The indicator asked for; when it has no figures here, the partnership's own indicator
    that the same words name ("burglary" -> "domestic burglary"), as `/csp <indicator>` does."""
    try:
        return compare_two(req.db, req.partnership, indicator, area, asked, req.settings.method)
    except NoFigures:
        for other in related_indicators(req.db, req.partnership, typed):
            if other != indicator:
                try:
                    return compare_two(req.db, req.partnership, other, area, asked,
                                       req.settings.method)
                except NoFigures:
                    continue
        raise


def reply_of(result: TwoPeriods, suppress_below: int) -> Reply:
    """The reply: what was understood, the sentence, the two counts, the change, the notes."""
    change = result.change
    now, before = result.asked
    hidden = result.sensitive and any(0 < n < suppress_below for n in
                                      (change.count_current, change.count_previous))

    def show(n: int) -> str:
        return f"fewer than {suppress_below}" if result.sensitive and 0 < n < suppress_below \
            else f"{n:,}"

    if hidden:
        pct = "counts too small to show the change"
    elif change.pct_change is None or change.small_counts:
        pct = f"{change.count_current - change.count_previous:+,}; counts too small for a %"
    else:
        pct = f"{change.count_current - change.count_previous:+,}, {change.pct_change:+.1f}%"
    verdict = "significant" if change.significant else "not significant"
    band = change.band.split(",")[0]
    if not hidden:  # a fall that is not significant is given with its size, never "slight"
        band = plain_band({"significant": change.significant,
                           "pct_change": change.pct_change}, band)
    verb = "are" if is_plural_name(result.subject) else "is"
    sentence = (f"{result.subject} {verb} {band} in {now.label} against {before.label}: "
                f"{show(change.count_current)} against {show(change.count_previous)} "
                f"({pct}; {verdict}, {p_text(change.p_value)}).")
    tests = ("the exact test on the two counts" if len(result.current) == 1 else
             "the exact test and the month-to-month variation, METHOD J1")
    facts = Facts([(now.label, show(change.count_current)),
                   (before.label, show(change.count_previous)),
                   ("Change", pct),
                   ("Significance", f"{verdict} ({p_text(change.p_value)}, {tests})")])
    understood = (f"Taking this as: {result.name}, {result.area_name}, {now.label} against "
                  f"{before.label}.")
    blocks: list = [Text(understood), Text(sentence), facts]
    if result.notes:
        blocks.append(Text("\n".join(f"- {n}" for n in result.notes)))
    title = f"{result.name}: {_span(result.current)} against {_span(result.previous)}"
    return Reply(title, blocks, f"{title}. {sentence}")


def _span(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"


def p_text(p: float) -> str:
    """As briefings write it (briefings/sections.py, which loads the charts: not here)."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
