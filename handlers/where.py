"""`/csp where <indicator> [area] [YYYY-MM]`: where a police.uk indicator changed, the latest
12 months against the 12 before (data/contributions.py): a sentence, the significance of the
whole change (METHOD J1), and the neighbourhoods (and the partnership's areas, when it has
some) that moved most. Also "where is burglary rising" and "which neighbourhoods drive the
burglary rise" (`where_words`), and the "Where?" button under an indicator answer
(`where_button`; bot/slack/where.py and bot/teams/app.py answer it).
"""

from __future__ import annotations

import sqlite_utils

from briefings.inputs import context_of
from briefings.period import compare_periods
from data.catalogue import BY_SLUG
from data.contributions import Contributions, Part, contributions
from data.errors import DataError
from data.held_series import area_coverage
from data.partnerships import area_condition, area_names
from data.words import counted
from handlers.args import match_area, take_indicator, take_month
from handlers.registry import command
from handlers.reply import Button, CspError, Facts, Reply, Table, Text
from handlers.request import Request
from handlers.where_kept import kept_reply
from handlers.where_places import place_blocks
from handlers.where_store import stored_reply

WHERE = "where"  # the command, and the id of its button
TOP = 10  # neighbourhoods shown in chat; `cspbot export contributions` gives them all
ASKING = ("which", "what")
PLACES = ("neighbourhoods", "neighbourhood", "areas", "area", "places", "lsoas", "parts")
FILLERS = frozenset((*ASKING, *PLACES, "is", "are", "was", "has", "have", "did", "does", "do",
                     "the", "in", "drive", "drives", "driving", "behind", "rising", "rise",
                     "risen", "rose", "up", "falling", "fall", "fell", "down", "going",
                     "increasing", "increase", "decreasing", "decrease", "change", "changing",
                     "changed", "most", "?"))


def where_words(words: list[str]) -> list[str]:
    """"which neighbourhoods drive the burglary rise" -> ["where", "neighbourhoods", ...]: the
    words of a question that asks where (the router reads them as the `where` command)."""
    lowered = [w.lower() for w in words]
    if len(lowered) > 1 and lowered[0] in ASKING and lowered[1] in PLACES:
        return [WHERE, *words[1:]]
    return words


def where_button(db: sqlite_utils.Database, pid: str, indicator: str, area: str,
                 month: str) -> list[Button]:
    """The "Where?" button for an indicator answer ([] for an indicator with no police.uk
    figures by neighbourhood, or an area where no police.uk row is held): its value is what
    follows `/csp where`."""
    condition, params = area_condition(db, pid, area)
    if indicator not in BY_SLUG or not db.execute(
            f"SELECT 1 FROM police_counts WHERE {condition} LIMIT 1", params).fetchone():
        return []
    value = " ".join(w for w in (indicator, "" if area == pid else area, month) if w)
    return [Button(WHERE, "Where?", value, asks=f"{WHERE} {value}")]


def button_command(button_id: str, value: str) -> str | None:
    """The `/csp` text a pressed button asks ("where burglary 2022-10"); None for a button
    that asks no command."""
    return f"{WHERE} {value}" if button_id == WHERE and value.strip() else None


@command(WHERE, "Where an indicator changed: the neighbourhoods behind the latest 12 months' "
         "change.", "/csp where <indicator> [area] [YYYY-MM]",
         examples=("/csp where burglary", "/csp where is burglary rising",
                   "/csp which neighbourhoods drive the burglary rise"))
def show_where(req: Request) -> Reply:
    month, words = take_month([w.strip("?") for w in req.words if w.strip("?")])
    typed = len(words)
    while words and words[0].lower() in FILLERS:
        words = words[1:]
    if not words:
        raise CspError("Which indicator?", "/csp where burglary")
    indicator, rest = take_indicator(req.db, req.partnership, words)
    read = len(words) - len(rest)
    while rest and rest[0].lower() in FILLERS:
        rest = rest[1:]
    while rest and rest[-1].lower() in FILLERS:
        rest = rest[:-1]
    area = match_area(req.db, req.partnership, rest)
    pid, settings = req.partnership, req.settings

    def work() -> tuple[Reply, str | None]:
        return work_out_where(req, indicator, area, month), month or latest_month(req, area)

    reply = kept_reply(req.db, (WHERE, pid, indicator, area, month, repr(settings.method),
                                settings.suppress_below),
                       lambda: stored_reply(req.db, pid, (indicator, area, month), settings,
                                            work))
    if read + len(rest) < typed:  # filler words were left out to read it: say how it was read
        said = ", ".join(w for w in (BY_SLUG[indicator].name.lower(),
                                     area_names(req.db, pid).get(area, area),
                                     month or latest_month(req, area)) if w)
        reply.blocks.insert(0, Text(f"Taking this as: where {said}."))
    return reply


def latest_month(req: Request, area: str) -> str | None:
    """The latest month held for the area: the month a where question without one asks (kept
    in memory once worked out, data/kept.py)."""
    try:
        held = area_coverage(req.db, req.partnership, area).held
    except DataError:
        return None  # the question itself says why (work_out_where)
    return held[-1] if held else None


