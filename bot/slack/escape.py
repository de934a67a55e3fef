"""Slack's escaping of user text, and fitting escaped text into Slack's length limits.

Everything shown in Slack that came from users or files (titles, notes, facts, table cells,
button and form labels) goes through `escape_slack`: '&', '<' and '>' become entities, so no
`<!channel>`, `<!here>`, `<@U123>`, `<#C123>` or `<http://x|y>` link can be smuggled into a
message. The handlers' markdown subset (*bold*, _italic_, `code`) is formatting and is kept.

Limits count the characters Slack receives, that is after escaping; `fit` and `split` never cut
an entity such as '&amp;' in two, and cut at a space rather than inside a word when they can.
"""

from __future__ import annotations

ELLIPSIS = "…"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_slack(text: str) -> str:
    """'&', '<', '>' -> '&amp;', '&lt;', '&gt;' (Slack's three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """`text` escaped, cut to at most `limit` characters with a trailing '…' if it was longer."""
    escaped = escape_slack(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    size = 0
    for char in text:
        piece = _ENTITIES.get(char, char)
        if size + len(piece) > limit - len(ELLIPSIS):
            break
        out.append(piece)
        size += len(piece)
    kept = len(out)
    if kept < len(text) and not text[kept].isspace():  # inside a word: back to its start
        space = max((n for n in range(kept) if text[n].isspace()), default=-1)
        if space > kept // 2:
            out = out[:space]
    while out and out[-1] in (" ", ",", ";", ":"):  # (an entity is one piece, never split)
        out.pop()
    return "".join(out) + ELLIPSIS


def split(escaped: str, limit: int) -> list[str]:
    """Already escaped text in pieces of at most `limit` characters, cut at line ends when it
    can be, else at a space, else anywhere but inside an entity. Empty pieces are dropped."""
    pieces: list[str] = []
    current = ""
    for line in escaped.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(line) > limit:
            cut = _cut_point(line, limit)
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip(" ")
        current = line
    if current.strip():
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def _cut_point(line: str, limit: int) -> int:
    space = line.rfind(" ", 0, limit + 1)
    if space > limit // 2:
        return space
    amp = line.rfind("&", max(0, limit - 4), limit)
    if amp != -1 and ";" not in line[amp:limit]:
        return amp  # do not cut '&amp;', '&lt;' or '&gt;' in two
    return limit
