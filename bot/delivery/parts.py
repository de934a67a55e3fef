"""The monthly briefing as the parts of a post, in the order they are posted, on any platform.

    headline           a message in the channel: title, the illustrative / late / missing-data
                       notes, the principal conclusions, every indicator at a glance (a compact
                       table: briefings/glance.py) and the action plan's counts
    paper              the printable board paper (bot/paper/, HTML for A4) as a file in the
                       headline's thread: where the platform takes an upload (Slack; a Teams
                       channel takes none from a bot, so there the headline links to the paper
                       on the bot's web server instead, when CSP_PUBLIC_URL is set:
                       bot/paper_link.py)
    chart:overview     the overview chart, uploaded (files_upload_v2) in the headline's thread
    chart:<section>    one chart per section, keyed by the section's key ("burglary@kettering")
    details            a thread message: each section's sentence and key facts, the freshness of
                       the figures, revised figures and overdue actions

Each part is a neutral Reply (handlers/reply.py): the posters of each platform render it
(bot/slack/posting.py with Slack's limits and escaping, bot/teams/posting.py as Adaptive
Cards). A chart part's Reply holds that one Chart. bot/delivery/deliver.py has the parts posted
and records each one in the ledger as it lands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.paper.page import render_paper
from briefings.glance import GLANCE_HEADERS, GLANCE_NOTE, glance_cells, glance_rows
from briefings.months import month_name
from handlers.briefing import freshness_lines
from handlers.reply import Block, Chart, Document, Facts, Link, Reply, Table, Text

if TYPE_CHECKING:  # (importing briefings.monthly would load the statistics and matplotlib)
    from briefings.model import Briefing, Section
    from briefings.model import Chart as DrawnChart

KEY_FACTS = 4  # key facts per section in the details (its priority is not one of them)
MAX_LISTED = 10  # revised figures and overdue actions listed before "and N more"
ALT_TEXT_CHARS = 1000  # files.getUploadURLExternal's alt_txt limit


@dataclass
class Part:
    """One piece of the post: its ledger name and the neutral message posted."""

    name: str  # "headline", "chart:<key>", "details": the ledger's part name
    reply: Reply

    @property
    def chart(self) -> Chart | None:
        """The chart of a chart part (posted as an upload); None for a message."""
        return chart_of(self.reply)


def chart_of(reply: Reply) -> Chart | None:
    """The chart of a Reply that holds one chart and nothing else; else None."""
    blocks = reply.blocks
    return blocks[0] if len(blocks) == 1 and isinstance(blocks[0], Chart) else None


def briefing_parts(briefing: Briefing, late_note: str | None = None,
                   missing_note: str | None = None, paper: bool = True,
                   paper_url: str | None = None) -> list[Part]:
    """Headline (linking to `paper_url` when given), the paper (when `paper`), one part per
    chart (overview first), details: the order they are posted."""
    parts = [Part("headline", headline(briefing, late_note, missing_note, paper, paper_url))]
    if paper:
        parts.append(paper_part(briefing))
    if briefing.overview is not None:
        title = f"All monthly indicators to {month_name(briefing.month)}"
        parts.append(_chart_part(briefing, "overview", title, briefing.overview))
    for section in briefing.sections:
        if section.chart is not None:
            parts.append(_chart_part(briefing, section.key, section.title, section.chart))
    parts.append(Part("details", details(briefing)))
    return parts


def status_text(counts: dict[str, int]) -> str:
    """{'complete': 2, 'on-track': 19} -> '21 actions: 2 complete, 19 on track.'"""
    if not counts:
        return "No actions in the plan."
    parts = ", ".join(f"{n} {status.replace('-', ' ')}" for status, n in counts.items())
    return f"{sum(counts.values())} actions: {parts}."


def _chart_part(briefing: Briefing, key: str, title: str, chart: DrawnChart) -> Part:
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", f"{briefing.partnership}-{briefing.month}-"
                                                f"{key}") + ".png"
    alt = chart.alt_text if len(chart.alt_text) <= ALT_TEXT_CHARS else (
        chart.alt_text[:ALT_TEXT_CHARS - 1] + "…")
    drawn = Chart(chart.png, alt, title, chart.headers, chart.rows, filename=filename)
    return Part(f"chart:{key}", Reply(title, [drawn], alt, public=True))


def paper_part(b: Briefing) -> Part:
    """The board paper as a file: '<partnership>-<month>-board-paper.html'."""
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", f"{b.partnership}-{b.month}-board-paper.html")
    title = f"Board paper (print on A4): {b.title}"
    document = Document(render_paper(b).encode("utf-8"), filename, title)
    return Part("paper", Reply(title, [document], title, public=True))


def late_note(first_due: str | None, time_zone: str = "Europe/London") -> str:
    """'This briefing is late: it was due on Tuesday 6 April 2010 at 09:00 while CSP Bot was
    down.' `first_due` is an ISO date or time as the scheduler records it (a time with an offset,
    e.g. in UTC, is shown on the subscription's wall clock)."""
    when = None
    if first_due:
        try:
            due = datetime.fromisoformat(first_due)
        except ValueError:
            when = first_due
        else:
            if due.tzinfo is not None:
                due = due.astimezone(ZoneInfo(time_zone))
            when = f"{due:%A} {due.day} {due:%B %Y}" + (
                f" at {due:%H:%M}" if "T" in first_due or " " in first_due.strip() else "")
    return ("This briefing is late: it was due " + (f"on {when} " if when else "")
            + "while CSP Bot was down.")


