"""`write_briefing(briefing, out_dir)`: the monthly briefing as files, for `cspbot briefing`.

Writes one PNG per chart and a CSV of its figures beside it, briefing.md (for reading and for
mail), briefing.json (the whole `Briefing`, each chart's PNG replaced by its file name) and
briefing.html: the board paper (bot/paper/), one self-contained page that prints on A4, with the
charts embedded as data: URIs and nothing fetched from elsewhere.

Titles, sentences, facts, notes and action titles come from partnership files, imports and chat
updates, so every piece of text is escaped: html.escape in the HTML; in the Markdown, by
bot/cli/markdown_text.py, so that no text becomes a link, an image, raw HTML, emphasis, a heading,
a list or a table, whatever it holds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.cli import markdown_text
from bot.paper.actions import readable_date, who_and_how
from bot.paper.appendix import csv_name
from bot.paper.page import render_paper
from briefings.model import Briefing, Chart
from data.queries import as_ranges

MONTH = re.compile(r"^\d{4}-\d{2}$")


def write_briefing(briefing: Briefing, out_dir: Path | str, suppress_below: int = 5
                   ) -> list[Path]:
    """Write the charts and their CSVs, briefing.md, briefing.json and briefing.html; return
    their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in briefing.charts():
        path = out / png_name(chart)
        path.write_bytes(chart.png)
        figures = out / csv_name(chart)
        figures.write_text(chart_csv(chart), encoding="utf-8", newline="")
        written += [path, figures]
    for name, text in (("briefing.md", render_markdown(briefing)),
                       ("briefing.json", render_json(briefing)),
                       ("briefing.html", render_paper(briefing, suppress_below))):
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def png_name(chart: Chart) -> str:
    """'violent-crime@town-centre' -> 'violent-crime_town-centre.png'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", chart.name) + ".png"


def chart_csv(chart: Chart) -> str:
    """The chart's figures as CSV (RFC 4180 line ends), its headers first."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(chart.headers)
    writer.writerows(chart.rows)
    return text.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def render_json(briefing: Briefing) -> str:
    """The whole briefing as JSON, keys sorted, each chart's PNG named by its file."""
    document = asdict(briefing)
    for chart, data in zip(briefing.charts(), _chart_dicts(document), strict=True):
        data["png"] = png_name(chart)
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False,
                      allow_nan=False) + "\n"


def _chart_dicts(document: dict[str, Any]) -> list[dict[str, Any]]:
    charts = [s["chart"] for s in document["sections"] if s["chart"] is not None]
    return ([document["overview"]] if document["overview"] else []) + charts


def status_text(counts: dict[str, int]) -> str:
    """{'complete': 2, 'on-track': 19} -> '21 actions: 2 complete, 19 on track.'"""
    if not counts:
        return "No actions in the plan."
    parts = ", ".join(f"{n} {status.replace('-', ' ')}" for status, n in counts.items())
    return f"{sum(counts.values())} actions: {parts}."


def missing_text(missing: list[str]) -> str:
    if missing and all(MONTH.match(m) for m in missing):
        return as_ranges(missing).replace("..", " to ")
    return " ".join(missing) or "none"


OVERDUE = ["Action", "Title", "Lead", "Due", "Status"]


def overdue_rows(overdue: list[dict[str, Any]]) -> list[list[str]]:
    return [[o["id"], o["title"], o["lead"] or "", o["due"], o["status"].replace("-", " ")]
            for o in overdue]


def update_change(update: dict[str, Any]) -> str:
    """'status: on-track → complete' (a value of 0 stays 0; only a missing one is 'none')."""
    old, new = ("none" if update[k] is None else update[k] for k in ("old", "new"))
    return f"{update['field']}: {old} → {new}"


_md = markdown_text.inline  # the middle of a line: a heading, a table cell, a note
_block = markdown_text.block  # what starts a line: a sentence, a conclusion, a quoted note


def _md_table(headers: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _md_image(chart: Chart) -> str:
    return f"![{markdown_text.inline(chart.alt_text)}]({png_name(chart)})"


def render_markdown(b: Briefing) -> str:
    lines = [f"# {_md(b.title)}", ""]
    lines += [f"> {_block(n)}" for n in b.notes] + ([""] if b.notes else [])
    lines += ["## Principal conclusions", ""] + [f"- {_block(c)}" for c in b.conclusions] + [""]
    if b.overview:
        lines += ["## All monthly indicators", "", _md_image(b.overview), ""]
    for s in b.sections:
        lines += [f"## {_md(s.title)}", "", _block(s.sentence), ""]
        if s.facts:
            lines += _md_table(["Fact", "Value"], [[f.label, f.value] for f in s.facts])
        if s.chart:
            lines += [_md_image(s.chart), ""]
        lines += [f"- Note: {_md(n)}" for n in s.notes] + ([""] if s.notes else [])
    a = b.actions
    lines += ["## Action plan", "", status_text(a.status_counts), "",
              f"### Overdue at the end of {_md(b.month)}", ""]
    lines += (_md_table(OVERDUE, overdue_rows(a.overdue)) if a.overdue else ["None.", ""])
    lines += [f"### Updates since {_md(a.since)}", ""]
    lines += (_md_table(["Action", "When", "By", "Change", "Note"],
                        [[u["action"], readable_date(u["at"]),
                          who_and_how(u["by"], u.get("source")), update_change(u),
                          u["note"] or ""]
                         for u in a.updates]) if a.updates else ["None.", ""])
    lines += ["## Data", ""] + _md_table(
        ["Source", "Latest", "Months missing"],
        [[f.source, (f.latest or "none") + (" (behind)" if f.behind else ""),
          missing_text(f.missing)] for f in b.freshness])
    lines += ["## Figures revised since the last briefing", ""]
    lines += [f"- {_block(r)}" for r in b.revisions] or [f"None since {_md(a.since)}."]
    return "\n".join(lines).rstrip("\n") + "\n"
