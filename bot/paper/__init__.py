"""The monthly briefing as a board paper: one self-contained HTML page that prints on A4.

`page.render_paper(briefing)` gives the page: the title, the principal conclusions and the
at-a-glance table (briefings/glance.py, with Making Data Count icons drawn as inline SVG by
`icons`), the action plan as a board reads it (`actions`), one short section per indicator
(`indicators`), then the appendix: monthly figures, the statistics and the data's freshness
(`appendix`). `style` holds the screen and print CSS. Written to a file by `cspbot briefing`
(bot/cli/briefing_files.py) and uploaded with the Slack post of the briefing (bot/delivery/).

Imports bot/ itself and the layers below; nothing else of bot/.
"""
