"""`write_briefing(briefing, out_dir)`: the monthly briefing as files, for `cspbot briefing`.

Writes one PNG per chart, briefing.md (for reading and for mail), briefing.json (the whole
`Briefing`, each chart's PNG replaced by its file name) and briefing.html: one self-contained,
printable page with the charts embedded as data: URIs and nothing fetched from elsewhere.

Titles, sentences, facts, notes and action titles come from partnership files, imports and chat
updates, so every piece of text is escaped: html.escape in the HTML; in the Markdown, by
bot/cli/markdown_text.py, so that no text becomes a link, an image, raw HTML, emphasis, a heading,
a list or a table, whatever it holds. Closed <details> do not print
in every browser and the page runs no script, so each chart's table is written twice: in a
<details> on screen and in a block shown only in print.
"""

from __future__ import annotations

import base64
import json
import re
import struct
from collections.abc import Sequence
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import Any

from bot.cli import markdown_text
from briefings.model import Briefing, Chart, Section
from data.queries import as_ranges

MONTH = re.compile(r"^\d{4}-\d{2}$")


def write_briefing(briefing: Briefing, out_dir: Path | str) -> list[Path]:
    """Write the charts, briefing.md, briefing.json and briefing.html; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in briefing.charts():
        path = out / png_name(chart)
        path.write_bytes(chart.png)
        written.append(path)
    for name, text in (("briefing.md", render_markdown(briefing)),
                       ("briefing.json", render_json(briefing)),
                       ("briefing.html", render_html(briefing))):
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def png_name(chart: Chart) -> str:
    """'violent-crime@town-centre' -> 'violent-crime_town-centre.png'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", chart.name) + ".png"


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
                        [[u["action"], u["at"], u["by"], update_change(u), u["note"] or ""]
                         for u in a.updates]) if a.updates else ["None.", ""])
    lines += ["## Data", ""] + _md_table(
        ["Source", "Latest", "Months missing"],
        [[f.source, (f.latest or "none") + (" (behind)" if f.behind else ""),
          missing_text(f.missing)] for f in b.freshness])
    lines += ["## Figures revised since the last briefing", ""]
    lines += [f"- {_block(r)}" for r in b.revisions] or [f"None since {_md(a.since)}."]
    return "\n".join(lines).rstrip("\n") + "\n"


STYLE = """
:root { color: #1d1d1b; background: #fff; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  margin: 0 auto; max-width: 52rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 1rem 0; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 2px solid #361475; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.illustrative { border-left: 6px solid #FAB428; background: #FFF6E0; padding: .5rem .8rem; }
.sentence { font-size: 1.1rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f0eef5; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
table.facts th { font-weight: 600; background: #f7f7f7; width: 16rem; }
figure { margin: 1rem 0; }
img { max-width: 100%; height: auto; }
details { margin: .3rem 0 1rem; } summary { cursor: pointer; color: #361475; }
.print-only { display: none; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10pt; max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section.indicator, section.overview, section.actions { break-before: page; }
  figure, table.facts, tr { break-inside: avoid; }
  details { display: none; }
  .print-only { display: block; }
  .print-only table { font-size: 8pt; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _html_table(headers: list[str], rows: Sequence[Sequence[object]], caption: str = "") -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_figure(chart: Chart) -> str:
    """The chart as a data: URI with its alt text, then its data table (screen and print)."""
    width, height = png_size(chart.png)
    src = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
    table = _html_table(chart.headers, chart.rows)
    printed = _html_table(chart.headers, chart.rows, "The figures behind the chart above")
    return (f'<figure><img src="{src}" alt="{_e(chart.alt_text)}" width="{width}" '
            f'height="{height}"></figure>\n<details><summary>The figures behind this chart'
            f'</summary>{table}</details>\n<div class="print-only">{printed}</div>')


def html_section(s: Section) -> str:
    facts = "".join(f'<tr><th scope="row">{_e(f.label)}</th><td>{_e(f.value)}</td></tr>'
                    for f in s.facts)
    parts = [f'<section class="indicator" id="{_e(s.key)}">', f"<h2>{_e(s.title)}</h2>",
             f'<p class="sentence">{_e(s.sentence)}</p>']
    if facts:
        parts.append(f'<table class="facts"><tbody>{facts}</tbody></table>')
    if s.chart:
        parts.append(html_figure(s.chart))
    if s.notes:
        parts.append("<ul class=\"notes\">" + "".join(f"<li>Note: {_e(n)}</li>" for n in s.notes)
                     + "</ul>")
    return "\n".join(parts + ["</section>"])


def render_html(b: Briefing) -> str:
    a = b.actions
    body = [f"<header><h1>{_e(b.title)}</h1>"]
    body += [f'<p class="illustrative"><strong>{_e(n)}</strong></p>' for n in b.notes]
    body += ["</header>", '<section class="conclusions"><h2>Principal conclusions</h2><ul>']
    body += [f"<li>{_e(c)}</li>" for c in b.conclusions] + ["</ul></section>"]
    if b.overview:
        body += ['<section class="overview"><h2>All monthly indicators</h2>',
                 html_figure(b.overview), "</section>"]
    body += [html_section(s) for s in b.sections]
    body += ['<section class="actions"><h2>Action plan</h2>',
             f"<p>{_e(status_text(a.status_counts))}</p>",
             f"<h3>Overdue at the end of {_e(b.month)}</h3>"]
    body.append(_html_table(OVERDUE, overdue_rows(a.overdue)) if a.overdue else "<p>None.</p>")
    body.append(f"<h3>Updates since {_e(a.since)}</h3>")
    body.append(_html_table(["Action", "When", "By", "Change", "Note"],
                            [[u["action"], u["at"], u["by"], update_change(u), u["note"] or ""]
                             for u in a.updates]) if a.updates else "<p>None.</p>")
    body += ["</section>", '<section class="data"><h2>Data</h2>', _html_table(
        ["Source", "Latest", "Months missing"],
        [[f.source, (f.latest or "none") + (" (behind)" if f.behind else ""),
          missing_text(f.missing)] for f in b.freshness]), "</section>",
             '<section class="revisions"><h2>Figures revised since the last briefing</h2>']
    body.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in b.revisions) + "</ul>"
                if b.revisions else f"<p>None since {_e(a.since)}.</p>")
    body.append("</section>")
    return ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(b.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
