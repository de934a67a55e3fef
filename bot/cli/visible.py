"""Text for the operator's terminal, where control characters are commands: ESC opens colour,
cursor and OSC 8 hyperlink sequences, CR and BS overwrite what was printed, and bidirectional
overrides reorder it. `visible` shows each such character as its escape (`\\x1b`, `\\u202e`)
instead, so the terminal prints what was typed. A module of its own so that the command line's
reports (bot/cli/report.py, used by `cspbot ingest`) load no handlers, and their imports, to
print."""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls (CSI is U+009B), bidirectional controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                      r"\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` for a terminal: every control character shown as its escape, e.g. '\\x1b'."""
    return _CONTROL.sub(lambda m: ascii(m[0])[1:-1], text)
