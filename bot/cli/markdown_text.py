"""Text as Markdown that shows exactly what was typed, for briefing.md (bot/cli/briefing_files.py).

Titles, names, notes and sentences come from partnership files, imports and chat updates, and
briefing.md is read on GitHub, in editors and in mail clients that render Markdown. So nothing
in it may become a link, an image, raw HTML, emphasis, code, a heading, a list or a table:

- line breaks become spaces (no new block can start inside a piece of text);
- the characters that open inline syntax are backslash-escaped wherever they are:
  \\ ` * _ [ ] { } | ~ $ # (links, images, emphasis, code, strikethrough, tables, footnotes,
  attribute lists, maths, headings);
- '<' before a letter, '/', '!' or '?' (a tag, a comment or an autolink such as <http://x>)
  and '&' that starts an entity are escaped; 'p < 0.001' stays as it is;
- bare web addresses are broken up (`http\\://`, `www\\.`) so GitHub does not link them;
- `block(text)`, for text that starts a line, also escapes what would open a block there:
  '>', '-', '+', '=' and the '.' or ')' of an ordered list marker such as '1.'.

CommonMark lets a backslash escape any ASCII punctuation, so every escape renders as the
character itself. Parentheses and full stops elsewhere stay, so the file reads as plain text.
"""

from __future__ import annotations

import re

_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")
_INLINE = re.compile(r"([\\`*_\[\]{}|~$#])")
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_SCHEME = re.compile(r"(?<=[A-Za-z0-9])://")
_WWW = re.compile(r"(?<![A-Za-z0-9.\\-])(www)\.", re.IGNORECASE)
_BLOCK_MARK = re.compile(r"^(?:[>+=-]|(\d{1,9})([.)]))")


def inline(text: object) -> str:
    """Text for the middle of a line (a table cell, after '## ' or '- Note: ')."""
    one_line = _BREAKS.sub(" ", str(text)).strip()
    escaped = _INLINE.sub(r"\\\1", one_line)
    escaped = _ENTITY.sub(r"\\&", _TAG.sub(r"\\<", escaped))
    return _WWW.sub(r"\1\\.", _SCHEME.sub(r"\\://", escaped))


def block(text: object) -> str:
    """Text that starts a line or a list item or quote (a sentence, a conclusion)."""
    escaped = inline(text)
    return _BLOCK_MARK.sub(lambda m: (f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[0]}"), escaped)