def headline(b: Briefing, late_note: str | None = None,
             missing_note: str | None = None, paper: bool = False,
             paper_url: str | None = None) -> Reply:
    blocks: list[Block] = []
    notes = [*b.notes, *(n for n in (late_note, missing_note) if n)]
    if notes:
        blocks.append(Text("\n".join(f"_{note}_" for note in notes)))
    blocks.append(Text("*Principal conclusions*\n"
                       + ("\n".join(f"- {c}" for c in b.conclusions) or "- none this month")))
    rows = glance_rows(b.sections)
    if rows:
        blocks += [Text("*At a glance*"), Table(GLANCE_HEADERS, glance_cells(rows)),
                   Text(f"_{GLANCE_NOTE}_")]
    blocks.append(Text(f"*Action plan*: {status_text(b.actions.status_counts)}"
                       + (f" {len(b.actions.overdue)} overdue." if b.actions.overdue else "")))
    if paper_url:
        blocks.append(Link(paper_url, "Printable paper"))
    blocks.append(Text("_The printable board paper, the charts and the details are in the "
                       "thread._" if paper else "_The charts and the details are in the "
                       "thread._"))
    first = b.conclusions[0] if b.conclusions else "the monthly briefing."
    return Reply(b.title, blocks, f"{b.title}: {first}", public=True)


def details(b: Briefing) -> Reply:
    blocks: list[Block] = []
    for section in b.sections:
        blocks.extend(_section(section))
    blocks.append(Text("*Figures*\n" + "\n".join(freshness_lines(b))))
    if b.revisions:
        blocks.append(Text("*Revised since the last briefing*\n"
                           + _listed([f"- {line}" for line in b.revisions])))
    overdue = [f"- {o['id']} {o['title']} (due {o['due']}, {o['lead'] or 'no lead'}, "
               f"{str(o['status']).replace('-', ' ')})" for o in b.actions.overdue]
    blocks.append(Text("*Overdue actions*\n" + (_listed(overdue) if overdue
                                                 else "None: every action is on time.")))
    title = f"Details: {month_name(b.month)}"
    return Reply(title, blocks, f"{b.title}: the details", public=True)


def _section(section: Section) -> list[Block]:
    text = f"*{section.title}*\n{section.sentence}"
    if section.notes:
        text += "\n" + "\n".join(f"_{note}_" for note in section.notes[:2])
    facts = [(f.label, f.value) for f in section.facts if f.label != "Priority"][:KEY_FACTS]
    return [Text(text), Facts(facts)] if facts else [Text(text)]


def _listed(lines: list[str]) -> str:
    shown = lines[:MAX_LISTED]
    if len(lines) > MAX_LISTED:
        shown.append(f"- and {len(lines) - MAX_LISTED} more")
    return "\n".join(shown)
