"""The action plan as a board reads it: what needs attention first, then progress, then changes.

How many actions are at each status; the actions off track, overdue or at risk, each with its
lead and its last update in words ("5 Dec 2026, by Jane Smith in Slack"); then the changes since
the last briefing (the first few; all of them in the appendix when there are more). Never a raw
ISO stamp, and never "console (console)".
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Any

from briefings.model import ActionProgress

STATUS_ORDER = ("off-track", "at-risk", "not-started", "on-track", "complete", "withdrawn")
SHOWN_HERE = 6  # changes listed with the action plan; all of them in the appendix beyond that
HOW = {"slack": "in Slack", "teams": "in Teams", "console": "at the console",
       "file": "from the partnership file"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def readable_date(stamp: str | None) -> str:
    """'2026-12-05T02:07:43+00:00' or '2026-12-05' -> '5 Dec 2026'; '' for none."""
    if not stamp:
        return ""
    try:
        moment: date = (datetime.fromisoformat(stamp) if "T" in stamp or " " in stamp
                        else date.fromisoformat(stamp))
    except ValueError:
        return stamp
    return f"{moment.day} {moment:%b %Y}"


def who_and_how(by: str | None, source: str | None) -> str:
    """'by Jane Smith in Slack', 'from the partnership file kettering.toml', 'at the console'."""
    by, how = (by or "").strip(), HOW.get(source or "", f"in {source}" if source else "")
    if by.startswith("file:"):
        return f"from the partnership file {by[5:]}".strip()
    if not by or by == source or by == "operator" and source == "console":
        return how or "by an unknown person"
    return f"by {by} {how}".strip()


def last_update(row: dict[str, Any]) -> str:
    if not row.get("last_at"):
        return "no update recorded"
    text = f"{readable_date(row['last_at'])}, {who_and_how(row['last_by'], row['last_source'])}"
    return text + (f": {row['last_note']}" if row.get("last_note") else "")


def state_words(row: dict[str, Any]) -> str:
    words = row["status"].replace("-", " ")
    if row.get("overdue"):
        return f"{words}; overdue (due {readable_date(row['due'])})"
    return words + (f" (due {readable_date(row['due'])})" if row.get("due") else "")


def attention_table(progress: ActionProgress, month: str) -> str:
    if not progress.attention:
        return (f"<p>No action is off track, at risk or overdue at the end of {_e(month)}.</p>")
    rows = "".join(
        f"<tr><td class=\"nowrap\">{_e(r['id'])}</td><td>{_e(r['title'])}</td>"
        f"<td>{_e(state_words(r))}</td><td>{_e(r['lead'] or 'no lead named')}</td>"
        f"<td>{_e(last_update(r))}</td></tr>" for r in progress.attention)
    return ('<table class="attention"><caption>Needing attention: off track, overdue or at risk'
            '</caption><thead><tr><th scope="col">Action</th><th scope="col">What</th>'
            '<th scope="col">Status</th><th scope="col">Lead</th>'
            f'<th scope="col">Last update</th></tr></thead><tbody>{rows}</tbody></table>')


def counts_line(counts: dict[str, int]) -> str:
    """'21 actions: 19 on track, 2 complete.' (the board's order: the worst first)."""
    if not counts:
        return "No actions in the plan."
    order = sorted(counts, key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else 9)
    total = sum(counts.values())
    return (f"{total} action{'s' if total != 1 else ''}: "
            + ", ".join(f"{counts[s]} {s.replace('-', ' ')}" for s in order) + ".")


def action_plan(progress: ActionProgress, month: str) -> str:
    return "\n".join([
        '<section class="actions"><h2>Action plan</h2>',
        f"<p><strong>Progress.</strong> {_e(counts_line(progress.status_counts))}</p>",
        attention_table(progress, month),
        updates_table(progress, SHOWN_HERE) if progress.updates else
        f"<p class=\"source\">No action has changed since {_e(readable_date(progress.since))}."
        "</p>"])


def change_words(update: dict[str, Any]) -> str:
    old, new = ("none" if update[k] is None else update[k] for k in ("old", "new"))
    field = str(update["field"]).replace("_", " ")
    return f"{field}: {old} to {new}".replace("-", " ") if field == "status" else \
        f"{field}: {old} to {new}"


def updates_table(progress: ActionProgress, limit: int | None = None) -> str:
    """The changes since the last briefing, the first `limit` of them (the rest: the appendix)."""
    if not progress.updates:
        return ""
    shown = progress.updates[:limit] if limit else progress.updates
    rest = len(progress.updates) - len(shown)
    more = (f'<p class="source">{rest} more change{"s" if rest != 1 else ""} in the appendix.'
            "</p>" if rest else "")
    rows = "".join(
        f"<tr><td class=\"nowrap\">{_e(u['action'])}</td>"
        f"<td class=\"nowrap\">{_e(readable_date(u['at']))}</td>"
        f"<td>{_e(who_and_how(u['by'], u.get('source')))}</td><td>{_e(change_words(u))}</td>"
        f"<td>{_e(u['note'] or '')}</td></tr>" for u in shown)
    return (f"<h3>Changes to actions since {_e(readable_date(progress.since))}</h3>"
            '<table class="updates"><thead><tr><th scope="col">Action</th>'
            '<th scope="col">When</th><th scope="col">Who and how</th>'
            f'<th scope="col">Change</th><th scope="col">Note</th></tr></thead><tbody>{rows}'
            f"</tbody></table>{more}")
