"""`/csp briefing [YYYY-MM]`: a private preview of the monthly briefing.

It is the same `build_monthly` that the scheduled post and `cspbot briefing` use; the preview is
never recorded as published. In Slack add `share` to post it in the channel; in a Teams channel
it goes in the thread (handlers/platform_words.py). Without a month, it is the
latest month held; a month that is not held is refused (METHOD 2.9, data/held.py), and so is
`/csp briefing send` for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlite_utils

from data.errors import DataError
from data.held import latest_held, require_held
from data.partnership_sections import STATUSES
from handlers import acl
from handlers.args import MONTH, take_month
from handlers.platform_words import as_typed, ask_privately
from handlers.registry import command
from handlers.reply import Chart, Context, CspError, Reply, SendBriefing, Text
from handlers.request import Request

if TYPE_CHECKING:
    from briefings.model import Briefing

MAX_UPDATES_LISTED = 10


@command("briefing", "A preview of the monthly briefing, not recorded as published.",
         "/csp briefing [YYYY-MM]",
         examples=("/csp briefing", "/csp briefing 2010-03", "/csp briefing share"))
def preview_briefing(req: Request) -> Reply:
    if req.words and req.words[0].lower() == "send":
        return send_briefing(req)
    month, rest = take_month(req.words)
    if rest:
        raise CspError(f"I don't know '{' '.join(rest)}' here.", "/csp briefing [YYYY-MM]")
    month = month or latest_month(req.db, req.partnership)
    try:
        # Deferred for start-up time: briefings.monthly loads scipy, statsmodels and matplotlib.
        from briefings.monthly import build_monthly

        briefing = build_monthly(req.db, req.partnership, month, req.settings.method,
                                 suppress_below=req.settings.suppress_below)
    except DataError as exc:
        raise CspError(exc.message, exc.hint) from None
    return Reply(briefing.title, briefing_blocks(briefing, req.ctx),
                 f"{briefing.title}: " + " ".join(briefing.conclusions[:3]), public=False)


def send_briefing(req: Request) -> Reply:
    """`/csp briefing send [YYYY-MM] [force reason...]`: admins deliver it through the ledger."""
    if not acl.is_admin(req.person, req.ctx):
        raise CspError("Only an admin of the partnership may send the briefing.")
    month, rest = take_month(req.words[1:])
    month = month or latest_month(req.db, req.partnership)
    reason = None
    if rest and rest[0].lower() == "force":
        reason = " ".join(rest[1:]).strip()
        if not reason:
            raise CspError("Say why it must be sent again.",
                           "/csp briefing send 2010-03 force corrected figures")
    elif rest:
        raise CspError(f"I don't know '{' '.join(rest)}' here.",
                       "/csp briefing send [YYYY-MM] [force REASON]")
    try:
        require_held(req.db, req.partnership, month)
    except DataError as exc:
        raise CspError(exc.message, exc.hint) from None
    where = "this channel" if req.ctx.channel else "every channel subscribed"
    text = (f"Sending the briefing for {month} to {where}. Each channel gets it once; "
            "`/csp deliveries` shows how it went.")
    return Reply("Briefing: sending", [Text(text)], text, public=False, effects=[
        SendBriefing(req.partnership, month, req.ctx.channel, reason)])


def latest_month(db: sqlite_utils.Database, pid: str) -> str:
    """The latest month held for the partnership (METHOD 2.9): its home forces' files, or its
    own monthly figures. Rows another force places in its LSOAs never make a month held."""
    latest = latest_held(db, pid)
    if latest is None:
        raise CspError("The store holds no monthly figures for this partnership yet, so there "
                       "is no briefing to preview.", "ask an admin to import figures "
                       "(cspbot ingest), then /csp briefing")
    return latest


def briefing_blocks(b: Briefing, ctx: Context) -> list[Any]:
    """Conclusions, the overview chart, the action plan, and how fresh the figures are."""
    blocks: list[Any] = []
    if b.notes:
        blocks.append(Text("\n".join(f"_{n}_" for n in b.notes)))
    blocks.append(Text("*Principal conclusions*\n"
                       + ("\n".join(f"- {c}" for c in b.conclusions) or "- none this month")))
    if b.overview is not None:
        o = b.overview
        blocks.append(Chart(o.png, o.alt_text, o.name, o.headers, o.rows,
                            filename=f"{b.partnership}-overview-{b.month}.png"))
    blocks.append(Text(actions_text(b)))
    notes = freshness_lines(b)
    if notes:
        blocks.append(Text("*Figures*\n" + "\n".join(notes)))
    blocks.append(Text(as_typed(preview_note(ctx), ctx)))
    return blocks


def preview_note(ctx: Context) -> str:
    """Who sees the preview, on this platform, and how to show it to others."""
    chart = "`/csp <indicator>` shows one indicator's chart."
    if ctx.platform == "slack":
        return ("This is a preview: only you see it, and it is not recorded as published. "
                "`/csp briefing share` posts it here; " + chart)
    if ctx.platform == "teams" and ctx.channel:
        return ("This is a preview, not recorded as published; it is in this thread for "
                f"everyone here ({ask_privately(ctx)} to see one alone). " + chart)
    return "This is a preview: it is not recorded as published. " + chart


def actions_text(b: Briefing) -> str:
    a = b.actions
    order = sorted(a.status_counts, key=lambda s: (s not in STATUSES, STATUSES.index(s)
                                                   if s in STATUSES else 0, s))
    counts = ", ".join(f"{a.status_counts[s]} {s}" for s in order) or "no actions"
    lines = [f"*Action plan*: {counts}."]
    if a.overdue:
        lines.append("Overdue: " + ", ".join(f"{o['id']} (due {o['due']}, {o['lead'] or '-'})"
                                             for o in a.overdue) + ".")
    if a.updates:
        lines.append(f"{len(a.updates)} change{'s' if len(a.updates) != 1 else ''} since "
                     f"{a.since[:10]}:")
        lines += [f"- {u['action']} {u['field']}: {u['old'] or '-'} -> {u['new'] or '-'} "
                  f"({u['by']})" for u in a.updates[:MAX_UPDATES_LISTED]]
        if len(a.updates) > MAX_UPDATES_LISTED:
            lines.append(f"- and {len(a.updates) - MAX_UPDATES_LISTED} more")
    return "\n".join(lines)


def freshness_lines(b: Briefing) -> list[str]:
    """Sources behind the briefing month or with months missing, and revised figures."""
    lines = []
    for f in b.freshness:
        if f.latest is None:
            lines.append(f"- {f.source}: no figures")
        elif f.behind:
            lines.append(f"- {f.source}: figures only to {f.latest}")
        if f.missing and all(MONTH.match(m) for m in f.missing):
            lines.append(f"- {f.source}: months missing {', '.join(f.missing)}")
        elif f.missing:
            lines.append(f"- {f.source}: {'; '.join(f.missing)}")
    if b.revisions:
        lines.append(f"- {len(b.revisions)} figure{'s' if len(b.revisions) != 1 else ''} "
                     "revised since the last briefing")
    if not lines:
        lines.append(f"- Every source is up to date to {b.month}.")
    return lines
