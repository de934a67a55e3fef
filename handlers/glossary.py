"""The words CSP Bot's answers use, explained in plain English for a reader who is no
statistician: `/csp help significant`, `/csp help normal variation`, `/csp help terms`.

Each explanation says what the word means in an answer, not how to compute it
(docs/method.md has that).
"""

from __future__ import annotations

from data.catalogue import normalise

SHORT: dict[str, str] = {
    "significant": "a change too large to put down to chance",
    "trend": "where the figures have been heading over three years",
    "normal variation": "the range a month's figure usually stays within",
    "projection": "the trend carried forward to the target year",
    "target": "the figure the partnership aims to reach",
    "rate": "a count per 1,000 residents",
    "matched months": "the calendar months held in both periods compared",
    "held month": "a month whose files are all in the store",
    "gap": "a month with no figure (never a zero)",
    "incomplete month": "a month in which a force could not place many of its crimes",
    "context": "known events that change the figures",
}
TERMS: dict[str, str] = {
    "significant": (
        "Crime figures go up and down from month to month even when nothing has really "
        "changed. A change is *significant* when it is too large to put down to that chance "
        "alone: CSP Bot works out how often chance would give a difference at least this large "
        "(the p-value), and calls the change significant when that is less than 5 times in "
        "100 (p < 0.05). For the latest 12 months it must also stand out from how much the "
        "figures usually jump about from month to month. *Not significant* does not mean "
        "nothing changed: only that the figures cannot yet tell a real change from chance."),
    "trend": (
        "The way the figures have been heading over the last three years, looking past the "
        "usual seasonal ups and downs (each month is compared with the same month of other "
        "years). CSP Bot says *rising* or *falling* only when the movement is too steady to be "
        "chance; otherwise it says there is no clear trend. A trend is what a projection "
        "carries forward."),
    "normal variation": (
        "The range a monthly figure usually stays within, worked out from how much the "
        "figures have moved from one month to the next, once the usual seasonal pattern is "
        "taken out (a process control chart, as the NHS's 'Making Data Count' uses). A month "
        "within the range is the usual ups and downs, not worth reacting to on its own. A "
        "month outside it, or a run of months on one side, is a sign that something changed."),
    "projection": (
        "Where the figures are heading: the trend of the last three years carried forward to "
        "the end of the target year (April to March), with a range in which the year's figure "
        "will probably fall (the 95% interval). The answer says whether that range meets the "
        "target: all of it, most of it, or none of it."),
    "target": (
        "The figure the partnership has set itself to reach, written in its partnership file: "
        "for example 10% below the figure of a baseline year, by a target financial year "
        "(April to March). CSP Bot says whether the projection is on course to meet it."),
    "rate": (
        "A count divided by the number of people living in the area, given per 1,000 "
        "residents, so that areas of different sizes can be compared fairly: 12 burglaries per "
        "1,000 residents means 12 for every 1,000 people who live there. Rates are given "
        "where the area's population is loaded."),
    "matched months": (
        "When some months are missing from the figures, CSP Bot compares only the calendar "
        "months held in both periods: if March of last year is missing, March of this year is "
        "left out too, so that like is compared with like. The answer then says 'based on N "
        "matched months'. With more than three months missing it does not compare the periods "
        "at all, and says why."),
    "held month": (
        "A month for which every police.uk file CSP Bot needs is in its store (for a "
        "partnership's own figures: a month with a figure). Only held months are judged. In a "
        "held month, a neighbourhood with no crime recorded really had none; a month that is "
        "not held is a gap, never a zero, and an answer for it is refused."),
    "gap": (
        "A month with no figure: its file is not in the store, or it was left out as an "
        "incomplete month. A gap is never counted as zero. Charts break the line there, and "
        "comparisons use matched months."),
    "incomplete month": (
        "A month in which a police force could not give a place for an unusually large share "
        "of its crimes (police.uk's 'No Location' rows). In such a month an area's count can be "
        "much too low; when it is, CSP Bot leaves that month out for the area and says so, "
        "naming the force and how many crimes it could not place."),
    "context": (
        "Known events that change how much crime happens or is reported: the COVID-19 "
        "restrictions of March 2020 to July 2021, a change in how crimes are recorded, a "
        "police operation. When the months compared include one, the answer names it, so that "
        "a rise or fall is read with it in mind. Admins add notes with `/csp note`."),
}

ALIASES: dict[str, str] = {
    "significance": "significant", "significantly": "significant",
    "not significant": "significant", "p": "significant", "p value": "significant",
    "pvalue": "significant", "trends": "trend", "rising": "trend", "falling": "trend",
    "variation": "normal variation", "normal": "normal variation",
    "within normal variation": "normal variation", "spc": "normal variation",
    "projected": "projection", "projections": "projection", "on course": "projection",
    "targets": "target", "rates": "rate", "per 1000": "rate", "rate per 1000": "rate",
    "matched": "matched months", "matched month": "matched months",
    "held": "held month", "held months": "held month", "not held": "held month",
    "gaps": "gap", "incomplete": "incomplete month", "incomplete months": "incomplete month",
    "left out": "incomplete month", "context note": "context", "context notes": "context",
}


def find_term(phrase: str) -> str | None:
    """The glossary term a phrase names ("Significance", "normal variation"), if any."""
    key = normalise(phrase.replace(",", "").strip("?.! "))
    return key if key in TERMS else ALIASES.get(key)


def term_words() -> dict[str, str]:
    """Every word that names a term, to the term: for "did you mean"."""
    return {term: term for term in TERMS} | ALIASES
