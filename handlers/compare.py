"""`/csp compare <indicator> [YYYY-MM]`: each partnership and force area of the store over the
same two windows (the latest 12 held months against the 12 before), ranked from the largest
rise, with METHOD J1's significance and the rate per 1,000 residents where population is loaded
(briefings/comparison.py)."""

from __future__ import annotations

from briefings.comparison import Compared, compare_table, ordinal, peer_group
from briefings.inputs import context_of
from briefings.sections import p_text
from data.catalogue import ALIASES, BY_SLUG, normalise
from data.comparison import latest_store_month
from data.errors import DataError
from handlers.args import take_indicator, take_month
from handlers.registry import command
from handlers.reply import CspError, Reply, Table, Text
from handlers.request import Request

HEADERS = ["Rank", "Area", "Kind", "Latest 12 months", "12 months before", "Change",
           "Significance", "Per 1,000 residents"]


@command("compare", "How an indicator moved here, in the other partnerships and in each force "
         "area over the same 12 months, ranked from the largest rise.",
         "/csp compare <indicator> [YYYY-MM]",
         examples=("/csp compare burglary", "/csp compare asb 2022-10"))
def show_compare(req: Request) -> Reply:
    """The table; a partnership's own indicator named like a police.uk one ("burglary" for its
    domestic burglary) is compared as police.uk's, which every area counts alike."""
    if not req.words:
        raise CspError("Compare which indicator?", "/csp compare burglary")
    month, words = take_month(req.words)
    indicator, rest = take_indicator(req.db, req.partnership, words)
    typed = normalise(" ".join(words[:len(words) - len(rest)]))
    indicator = indicator if indicator in BY_SLUG else ALIASES.get(typed, indicator)
    if rest:
        raise CspError(f"I don't know '{' '.join(rest)}' here: compare takes an indicator and "
                       "a month.", f"/csp compare {indicator} 2022-10")
    try:
        table = compare_table(req.db, indicator, month, req.settings.method, req.partnership)
    except DataError as exc:
        raise CspError(exc.message, exc.hint) from None
    compared = [r for r in table.rows if r.change is not None]
    title = f"{table.name}: compared with other areas, to {table.month}"
    intro = (f"*{table.name}*, the latest 12 months to {table.month} against the 12 before, "
             "ranked from the largest rise (1st) to the largest fall.")
    latest = latest_store_month(req.db)
    if month is None and latest and latest != table.month:
        intro += (f" {latest} cannot be compared (too many months are not held in the two "
                  f"years to it), so this is as of {table.month}, the latest month that can.")
    group, said = peer_group(req.db, req.partnership)
    peers = [r for r in compared if r.counts.kind == "partnership" and r.counts.key in group]
    own = next((n for n, r in enumerate(peers, 1) if r.counts.key == req.partnership), None)
    if own is not None and len(peers) > 1:
        intro += (f" {peers[own - 1].counts.name} is {ordinal(own)} of {len(peers)} {said}.")
    blocks: list = [Text(intro)]
    if compared:
        blocks.append(Table(HEADERS, [table_row(n, r) for n, r in enumerate(compared, 1)]))
    notes = missing_notes([r for r in table.rows if r.change is None])
    windows = {tuple(r.counts.window.current + r.counts.window.previous) for r in compared}
    notes += dict.fromkeys(n for w in sorted(windows) for n in context_of(
        req.db, req.partnership, None, list(w)))  # each note once, whatever the windows
    matched = sorted({r.counts.window.words() for r in compared if r.counts.window.matched < 12})
    notes += [f"Matched months: {w}." for w in matched]
    if notes:
        blocks.append(Text("\n".join(f"- {n}" for n in notes)))
    return Reply(title, blocks, f"{title}: " + "; ".join(
        f"{r.counts.name} {change_text(r)}" for r in compared[:5]))


def change_text(row: Compared) -> str:
    if row.pct_change is None:
        return "no % (none before)"
    return f"{row.pct_change:+.1f}%"


def table_row(rank: int, row: Compared) -> list[str]:
    c, change = row.counts, row.change
    assert change is not None
    verdict = "significant" if change.significant else "not significant"
    rate = c.rate_per_1000
    return [str(rank) if row.pct_change is not None else "-", c.name, c.kind,
            f"{c.count_now:,}", f"{c.count_before:,}", change_text(row)
            + (f" ({c.window.matched} matched months)" if c.window.matched < 12 else ""),
            f"{verdict}, {p_text(change.p_value)}", "-" if rate is None else f"{rate:,.2f}"]


def missing_notes(rows: list[Compared]) -> list[str]:
    """"No comparison for Corby, Daventry: 11 of the 24 months ... are not held", one per
    reason."""
    by_reason: dict[str, list[str]] = {}
    for r in rows:
        by_reason.setdefault(r.counts.window.problem or "no months held",
                             []).append(r.counts.name)
    return [f"No comparison for {', '.join(names)}: {reason}."
            for reason, names in by_reason.items()]
