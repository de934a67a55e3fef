"""Making Data Count icons (NHS England's SPC summary icons) as small inline SVG, and their key.

Variation: common cause (grey), special cause improvement (blue) or concern (orange), "H" when
the unusual months are high, "L" when low; an unusual month of an indicator with no better
direction is purple. Assurance: the target met every month ("P", blue), missed every month
("F", orange), or met in some months and not others ("?", grey). Each icon carries its meaning
as a title and aria-label, and the table writes the words beside it, so print in black and
white still reads.
"""

from __future__ import annotations

from html import escape

from briefings.glance import ASSURANCE_WORDS, VARIATION_WORDS

BLUE, ORANGE, GREY, PURPLE = "#1F77B4", "#D9730D", "#7B7D7D", "#5B2C8F"
COLOURS = {"improvement": BLUE, "concern": ORANGE, "common": GREY, "neutral": PURPLE}
ASSURANCE_MARK = {"pass": ("P", BLUE), "fail": ("F", ORANGE), "inconsistent": ("?", GREY)}
DOTS_FLAT = "4,15 8,12 12,16 16,13 20,15"  # a process that wanders about its mean
SIZE = 22


def _svg(label: str, colour: str, inner: str) -> str:
    return (f'<svg class="icon" viewBox="0 0 24 24" width="{SIZE}" height="{SIZE}" '
            f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
            f'<circle cx="12" cy="12" r="10.5" fill="#fff" stroke="{colour}" '
            f'stroke-width="2"/>{inner}</svg>')


def _letter(letter: str, colour: str, y: float = 16.5) -> str:
    return (f'<text x="12" y="{y}" text-anchor="middle" font-size="12" font-weight="700" '
            f'font-family="Arial, sans-serif" fill="{colour}">{escape(letter)}</text>')


def variation_icon(code: str | None) -> str:
    """The variation icon of a glance row's code; empty when the month was not judged."""
    if code is None:
        return ""
    label = "Variation: " + VARIATION_WORDS[code]
    if code == "common":
        dots = "".join(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="1.6" '
                       f'fill="{GREY}"/>' for p in DOTS_FLAT.split())
        return _svg(label, GREY, f'<polyline points="{DOTS_FLAT}" fill="none" '
                                 f'stroke="{GREY}" stroke-width="1"/>{dots}')
    kind, side = code.split("-")
    colour = COLOURS[kind]
    return _svg(label, colour, _letter("H" if side == "high" else "L", colour))


def assurance_icon(code: str | None) -> str:
    """The assurance icon of a glance row's code; empty without a monthly target."""
    if code is None:
        return ""
    letter, colour = ASSURANCE_MARK[code]
    return _svg("Assurance: " + ASSURANCE_WORDS[code], colour, _letter(letter, colour))


KEY_VARIATION = [
    ("common", "Normal variation: nothing unusual in the latest months."),
    ("improvement-low", "Improvement: unusually low (L) or high (H) months, for the better."),
    ("concern-high", "Concern: unusually high (H) or low (L) months, for the worse."),
]
KEY_ASSURANCE = [
    ("pass", "The normal range lies wholly on the right side of the target: met every month."),
    ("fail", "The normal range lies wholly on the wrong side: missed every month."),
    ("inconsistent", "The target lies within the normal range: met in some months, not others."),
]


def icon_key() -> str:
    """The key under the at-a-glance table: each icon and what it says."""
    lists = []
    for heading, icon, entries in (("Variation", variation_icon, KEY_VARIATION),
                                   ("Target (assurance)", assurance_icon, KEY_ASSURANCE)):
        lists.append(f"<div><p>{heading}</p><ul class=\"key\">" + "".join(
            f"<li>{icon(code)} {escape(words)}</li>" for code, words in entries) + "</ul></div>")
    return '<div class="key" aria-label="Key to the icons">' + "".join(lists) + "</div>"
