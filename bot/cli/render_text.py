"""Rendering a neutral Reply as plain text for the console; charts written as PNG files.

Text from partnership files, imports and chat goes to the operator's terminal, where control
characters are commands: ESC opens colour, cursor and OSC 8 hyperlink sequences, CR and BS
overwrite what was printed, and bidirectional overrides reorder it. `visible` shows each such
character as its escape (`\x1b`, `\u202e`) instead, so the terminal prints what was typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from handlers.reply import Actions, Chart, Divider, Facts, Reply, Table, Text

# C0 controls but tab and line feed, DEL, C1 controls (CSI is U+009B), bidirectional controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                      r"\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` for a terminal: every control character shown as its escape, e.g. '\\x1b'."""
    return _CONTROL.sub(lambda m: ascii(m[0])[1:-1], text)


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
