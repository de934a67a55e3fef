"""The sentences of a briefing (METHOD 2.7), from the judgements of `briefings.assess`.

One sentence per indicator: subject + change (J1, or the trend J2 when the change is not
significant, with J2's context) + connective + the long-term trend against the target (J3).
Surveys: subject + J5 + position against the target. Thin data gets honest wording. Identical
judgements for neighbouring indicators are merged ("This applies similarly to ..."). The word
"significantly" appears only through a J1 band or J5 phrase whose test held. With gaps (METHOD
2.9) the sentence says what J1 rests on ("based on 10 matched months"), or, with no J1, gives
the latest month against a year earlier and the latest 12-month total, and says why there is
no trend judgement.

Two wordings of each sentence: the principal conclusions keep METHOD's bands ("slightly down",
"the long-term trend is sufficient to meet the target"), as the report words them; the
section's sentence (and the chat answer) says the same in a board's words: a change that is not
significant is "down 15%, within normal year-to-year variation", not "slightly down", and the
target is met by "the projected level" where J2 finds no clear trend. Verbs agree with the
subject ("Violence and sexual offences are up").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from data.words import is_plural_name

SUBJECTS = {"all-crime": "Overall crime"}
GOOD_CHANGE = {"lower_is_better": ("down", "reducing", "reduced"),
               "higher_is_better": ("up", "increasing", "increased")}


@dataclass
class Sentence:
    """A sentence, split so that neighbours with the same judgement can be merged."""

    subject: str
    predicate: str  # the conclusion's words after the subject, without the full stop
    text: str  # the section's sentence, in a board's words
    summary: str = ""  # the principal conclusion (METHOD's bands); the text when empty
    key: str = ""  # the judgement in the singular, for merging neighbours; the predicate if empty

    @property
    def conclusion(self) -> str:
        return self.summary or self.text


def subject_of(indicator: str, name: str, area_name: str | None, unit: str) -> str:
    """'Vehicle crime', 'Violence and assault with injury in Kettering Town Centre', ..."""
    subject = SUBJECTS.get(indicator, name)
    if unit == "percent" and subject.lower().startswith("residents"):
        subject = "The percentage of r" + subject[1:]
    return f"{subject} in {area_name}" if area_name else subject


def _tone(words: str, polarity: str) -> int:
    """+1 when the words say the indicator got better, -1 worse, 0 neither."""
    good = GOOD_CHANGE[polarity]
    bad = GOOD_CHANGE["higher_is_better" if polarity == "lower_is_better" else "lower_is_better"]
    if any(w in words for w in ("stable", "not changed", "no clear")):
        return 0
    if any(f" {w}" in f" {words}" for w in good):
        return 1
    if any(f" {w}" in f" {words}" for w in bad):
        return -1
    return 0


def _join(head: str, head_tone: int, tail: str | None, tail_tone: int,
          comma: bool = False) -> str:
    if not tail:
        return head
    head += "," if comma else ""
    if head_tone < 0 < tail_tone:
        return f"{head} although {tail}"
    if head_tone >= 0 > tail_tone:
        return f"{head} but {tail}"
    return f"{head} and {tail}"


def describe_series(out: dict[str, Any], subject: str) -> Sentence:
    """The sentence for one monthly series (an item of assess's "series")."""
    polarity, phrases = out["polarity"], out["phrases"]
    flags = {f["code"] for f in out.get("flags", [])}
    yoy = out.get("yoy")
    no_trend = flag_reason(out, "no_trend_gaps")
    if yoy is None and "too_many_gaps_for_period_change" in flags:
        return _sentence(subject, "; ".join(gap_parts(out, no_trend)))
    if yoy is None:
        return _sentence(subject, "has too few months of figures to judge a change yet (24 are "
                         "needed)")
    matched = (f" (based on {yoy['matched_months']} matched months)"
               if "matched_months" in flags else "")
    if yoy.get("small_counts"):
        head = (f"numbered {yoy['count_current']:,} in the latest 12 months against "
                f"{yoy['count_previous']:,} in the 12 before{matched}, "
                + ("a significant change" if yoy["significant"] else "too few to call a "
                   "change"))
        return _sentence(subject, head + (f"; {no_trend}" if no_trend else ""))
    if phrases.get("context"):
        head = plain = f", {phrases['context']}"
    elif yoy["significant"] or phrases.get("trend") in (None, "no clear trend"):
        head, plain = f"is {phrases['yoy']}", f"is {plain_band(yoy, phrases['yoy'])}"
    else:
        head = plain = f"is {phrases['trend']}"
    target, plain_target = phrases.get("target"), target_words(out)
    if target and "trend_window_shortened" in flags:
        target += " (judged on fewer than 36 months)"
        plain_target = f"{plain_target} (judged on fewer than 36 months)"
    tail_tone = 0 if not target else (1 if " not " not in target else -1)
    tail = f"; {no_trend}" if no_trend else ""
    predicate = _join(head + matched, _tone(head, polarity), target, tail_tone) + tail
    said = _join(plain + matched, _tone(plain, polarity), plain_target, tail_tone,
                 comma="," in plain and not plain.startswith(",")) + tail
    return _sentence(subject, predicate, said)


def plain_band(yoy: dict[str, Any], band: str) -> str:
    """METHOD's band, but a change that is not significant is given with its size, so that a
    large fall is not read as slight: 'down 15%, within normal year-to-year variation'."""
    if yoy["significant"] or not band.startswith("slightly") or yoy.get("pct_change") is None:
        return band
    return (f"{band.removeprefix('slightly ')} {abs(yoy['pct_change']):.0f}%, within normal "
            "year-to-year variation")


def target_words(out: dict[str, Any]) -> str | None:
    """J3 in a board's words: 'the long-term trend' only where J2 finds one, else 'the
    projected level' (no 'no clear trend ... trend is sufficient')."""
    target = out["phrases"].get("target")
    if target and out["phrases"].get("trend") in (None, "no clear trend"):
        return target.replace("the long-term trend", "the projected level")
    return target


def flag_reason(out: dict[str, Any], code: str) -> str | None:
    """A flag's message as a clause ('no trend judgement: ...'), or None without the flag."""
    for f in out.get("flags", []):
        if f["code"] == code:
            return _lower_first(f["message"].rstrip("."))
    return None


def same_month_words(same: dict[str, Any], show: Callable[[int], str] = "{:,}".format) -> str:
    """'2025-04: 31 against 24 in 2024-04 (not a significant change)' (`show` writes a count)."""
    year, month = same["month"].split("-")
    up = same["count_current"] > same["count_previous"]
    verdict = (f"significantly {'up' if up else 'down'}" if same["significant"]
               else "not a significant change")
    return (f"{same['month']}: {show(same['count_current'])} against "
            f"{show(same['count_previous'])} in {int(year) - 1}-{month} ({verdict})")


def latest_twelve_words(latest: dict[str, Any]) -> str:
    """'latest 12 months: 1,234 (2025-01 to 2025-12)'."""
    return f"latest 12 months: {latest['total']:,} ({latest['first']} to {latest['last']})"


def gap_parts(out: dict[str, Any], no_trend: str | None) -> list[str]:
    """The clauses of a series whose gaps leave no J1 (METHOD 2.9)."""
    parts = ["cannot be compared with the 12 months before (too many months are not held)"]
    if out.get("same_month_last_year"):
        parts.append(same_month_words(out["same_month_last_year"]))
    if out.get("latest_12_months"):
        parts.append(latest_twelve_words(out["latest_12_months"]))
    trend, target = out["phrases"].get("trend"), out["phrases"].get("target")
    if trend:
        parts.append(f"the trend is {'unclear' if trend == 'no clear trend' else trend}")
    if target:
        parts.append(target_words(out) or target)
    if no_trend:
        parts.append(no_trend)
    return parts


def describe_survey(out: dict[str, Any], subject: str) -> Sentence:
    """The sentence for one survey indicator (an item of assess's "surveys")."""
    head = out["phrase"]
    polarity = out["polarity"]
    position = out.get("position_vs_target")
    tail = None
    if position and out.get("target_pct") is not None:
        clearly = "clearly " if out.get("position_confident") else ""
        side = position.replace(" target", "")
        tail = f"the current position is {clearly}{side} the target"
    tail_tone = 0 if tail is None else (1 if out.get("meets_target") else -1)
    return _sentence(subject, _join(head, _tone(head, polarity), tail, tail_tone))


def _sentence(subject: str, predicate: str, said: str | None = None) -> Sentence:
    """The sentence, its verbs agreeing with the subject; `said` is the section's wording
    when it differs from the conclusion's."""
    agreed, plain = agree(subject, predicate), agree(subject, said or predicate)
    return Sentence(subject, agreed, f"{subject} {plain}.".replace(" ,", ","),
                    f"{subject} {agreed}.".replace(" ,", ","), predicate)


_VERB = re.compile(r"^((?:, [^,]+, )?)(is|has)\b")


def agree(subject: str, predicate: str) -> str:
    """'is up' -> 'are up', 'has reduced' -> 'have reduced' after a plural subject."""
    if not is_plural_name(subject):
        return predicate
    return _VERB.sub(lambda m: m.group(1) + {"is": "are", "has": "have"}[m.group(2)],
                     predicate, count=1)


def conclusions(sentences: list[Sentence]) -> list[str]:
    """The principal conclusions: one item per sentence, neighbours with the same judgement
    merged ("This applies similarly to repeat domestic burglary.")."""
    items: list[str] = []
    previous: Sentence | None = None
    for s in sentences:
        if previous is not None and (s.key or s.predicate) == (previous.key or previous.predicate):
            items[-1] += f" This applies similarly to {_lower_first(s.subject)}."
            continue
        items.append(s.conclusion)
        previous = s
    return items


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if not text[:2].isupper() else text
