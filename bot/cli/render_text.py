"""Rendering a neutral Reply as plain text for the console; charts written as PNG files.

Text from partnership files, imports and chat goes to the operator's terminal, where control
characters are commands: ESC opens colour, cursor and OSC 8 hyperlink sequences, CR and BS
overwrite what was printed, and bidirectional overrides reorder it. `visible`
(bot/cli/visible.py) shows each such character as its escape instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli.visible import visible
from handlers.reply import Actions, Chart, Divider, Facts, Reply, Table, Text

__all__ = ["format_table", "render_text", "visible"]


def render_text(reply: Reply, chart_dir: Path) -> str:
    lines = [reply.title, "=" * min(len(reply.title), 78)]
    for block in reply.blocks:
        if isinstance(block, Text):
            lines.append(re.sub(r"[*_`]", "", block.markdown))
        elif isinstance(block, Facts):
            width = max((len(label) for label, _ in block.items), default=0)
            lines += [f"{label.ljust(width)}  {value}" for label, value in block.items]
        elif isinstance(block, Table):
            lines.append(format_table(block.headers, [[re.sub(r"[*_`]", "", str(c)) for c in row]
                                                      for row in block.rows]))
        elif isinstance(block, Chart):
            chart_dir.mkdir(parents=True, exist_ok=True)
            path = chart_dir / block.filename
            path.write_bytes(block.png)
            lines.append(f"[chart: {path}] {block.alt_text}")
        elif isinstance(block, Divider):
            lines.append("-" * 40)
        elif isinstance(block, Actions):
            asks = [f"/csp {b.asks}" for b in block.buttons if b.asks]
            forms = [f"/csp update {b.value.partition(':')[2]}" for b in block.buttons
                     if not b.asks]
            lines += ([f"(to update: {'; '.join(forms)})"] if forms else []) + (
                [f"(more: {'; '.join(asks)})"] if asks else [])
        lines.append("")
    return visible("\n".join(lines).rstrip() + "\n")


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])
