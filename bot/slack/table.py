"""A table in Slack: monospaced code blocks with columns padded to width, numbers to the
right, the header repeated in each section. A long cell wraps onto more lines at spaces (within
its column) rather than being cut mid-word; only a word longer than a column is broken.
Everything is escaped (bot/slack/escape.py)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from itertools import zip_longest

from bot.slack.escape import fit
from handlers.reply import Table

CELL_CHARS = 40  # a column is at most this wide; a longer cell wraps onto more lines
LINE_CHARS = 300  # a table line (counted escaped) longer than this is cut with '…'
_NUMBER = re.compile(r"^[-+−]?[\d,.]+%?$")


def table_sections(table: Table, budget: int, section_chars: int) -> list[str]:
    """The table's section texts, cut to `budget` sections with a note of how many rows are
    shown; a row's lines stay together."""
    rows = aligned_rows([table.headers, *table.rows])
    head = rows[:2] if table.headers else []
    body = rows[2:] if table.headers else rows
    room = section_chars - 80  # the fences and the "(first N rows of M)" note
    chunks: list[list[str]] = [[]]
    size = sum(len(row) + 1 for row in head)
    for row in body:
        if chunks[-1] and size + len(row) + 1 > room:
            chunks.append([])
            size = sum(len(line) + 1 for line in head)
        chunks[-1].append(row)
        size += len(row) + 1
    shown = chunks[:budget]
    texts = ["```\n" + "\n".join(head + chunk) + "\n```" for chunk in shown]
    count = sum(len(chunk) for chunk in shown)
    if not table.rows:
        texts[-1] += "\n_(no rows)_"
    elif count < len(table.rows):
        texts[-1] += f"\n_(first {count} rows of {len(table.rows)})_"
    return texts


def aligned_rows(rows: Sequence[Sequence[object]]) -> list[str]:
    """Each row as escaped lines (joined by newlines) with columns padded to width; the header
    underlined."""
    cells = [[cell_lines(value) for value in row] for row in rows]
    columns = max((len(row) for row in cells), default=0)
    cells = [row + [[""]] * (columns - len(row)) for row in cells]
    widths = [max((len(line) for row in cells for line in row[c]), default=0)
              for c in range(columns)]
    numeric = [all(_NUMBER.match(" ".join(row[c])) for row in cells[1:] if row[c] != [""])
               for c in range(columns)]
    out = []
    for row in cells:
        lines = []
        for parts in zip_longest(*row, fillvalue=""):
            padded = [value.rjust(widths[c]) if numeric[c] else value.ljust(widths[c])
                      for c, value in enumerate(parts)]
            lines.append(fit("  ".join(padded).rstrip(), LINE_CHARS))
        out.append("\n".join(lines))
    if rows and rows[0]:
        out.insert(1, fit("  ".join("-" * width for width in widths), LINE_CHARS))
    return out


def cell_lines(value: object) -> list[str]:
    """A cell's text in lines of at most CELL_CHARS, wrapped at spaces."""
    text = " ".join(str(value).split()).replace("`", "'")  # no fence inside a fence
    return textwrap.wrap(text, CELL_CHARS, break_on_hyphens=False) or [""]
