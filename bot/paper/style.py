"""The board paper's CSS: a readable page on screen, and A4 in print.

Print: A4 with 14 mm side margins; the title page, the action plan, the indicators and the
appendix each start a page; no figure, table or indicator section is split across pages
(break-inside: avoid); month cells never wrap. The footer (the partnership and month on the
left, "Page N of M" on the right) is drawn in @page margin boxes, which Chromium prints since
version 131 (headless `--print-to-pdf` included; the browser's own header and footer are then
not added); a browser without them prints no footer and loses nothing else.
"""

from __future__ import annotations

from briefings.charts import INDICATOR_PRINT_MM, SURVEY_PRINT_MM

SCREEN = """
:root { color: #1d1d1b; background: #fff; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  margin: 0 auto; max-width: 56rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.2; margin: .6rem 0 .5rem; color: #361475; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid #361475; }
h3 { font-size: 1.02rem; margin: 1rem 0 .3rem; }
.illustrative { border-left: 6px solid #FAB428; background: #FFF6E0; padding: .3rem .7rem;
  margin: .4rem 0; }
ul.conclusions { margin: .3rem 0 .6rem; padding-left: 1.2rem; }
ul.conclusions li { margin: .15rem 0; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-size: .9rem; }
th, td { border: 1px solid #c8c8c8; padding: .2rem .4rem; text-align: left;
  vertical-align: middle; }
thead th { background: #f0eef5; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap, td.month, th.month { white-space: nowrap; }
table.glance { width: 100%; }
table.glance td.icon { white-space: nowrap; }
svg.icon { vertical-align: middle; margin-right: .2rem; }
div.key { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1rem; font-size: .8rem; }
div.key p { margin: .1rem 0; font-weight: 600; }
ul.key { list-style: none; padding: 0; margin: 0; }
ul.key li { display: flex; align-items: center; gap: .3rem; margin: .1rem 0; }
figure { margin: .4rem 0; }
img { max-width: 100%; height: auto; }
p.plain { margin: .3rem 0; }
p.footnote, p.source { font-size: .8rem; color: #444; margin: .2rem 0; }
section.indicator { margin-bottom: 1.2rem; }
table.figures { font-size: .78rem; width: 100%; }
table.figures td, table.figures th { padding: .1rem .25rem; }
"""

PRINT = """
@page { size: A4; margin: 10mm 14mm 13mm;
  @bottom-left { content: FOOTER; font: 8pt Arial, sans-serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
    font: 8pt Arial, sans-serif; color: #555; } }
@media print {
  body { font-size: 9.5pt; line-height: 1.35; max-width: none; padding: 0; }
  h1 { font-size: 17pt; margin-top: 0; }
  h2 { font-size: 12.5pt; margin: .5rem 0 .3rem; break-after: avoid; }
  h3 { font-size: 10pt; break-after: avoid; }
  table { font-size: 8.5pt; }
  table.glance { font-size: 8pt; }
  table.glance td, table.glance th { padding: 1px 3px; }
  div.key { font-size: 7.5pt; }
  section.actions, section.indicators, section.appendix { break-before: page; }
  section.indicator, figure, table, div.key, .keep { break-inside: avoid; }
  section.indicator { margin-bottom: 4mm; }
  section.indicator h2 { margin-top: 0; }
  p.sentence, p.plain { margin: 1mm 0; }
  figure { margin: 1mm 0; }
  img.chart { width: INDICATORmm; }
  img.chart.small { width: SURVEYmm; }
  img.overview { width: 100%; }
  table.figures { font-size: 6.5pt; margin: 1mm 0 2mm; }
  table.figures th[scope=row] { white-space: nowrap; }
  table.figures td, table.figures th { padding: 0 2px; }
  p.footnote, p.source { font-size: 7.5pt; }
  a { color: inherit; text-decoration: none; }
}
"""
PRINT = PRINT.replace("INDICATORmm", f"{INDICATOR_PRINT_MM}mm").replace(
    "SURVEYmm", f"{SURVEY_PRINT_MM}mm")  # each chart printed at the width it is drawn for


def css_string(text: str) -> str:
    """`text` as a CSS string that nothing can close early (nor the <style> element)."""
    return '"' + "".join(c if c.isalnum() or c in " ,.:;()'-" else f"\\{ord(c):x} "
                         for c in text) + '"'


def stylesheet(footer: str) -> str:
    """The whole CSS, the print footer reading `footer`."""
    return SCREEN + PRINT.replace("FOOTER", css_string(footer))
