"""The briefing at a glance: one row per section, read from `Section.judgement`, for any reader.

Each row says, in short words, the latest 12 months, the change against the 12 before, whether
that change is significant, the trend, the target's status, and the latest month against normal
variation, with the codes of NHS England's Making Data Count icons (variation: common cause,
special cause concern or improvement, high or low; assurance: the target consistently met, not
met, or hit and miss). The board paper (bot/paper/) draws the icons; a chat post shows the words.
Nothing here knows a platform or a file format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefings.model import Section

SPC_FEWEST = 6  # as briefings/sections.py: fewer points since a gap, no position is given
TREND = {"decreasing": "falling", "increasing": "rising", "no trend": "no clear trend"}
TARGET = {"confident_meet": "on course", "likely_meet": "likely to be met",
          "likely_miss": "likely to be missed", "confident_miss": "not on course"}
VARIATION_WORDS = {
    "common": "normal variation",
    "improvement-high": "improvement (high)", "improvement-low": "improvement (low)",
    "concern-high": "concern (high)", "concern-low": "concern (low)",
    "neutral-high": "unusual (high)", "neutral-low": "unusual (low)"}
ASSURANCE_WORDS = {"pass": "target met every month", "fail": "target missed every month",
                   "inconsistent": "target met in some months"}
ASSURANCE = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "inconsistent"}


@dataclass
class GlanceRow:
    """One indicator at a glance; empty text where the judgement says nothing of it."""

    key: str
    title: str
    latest: str  # the latest 12 months (a survey: the latest wave)
    change: str  # "-6.0%", "-8.6 points"
    significance: str  # "significant", "not significant" or ""
    trend: str  # "falling", "rising", "no clear trend" or ""
    target: str  # "on course", "below target", "no target", ...
    variation: str | None  # a key of VARIATION_WORDS, or None (not judged)
    assurance: str | None  # a key of ASSURANCE_WORDS, or None (no monthly target)
    survey: bool = False  # two survey waves: no monthly variation to judge

    @property
    def variation_words(self) -> str:
        return VARIATION_WORDS.get(self.variation or "", "survey" if self.survey
                                   else "not judged")

    @property
    def assurance_words(self) -> str:
        return ASSURANCE_WORDS.get(self.assurance or "", "")


def glance_rows(sections: list[Section], suppress_below: int = 5) -> list[GlanceRow]:
    """One row per section, in the briefing's order."""
    return [survey_row(s) if "change_pp" in s.judgement else series_row(s, suppress_below)
            for s in sections]


def series_row(s: Section, suppress_below: int) -> GlanceRow:
    out = s.judgement
    hidden = any(n.startswith("Counts below") for n in s.notes)

    def show(value: float) -> str:
        if hidden and 0 < value < suppress_below:
            return f"fewer than {suppress_below}"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"

    yoy, total = out.get("yoy"), out.get("latest_12_months")
    latest, change, significance = "", "", ""
    if yoy:
        latest = show(yoy["count_current"])
        change = (f"{yoy['pct_change']:+.1f}%" if yoy.get("pct_change") is not None
                  and not yoy.get("small_counts") else "too few to say")
        significance = "significant" if yoy["significant"] else "not significant"
    elif total:
        latest = show(total["total"])
    mk = (out.get("mann_kendall") or {}).get("current")
    trend = TREND.get(mk["trend"], mk["trend"]) if mk else ""
    projection = out.get("projection") or {}
    target = (TARGET.get(projection.get("confidence") or "", "no target")
              if projection.get("target_value") is not None else "no target")
    spc = out.get("spc") or {}
    return GlanceRow(s.key, s.title, latest, change, significance, trend, target,
                     variation_of(spc), ASSURANCE.get(spc.get("assurance_vs_monthly_target")
                                                      or ""))


def variation_of(spc: dict[str, Any]) -> str | None:
    """The MDC variation icon of the latest month: None when too few months were judged."""
    if not spc or len(spc.get("point_type") or []) < SPC_FEWEST:
        return None
    kind = spc["latest_point_type"]
    if kind == "common_cause":
        return "common"
    label = spc.get("latest_special_cause_type") or ""
    side = "high" if ("Above" in label or "Increasing" in label) else "low"
    name = {"special_cause_improvement": "improvement",
            "special_cause_concern": "concern"}.get(kind, "neutral")
    return f"{name}-{side}"


def survey_row(s: Section) -> GlanceRow:
    out = s.judgement
    latest = f"{out['pct_current']:.1f}% (latest survey)"
    met = out.get("meets_target")
    target = ("no target" if out.get("target_pct") is None else
              f"met ({out['target_pct']:g}% target)" if met else
              f"not met ({out['target_pct']:g}% target)" if met is False else "not judged")
    return GlanceRow(s.key, s.title, latest, f"{out['change_pp']:+.1f} points",
                     "significant" if out.get("significant") else "not significant", "",
                     target, None, None, survey=True)


GLANCE_HEADERS = ["Indicator", "12 months", "Change", "Variation", "Target"]
GLANCE_NOTE = "* a significant change: unlikely to be chance."
SHORT_VARIATION = {"common": "normal", "improvement-high": "better (high)",
                   "improvement-low": "better (low)", "concern-high": "worse (high)",
                   "concern-low": "worse (low)", "neutral-high": "unusual (high)",
                   "neutral-low": "unusual (low)"}


def glance_cells(rows: list[GlanceRow]) -> list[list[str]]:
    """The rows as a compact table for chat, under GLANCE_HEADERS (GLANCE_NOTE under it)."""
    return [[r.title, r.latest.replace(" (latest survey)", ""),
             r.change.replace(" points", " pts") + ("*" if r.significance == "significant"
                                                    else ""),
             SHORT_VARIATION.get(r.variation or "", "survey" if r.survey else "not judged"),
             r.target] for r in rows]