def work_out_where(req: Request, indicator: str, area: str, month: str | None) -> Reply:
    """The where answer, worked out afresh (show_where keeps it: handlers/where_kept.py in
    memory, handlers/where_store.py in the store)."""
    return where_reply(req, *where_parts(req, indicator, area, month))


def where_parts(req: Request, indicator: str, area: str,
                month: str | None) -> tuple[Contributions, Contributions | None]:
    """The change and its neighbourhoods, and its areas' parts (the whole partnership of one
    with areas); a CspError for a question that cannot be answered."""
    try:
        found = contributions(req.db, req.partnership, indicator, area, month)
        subs = [a for a in area_names(req.db, req.partnership) if a != req.partnership]
        areas = (contributions(req.db, req.partnership, indicator, area, found.window.month,
                               by="area") if subs and area == req.partnership else None)
    except DataError as exc:
        raise CspError(exc.message, exc.hint) from None
    return found, areas


def where_reply(req: Request, found: Contributions, areas: Contributions | None) -> Reply:
    name = BY_SLUG[found.indicator].name
    title = f"Where: {name}, {found.area_name}, to {found.window.month}"
    if found.window.problem:
        text = (f"{name} in {found.area_name} cannot be compared to {found.window.month}: "
                f"{found.window.problem}.")
        if found.comparable:
            text += (f" The latest month that can be compared is {found.comparable}: "
                     f"`/csp where {found.indicator} {found.comparable}`.")
        return Reply(title, [Text(text)], text)
    sentence = describe(found, name)
    below = suppress_below(req, found.indicator)
    change = compare_periods(found.monthly_now, found.monthly_before, [1] * found.window.matched,
                             [1] * found.window.matched,
                             (found.window.current, found.window.previous), req.settings.method)
    verdict = ("significant" if change.significant else "not significant: within normal "
               "variation") + f" (p = {change.p_value:.3f})"
    blocks: list = [Text(sentence), Facts([
        ("Latest 12 months", f"{found.count_now:,}"),
        ("The 12 months before", f"{found.count_before:,}"),
        ("Months compared", found.window.words()), ("Change (METHOD J1)", verdict)])]
    context = context_of(req.db, req.partnership, found.area,
                         found.window.current + found.window.previous)
    if context:
        blocks.append(Text("\n".join(f"- {n}" for n in context)))
    if areas is not None:
        blocks += [Text("*By area*"), Table(headers("Area"), rows(areas.parts, below))]
        if areas.overlap:
            blocks.append(Text("Some areas share LSOAs, so the areas add up to more than the "
                               "whole."))
    shown = found.parts[:TOP]
    blocks += [Text(f"*The neighbourhoods that moved most* ({len(shown)} of {len(found.parts)};"
                    " `cspbot export contributions` gives them all)"),
               Table(headers("Neighbourhood"), rows(shown, below))]
    blocks += place_blocks(req, found, below)
    return Reply(title, blocks, sentence)


def headers(first: str) -> list[str]:
    return [first, "Latest 12 months", "12 months before", "Change", "Share of change"]


def describe(found: Contributions, name: str) -> str:
    """"Burglary rose by 147 (+25.5%) in Charnwood, 2021-11..2022-10 against the 12 months
    before; Charnwood 007 gave 41 of it (28%)." """
    w = found.window
    against = ("the 12 months before" if w.matched == 12 else
               f"the same {counted(w.matched, 'month')} a year before")
    span = f"{w.current[0]}..{w.current[-1]}"
    if found.change == 0:
        return (f"{name} was unchanged at {found.count_now:,} in {found.area_name}, {span} "
                f"against {against}.")
    verb = "rose" if found.change > 0 else "fell"
    pct = (f" ({found.change / found.count_before:+.1%})" if found.count_before else "")
    text = (f"{name} {verb} by {abs(found.change):,}{pct} in {found.area_name}, {span} "
            f"against {against}")
    top = found.parts[0] if found.parts else None
    if top is not None and top.change * found.change > 0 and len(found.parts) > 1:
        text += (f"; {top.name} gave {abs(top.change):,} of it "
                 f"({top.share_of_change:.0%})")
    return text + "."


def suppress_below(req: Request, indicator: str) -> int:
    """Counts from 1 to this minus 1 are shown as "fewer than N", as briefings show a sensitive
    indicator below partnership level (CSP_SUPPRESS_BELOW); 0 when nothing is suppressed."""
    row = req.db.execute("SELECT sensitive FROM indicators WHERE slug = ?",
                         (indicator,)).fetchone()
    return req.settings.suppress_below if row and row[0] else 0


def rows(parts: list[Part], below: int) -> list[list[str]]:
    """Table rows; a part with a suppressed count hides its change and share too."""
    out = []
    for p in parts:
        hidden = [0 < n < below for n in (p.count_now, p.count_before)]
        now, before = (f"fewer than {below}" if h else f"{n:,}"
                       for h, n in zip(hidden, (p.count_now, p.count_before), strict=True))
        share = ("–" if p.share_of_change is None or any(hidden)
                 else f"{p.share_of_change:.0%}")
        change = "–" if any(hidden) else f"{p.change:+,}" if p.change else "0"
        out.append([p.name, now, before, change, share])
    return out
